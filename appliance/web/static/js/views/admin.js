// The admin's screen: every account (role, status, created) and the audit log's recent events. The server
// answers both only to an admin; the link to this screen is shown only to one.

import {api} from "../api.js";
import {formatDate, h} from "../dom.js";

const AUDIT_LIMIT = 100;

/** A table under its heading, scrolling sideways on a phone; `rows` are arrays of cell texts. */
function table(id, title, heads, rows, empty) {
  const body = rows.length ? h("div", {class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": id},
    h("table", {class: "rich-table admin-table"},
      h("thead", {}, h("tr", {}, heads.map((head) => h("th", {scope: "col"}, head)))),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell)))))))
    : h("p", {class: "muted"}, empty);
  return h("section", {class: "card panel", "aria-labelledby": id}, h("h2", {id}, title), body);
}

function when(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toLocaleString();
}

export async function show(main) {
  const body = h("div", {class: "admin", "aria-live": "polite"}, h("p", {class: "muted"}, "Loading…"));
  main.replaceChildren(h("div", {class: "page wide"},
    h("div", {class: "page-head"}, h("h1", {tabindex: "-1"}, "Administration"),
      h("p", {class: "muted"}, "The accounts on this appliance and who changed what, newest first.")), body));
  document.title = "Administration · ragbot";
  try {
    const [accounts, audit] = await Promise.all([api("/api/v1/users"), api(`/api/v1/audit?limit=${AUDIT_LIMIT}`)]);
    body.replaceChildren(
      table("accounts", "Accounts", ["Username", "Role", "Status", "Created"],
        accounts.users.map((u) => [u.username, u.role, u.disabled ? "disabled" : "active", formatDate(u.created_at)]),
        "No accounts."),
      table("audit", `Audit log (the last ${AUDIT_LIMIT} events)`, ["When", "Who", "Action", "What"],
        audit.entries.map((e) => [when(e.at), e.actor || "(signed up)", e.action, e.target]),
        "Nothing recorded yet."));
  } catch (error) {
    body.replaceChildren(h("div", {class: "alert alert-error", role: "alert"}, `Could not load: ${error.message}`));
  }
}
