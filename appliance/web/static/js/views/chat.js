// Chat: conversations, streamed answers with [n] citations, the evidence they rest on, feedback, and the reader.
// Answers are read exactly as the chat contract (appliance/answer/events.py) defines them. A finished answer, its
// sources and evidence are shown from their rich-text `nodes` (code, tables, equations); text streams in plain.

import {api, ApiError, readEvents, request} from "../api.js";
import {askFirst, clockTime, formatWait, h, icon, toast} from "../dom.js";
import {go} from "../nav.js";
import {createReader, pageName} from "./reader.js";
import {hasBlocks, renderRich} from "../rich.js";
import {courseQuery, currentCourse, LEVELS, selectCourse, state, subscribe, withCourse} from "../state.js";

const CITATION = /\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]/g;

let ui = null; // the view's elements, built once and kept while the app runs
let conversationId = null;
let conversationCourse = null; // the course the conversation shown is asked in
let controller = null; // aborts the answer being streamed
let selection = null; // text picked in the reader to ask about
let conversations = [];
let questionChars = null; // the longest question the server takes (GET /api/v1/chat/limits)
const NEAR_LIMIT = 0.9; // the count shows from here on
let readerOpener = null; // the citation or source link the reader was opened from
let returnFocus = null; // where the keyboard goes back to once the reader is closed
let readerReturn = null; // the screen the reader was opened from when not the chat: the Material list's "Read"
let following = false; // the view follows the answer being given until the student scrolls it themselves
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "]);

// ---------- addresses ----------

/** The reader at a page with marks ({hl, near, kind}): `hl` ranges ([[start, end], ...] offsets into the page's
 * text) highlighted, `near` ones marked lightly, and `kind` saying what `hl` holds (see reader.js HIGHLIGHTED). */
function readHref(documentId, page, marks = {}) {
  const spans = (ranges) => ranges.map(([start, end]) => `${start}-${end}`).join(",");
  const params = [];
  if (marks.hl?.length) params.push(`hl=${spans(marks.hl)}`);
  if (marks.near?.length) params.push(`near=${spans(marks.near)}`);
  if (marks.kind) params.push(`kind=${marks.kind}`);
  // The file's name, for when the document is updated (uploaded again, it is a new document): the reader then
  // opens its current version instead of saying it is gone.
  if (marks.file) params.push(`file=${encodeURIComponent(marks.file)}`);
  if (marks.from) params.push(`from=${marks.from}`); // opened from the Material list, whose screen it stays in
  return `#/read/${encodeURIComponent(documentId)}/${page || 1}${params.length ? `?${params.join("&")}` : ""}`;
}

/** What a source's link highlights: its evidence sentences, the sentences around them lightly (those shown for a
 * neighbour's sake), else the whole passage. Evidence of an unanswered question is only the closest reading. */
function sourceMarks(source, closest = false) {
  const evidence = source.evidence || [];
  if (!evidence.length) return {hl: [[source.start, source.end]], kind: "passage"};
  const ranges = (items) => items.map((e) => [e.start, e.end]);
  return {hl: ranges(evidence.filter((e) => !e.context)), near: ranges(evidence.filter((e) => e.context)),
    kind: closest ? "closest" : "evidence"};
}

function sourceHref(source, closest = false) {
  return readHref(source.document_id, source.page, {...sourceMarks(source, closest), file: source.filename});
}

function chatHash() {
  return conversationId ? `#/chat/${encodeURIComponent(conversationId)}` : "#/chat";
}

/** Where in its document a source is: a paged one (PDF, slides) always names its page, the first too; a plain
 * text has no page (null). */
function sourcePage(source) {
  return pageName(source.page_label, source.page);
}

// ---------- one answer ----------

function citationLink(n, sources) {
  const source = sources.find((s) => s.n === n);
  if (!source) return `[${n}]`;
  const where = [source.filename, sourcePage(source)].filter(Boolean).join(", ");
  if (!source.document_id) return h("span", {class: "cite cite-plain", title: where}, `[${n}]`);
  return h("a", {class: "cite", href: sourceHref(source),
    "aria-label": `Source ${n}: ${where}`, title: where}, `[${n}]`);
}

function withCitations(text, sources) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    parts.push(text.slice(last, match.index));
    const numbers = match[1].split(",").map((n) => Number(n.trim()));
    numbers.forEach((n, i) => parts.push(i ? " " : "", citationLink(n, sources)));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** Rendered nodes with the [n] markers in their text (never in code or equations) as citation links. */
function richWithCitations(nodes, sources) {
  const fragment = renderRich(nodes);
  const walker = document.createTreeWalker(fragment, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement?.closest("code, pre, math") && node.data.match(CITATION)) found.push(node);
  }
  for (const node of found) node.replaceWith(...withCitations(node.data, sources).filter((part) => part !== ""));
  return fragment;
}

/** A passage or quote as rich text when the server sent its nodes, else as its plain text. */
function passageBody(item, text, tag, attrs) {
  if (!item.nodes) return h(tag, attrs, text);
  return h("div", {...attrs, class: [attrs.class, "rich"]}, renderRich(item.nodes));
}

