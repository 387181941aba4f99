// Tiny DOM helpers: build elements from plain data. Text always goes in as text, never as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "class") {
      el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    } else if (key === "value" || key === "checked" || key === "disabled" || key === "selected") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** h("button", {class: "x", onClick}, "Text", child, ...) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** The same for SVG elements (charts and icons). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

const ICONS = {
  send: "M3 11.5 21 3l-8.5 18-2-7.5L3 11.5Z",
  stop: "M6 6h12v12H6z",
  up: "M7 10v11H3V10h4Zm2 11h8.3a2 2 0 0 0 2-1.6l1.4-7A2 2 0 0 0 18.7 10H14l.8-4.2A2 2 0 0 0 12.9 3L9 10v11Z",
  down: "M17 14V3h4v11h-4Zm-2-11H6.7a2 2 0 0 0-2 1.6l-1.4 7A2 2 0 0 0 5.3 14H10l-.8 4.2A2 2 0 0 0 11.1 21L15 14V3Z",
  edit: "M4 20h4L19 9l-4-4L4 16v4Zm11-15 4 4",
  trash: "M4 7h16M9 7V4h6v3m-8 0 1 13h8l1-13",
  close: "M6 6l12 12M18 6 6 18",
  plus: "M12 5v14M5 12h14",
  menu: "M4 7h16M4 12h16M4 17h16",
  prev: "M15 5l-7 7 7 7",
  next: "M9 5l7 7-7 7",
  book: "M4 5a2 2 0 0 1 2-2h13v16H6a2 2 0 0 0-2 2V5Zm0 16a2 2 0 0 1 2-2h13",
  upload: "M12 16V4m-5 5 5-5 5 5M4 20h16",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  ask: "M12 3a9 9 0 1 0 4.5 16.8L21 21l-1.2-4.5A9 9 0 0 0 12 3Zm-2.5 7a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5M12 17h.01",
};
const FILLED = new Set(["send", "stop", "up", "down"]);

/** A decorative 24×24 icon; the control that holds it carries the accessible name. */
export function icon(name) {
  const filled = FILLED.has(name);
  return s("svg", {class: "icon", viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false"},
    s("path", {d: ICONS[name], fill: filled ? "currentColor" : "none", stroke: filled ? "none" : "currentColor",
      "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round"}));
}

/** A labelled form field: <label> + control, wired by id. */
let fieldCount = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldCount}`;
  control.id = id;
  const hintEl = hint ? h("p", {class: "hint", id: `${id}-hint`}, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", {class: "field"}, h("label", {for: id}, label), control, hintEl);
}

export function formatBytes(n) {
  if (n == null) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDate(value) {
  if (!value) return "";
  const date = typeof value === "number" ? new Date(value * (value < 1e12 ? 1000 : 1)) : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleDateString(undefined, {day: "numeric", month: "short", year: "numeric"});
}

/** "in 12 seconds", "in 3 minutes", for a wait given in seconds. */
export function formatWait(seconds) {
  if (seconds == null) return "in a little while";
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 90) return `in ${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  if (m < 90) return `in ${m} minutes`;
  return `in ${Math.ceil(m / 60)} hours`;
}

export function clockTime(date) {
  return date.toLocaleTimeString(undefined, {hour: "2-digit", minute: "2-digit"});
}

/** Asks on the page before a deletion: `button` gives way to a confirming button (`text`, named `name` if given)
 * and Cancel, which brings the button back. `act` runs once confirmed. */
export function askFirst(button, {text, name, act}) {
  const confirm = h("button", {type: "button", class: "button small danger", "aria-label": name, onClick: () => {
    confirm.disabled = true;
    act();
  }}, text);
  const cancel = h("button", {type: "button", class: "button small", onClick: () => {
    group.replaceWith(button);
    button.focus();
  }}, "Cancel");
  const group = h("span", {class: "confirm", role: "group", "aria-label": "Confirm delete"}, confirm, cancel);
  button.replaceWith(group);
  cancel.focus();
}

/** Announce a short message to screen readers and show it briefly. */
export function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  if (!box) return;
  const item = h("div", {class: ["toast", `toast-${kind}`]}, message);
  box.append(item);
  setTimeout(() => item.remove(), 5000);
}
