// The reader: one page of a document, rendered with its structure (code, tables, equations), the cited sentences
// highlighted by their offsets in the page's text; select text to ask about it (the page's own text is asked).

import {api} from "../api.js";
import {h, icon} from "../dom.js";
import {go} from "../nav.js";
import {renderRich} from "../rich.js";
import {courseQuery} from "../state.js";

/** Valid ranges into a text of `length`, sorted, overlapping or touching ones merged. */
function merged(ranges, length) {
  const valid = ranges.filter(([start, end]) => Number.isInteger(start) && Number.isInteger(end)
    && start >= 0 && end > start && end <= length).sort((a, b) => a[0] - b[0]);
  const out = [];
  for (const [start, end] of valid) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** What the status line says of the highlighted `hl` ranges, by the link's kind, one or several. */
const HIGHLIGHTED = {
  evidence: ["The sentence the answer rests on is highlighted.", "The sentences the answer rests on are highlighted."],
  closest: ["The sentence closest to your question is highlighted.", "The sentences closest to your question are highlighted."],
  passage: ["The cited passage is highlighted.", "The cited passages are highlighted."],
};
/** What it says of the sentences around them, underlined. */
const NEAR = [" The underlined sentences around it are shown for context.", " The underlined sentences around them are shown for context."];

/** The ranges to mark, as [start, end, class]: `hl` ones as "passage", `near` ones not overlapping them as "near". */
function marked({hl = [], near = []}, length) {
  const strong = merged(hl, length);
  const light = merged(near, length).filter(([start, end]) => !strong.some(([a, b]) => start < b && end > a));
  return [...strong.map((r) => [...r, "passage"]), ...light.map((r) => [...r, "near"])].sort((a, b) => a[0] - b[0]);
}

/** Mark the page's text in `ranges` ([start, end, class]): each span placed in the page (data-at) is split at the
 * ranges' edges, an equation (data-at to data-to) is marked whole. */
function highlight(root, ranges) {
  for (const span of root.querySelectorAll("[data-at]")) {
    const at = Number(span.dataset.at);
    const text = span.textContent;
    const end = span.dataset.to === undefined ? at + text.length : Number(span.dataset.to);
    const hits = ranges.filter(([start, stop]) => start < end && stop > at);
    if (!hits.length) continue;
    if (span.dataset.to !== undefined) {
      span.replaceWith(h("mark", {class: hits[0][2]}, span.cloneNode(true)));
      continue;
    }
    const parts = [];
    let from = at;
    for (const [start, stop, kind] of hits) {
      const low = Math.max(start, at);
      const high = Math.min(stop, end);
      parts.push(text.slice(from - at, low - at), h("mark", {class: kind}, text.slice(low - at, high - at)));
      from = high;
    }
    parts.push(text.slice(from - at));
    span.replaceChildren(...parts.filter((part) => part !== ""));
  }
  root.querySelector("mark.passage")?.setAttribute("id", "passage");
}

/** Where a range boundary falls in the page's text, given the placed span it is in or next to. */
function offsetAt(span, container, offset, side) {
  const at = Number(span.dataset.at);
  if (span.dataset.to !== undefined) return side === "start" ? at : Number(span.dataset.to);
  if (!span.contains(container)) return side === "start" ? at : at + span.textContent.length;
  const before = document.createRange();
  before.setStart(span, 0);
  before.setEnd(container, offset);
  return at + before.toString().length;
}

/** The page text a selection covers: from the first placed span it meets to the last, by their offsets. */
function pageSelection(root, range, pageText) {
  const spans = [...root.querySelectorAll("[data-at]")].filter((span) => range.intersectsNode(span));
  if (!spans.length) return "";
  const start = offsetAt(spans[0], range.startContainer, range.startOffset, "start");
  const end = offsetAt(spans[spans.length - 1], range.endContainer, range.endOffset, "end");
  return pageText.slice(start, end).trim();
}

/** A page's name in a sentence: a PDF's label or number as "page iv", a label that names itself as it is ("slide 3",
 * "cell 2", "chapter 1"); a plain text (no number) has none. */
export function pageName(label, number) {
  if (label) return /\s/.test(label) ? label : `page ${label}`;
  return number ? `page ${number}` : "";
}

export function createReader({onAsk, onClose, pageHref}) {
  const title = h("h2", {id: "reader-title", class: "reader-title", tabindex: "-1"}, "Reader");
  const where = h("p", {class: "reader-where muted"});
  const prev = h("a", {class: "button icon-button", "aria-label": "Previous page"}, icon("prev"));
  const next = h("a", {class: "button icon-button", "aria-label": "Next page"}, icon("next"));
  const text = h("div", {class: "page-text", lang: ""});
  const body = h("div", {class: "reader-body", tabindex: "0", role: "region", "aria-label": "Page text"}, text);
  const askButton = h("button", {type: "button", class: "button primary ask-selection", hidden: true,
    onMousedown: (event) => event.preventDefault(), // keep the selection when clicked
    onClick: () => ask()}, icon("ask"), "Ask about this");
  const status = h("p", {class: "reader-status", role: "status"});
  const pages = h("div", {class: "reader-pages"}, prev, next);
  // A page by its number: "read page 9" of a long handout is not eight presses of Next page.
  const pageNumber = h("input", {type: "number", min: "1", inputmode: "numeric", class: "goto-number", required: true});
  const count = h("span", {});
  const goto = h("form", {class: "reader-goto", onSubmit: (event) => {
    event.preventDefault();
    if (current) go(pageHref(current.document.id, Number(pageNumber.value)));
  }}, h("label", {}, "Go to page ", pageNumber), count, h("button", {type: "submit", class: "button small"}, "Go"));
  const hint = h("div", {class: "reader-hint"}, h("p", {class: "hint"}, "Select any text to ask about it."), goto);
  const el = h("aside", {class: "reader", "aria-labelledby": "reader-title", hidden: true},
    h("div", {class: "reader-bar"},
      h("button", {type: "button", class: "button icon-button", "aria-label": "Close the reader", onClick: () => onClose()},
        icon("close")),
      h("div", {class: "reader-heading"}, title, where),
      pages),
    status,
    body,
    askButton,
    hint);

  // Escape closes the reader, as it closes any panel.
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !el.hidden) {
      event.preventDefault();
      onClose();
    }
  });

  let current = null; // {document, page}
  let selected = "";

  function setLink(link, page) {
    const valid = current && page >= 1 && page <= (current.document.pages || 1);
    link.toggleAttribute("aria-disabled", !valid);
    if (valid) link.setAttribute("href", pageHref(current.document.id, page));
    else link.removeAttribute("href");
  }

  /** Show a page with its marks ({hl, near, kind}: ranges [[start, end], ...] into its text) highlighted. */
  async function open(documentId, number, marks = {}) {
    el.hidden = false;
    hideAsk();
    status.textContent = "Opening…";
    // No marks of the page shown before while this one loads: they would read as this citation's, and the
    // keyboard is still on the citation until it is shown (found by a browser test under load).
    text.replaceChildren();
    try {
      const sameDoc = current?.document.id === documentId;
      const document = sameDoc ? current.document : await api(`/api/v1/documents/${encodeURIComponent(documentId)}`);
      const page = await api(`/api/v1/documents/${encodeURIComponent(documentId)}/pages/${number}`);
      current = {document, page};
      showPage(true);
      title.textContent = document.title || document.filename;
      const parts = [];
      if (document.title && document.title !== document.filename) parts.push(document.filename);
      if ((document.pages || 1) > 1) {
        const of = `${page.number} of ${document.pages}`;
        const name = pageName(page.label, null);
        parts.push(page.label && page.label !== String(page.number) ? `${name[0].toUpperCase()}${name.slice(1)} (${of})` : `Page ${of}`);
      }
      where.textContent = parts.join(" · ");
      text.replaceChildren(renderRich(page.nodes));
      const ranges = marked(marks, (page.text || "").length);
      highlight(text, ranges);
      text.dataset.document = document.id;
      text.dataset.page = String(page.number);
      setLink(prev, page.number - 1);
      setLink(next, page.number + 1);
      prev.hidden = next.hidden = (document.pages || 1) <= 1;
      pageNumber.max = String(document.pages || 1);
      pageNumber.value = String(page.number);
      count.textContent = ` of ${document.pages || 1} `;
      goto.hidden = (document.pages || 1) <= 2; // the arrows reach every page of two
      status.textContent = "";
      const mark = text.querySelector("mark.passage");
      if (mark) {
        const several = (marks.hl || []).length > 1 ? 1 : 0;
        const near = text.querySelector("mark.near") ? NEAR[several] : "";
        status.textContent = HIGHLIGHTED[Object.hasOwn(HIGHLIGHTED, marks.kind) ? marks.kind : "passage"][several] + near;
        requestAnimationFrame(() => mark.scrollIntoView({block: "center"}));
      } else {
        body.scrollTop = 0;
      }
      title.focus({preventScroll: true});
    } catch (error) {
      if (error.status === 404 && marks.file && await openUpdated(marks.file, number)) return;
      current = null;
      title.textContent = "Reader";
      where.textContent = "";
      text.replaceChildren();
      showPage(false);
      status.textContent = error.status === 404 ? "This document or page is no longer in the course." : `Could not open it: ${error.message}`;
    }
  }

  /** The page, its arrows and the hint to select in it, or (none open) only the status line saying why. */
  function showPage(shown) {
    for (const part of [pages, body, hint]) part.hidden = !shown;
  }

  /** A document uploaded again is a new document: an older answer's citation opens the current version of its
   * file (same page, or its last), saying the passage it quoted is not highlighted in it. */
  async function openUpdated(filename, number) {
    let found = null;
    try {
      found = ((await api(`/api/v1/documents${courseQuery()}`)).documents || []).find((d) => d.filename === filename);
    } catch {
      return false;
    }
    if (!found) return false;
    await open(found.id, Math.min(number, found.pages || 1));
    if (!current || current.document.id !== found.id) return false;
    status.textContent = `${filename} was updated after this answer: here is its current version. The passage the answer `
      + "quoted may have changed, so it is not highlighted.";
    return true;
  }

  function close() {
    el.hidden = true;
    hideAsk();
  }

  function hideAsk() {
    askButton.hidden = true;
    selected = "";
  }

  // Follow the selection: offer "Ask about this" next to any text selected in the page.
  document.addEventListener("selectionchange", () => {
    if (el.hidden) return;
    const selection = window.getSelection();
    const inside = selection.rangeCount && !selection.isCollapsed && text.contains(selection.getRangeAt(0).commonAncestorContainer);
    const value = inside && current ? pageSelection(text, selection.getRangeAt(0), current.page.text || "") : "";
    if (value.length < 2) {
      if (document.activeElement !== askButton) hideAsk();
      return;
    }
    selected = value;
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    const box = el.getBoundingClientRect();
    askButton.hidden = false;
    // Above the selection when there is room under the reader's bar, else below it.
    const above = rect.top - box.top - askButton.offsetHeight - 8;
    const top = above > body.offsetTop ? above : Math.min(rect.bottom - box.top + 8, box.height - askButton.offsetHeight - 8);
    const left = Math.min(Math.max(8, rect.left - box.left), box.width - askButton.offsetWidth - 8);
    askButton.style.top = `${Math.max(8, top)}px`;
    askButton.style.left = `${left}px`;
  });

  function ask() {
    if (!selected || !current) return;
    onAsk({
      text: selected, document_id: current.document.id, filename: current.document.filename,
      page: current.page.number, page_label: current.page.label,
    });
    window.getSelection().removeAllRanges();
    hideAsk();
  }

  return {el, open, close, get isOpen() {
    return !el.hidden;
  }};
}