function sourceItem(source, badges, closest = false) {
  const label = [sourcePage(source), source.heading].filter(Boolean).join(" · ");
  const name = h("span", {class: "source-file"}, source.filename);
  return h("li", {class: ["source", badges && source.cited && "cited", badges === "uncited" && !source.cited && "uncited"]},
    h("div", {class: "source-head"},
      h("span", {class: "source-n"}, `[${source.n}]`),
      source.document_id ? h("a", {href: sourceHref(source, closest)}, name) : name,
      badges && source.cited ? h("span", {class: "badge"}, "cited") : null,
      source.ocr ? h("span", {class: "badge badge-ocr", title: "This page is a scan; its text was read by OCR and may hold misread words."},
        "scan (OCR)") : null),
    label ? h("p", {class: "source-where"}, label) : null,
    closest && (source.evidence || []).length
      ? source.evidence.map((e) => passageBody(e, e.text, "blockquote", {class: "evidence-quote closest"}))
      : passageBody(source, source.snippet || source.text, "p", {class: "snippet"}));
}

function sourceList(sources, open) {
  const badges = sources.some((s) => s.cited) ? "uncited" : "cited";
  // In the order of their numbers, as the answer's [n] markers count them; the cited ones wear a badge.
  const ordered = [...sources].sort((a, b) => a.n - b.n);
  return h("details", {class: "sources", open},
    h("summary", {}, `Sources (${sources.length})`),
    h("ol", {class: "source-list"}, ordered.map((source) => sourceItem(source, badges))));
}

/** Passages near the question when the material does not answer it: reading, not an answer. Each shows the
 * sentences closest to the question in the material's own words, so a student can judge for themselves. */
function relatedReading(sources) {
  // No landmark of its own (every answer has one, all named alike); a heading one below the chat's title.
  return h("div", {class: "related"},
    h("h2", {class: "related-title"}, "Related reading"),
    h("ol", {class: "source-list"}, sources.map((source) => sourceItem(source, null, true))));
}

/** The evidence sentences an answer rests on, quoted, each source with a link that highlights them. */
function evidenceBlock(sources) {
  const items = sources.filter((s) => (s.evidence || []).length).map((source) => {
    const where = [source.filename, sourcePage(source)].filter(Boolean).join(", ");
    return h("li", {class: "evidence-item", dataset: {source: String(source.n)}},
      h("div", {class: "evidence-head"}, citationLink(source.n, sources), " ", h("span", {class: "muted"}, where)),
      source.evidence.map((e) => passageBody(e, e.text, "blockquote", {class: "evidence-quote"})),
      source.document_id ? h("a", {class: "evidence-link", href: sourceHref(source),
        "aria-label": `Show in the document: ${where}`}, "Show in the document") : null);
  });
  if (!items.length) return null;
  return h("div", {class: "evidence"},
    h("h2", {class: "evidence-title"}, "What the material says"), h("ol", {class: "evidence-list"}, items));
}

// The model's own [n] markers are not trusted: verification names the source, shown after the sentence.
const MARKERS = /\s*\[\d{1,2}(?:\s*,\s*\d{1,2})*\]/g;

/** The end of the last list item rendered nodes end with (its paragraph, if it holds one), when they end with a
 * list, quoted or not; else null. */
function endingItem(fragment) {
  let last = fragment.lastElementChild;
  while (last?.tagName === "BLOCKQUOTE") last = last.lastElementChild;
  if (!["UL", "OL"].includes(last?.tagName)) return null;
  const item = last.lastElementChild;
  return item?.lastElementChild?.tagName === "P" ? item.lastElementChild : item;
}

/** A sentence as verification left it: as written with its citation, or replaced by the material's words; rich
 * text when it has nodes, in a block of its own when those hold a table, code block or displayed equation. */
function sentenceNodes(sentence, sources) {
  const cite = sentence.source != null ? [" ", citationLink(sentence.source, sources)] : [];
  const text = sentence.nodes ? renderRich(sentence.nodes) : sentence.shown.replace(MARKERS, "").trim();
  const block = hasBlocks(sentence.nodes);
  // A list item (a bullet the model wrote, a quoted step) ends with its citation, as a line of text does.
  const item = block ? endingItem(text) : null;
  item?.append(...cite);
  // A quoted block (a table, code) is named as the words that introduce it end, not after it on a line of its own.
  const lead = !item && block && text.firstChild?.nodeType === Node.TEXT_NODE ? [text.firstChild, ...cite] : [];
  const after = lead.length || item ? [] : cite;
  // A space between sentences on a line; a quote is a block of its own, after which a space would be a blank line.
  const gap = block || sentence.status === "quoted" ? [] : [" "];
  if (sentence.status === "quoted") {
    // The quote reads "The material says: “...”" and is the material's own words, so it is set as a quote, not a
    // warning: the model's sentence it stands for was never shown (each is checked first), and the note under the
    // answer says what became of it.
    return [h(block ? "div" : "span", {class: "sentence quoted", dataset: {status: "quoted"}},
      ...lead, h(block ? "div" : "span", {class: "quoted-text"}, text), ...after), ...gap];
  }
  return [h(block ? "div" : "span", {class: "sentence supported", dataset: {status: "supported"}}, ...lead, text, ...after), ...gap];
}

