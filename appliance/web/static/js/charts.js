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

/** Integer ticks from 0 to a round top value. */
function ticksFor(value) {
  if (value <= 4) return Array.from({length: Math.max(1, Math.ceil(value)) + 1}, (_, i) => i);
  const top = niceMax(value);
  return [0, top / 2, top].map((t) => Math.round(t));
}

/** Vertical bars over days, with a y axis: [{label, value}], drawn at `width` pixels so text stays readable. */
export function columnChart(items, {title, unit = "", width = 640}) {
  const height = width < 480 ? 200 : 240;
  const pad = {top: 18, right: 8, bottom: 28, left: 32};
  const ticks = ticksFor(Math.max(0, ...items.map((d) => d.value)));
  const max = ticks[ticks.length - 1];
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const step = innerW / Math.max(1, items.length);
  const barW = Math.max(3, Math.min(36, step * 0.7));
  const y = (v) => pad.top + innerH - (v / max) * innerH;
  const every = Math.ceil(items.length / Math.max(2, Math.floor(innerW / 64)));
  const parts = [
    ...ticks.map((t) => s("g", {class: "tick"},
      s("line", {x1: pad.left, x2: width - pad.right, y1: y(t), y2: y(t), class: "grid"}),
      s("text", {x: pad.left - 6, y: y(t) + 4, "text-anchor": "end", class: "axis-label"}, String(t)))),
    ...items.map((d, i) => {
      const x = pad.left + step * i + (step - barW) / 2;
      const last = i === items.length - 1;
      return s("g", {class: "bar-group"},
        s("rect", {x, y: y(d.value), width: barW, height: Math.max(0, pad.top + innerH - y(d.value)), rx: 2, class: "bar"},
          s("title", {}, `${d.label}: ${d.value}${unit}`)),
        d.value && step >= 18 ? s("text", {x: x + barW / 2, y: y(d.value) - 4, "text-anchor": "middle", class: "value-label"},
          String(d.value)) : null,
        (items.length - 1 - i) % every === 0 ? s("text", {x: x + barW / 2, y: height - pad.bottom + 18,
          "text-anchor": last ? "end" : "middle", class: "axis-label"}, d.label) : null);
    }),
  ];
  const description = items.filter((d) => d.value).map((d) => `${d.label}: ${d.value}${unit}`).join("; ") || "No data yet.";
  const chart = frame(width, height, title, description, ...parts);
  chart.setAttribute("width", String(width));
  chart.setAttribute("height", String(height));
  return chart;
}

/** Horizontal bars with HTML labels that wrap (for questions): [{label (text or an element), value, note}], a note a
 * line beneath its label. */
export function barList(items, {title, kind = "", format = String}) {
  const max = Math.max(1, ...items.map((d) => d.value));
  return h("ol", {class: ["bar-list", kind], "aria-label": title}, items.map((d) =>
    h("li", {},
      h("span", {class: "bar-label"}, d.label),
      d.note ? h("span", {class: "bar-note"}, d.note) : null,
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
  if (!total) return h("p", {class: "muted"}, "No feedback yet.");
  const goodW = total ? (good / total) * width : 0;
  const description = total ? `${good} helpful, ${bad} not helpful` : "No feedback yet.";
  return frame(width, 28, title, description,
    s("rect", {x: 0, y: 0, width, height: 28, rx: 4, class: "track"}),
    total ? s("rect", {x: 0, y: 0, width: goodW, height: 28, rx: 4, class: "bar good"}) : null,
    total ? s("rect", {x: goodW, y: 0, width: width - goodW, height: 28, rx: 4, class: "bar bad"}) : null);
}
