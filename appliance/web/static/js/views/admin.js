// The admin's screen: every account (role, status, created, last sign-in) and the audit log, newest first, a page
// at a time. The server answers both only to an admin; the link to this screen is shown only to one.

import {api} from "../api.js";
import {h} from "../dom.js";
import {state} from "../state.js";

const AUDIT_PAGE = 100;
const AUDIT_HEADS = ["When", "Who", "Action", "What"];

/** A table under its heading, scrolling sideways on a phone; `rows` are arrays of cell texts. */
function table(id, title, heads, rows, empty) {
  const body = rows.length ? h("div", {class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": id},
    h("table", {class: "rich-table admin-table"},
      h("thead", {}, h("tr", {}, heads.map((head) => h("th", {scope: "col"}, head)))),
      h("tbody", {}, rows.map(row))))
    : h("p", {class: "muted"}, empty);
  return h("section", {class: "card panel", "aria-labelledby": id}, h("h2", {id}, title), body);
}

/** One table row of cell texts. */
function row(cells) {
  return h("tr", {}, cells.map((cell) => h("td", {}, cell)));
}

/** A moment as people read it, the same in every column: "3 Dec 2026, 14:05" (as the browser's locale puts it). */
function when(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at)
    : date.toLocaleString(undefined, {day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit"});
}

function accountCells(user) {
  const lastSignIn = user.last_sign_in_at ? when(user.last_sign_in_at) : "never";
  return [user.username, user.role, user.disabled ? "disabled" : "active", when(user.created_at), lastSignIn];
}

/** What an entry changed: its target, with what the detail adds that the target leaves out (who was added to a
 * course; which course a document went to, named as the course list names it). */
function auditWhat(entry) {
  const {user, course} = entry.detail || {};
  if (entry.action === "membership.add" && user) return `${user} to ${entry.target}`;
  if (entry.action === "document.upload" && course) {
    const known = state.courses.find((c) => c.id === course);
    return `${entry.target} to course ${course}${known ? ` (${known.name})` : ""}`;
  }
  return entry.target;
}

function auditCells(entry) {
  return [when(entry.at), entry.actor || "(signed up)", entry.action, auditWhat(entry)];
}

/** The audit entries older than entry id `before` (the newest when null), a page of them, and whether more are older. */
async function auditPage(before) {
  // One entry more than is shown tells whether older ones remain, so "Show older" never leads to an empty page.
  const older = before ? `&before=${before}` : "";
  const {entries} = await api(`/api/v1/audit?limit=${AUDIT_PAGE + 1}${older}`);
  return {entries: entries.slice(0, AUDIT_PAGE), more: entries.length > AUDIT_PAGE};
}

/** The audit log's panel from its first page, with "Show older" appending the next while there are more. */
function auditPanel(first) {
  const panel = table("audit", "Audit log", AUDIT_HEADS, first.entries.map(auditCells), "Nothing recorded yet.");
  if (!first.more) return panel;
  const rows = panel.querySelector("tbody");
  // The status line says how many are shown; a hundred rows read out by the screen's live region would drown it.
  rows.setAttribute("aria-live", "off");
  let oldest = first.entries.at(-1).id;
  const status = h("p", {class: "muted", role: "status"});
  const button = h("button", {type: "button", class: "button small", onClick: showOlder}, "Show older");
  async function showOlder() {
    button.disabled = true;
    status.textContent = "Loading…";
    try {
      const page = await auditPage(oldest);
      rows.append(...page.entries.map((entry) => row(auditCells(entry))));
      oldest = page.entries.at(-1)?.id ?? oldest;
      status.textContent = `${rows.children.length} events shown.`;
      button.hidden = !page.more;
      // A hidden button drops the keyboard's place: give it to the table it was reading.
      if (!page.more) rows.closest(".table-scroll").focus();
    } catch (error) {
      status.textContent = `Could not load older events: ${error.message}`;
    }
    button.disabled = false;
  }
  panel.append(h("div", {class: "admin-more"}, button, status));
  return panel;
}

export async function show(main) {
  const body = h("div", {class: "admin", "aria-live": "polite"}, h("p", {class: "muted"}, "Loading…"));
  main.replaceChildren(h("div", {class: "page wide"},
    h("div", {class: "page-head"}, h("h1", {tabindex: "-1"}, "Administration"),
      h("p", {class: "muted"}, "The accounts on this appliance and who changed what, newest first.")), body));
  document.title = "Administration · ragbot";
  try {
    const [accounts, audit] = await Promise.all([api("/api/v1/users"), auditPage(null)]);
    body.replaceChildren(
      table("accounts", "Accounts", ["Username", "Role", "Status", "Created", "Last sign-in"],
        accounts.users.map(accountCells), "No accounts."),
      auditPanel(audit));
  } catch (error) {
    body.replaceChildren(h("div", {class: "alert alert-error", role: "alert"}, `Could not load: ${error.message}`));
  }
}