/** The answer text: sentence by sentence when verified, else the text with its [n] markers as links. */
function answerNodes(done) {
  const shown = (done.sentences || []).filter((s) => s.status !== "dropped");
  if (shown.length) return shown.flatMap((sentence) => sentenceNodes(sentence, done.sources));
  return done.nodes ? [richWithCitations(done.nodes, done.sources)] : withCitations(done.answer, done.sources);
}

/** What became of the model's sentences the material does not confirm: replaced or removed, never shown. Counted
 * by what each entry stands for: two quotes in one sentence's place are one sentence replaced, and a sentence
 * dropped as a repeat of one shown was not unconfirmed. */
function checkedNote(sentences) {
  const count = (status) => (sentences || []).filter((s) => s.stands_for === "model" && s.status === status).length;
  const quoted = count("quoted"), dropped = count("dropped");
  const told = [[quoted, "replaced by the material's words"], [dropped, "removed"]]
    .filter(([n]) => n).map(([n, what]) => `${n} unconfirmed sentence${n === 1 ? "" : "s"} ${what}`);
  if (!told.length) return null;
  return h("p", {class: "checked-note small muted", dataset: {quoted: String(quoted), dropped: String(dropped)}},
    told.join("; "));
}

/** Why an answer is the material's words alone: every model slot was busy, so its evidence was quoted at once. */
function busyNote(done) {
  if (!done.model_busy) return null;
  return h("p", {class: "busy-note small muted", dataset: {modelBusy: "true"}},
    "The model was busy with other questions, so here are the material's own words. Ask again later for an answer in the model's words.");
}

/** Which of the answer's documents changed after it (uploaded again or removed): a reopened answer quotes what they
 * said then, which the course's material may no longer say. */
function outdatedNote(sources, covered) {
  const files = [...new Set(sources.filter((s) => s.outdated).map((s) => s.filename))];
  if (!files.length) return null;
  const changed = files.length === 1 ? `${files[0]} has` : `${files.join(", ")} have`;
  // A refusal quotes nothing: what changed is the related reading it lists.
  const so = covered ? "what it quotes may no longer be in the course" : "the related passages listed may have changed";
  return h("p", {class: "outdated-note alert alert-warn small", dataset: {outdated: String(files.length)}},
    `${changed} changed since this answer (updated or removed), so ${so}. `
    + "Ask again for an answer from the current material.");
}

/** Why there is no answer: none was found in the material (which is no proof it has none: the closest passages
 * follow), or (model busy) nothing could check that it does. */
function notCovered(done) {
  if (done.model_busy) {
    return [h("strong", {class: "notice-title"}, "The model was too busy to check whether the material answers this."),
      h("span", {class: "hint", dataset: {modelBusy: "true"}}, "The closest passages are below; ask again in a moment for a checked answer.")];
  }
  const closest = done.sources.length ? "The closest passages are below, in the material's own words: the answer may be among them. " : "";
  return [h("strong", {class: "notice-title"}, "No answer to this question was found in the course material."),
    h("span", {class: "hint"}, `${closest}Try other words, check the selected course, or ask your teacher to add material about it.`)];
}

/** Sources cited by the answer, else those its sentences rest on. */
function citedSources(done) {
  const numbers = new Set((done.sentences || []).filter((s) => s.status !== "dropped").map((s) => s.source));
  const cited = done.sources.filter((s) => s.cited || numbers.has(s.n));
  return cited.length ? cited : done.sources;
}

function createAnswer() {
  const text = h("div", {class: "answer-text"});
  const status = h("p", {class: "answer-status"}, "Looking through the course material…");
  const extra = h("div", {class: "answer-extra"});
  const bubble = h("div", {class: "bubble"}, text, status);
  const el = h("article", {class: "message assistant", "aria-label": "Answer", "aria-busy": "true", dataset: {state: "waiting", tokens: "0"}},
    bubble, extra);
  const answer = {el, content: "", sources: [], finished: false};

  const render = () => text.replaceChildren(...withCitations(answer.content, answer.sources));

  answer.setSources = (sources) => {
    answer.sources = sources;
    status.textContent = sources.length ? "Writing the answer…" : "";
  };
  answer.addToken = (piece) => {
    if (!answer.content) status.textContent = "";
    answer.content += piece;
    el.dataset.state = "streaming";
    el.dataset.tokens = String(Number(el.dataset.tokens) + 1);
    render();
  };
  // The one rendering of a finished answer: live at `done` and when a conversation is reopened.
  answer.finish = (done) => {
    answer.finished = true;
    answer.content = done.answer;
    answer.sources = done.sources;
    el.dataset.state = "done";
    el.dataset.covered = String(done.covered);
    el.dataset.smallTalk = String(done.small_talk);
    el.removeAttribute("aria-busy");
    status.textContent = "";
    const parts = [outdatedNote(done.sources, done.covered)];
    if (done.covered) {
      text.replaceChildren(...answerNodes(done));
      parts.push(busyNote(done), checkedNote(done.sentences), evidenceBlock(citedSources(done)));
      if (done.sources.length) parts.push(sourceList(done.sources, !window.matchMedia("(max-width: 720px)").matches));
    } else {
      el.classList.add("not-covered");
      text.replaceChildren(...notCovered(done));
      if (done.sources.length) parts.push(relatedReading(done.sources));
    }
    parts.push(answerFooter(done));
    extra.replaceChildren(...parts.filter(Boolean));
    announce(done.covered ? "The answer is ready." : text.firstChild.textContent);
  };
  // Nothing found because the course has no documents at all: "try other words" would send the student in circles.
  answer.noMaterial = (course) => {
    text.replaceChildren(h("strong", {class: "notice-title"}, "This course has no material yet."),
      h("span", {class: "hint"}, `No documents have been added to ${course ? course.name : "this course"}, so no question `
        + "can be answered from it yet. Check the selected course, or ask your teacher to add the course material."));
    el.dataset.noMaterial = "true";
    announce(text.firstChild.textContent);
  };
  answer.stopped = () => {
    el.dataset.state = "stopped";
    el.removeAttribute("aria-busy");
    status.textContent = answer.content ? "Stopped." : "Stopped before the answer began.";
    render();
    if (answer.sources.length) extra.replaceChildren(sourceList(answer.sources, false));
  };
  answer.fail = (error, retry) => {
    el.dataset.state = "error";
    el.removeAttribute("aria-busy");
    el.classList.add("failed");
    status.textContent = "";
    bubble.hidden = !answer.content;
    extra.replaceChildren(problem(error, retry));
  };
  return answer;
}

