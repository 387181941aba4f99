// The app shell: top bar, hash routes (#/chat, #/read/..., #/documents, ...) and start-up.

import {onSessionLost} from "./api.js";
import {h, icon} from "./dom.js";
import {go} from "./nav.js";
import {boot, currentCourse, isAdmin, isStaff, pickable, selectCourse, signedIn, signOut, state, subscribe} from "./state.js";
import * as admin from "./views/admin.js";
import * as auth from "./views/auth.js";
import * as chat from "./views/chat.js";
import * as courses from "./views/courses.js";
import * as dashboard from "./views/dashboard.js";
import * as documents from "./views/documents.js";
import * as profile from "./views/profile.js";

const ROUTES = [
  {pattern: /^\/signin$/, view: auth.signIn, public: true},
  {pattern: /^\/signup$/, view: auth.signUp, public: true},
  {pattern: /^\/chat(?:\/([^/]+))?$/, view: chat.show},
  {pattern: /^\/read\/([^/]+)\/(\d+)$/, view: chat.showReader},
  {pattern: /^\/documents$/, view: documents.show},
  {pattern: /^\/courses$/, view: courses.show},
  {pattern: /^\/dashboard$/, view: dashboard.show, when: isStaff},
  {pattern: /^\/profile$/, view: profile.show},
  {pattern: /^\/admin$/, view: admin.show, when: isAdmin},
];

const main = document.getElementById("main");
const header = document.getElementById("topbar");
let leave = null;
let shown = null; // the route on screen

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/chat";
  const [path, query = ""] = raw.split("?");
  return {path, params: new URLSearchParams(query)};
}

async function route() {
  const {path, params} = parseHash();
  if (!path.startsWith("/")) return; // an in-page anchor such as the skip link
  let match = null;
  const found = ROUTES.find((r) => (match = r.pattern.exec(path)));
  if (!found || (found.when && !found.when())) return go("#/chat");
  if (!found.public && !signedIn()) return go("#/signin");
  if (found.public && signedIn()) return go("#/chat");
  leave?.();
  leave = null;
  // Busy until the screen and its top bar are whole: a screen reader waits, and so can a test.
  main.setAttribute("aria-busy", "true");
  try {
    const result = await found.view(main, match.slice(1).map((part) => (part == null ? part : decodeURIComponent(part))), params);
    leave = typeof result === "function" ? result : null;
    renderHeader();
  } finally {
    main.removeAttribute("aria-busy");
  }
  // Just signed in (or up): the form the keyboard was in is gone, so it goes to the screen's field, not the page.
  if (shown?.public && !found.public && document.activeElement === document.body) main.querySelector("[data-focus]")?.focus();
  shown = found;
}

function navLink(hash, label) {
  const {path, params} = parseHash();
  // The reader is part of the screen it was opened from: the Material list (from=documents), else the chat.
  const screen = path.startsWith("/read") ? (params.get("from") === "documents" ? "/documents" : "/chat") : path;
  const current = screen.startsWith(hash.slice(1));
  return h("a", {href: hash, class: "nav-link", "aria-current": current ? "page" : null}, label);
}

function renderHeader() {
  // The header is built anew on every change: the keyboard stays on the control it was on (the course select
  // whose arrow keys just changed the course), not sent back to the page's start.
  const focusedId = header.contains(document.activeElement) ? document.activeElement.id : "";
  document.body.classList.toggle("signed-out", !signedIn());
  const links = [];
  if (signedIn()) {
    links.push(navLink("#/chat", "Ask"), navLink("#/documents", "Material"));
    links.push(navLink("#/courses", "Courses"));
    if (isStaff()) links.push(navLink("#/dashboard", "Dashboard"));
    if (isAdmin()) links.push(navLink("#/admin", "Admin"));
  }
  const end = [];
  if (signedIn() && pickable().length) {
    // A long name is cut to the select's width, most on a phone: the title shows it whole.
    const select = h("select", {id: "course-select", class: "course-select", title: currentCourse()?.name,
      onChange: (e) => selectCourse(e.target.value)},
    pickable().map((c) => h("option", {value: c.id, selected: c.id === state.courseId, title: c.name},
      c.archived ? `${c.name} (archived)` : c.name)));
    end.push(h("div", {class: "course-pick"}, h("label", {for: "course-select"}, "Course"), select));
  }
  if (state.user) {
    end.push(
      // Named whole: a hidden span's text, set apart as a block, was read "kim , student: profile".
      h("a", {href: "#/profile", class: "user-link", title: "Your profile",
        "aria-label": `${state.user.username}, ${state.user.role}: profile`},
        h("span", {class: "avatar", "aria-hidden": "true"}, state.user.username.slice(0, 1).toUpperCase()),
        h("span", {class: "user-name"}, state.user.username)),
      h("button", {type: "button", class: "button subtle sign-out", onClick: async () => {
        await signOut();
        go("#/signin");
      }}, "Sign out"));
  }
  header.replaceChildren(...[
    h("a", {href: "#/chat", class: "brand"}, icon("book"), h("span", {}, "ragbot")),
    links.length ? h("nav", {class: "nav", "aria-label": "Main"}, links) : null,
    h("div", {class: "topbar-end"}, end),
  ].filter(Boolean));
  if (focusedId) document.getElementById(focusedId)?.focus();
}

document.querySelector(".skip")?.addEventListener("click", (event) => {
  event.preventDefault();
  const target = main.querySelector("h1, [data-focus]") || main;
  target.setAttribute("tabindex", "-1");
  target.focus();
});

subscribe(() => renderHeader());
onSessionLost(() => {
  state.user = null;
  renderHeader();
  go("#/signin");
});
window.addEventListener("hashchange", route);

(async () => {
  try {
    await boot();
  } catch (error) {
    main.replaceChildren(h("div", {class: "page narrow"}, h("h1", {}, "The appliance is not answering"),
      h("p", {}, "Check that the box is on and that this device is on the classroom network, then reload the page."),
      h("p", {class: "hint"}, String(error.message || error))));
    return;
  }
  renderHeader();
  route();
  document.body.dataset.ready = "true";
})();
