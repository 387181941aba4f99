// Small SVG charts, drawn here: no chart library. Each chart is an image with a text description.

import {h, s} from "./dom.js";

let chartCount = 0;

function frame(width, height, title, description, ...children) {
  const id = `chart${++chartCount}`;
  return s("svg", {class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-labelledby": `${id}-t ${id}-d`, preserveAspectRatio: "xMidYMid meet"},
  s("title", {id: `${id}-t`}, title), s("desc", {id: `${id}-d`}, description), ...children);
}

function niceMax(value) {
  if (value <= 5) return Math.max(1, Math.ceil(value));
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= value);
}

/** Vertical bars over days, with a y axis: [{label, value}]. */
export function columnChart(items, {title, unit = ""}) {
  const width = 640;
  const height = 240;
  const pad = {top: 16, right: 12, bottom: 36, left: 40};
  const max = niceMax(Math.max(0, ...items.map((d) => d.value)));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const step = innerW / Math.max(1, items.length);
  const barW = Math.max(2, Math.min(40, step * 0.7));
  const y = (v) => pad.top + innerH - (v / max) * innerH;
  const ticks = [0, max / 2, max].map((t) => Math.round(t * 10) / 10);
  const every = Math.ceil(items.length / 8);
  const parts = [
    ...ticks.map((t) => s("g", {class: "tick"},
      s("line", {x1: pad.left, x2: width - pad.right, y1: y(t), y2: y(t), class: "grid"}),
      s("text", {x: pad.left - 6, y: y(t) + 4, "text-anchor": "end", class: "axis-label"}, String(t)))),
    ...items.map((d, i) => {
      const x = pad.left + step * i + (step - barW) / 2;
      return s("g", {class: "bar-group"},
        s("rect", {x, y: y(d.value), width: barW, height: Math.max(0, pad.top + innerH - y(d.value)), rx: 2, class: "bar"},
          s("title", {}, `${d.label}: ${d.value}${unit}`)),
        d.value && items.length <= 16 ? s("text", {x: x + barW / 2, y: y(d.value) - 4, "text-anchor": "middle", class: "value-label"},
          String(d.value)) : null,
        i % every === 0 ? s("text", {x: x + barW / 2, y: height - pad.bottom + 18, "text-anchor": "middle", class: "axis-label"},
          d.label) : null);
    }),
  ];
  const description = items.map((d) => `${d.label}: ${d.value}${unit}`).join("; ") || "No data yet.";
  return frame(width, height, title, description, ...parts);
}

/** Horizontal bars with HTML labels that wrap (for questions): [{label, value}]. */
export function barList(items, {title, kind = "", format = String}) {
  const max = Math.max(1, ...items.map((d) => d.value));
  return h("ol", {class: ["bar-list", kind], "aria-label": title}, items.map((d) =>
    h("li", {},
      h("span", {class: "bar-label"}, d.label),
      h("span", {class: "bar-line"},
        s("svg", {class: "bar-svg", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false"},
          s("rect", {x: 0, y: 0, width: 100, height: 10, rx: 2, class: "track"}),
          s("rect", {x: 0, y: 0, width: Math.max(1.5, (d.value / max) * 100), height: 10, rx: 2, class: "bar"})),
        h("span", {class: "bar-value"}, format(d.value))))));
}

/** One bar split in two: helpful against not helpful. */
export function splitBar(good, bad, {title}) {
  const total = good + bad;
  const width = 400;
  const goodW = total ? (good / total) * width : 0;
  const description = total ? `${good} helpful, ${bad} not helpful` : "No feedback yet.";
  return frame(width, 28, title, description,
    s("rect", {x: 0, y: 0, width, height: 28, rx: 4, class: "track"}),
    total ? s("rect", {x: 0, y: 0, width: goodW, height: 28, rx: 4, class: "bar good"}) : null,
    total ? s("rect", {x: goodW, y: 0, width: width - goodW, height: 28, rx: 4, class: "bar bad"}) : null);
}