/** An answer's time as the footer says it: a refusal decided in 40 ms is "under 0.1 s", never "0.0 s". */
export function answeredIn(ms) {
  return ms < 100 ? "Answered in under 0.1 s" : `Answered in ${(ms / 1000).toFixed(1)} s`;
}

function answerFooter(done) {
  if (done.small_talk) return null; // the appliance's own "Hello!": no answer to time or to rate
  const meta = [];
  if (done.cached) meta.push("From the answer cache");
  const ms = done.timings?.total_ms;
  if (!done.cached && ms) meta.push(answeredIn(ms));
  const footer = h("div", {class: "answer-footer"}, h("span", {class: "muted small"}, meta.join(" · ")));
  if (done.interaction_id != null) footer.append(feedbackButtons(done.interaction_id, done.feedback));
  return footer;
}

function feedbackButtons(interactionId, given) {
  const buttons = [];
  const send = async (rating, button) => {
    try {
      await api(`/api/v1/interactions/${encodeURIComponent(interactionId)}/feedback`, {method: "POST", json: {rating}});
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      announce(rating > 0 ? "Marked as helpful. Thank you." : "Marked as not helpful. Thank you.");
    } catch (error) {
      toast(`Feedback not saved: ${error.message}`, "error");
    }
  };
  const up = h("button", {type: "button", class: "button icon-button feedback", "aria-label": "Helpful answer",
    "aria-pressed": String(given === 1), onClick: () => send(1, up)}, icon("up"));
  const down = h("button", {type: "button", class: "button icon-button feedback", "aria-label": "Not helpful",
    "aria-pressed": String(given === -1), onClick: () => send(-1, down)}, icon("down"));
  buttons.push(up, down);
  return h("div", {class: "feedback-group", role: "group", "aria-label": "Was this answer helpful?"}, up, down);
}

/** A clear message for what went wrong, with a "Try again" that waits out Retry-After. */
function problem(error, retry) {
  let title = "Something went wrong";
  let text = typeof error === "string" ? error : error.message;
  const wait = error instanceof ApiError ? error.retryAfter : null;
  if (error instanceof ApiError && error.status === 429) {
    title = "Question limit reached";
    const at = wait != null ? ` (at ${clockTime(new Date(Date.now() + wait * 1000))})` : "";
    text = `You have asked a lot of questions in a short time. You can ask again ${formatWait(wait)}${at}.`;
  } else if (error instanceof ApiError && error.status === 503) {
    title = "The appliance is busy";
    text = `It is answering other questions right now. Try again ${formatWait(wait)}.`;
  } else if (error instanceof ApiError && error.status === 0) {
    text = "Could not reach the appliance. Check that this device is on the classroom network.";
  } else if (error instanceof TypeError) {
    text = "The connection to the appliance was lost. Check the classroom network and try again.";
  }
  const box = h("div", {class: ["alert", error?.status === 503 || error?.status === 429 ? "alert-warn" : "alert-error"], role: "alert",
    dataset: {status: String(error?.status ?? "")}},
    h("strong", {}, title), h("p", {}, text));
  if (retry) {
    const button = h("button", {type: "button", class: "button", onClick: retry}, "Try again");
    if (wait) {
      // Count the wait down on the button; it comes back when the appliance said to retry.
      let left = Math.ceil(wait);
      button.disabled = true;
      button.textContent = `Try again (${left} s)`;
      const tick = () => {
        left -= 1;
        if (left > 0) {
          button.textContent = `Try again (${left} s)`;
          setTimeout(tick, 1000);
        } else {
          button.disabled = false;
          button.textContent = "Try again";
        }
      };
      setTimeout(tick, 1000);
    }
    box.append(button);
  }
  return box;
}

function announce(message) {
  if (ui) ui.live.textContent = message;
}

// ---------- messages ----------

