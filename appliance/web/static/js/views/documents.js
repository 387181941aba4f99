// Course material: drag-and-drop upload with a progress bar per file (fed by its ingestion job),
// and the document list with status, open and delete.

import {api, upload} from "../api.js";
import {askFirst, formatBytes, formatDate, h, icon, toast} from "../dom.js";
import {courseQuery, currentCourse, isStaff, state, subscribe} from "../state.js";

const POLL_MS = 400;
// These kinds' pages are slides, cells and chapters (ingest/formats), and their citations name them so.
const PAGE_NAMES = {pptx: "slide", odp: "slide", ipynb: "cell", epub: "chapter"};
const PARALLEL = 3;

let ui = null;
const uploads = []; // {id, file, row, job, phase}
let queue = [];
let active = 0;
let counter = 0;

// ---------- uploads ----------

function describe(item) {
  const job = item.job;
  if (item.phase === "uploading") return `Uploading ${Math.round(item.sent * 100)}%`;
  if (item.phase === "waiting") return "Waiting to upload";
  if (item.phase === "error") return item.error;
  if (item.deleted) return "Done, then deleted from the course";
  if (!job) return "Sending";
  if (job.status === "queued") return "Queued for processing";
  if (job.status === "running") {
    if (job.chunks_total) return `Indexing passages ${job.chunks_done} of ${job.chunks_total}`;
    if (job.pages_total) return `Reading ${pageName(job.kind)}s ${job.pages_done} of ${job.pages_total}`;
    return "Reading";
  }
  if (job.status === "failed") return job.error || "Could not be added";
  if (job.outcome === "unchanged") {
    // The same content under another name is not added again: say which document it already is. In this course:
    // each course has material of its own, and the same file uploaded to another is added there.
    return item.sameAs && item.sameAs !== item.file.name ? `Done: already in this course as ${item.sameAs}, not added again`
      : "Done: already in this course, unchanged";
  }
  if (job.outcome === "replaced") return `Done: updated, ${count(job.chunks_total, "passage")}`;
  return `Done: ${count(job.chunks_total, "passage")}${job.pages_total > 1 ? ` from ${count(job.pages_total, pageName(job.kind))}` : ""}`;
}

/** What a file of this kind calls its pages: a deck's are slides. */
function pageName(kind) {
  return PAGE_NAMES[kind] || "page";
}

