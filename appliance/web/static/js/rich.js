// Rich text from the server's node tree (web/rich.py: a page's, an answer's or a passage's `nodes`, /api/v1/render):
// every element is created by name from an allow-list and every text goes in as text, so nothing in material or
// answers is read as HTML. A span's data-at (and an equation's data-to) say where its text is in its page.

const MATHML_NS = "http://www.w3.org/1998/Math/MathML";
const HTML_TAGS = new Set([
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "em", "strong", "s", "code", "pre",
  "table", "thead", "tbody", "tr", "th", "td", "a", "br", "hr", "div", "span",
]);
const BLOCK_TAGS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table", "hr", "div"]);
const MATH_TAGS = new Set([
  "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot",
  "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "semantics",
  "annotation",
]);
const HTML_ATTRS = { a: ["href"], ol: ["start"], code: ["class"], span: ["class", "data-at", "data-to"] };
const MATH_ATTRS = new Set([
  "display", "mathvariant", "displaystyle", "stretchy", "fence", "separator", "lspace", "rspace", "linethickness",
  "columnalign", "accent", "accentunder", "movablelimits", "form", "width", "height", "depth", "minsize",
  "maxsize", "symmetric", "largeop", "scriptlevel", "notation", "encoding",
]);
const SAFE_HREF = /^(?:https?:|mailto:|#|\/(?!\/))/i;

function element(tag, attrs) {
  if (MATH_TAGS.has(tag)) {
    const el = document.createElementNS(MATHML_NS, tag);
    for (const [key, value] of Object.entries(attrs)) if (MATH_ATTRS.has(key)) el.setAttribute(key, value);
    return el;
  }
  const el = document.createElement(HTML_TAGS.has(tag) ? tag : "span");
  for (const key of HTML_ATTRS[tag] || []) {
    const value = attrs[key];
    if (value === undefined || (key === "href" && !SAFE_HREF.test(value))) continue;
    el.setAttribute(key, String(value));
  }
  if (tag === "a") {
    el.target = "_blank";
    el.rel = "noopener noreferrer";
  }
  return el;
}

function build(node) {
  if (typeof node === "string") return document.createTextNode(node);
  const [tag, attrs, ...children] = node;
  const el = element(String(tag), attrs || {});
  for (const child of children) el.append(build(child));
  return el;
}

/** Whether the nodes hold a block (a paragraph, table, code block or display equation): not for inside a line. */
export function hasBlocks(nodes) {
  const block = (node) => Array.isArray(node) && (BLOCK_TAGS.has(node[0])
    || (node[0] === "math" && node[1]?.display === "block") || node.slice(2).some(block));
  return (nodes || []).some(block);
}

/** The nodes as a fragment to append: renderRich(answer.nodes). */
export function renderRich(nodes) {
  const fragment = document.createDocumentFragment();
  for (const node of nodes || []) fragment.append(build(node));
  fragment.querySelectorAll?.("table").forEach((table) => {
    table.classList.add("rich-table");
    // A table wider than a phone scrolls sideways in its own box (focusable, so a keyboard can scroll it) instead
    // of squeezing its columns until words break mid-word ("Pri ce", "eur os").
    const box = document.createElement("div");
    box.className = "table-scroll";
    box.tabIndex = 0;
    table.replaceWith(box);
    box.append(table);
  });
  return fragment;
}