/** A question as asked, under the passage it was about (`selected`: {text, filename?, page_label?}), if any; a
 * reopened conversation knows the passage's words, not where it was selected. */
function userMessage(text, selected) {
  const where = selected ? [selected.filename, pageName(selected.page_label, null)].filter(Boolean).join(", ") : "";
  return h("article", {class: "message user", "aria-label": "You asked"},
    selected ? h("blockquote", {class: "selection-quote"},
      h("span", {class: "small muted"}, `About the selection${where ? ` from ${where}` : ""}:`),
      h("span", {class: "quote-text"}, selected.text)) : null,
    h("div", {class: "bubble"}, text));
}

function addMessage(el) {
  ui.empty.hidden = true;
  ui.messages.append(el);
  el.scrollIntoView({block: "end"});
}

function clearMessages() {
  ui.messages.replaceChildren();
  ui.empty.hidden = false;
}

function collapseOldSources() {
  ui.messages.querySelectorAll("details.sources[open]").forEach((d) => (d.open = false));
}

async function ask(rawText) {
  const selected = selection;
  const question = rawText.trim() || (selected ? "Explain this passage." : "");
  if (controller) return;
  if (!question || tooLong(question)) {
    sayLength(question ? "" : "Type a question first.");
    ui.input.focus();
    return;
  }
  ui.input.value = "";
  autoGrow();
  sayLength();
  setSelection(null);
  leaveOtherCourse(); // the course was changed while the last answer came: the top bar's course is asked
  collapseOldSources();
  addMessage(userMessage(question, selected));
  following = true;
  const answer = createAnswer();
  addMessage(answer.el);
  const body = withCourse({message: question, stream: true});
  const course = conversationId ? conversationCourse : state.courseId;
  if (selected) body.selected_text = selected.text;
  if (selected?.document_id) {
    // Where it was selected: the server cites it there, and reads it as the material's own words from that page.
    body.selected_document_id = selected.document_id;
    body.selected_page = selected.page;
  }
  if (conversationId) {
    // A conversation stays in the course it began in: the server answers in that course's material.
    body.conversation_id = conversationId;
    delete body.course_id;
  }
  if (ui.level.value) body.level = ui.level.value;
  controller = new AbortController();
  setStreaming(true);
  const retry = () => {
    answer.el.previousElementSibling?.remove();
    answer.el.remove();
    if (selected) setSelection(selected);
    ask(question);
  };
  try {
    const response = await request("/api/v1/chat", {method: "POST", json: body, signal: controller.signal,
      headers: {Accept: "text/event-stream"}});
    for await (const {event, data} of readEvents(response)) {
      if (event === "conversation") joinConversation(JSON.parse(data).conversation_id, course);
      else if (event === "sources") answer.setSources(JSON.parse(data));
      else if (event === "token") {
        answer.addToken(data);
        keepScrolled();
      } else if (event === "done") {
        const done = JSON.parse(data);
        answer.finish(done);
        if (following) showFinished(answer.el);
        if (!done.covered && !done.sources.length && !done.model_busy) checkMaterial(answer);
        joinConversation(done.conversation_id, course);
        loadConversations();
      } else if (event === "error") {
        answer.fail(JSON.parse(data).error || "The answer failed.", retry);
      }
    }
    if (answer.el.dataset.state === "streaming" || answer.el.dataset.state === "waiting") {
      answer.fail("The answer was cut off before it finished.", retry);
    }
  } catch (error) {
    if (error.name === "AbortError") answer.stopped();
    else answer.fail(error, retry);
  } finally {
    controller = null;
    setStreaming(false);
    keepScrolled();
  }
}

/** Whether the course asked in has any documents; says so in the answer when it has none. */
async function checkMaterial(answer) {
  const course = currentCourse();
  try {
    const body = await api(`/api/v1/documents${courseQuery()}`);
    if (!(body.documents || []).length) answer.noMaterial(course);
  } catch {
    // the answer as it is says nothing was found
  }
}

// The server names the conversation before the answer, so a question stopped early still continues it.
function joinConversation(id, course) {
  if (id == null || id === conversationId) return;
  conversationId = id;
  conversationCourse = course;
  history.replaceState(null, "", chatHash());
  loadConversations();
}

function keepScrolled() {
  const box = ui.scroller;
  if (box.scrollHeight - box.scrollTop - box.clientHeight < 160) box.scrollTop = box.scrollHeight;
}

/** Scrolls a finished answer's evidence and footer into view, as far as its start stays in view: they came at
 * `done`, all at once, below the streamed text the view had followed. Measured in the scroller's content, as a
 * smooth scroll may still be under way. */
function showFinished(el) {
  const box = ui.scroller;
  const offset = box.scrollTop - box.getBoundingClientRect().top;
  const answer = el.getBoundingClientRect();
  const target = Math.min(answer.bottom + offset - box.clientHeight, answer.top + offset - 8);
  if (target > box.scrollTop) box.scrollTop = target;
}

function setStreaming(on) {
  ui.send.hidden = on;
  ui.stop.hidden = !on;
  ui.form.setAttribute("aria-busy", String(on));
  if (!on && document.activeElement === document.body) ui.input.focus({preventScroll: true});
}

