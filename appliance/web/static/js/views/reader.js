// The reader: one page of a document with the cited sentences highlighted; select text to ask about it.

import {api} from "../api.js";
import {h, icon} from "../dom.js";

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
  const el = h("aside", {class: "reader", "aria-labelledby": "reader-title", hidden: true},
    h("div", {class: "reader-bar"},
      h("button", {type: "button", class: "button icon-button", "aria-label": "Close the reader", onClick: () => onClose()},
        icon("close")),
      h("div", {class: "reader-heading"}, title, where),
      h("div", {class: "reader-pages"}, prev, next)),
    status,
    body,
    askButton,
    h("p", {class: "reader-hint hint"}, "Select any text to ask about it."));

  let current = null; // {document, page}
  let selected = "";

  function setLink(link, page) {
    const valid = current && page >= 1 && page <= (current.document.pages || 1);
    link.toggleAttribute("aria-disabled", !valid);
    if (valid) link.setAttribute("href", pageHref(current.document.id, page));
    else link.removeAttribute("href");
  }

  /** The page's text with each valid range marked; overlapping or touching ranges become one mark. */
  function marked(pageText, ranges) {
    const valid = ranges.filter(([start, end]) => Number.isInteger(start) && Number.isInteger(end)
      && start >= 0 && end > start && end <= pageText.length).sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const [start, end] of valid) {
      const last = merged[merged.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    const parts = [];
    let at = 0;
    merged.forEach(([start, end], i) => {
      parts.push(pageText.slice(at, start), h("mark", {class: "passage", id: i ? null : "passage"}, pageText.slice(start, end)));
      at = end;
    });
    parts.push(pageText.slice(at));
    return parts;
  }

  /** Show a page with `ranges` ([[start, end], ...] into its text) highlighted. */
  async function open(documentId, number, ranges = []) {
    el.hidden = false;
    hideAsk();
    status.textContent = "Opening…";
    try {
      const sameDoc = current?.document.id === documentId;
      const document = sameDoc ? current.document : await api(`/api/v1/documents/${encodeURIComponent(documentId)}`);
      const page = await api(`/api/v1/documents/${encodeURIComponent(documentId)}/pages/${number}`);
      current = {document, page};
      title.textContent = document.title || document.filename;
      const parts = [];
      if (document.title && document.title !== document.filename) parts.push(document.filename);
      if ((document.pages || 1) > 1) {
        const of = `${page.number} of ${document.pages}`;
        parts.push(page.label && page.label !== String(page.number) ? `Page ${page.label} (${of})` : `Page ${of}`);
      }
      where.textContent = parts.join(" · ");
      text.replaceChildren(...marked(page.text || "", ranges));
      text.dataset.document = document.id;
      text.dataset.page = String(page.number);
      setLink(prev, page.number - 1);
      setLink(next, page.number + 1);
      prev.hidden = next.hidden = (document.pages || 1) <= 1;
      status.textContent = "";
      const mark = text.querySelector("mark");
      if (mark) {
        status.textContent = ranges.length > 1 ? "The sentences the answer rests on are highlighted." : "The cited passage is highlighted.";
        requestAnimationFrame(() => mark.scrollIntoView({block: "center"}));
      } else {
        body.scrollTop = 0;
      }
      title.focus({preventScroll: true});
    } catch (error) {
      current = null;
      title.textContent = "Reader";
      where.textContent = "";
      text.replaceChildren();
      status.textContent = error.status === 404 ? "This document or page is no longer in the library." : `Could not open it: ${error.message}`;
    }
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
    const value = inside ? selection.toString().trim() : "";
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
