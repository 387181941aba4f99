// The admin's screen: every account (role, status, created, last sign-in), made, changed and given a new password
// here, and the audit log, newest first, a page at a time. The server answers all of it only to an admin; the link
// to this screen is shown only to one.

import {api} from "../api.js";
import {askFirst, field, h, icon} from "../dom.js";
import {state} from "../state.js";

const ROLES = ["student", "teacher", "admin"];
const ACCOUNT_HEADS = ["Username", "Role", "Status", "Created", "Last sign-in", "Actions"];

const AUDIT_PAGE = 100;
const AUDIT_HEADS = ["When", "Who", "Action", "What"];

/** A table under its heading, scrolling sideways on a phone; `rows` are arrays of cells (texts or elements), or
 * rows already made. */
function table(id, title, heads, rows, empty) {
  const body = rows.length ? h("div", {class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": id},
    h("table", {class: "rich-table admin-table"},
      h("thead", {}, h("tr", {}, heads.map((head) => h("th", {scope: "col"}, head)))),
      h("tbody", {}, rows.map((cells) => (Array.isArray(cells) ? row(cells) : cells)))))
    : h("p", {class: "muted"}, empty);
  return h("section", {class: "card panel", "aria-labelledby": id}, h("h2", {id}, title), body);
}

/** One table row of cells. */
function row(cells) {
  return h("tr", {}, cells.map((cell) => h("td", {}, cell)));
}

/** Shows `box` as an alert of `kind` ("ok" or "error"), keeping its own classes. */
function showAs(box, kind) {
  box.classList.remove("alert-ok", "alert-error");
  box.classList.add("alert", `alert-${kind}`);
  box.hidden = false;
}

function message(box, text, kind) {
  showAs(box, kind);
  box.textContent = kind === "error" && text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** The one-time password the server made for `username`, shown once with a button to copy it. */
function issued(box, username, password, what) {
  const code = h("code", {class: "code one-time-password"}, password);
  const copy = h("button", {type: "button", class: "button small", "aria-label": `Copy the password of ${username}`,
    onClick: async () => {
      try {
        await navigator.clipboard.writeText(password);
        copy.textContent = "Copied";
      } catch {
        window.getSelection().selectAllChildren(code);  // no clipboard over plain HTTP: selected for Ctrl+C
      }
    }}, "Copy");
  showAs(box, "ok");
  box.replaceChildren(h("p", {}, `${what} Password for ${username}: `, code, " ", copy),
    h("p", {class: "small"}, "It is shown only now: give it to them. They can change it on their profile page."));
}

/** The form making an account: a username, a role and the course it joins; the server makes its password. */
function newAccountForm(note, onMade) {
  const username = h("input", {name: "username", required: true, maxlength: 40, autocomplete: "off",
    autocapitalize: "none", spellcheck: "false"});
  const role = h("select", {name: "role"}, ROLES.map((r) => h("option", {value: r}, r)));
  const course = h("select", {name: "course"}, state.courses.map((c) => h("option", {value: String(c.id)}, c.name)));
  const form = h("form", {class: "inline-form", onSubmit: async (event) => {
    event.preventDefault();
    const json = {username: username.value.trim(), role: role.value};
    if (course.value) json.course_id = Number(course.value);
    try {
      const made = await api("/api/v1/users", {method: "POST", json});
      form.reset();
      issued(note, made.user.username, made.password, `Created the ${made.user.role} account.`);
      onMade(made.user);
    } catch (error) {
      message(note, error.message, "error");
    }
  }}, field("Username", username, "2–40 letters a–z, digits, dots, dashes or underscores."), field("Role", role),
  state.courses.length ? field("Joins the course", course) : null,
  h("button", {type: "submit", class: "button primary"}, icon("plus"), "Create account"));
  return h("section", {class: "card", "aria-labelledby": "new-account"}, h("h2", {id: "new-account"}, "New account"), form);
}

/** The actions on another's account: its role, disabling or enabling it, a new one-time password. */
function accountActions(user, note, changed) {
  const name = user.username;
  const patch = async (json, control) => {
    control.disabled = true;
    try {
      changed(await api(`/api/v1/users/${user.id}`, {method: "PATCH", json}), control.dataset.action);
      message(note, json.role ? `${name} is now a ${json.role}.`
        : json.disabled ? `${name} is disabled and signed out.` : `${name} can sign in again.`, "ok");
    } catch (error) {
      message(note, error.message, "error");
      control.disabled = false;
      if (json.role) control.value = user.role;
    }
  };
  const role = h("select", {class: "level-select", dataset: {action: "role"}, "aria-label": `Role of ${name}`, onChange: () => patch({role: role.value}, role)},
    ROLES.map((r) => h("option", {value: r, selected: r === user.role}, r)));
  const status = h("button", {type: "button", class: ["button", "small", user.disabled ? null : "danger"], dataset: {action: "status"},
    onClick: () => patch({disabled: !user.disabled}, status)}, user.disabled ? "Enable" : "Disable");
  const reset = h("button", {type: "button", class: "button small", dataset: {action: "reset"}, onClick: () => askFirst(reset, {
    text: "New password, sign out", name: `Give ${name} a new password and sign them out`, act: async () => {
      try {
        const made = await api(`/api/v1/users/${user.id}/password`, {method: "POST"});
        issued(note, name, made.password, "Their sessions are signed out.");
        changed(made.user, "reset");
      } catch (error) {
        message(note, error.message, "error");
        changed(user, "reset");
      }
    }})}, "Reset password");
  return h("div", {class: "account-actions"}, role, status, reset);
}

/** An account's row; the signed-in admin's own has no actions (another admin changes it). */
function accountRow(user, note, onChange) {
  const actions = user.id === state.user?.id ? h("span", {class: "muted small"}, "you")
    : accountActions(user, note, (updated, action) => {
      // The keyboard stays on the control acted on, made anew with the row (it was disabled while the change was
      // sent, which took the focus from it, so it is named, not looked up).
      const fresh = accountRow(updated, note, onChange);
      tr.replaceWith(fresh);
      fresh.querySelector(`[data-action="${action}"]`)?.focus();
      onChange();
    });
  const tr = row([...accountCells(user), actions]);
  tr.dataset.username = user.username;
  return tr;
}

/** The accounts panel: the new-account form over the table, a note between them saying what the last action did. */
function accountsPanel(users, onChange) {
  const note = h("div", {role: "status", hidden: true, class: "account-note"});
  const panel = table("accounts", "Accounts", ACCOUNT_HEADS, users.map((u) => accountRow(u, note, onChange)), "No accounts.");
  const made = (user) => {
    panel.querySelector("tbody")?.append(accountRow(user, note, onChange));
    onChange();
  };
  panel.querySelector("h2").after(note);
  return [newAccountForm(note, made), panel];
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

/** What an entry changed: its target, with what the detail adds that the target leaves out (who was added to or
 * removed from a course; a course's name before; which course a document went to, named as the course list names
 * it; a role from and to). */
function auditWhat(entry) {
  const {user, course, role, was} = entry.detail || {};
  if (entry.action === "membership.add" && user) return `${user} to ${entry.target}`;
  if (entry.action === "membership.remove" && user) return `${user} from ${entry.target}`;
  if (entry.action === "course.rename" && was) return `${entry.target}, was ${was}`;
  if (entry.action === "account.role" && role) return `${entry.target}: ${was} → ${role}`;
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
    let log = auditPanel(audit);
    // What an admin changes here is logged: the log below shows it at once, as it would on a reload.
    const onChange = () => auditPage(null).then((page) => {
      const fresh = auditPanel(page);
      log.replaceWith(fresh);
      log = fresh;
    }, () => {});
    body.replaceChildren(...accountsPanel(accounts.users, onChange), log);
  } catch (error) {
    body.replaceChildren(h("div", {class: "alert alert-error", role: "alert"}, `Could not load: ${error.message}`));
  }
}