function stop() {
  controller?.abort();
}

function setSelection(value) {
  selection = value;
  ui.chip.hidden = !value;
  if (value) {
    ui.chipText.textContent = value.text.length > 220 ? `${value.text.slice(0, 220)}…` : value.text;
    ui.chipWhere.textContent = `Asking about your selection from ${[value.filename, pageName(value.page_label, null)].filter(Boolean).join(", ")}:`;
    ui.input.placeholder = "What would you like to know about it?";
  } else {
    ui.input.placeholder = "Ask a question about the course…";
  }
  autoGrow();  // an empty box is as tall as its hint, which on a phone takes two lines
}

/** A question's length as the server counts it: in characters (code points), not UTF-16 units. */
function characters(text) {
  return [...text].length;
}

function tooLong(question) {
  return questionChars != null && characters(question) > questionChars;
}

/** Under the question box: `problem` if given, else how near the question is to the limit (or over it, which keeps
 * it from being sent: the box does not cut a long paste short without a word). */
function sayLength(problem = "") {
  const used = characters(ui.input.value.trim());
  const over = used > (questionChars ?? Infinity);
  const count = questionChars != null && used >= questionChars * NEAR_LIMIT ?
    `${used.toLocaleString()} of ${questionChars.toLocaleString()} characters${over ? ": shorten your question to ask it." : ""}` : "";
  ui.note.textContent = problem || count;
  ui.note.dataset.kind = problem || over ? "error" : "";
  ui.input.setAttribute("aria-invalid", String(over));
}

function autoGrow() {
  const box = ui.input;
  box.style.height = "auto";
  // Its height takes in its borders (border-box), which scrollHeight leaves out.
  box.style.height = `${Math.min(box.scrollHeight + box.offsetHeight - box.clientHeight, 200)}px`;
}

// ---------- conversations ----------

async function loadConversations() {
  try {
    conversations = (await api("/api/v1/conversations")).conversations || [];
  } catch (error) {
    toast(`Could not load your conversations: ${error.message}`, "error");
  }
  renderConversations();
}

function renderConversations() {
  ui.convList.replaceChildren(...conversations.map((c) => {
    const title = c.title || "Untitled conversation";
    const link = h("a", {href: `#/chat/${encodeURIComponent(c.id)}`, class: "conv-link",
      "aria-current": c.id === conversationId ? "page" : null},
    h("span", {class: "conv-title"}, title), courseLabel(c.course_id));
    const item = h("li", {class: "conv"}, link,
      h("button", {type: "button", class: "button icon-button small", "aria-label": `Rename “${title}”`,
        dataset: {rename: c.id}, onClick: () => renameInline(item, c)}, icon("edit")),
      h("button", {type: "button", class: "button icon-button small", "aria-label": `Delete “${title}”`,
        onClick: (event) => askFirst(event.currentTarget, {text: "Delete", name: `Delete “${title}”`,
          act: () => removeConversation(c)})}, icon("trash")));
    return item;
  }));
  ui.convEmpty.hidden = conversations.length > 0;
  const current = conversations.find((c) => c.id === conversationId);
  if (current) ui.title.textContent = current.title || "Conversation";
}

/** The course a conversation is in, shown when there is more than one it could be in. */
function courseLabel(courseId) {
  const course = state.courses.length > 1 && state.courses.find((c) => c.id === courseId);
  return course ? h("span", {class: "conv-course"}, course.name) : null;
}

function renameInline(item, conversation) {
  const input = h("input", {value: conversation.title || "", "aria-label": "New title", maxlength: 200});
  const save = async () => {
    const title = input.value.trim();
    if (title && title !== conversation.title) {
      try {
        await api(`/api/v1/conversations/${encodeURIComponent(conversation.id)}`, {method: "PATCH", json: {title}});
      } catch (error) {
        toast(`Not renamed: ${error.message}`, "error");
      }
    }
    await loadConversations();
    focusRename(conversation.id);
  };
  const form = h("form", {class: "conv-rename", onSubmit: (e) => {
    e.preventDefault();
    save();
  }}, input, h("button", {type: "submit", class: "button small"}, "Save"));
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    renderConversations();
    focusRename(conversation.id);
  });
  item.replaceChildren(form);
  input.focus();
  input.select();
}

/** The form replaced by the list took the keyboard with it: it goes back to the conversation's rename button. */
function focusRename(id) {
  ui.convList.querySelector(`[data-rename="${CSS.escape(id)}"]`)?.focus();
}

async function removeConversation(conversation) {
  try {
    await api(`/api/v1/conversations/${encodeURIComponent(conversation.id)}`, {method: "DELETE"});
    if (conversation.id === conversationId) newChat();
  } catch (error) {
    toast(`Not deleted: ${error.message}`, "error");
  }
  await loadConversations();
  // The button pressed is gone with its row: the keyboard goes on from the list (newChat gave it the question box).
  if (document.activeElement === document.body) ui.convTitle.focus();
}