function count(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function status(item) {
  if (item.phase === "error") return "failed";
  if (item.deleted) return "deleted";
  if (item.job) return item.job.status;
  return item.phase;
}

function progress(item) {
  if (item.phase === "uploading") return 0.1 * item.sent; // the bytes are the first tenth of the bar
  if (!item.job) return 0;
  if (item.job.status === "done") return 1;
  return 0.1 + 0.9 * (item.job.progress || 0);
}

function renderRow(item) {
  const value = Math.round(progress(item) * 100);
  const state = status(item);
  item.bar.style.width = `${value}%`;
  item.meter.setAttribute("aria-valuenow", String(value));
  item.meter.setAttribute("aria-valuetext", describe(item));
  item.text.textContent = describe(item);
  item.row.dataset.status = state;
  item.row.classList.toggle("is-failed", state === "failed");
  item.row.classList.toggle("is-done", state === "done");
}

function addUploads(files) {
  if (!files.length) return;
  ui?.said.replaceChildren(); // what earlier files came to was said: only this batch's is kept
  for (const file of files) {
    const id = ++counter;
    const bar = h("div", {class: "meter-bar"});
    const meter = h("div", {class: "meter", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-valuenow": "0", "aria-label": `Progress of ${file.name}`}, bar);
    const text = h("p", {class: "upload-status"});
    const row = h("li", {class: "upload", dataset: {filename: file.name}},
      h("div", {class: "upload-head"}, h("span", {class: "upload-name"}, file.name),
        h("span", {class: "muted small"}, formatBytes(file.size))),
      meter, text);
    const item = {id, file, row, bar, meter, text, job: null, phase: "waiting", sent: 0, courseId: state.courseId};
    uploads.unshift(item);
    ui?.uploadList.prepend(row);
    renderRow(item);
    queue.push(item);
  }
  showUploads();
  pump();
}

function pump() {
  while (active < PARALLEL && queue.length) {
    const item = queue.shift();
    active++;
    send(item).finally(() => {
      active--;
      pump();
    });
  }
}

async function send(item) {
  const form = new FormData();
  form.append("files", item.file, item.file.name);
  if (item.courseId != null) form.append("course_id", String(item.courseId));
  item.phase = "uploading";
  renderRow(item);
  let body;
  try {
    body = await upload("/api/v1/documents", form, (fraction) => {
      item.sent = fraction;
      renderRow(item);
    });
  } catch (error) {
    // Every file refused: the body still holds the file's job with its reason.
    const job = error.body?.jobs?.[0];
    item.phase = "error";
    item.error = job?.error ? capital(job.error) : capital(error.message);
    renderRow(item);
    tell(item);
    return;
  }
  item.phase = "processing";
  item.job = body.jobs[0];
  renderRow(item);
  await follow(item);
}

function capital(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

async function follow(item) {
  while (item.job.status === "queued" || item.job.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    try {
      item.job = await api(`/api/v1/jobs/${encodeURIComponent(item.job.id)}`);
    } catch (error) {
      if (error.status === 404) {
        item.phase = "error";
        item.error = "The job disappeared";
        break;
      }
      continue; // a hiccup: keep polling
    }
    renderRow(item);
  }
  if (item.job.status === "failed") item.job.error = capital(item.job.error);
  if (item.job.status === "done" && item.job.outcome === "unchanged" && item.job.document_id) {
    try {
      item.sameAs = (await api(`/api/v1/documents/${encodeURIComponent(item.job.document_id)}`)).filename;
    } catch {
      // unnamed: the row says it was already there
    }
  }
  renderRow(item);
  tell(item);
  if (item.job.status === "done") refreshList();
}

/** Says how a file's upload ended: its row's words change silently, and a screen reader user hears nothing. */
function tell(item) {
  ui?.said.append(h("span", {}, `${item.file.name}: ${describe(item)}. `));
}

/** Only the uploads to the course shown: a file sent to another course is not material of this one. */
function showUploads() {
  if (!ui) return;
  for (const item of uploads) item.row.hidden = item.courseId !== state.courseId;
  ui.uploadSection.hidden = !uploads.some((item) => item.courseId === state.courseId);
}

// ---------- the list ----------

async function refreshList() {
  if (!ui) return;
  try {
    const body = await api(`/api/v1/documents${courseQuery()}`);
    renderFormats(body.formats || []);
    renderList(body.documents || []);
  } catch (error) {
    ui.list.replaceChildren(h("li", {class: "alert alert-error", role: "alert"}, `Could not load the documents: ${error.message}`));
  }
}

// The server's own list of what it reads, so the drop zone never promises less (or more) than it takes.
function renderFormats(formats) {
  const names = formats.length > 1 ? `${formats.slice(0, -1).join(", ")} or ${formats.at(-1)}` : formats.join("");
  ui.formats.textContent = names ? `${names} files, several at once.` : "Several files at once.";
}

function renderList(documents) {
  ui.count.textContent = documents.length === 1 ? "1 document" : `${documents.length} documents`;
  if (!documents.length) {
    ui.list.replaceChildren(h("li", {class: "empty muted"}, isStaff() ? "No documents yet: upload some above." : "No documents yet."));
    return;
  }
  ui.list.replaceChildren(...documents.map((doc) => {
    const actions = h("div", {class: "doc-actions"},
      h("a", {class: "button small", href: `#/read/${encodeURIComponent(doc.id)}/1?from=documents`,
        "aria-label": `Read ${doc.filename}`},
        icon("book"), "Read"));
    if (isStaff()) actions.append(deleteButton(doc, actions));
    const facts = [doc.kind, doc.pages ? count(doc.pages, pageName(doc.kind)) : null, count(doc.chunks, "passage"),
      formatBytes(doc.bytes), `added ${formatDate(doc.added_at)}`,
      // A newer upload of the same name replaced it: when, so a teacher sees which version answers draw on.
      doc.created_at !== doc.added_at ? `updated ${formatDate(doc.created_at)}` : null].filter(Boolean);
    return h("li", {class: "doc", dataset: {filename: doc.filename}},
      h("div", {class: "doc-main"},
        h("span", {class: "doc-name"}, doc.title && doc.title !== doc.filename ? doc.title : doc.filename),
        doc.title && doc.title !== doc.filename ? h("span", {class: "muted small"}, doc.filename) : null,
        h("span", {class: "doc-facts muted small"}, facts.join(" · "))),
      h("span", {class: "status-pill ok"}, "Ready"),
      actions);
  }));
}

function deleteButton(doc, actions) {
  const button = h("button", {type: "button", class: "button small danger-outline", "aria-label": `Delete ${doc.filename}`,
    onClick: () => askFirst(button, {text: `Delete ${doc.filename}`, act: async () => {
      try {
        await api(`/api/v1/documents/${encodeURIComponent(doc.id)}`, {method: "DELETE"});
        toast(`${doc.filename} deleted.`);
        // An upload of it no longer says "Done": its document is gone.
        for (const item of uploads.filter((one) => one.job?.document_id === doc.id)) {
          item.deleted = true;
          renderRow(item);
        }
      } catch (error) {
        toast(`Not deleted: ${error.message}`, "error");
      }
      await refreshList();
      // The button pressed is gone with its row: the keyboard goes on from the list, not from the page's top.
      ui.listTitle.focus();
    }})}, icon("trash"), "Delete");
  return button;
}

// ---------- the view ----------

function dropZone() {
  const input = h("input", {type: "file", id: "file-input", multiple: true, class: "file-input",
    onChange: () => {
      addUploads([...input.files]);
      input.value = "";
    }});
  const zone = h("div", {class: "drop-zone", id: "drop-zone"},
    icon("upload"),
    h("p", {class: "drop-title"}, "Drag and drop files here"),
    h("p", {class: "muted small", id: "drop-formats"}, "Several files at once."),
    input,
    h("label", {for: "file-input", class: "button primary"}, "Choose files"));
  let depth = 0;
  zone.addEventListener("dragenter", (e) => {
    e.preventDefault();
    depth++;
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  });
  zone.addEventListener("dragleave", () => {
    if (--depth <= 0) zone.classList.remove("dragging");
  });
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove("dragging");
    addUploads([...(e.dataTransfer?.files || [])]);
  });
  return zone;
}

function build() {
  const title = h("h1", {tabindex: "-1"}, "Course material");
  const subtitle = h("p", {class: "muted"});
  const uploadList = h("ul", {class: "upload-list", "aria-label": "Uploads"});
  const said = h("p", {class: "sr-only", role: "status"});
  const uploadSection = h("section", {class: "card", "aria-labelledby": "uploads-title", hidden: true},
    h("h2", {id: "uploads-title"}, "Uploads"), uploadList);
  const count = h("span", {class: "muted small"});
  const list = h("ul", {class: "doc-list", "aria-label": "Documents"});
  const addSection = h("section", {class: "card", "aria-labelledby": "add-title"},
    h("h2", {id: "add-title"}, "Add documents"), dropZone());
  const root = h("div", {class: "page"},
    h("div", {class: "page-head"}, title, subtitle),
    addSection, uploadSection, said,
    h("section", {class: "card", "aria-labelledby": "docs-title"},
      h("div", {class: "section-head"}, h("h2", {id: "docs-title", tabindex: "-1"}, "Documents"), count), list));
  ui = {root, title, subtitle, uploadList, uploadSection, said, list, count, addSection, listTitle: root.querySelector("#docs-title"),
    formats: addSection.querySelector("#drop-formats")};
  uploads.forEach((item) => uploadList.append(item.row));
  // Files dropped anywhere else would make the browser open them: ignore those drops.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
}

function update() {
  const course = currentCourse();
  ui.subtitle.textContent = course ? `Documents of ${course.name}. Answers draw only on these.` :
    "The documents answers are drawn from.";
  ui.addSection.hidden = !isStaff();
  showUploads();
  refreshList();
}

export function show(main) {
  if (!ui) build();
  main.replaceChildren(ui.root);
  document.title = "Material · ragbot";
  update();
  let shown = state.courseId;
  return subscribe(() => {
    if (state.courseId !== shown) {
      shown = state.courseId;
      update();
    }
  });
}