/** A stored Message in the shape of the `done` event (absent fields are the contract's defaults). */
function storedAnswer(message) {
  return {answer: message.content, covered: message.covered ?? true, model_busy: message.model_busy ?? false,
    small_talk: message.small_talk ?? false,
    cached: message.cached ?? false, timings: {total_ms: message.total_ms ?? null}, sources: message.sources ?? [],
    sentences: message.sentences ?? [], nodes: message.nodes, interaction_id: message.interaction_id,
    feedback: message.feedback};
}

async function openConversation(id) {
  stop();
  conversationId = id;
  clearMessages();
  try {
    const body = await api(`/api/v1/conversations/${encodeURIComponent(id)}`);
    ui.title.textContent = body.title || "Conversation";
    // Its follow-ups are asked in its course (ask), so the header shows that one.
    conversationCourse = body.course_id;
    if (body.course_id != null && body.course_id !== state.courseId) selectCourse(body.course_id);
    for (const message of body.messages || []) {
      if (message.role === "user") {
        addMessage(userMessage(message.content, message.selected_text ? {text: message.selected_text} : null));
      } else {
        const answer = createAnswer();
        addMessage(answer.el);
        if (message.stopped) {
          // Stopped by its asker (or the page left mid-answer): shown as it was when it stopped.
          Object.assign(answer, {content: message.content, sources: message.sources ?? []});
          answer.stopped();
        } else {
          answer.finish(storedAnswer(message));
        }
      }
    }
    collapseOldSources();
    ui.messages.querySelector(".message:last-child details.sources")?.setAttribute("open", "");
  } catch (error) {
    addMessage(h("div", {class: "alert alert-error", role: "alert"}, `Could not open this conversation: ${error.message}`));
  }
  renderConversations();
}

function newChat() {
  stop();
  conversationId = null;
  clearMessages();
  ui.title.textContent = "New conversation";
  renderConversations();
  go("#/chat");
  ui.input.focus();
}

// ---------- the view ----------

function levelSelect() {
  const select = h("select", {id: "answer-level", class: "level-select"},
    h("option", {value: ""}, "My level"),
    LEVELS.map((l) => h("option", {value: l.value}, l.label)));
  return select;
}

function build() {
  const input = h("textarea", {id: "question", rows: 1, placeholder: "Ask a question about the course…", dataset: {focus: ""},
    autocomplete: "off", "aria-describedby": "question-note", onInput: () => {
      autoGrow();
      sayLength();
    }, onKeydown: (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ask(input.value);
      } else if (event.key === "Escape" && controller) {
        stop();
      }
    }});
  const send = h("button", {type: "submit", class: "button primary send"}, icon("send"), h("span", {}, "Ask"));
  const stopButton = h("button", {type: "button", class: "button danger stop", hidden: true, onClick: stop},
    icon("stop"), h("span", {}, "Stop"));
  const level = levelSelect();
  const chipText = h("span", {class: "quote-text"});
  const chipWhere = h("span", {class: "small muted"});
  const chip = h("div", {class: "selection-chip", hidden: true},
    h("div", {class: "selection-body"}, chipWhere, chipText),
    h("button", {type: "button", class: "button icon-button small", "aria-label": "Do not ask about the selection",
      onClick: () => setSelection(null)}, icon("close")));
  const levelWrap = h("div", {class: "level-pick"}, h("label", {for: "answer-level"}, "Answer for"), level);
  const note = h("p", {id: "question-note", class: "composer-note", "aria-live": "polite"});
  const form = h("form", {class: "composer", "aria-label": "Ask a question", onSubmit: (event) => {
    event.preventDefault();
    ask(input.value);
  }},
  chip,
  h("div", {class: "composer-row"},
    h("label", {for: "question", class: "sr-only"}, "Your question"),
    input, send, stopButton),
  note,
  h("div", {class: "composer-meta"}, levelWrap,
    h("span", {class: "hint"}, "Enter to send, Shift+Enter for a new line. Answers cite their sources as [1].")));

  const messages = h("div", {class: "messages"});
  const empty = h("div", {class: "empty-chat"},
    h("h2", {}, "Ask about your course material"),
    h("p", {class: "muted"}, "Answers come only from the documents of your course, and cite the pages they use: select a [1] to read the passage. In the reader, select any text and choose “Ask about this”."));
  const scroller = h("div", {class: "chat-scroll", tabindex: "-1"}, empty, messages);
  // The student scrolling takes the view over from the answer being followed.
  for (const type of ["wheel", "touchmove"]) scroller.addEventListener(type, () => (following = false), {passive: true});
  scroller.addEventListener("keydown", (event) => {
    if (SCROLL_KEYS.has(event.key)) following = false;
  });
  const title = h("h1", {class: "chat-title", tabindex: "-1"}, "New conversation");
  const convToggle = h("button", {type: "button", class: "button subtle conv-toggle", "aria-expanded": "false",
    "aria-controls": "conversations", onClick: () => {
      const open = root.classList.toggle("show-conversations");
      convToggle.setAttribute("aria-expanded", String(open));
    }}, icon("menu"), h("span", {}, "Conversations"));
  const convTitle = h("h2", {tabindex: "-1"}, "Conversations");
  const convList = h("ul", {class: "conv-list"});
  const convEmpty = h("p", {class: "muted small conv-empty"}, "Your conversations appear here.");
  const sidebar = h("aside", {id: "conversations", class: "conversations", "aria-label": "Conversations"},
    h("div", {class: "conv-head"}, convTitle,
      h("button", {type: "button", class: "button small", onClick: newChat}, icon("plus"), "New")),
    convEmpty, convList);
  const reader = createReader({
    pageHref: (doc, page) => readHref(doc, page, readerReturn ? {from: "documents"} : {}),
    onClose: () => {
      if (readerReturn) {
        go(readerReturn);
        return;
      }
      // Back where the reader was opened from (a citation), not the top of the page; else the question box.
      returnFocus = readerOpener?.isConnected ? readerOpener : ui.input;
      readerOpener = null;
      go(chatHash());
    },
    onAsk: (picked) => {
      readerReturn = null; // asking about it, the student is in the chat now
      setSelection(picked);
      if (window.matchMedia("(max-width: 900px)").matches) go(chatHash());
      input.focus();
    },
  });
  const live = h("p", {class: "sr-only", role: "status", "aria-live": "polite"});
  const chatColumn = h("section", {class: "chat", "aria-labelledby": "chat-title-id"},
    h("div", {class: "chat-head"}, convToggle, title,
      h("button", {type: "button", class: "button subtle", onClick: newChat}, icon("plus"), h("span", {}, "New chat"))),
    scroller, form, live);
  title.id = "chat-title-id";
  const root = h("div", {class: "chat-view has-sidebar"}, sidebar, chatColumn, reader.el);
  ui = {root, input, send, stop: stopButton, form, note, level, levelWrap, chip, chipText, chipWhere, messages, empty,
    scroller, title, sidebar, convTitle, convList, convEmpty, reader, live};
  // Without the limit the server's own refusal of a long question is what the student sees (answer.fail).
  api("/api/v1/chat/limits").then((limits) => {
    questionChars = limits.question_chars;
    sayLength();
  }, () => {});

  // Another course: another conversation (a conversation belongs to the course it was asked in); chosen while an
  // answer comes, the next question begins it (ask).
  let shownCourse = state.courseId;
  subscribe(() => {
    if (state.courseId !== shownCourse) {
      shownCourse = state.courseId;
      if (!controller) leaveOtherCourse();
    }
    mountTexts();
  });
}

/** A new conversation when the one shown is of another course than the one selected. */
function leaveOtherCourse() {
  if (!conversationId || conversationCourse === state.courseId) return;
  conversationId = null;
  clearMessages();
  ui.title.textContent = "New conversation";
  renderConversations();
  if (location.hash.startsWith("#/chat/")) history.replaceState(null, "", "#/chat");
}

function mountTexts() {
  const course = currentCourse();
  ui.empty.querySelector("h2").textContent = course ? `Ask about ${course.name}` : "Ask about your course material";
}

function mount(main) {
  if (!ui) build();
  if (!main.contains(ui.root)) main.replaceChildren(ui.root);
  mountTexts();
  document.title = "Ask · ragbot";
}

export async function show(main, [id]) {
  readerReturn = null;
  mount(main);
  ui.reader.close();
  ui.root.classList.remove("reading", "show-conversations");
  autoGrow();  // the hint's height is known only now the box is laid out: on a narrow phone it takes two lines
  if (returnFocus) {
    returnFocus.focus();
    returnFocus = null;
  }
  if (id && id !== String(conversationId)) openConversation(id);
  // Back from another screen ("Ask" is #/chat) the conversation still shown goes on: the address names it, so a
  // reload or a bookmark reopens it instead of an empty new chat.
  else if (!id && conversationId) history.replaceState(null, "", chatHash());
  await loadConversations();
}

export async function showReader(main, [documentId, page], params) {
  const from = document.activeElement;
  if (from && ui?.messages.contains(from)) readerOpener = from;
  // Opened from the Material list, it closes back there; its pages' links say so too (pageHref), any other opening
  // does not.
  readerReturn = params.get("from") === "documents" ? "#/documents" : null;
  mount(main);
  keepConversation(params);
  ui.root.classList.add("reading");
  ui.root.classList.remove("show-conversations");
  await ui.reader.open(documentId, Number(page), highlights(params));
  document.title = "Reader · ragbot";
  if (conversations.length === 0) loadConversations();
}

/** The conversation beside the reader, in the reader's address: reloaded (a phone reloads a tab left in the
 * background), the reader opens beside it again, not beside an empty new chat, and closes back to it. */
function keepConversation(params) {
  const named = params.get("chat");
  if (named && named !== String(conversationId)) openConversation(named);
  else if (!named && conversationId && !readerReturn) {
    params.set("chat", conversationId);
    history.replaceState(null, "", `${location.hash.split("?")[0]}?${params}`);
  }
}

/** What to highlight from the address: `hl=120-180,300-342`, `near=...` and `kind=...` (readHref), or the older
 * `start=..&end=..`. */
function highlights(params) {
  const ranges = (key) => (params.get(key) || "").split(",").filter(Boolean).map((range) => range.split("-").map(Number));
  const file = params.get("file") || null;
  if (params.has("start") && params.has("end")) return {hl: [[Number(params.get("start")), Number(params.get("end"))]], file};
  return {hl: ranges("hl"), near: ranges("near"), kind: params.get("kind") || "passage", file};
}
