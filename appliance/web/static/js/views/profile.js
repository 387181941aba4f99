// The profile: who you are, the background levels answers adapt to, and API keys for OpenAI-compatible tools.

import {api} from "../api.js";
import {field, formatDate, h, icon, toast} from "../dom.js";
import {go} from "../nav.js";
import {changed, LEVELS, signInWith, signOut, state} from "../state.js";

/** A new key, shown this once, with a button that copies it. */
function shownOnce(made) {
  return h("div", {class: "alert alert-ok new-key", role: "status"},
    h("p", {}, `Your new key "${made.name}". Copy it now: it is shown only this once.`),
    h("div", {class: "join-code"},
      h("code", {class: "code", id: "new-key"}, made.key),
      h("button", {type: "button", class: "button small", "aria-label": "Copy the new key", onClick: async () => {
        try {
          await navigator.clipboard.writeText(made.key);
          toast("Key copied.");
        } catch {
          toast("Select the key and copy it.");
        }
      }}, icon("copy"), "Copy")));
}

function keyItem(key, reload, note) {
  const used = key.last_used_at ? `last used ${formatDate(key.last_used_at)}` : "never used";
  return h("li", {class: "api-key", dataset: {key: String(key.id)}},
    h("span", {}, h("strong", {}, key.name), " ", h("code", {class: "code"}, `${key.prefix}…`)),
    h("span", {class: "muted"}, `made ${formatDate(key.created_at)}, ${used}`),
    h("button", {type: "button", class: "button small", "aria-label": `Revoke the key ${key.name}`, onClick: async () => {
      try {
        await api(`/api/v1/me/keys/${encodeURIComponent(key.id)}`, {method: "DELETE"});
        note.replaceChildren();
        toast(`Key "${key.name}" revoked.`);
        await reload();
      } catch (error) {
        toast(`Not revoked: ${error.message}`, "error");
      }
    }}, "Revoke"));
}

/** Make, list and revoke API keys for /v1 (OpenAI-compatible tools such as Moodle's AI provider). */
function apiKeys() {
  const list = h("ul", {class: "key-list", "aria-label": "Your API keys"});
  const note = h("div");
  const reload = async () => {
    const {keys} = await api("/api/v1/me/keys");
    list.replaceChildren(...keys.map((key) => keyItem(key, reload, note)));
    if (!keys.length) list.replaceChildren(h("li", {class: "muted"}, "No keys yet."));
  };
  const name = h("input", {name: "key_name", required: true, maxlength: "60", placeholder: "Moodle"});
  const form = h("form", {class: "stack", onSubmit: async (event) => {
    event.preventDefault();
    try {
      const made = await api("/api/v1/me/keys", {method: "POST", json: {name: name.value.trim()}});
      note.replaceChildren(shownOnce(made));
      form.reset();
      await reload();
    } catch (error) {
      note.replaceChildren(h("div", {class: "alert alert-error", role: "alert"}, `No key made: ${error.message}`));
    }
  }}, field("What the key is for", name, "A name to tell your keys apart."),
  h("div", {class: "row"}, h("button", {type: "submit", class: "button primary"}, "Create key")));
  reload().catch((error) => list.replaceChildren(h("li", {class: "muted"}, `Keys not loaded: ${error.message}`)));
  const models = state.courses.map((c) => `course-${c.id} (${c.name})`).join(", ") || "none until you join a course";
  return h("section", {class: "card", "aria-labelledby": "keys"},
    h("h2", {id: "keys"}, "API keys"),
    h("p", {class: "muted"}, "For tools that speak the OpenAI API, such as Moodle's AI provider: the base URL is ",
      h("code", {}, `${location.origin}/v1`), " and each of your courses is a model: ", models,
      ". A key acts as you, with your courses and your hourly question limit; revoke it when the tool no longer needs it."),
    form, note, list);
}

/** A new password, with the current one: other devices are signed out, this one stays signed in. */
function passwordCard() {
  const current = h("input", {type: "password", name: "current_password", autocomplete: "current-password", required: true});
  const fresh = h("input", {type: "password", name: "new_password", autocomplete: "new-password", required: true, minlength: 8});
  const note = h("div", {role: "status", hidden: true});
  const form = h("form", {class: "stack", onSubmit: async (event) => {
    event.preventDefault();
    try {
      const session = await api("/api/v1/me/password", {method: "POST",
        json: {current_password: current.value, new_password: fresh.value}});
      await signInWith(session);
      form.reset();
      note.className = "alert alert-ok";
      note.textContent = "Password changed. Your other devices are signed out.";
    } catch (error) {
      note.className = "alert alert-error";
      note.textContent = `Not changed: ${error.message}`;
    }
    note.hidden = false;
  }},
  field("Current password", current),
  field("New password", fresh, "At least 8 characters."),
  h("div", {class: "row"}, h("button", {type: "submit", class: "button primary"}, "Change password")),
  note);
  return h("section", {class: "card", "aria-labelledby": "password"}, h("h2", {id: "password"}, "Password"), form);
}

function levelSelect(name, value) {
  return h("select", {name}, LEVELS.map((l) => h("option", {value: l.value, selected: l.value === value}, `${l.label}: ${l.hint}`)));
}

export function show(main) {
  const user = state.user;
  const software = levelSelect("software_level", user.software_level);
  const hardware = levelSelect("hardware_level", user.hardware_level);
  const note = h("div", {role: "status", hidden: true});
  const form = h("form", {class: "stack", onSubmit: async (event) => {
    event.preventDefault();
    try {
      const updated = await api("/api/v1/me", {method: "PATCH",
        json: {software_level: software.value, hardware_level: hardware.value}});
      state.user = updated;
      changed();
      note.className = "alert alert-ok";
      note.textContent = "Saved. Your next answers will use these levels.";
    } catch (error) {
      note.className = "alert alert-error";
      note.textContent = `Not saved: ${error.message}`;
    }
    note.hidden = false;
  }},
  field("Software background", software, "Programming, tools and code."),
  field("Hardware background", hardware, "Electronics, motors and sensors."),
  h("div", {class: "row"}, h("button", {type: "submit", class: "button primary"}, "Save")),
  note);
  main.replaceChildren(h("div", {class: "page narrow"},
    h("div", {class: "page-head"}, h("h1", {tabindex: "-1"}, "Your profile")),
    h("section", {class: "card", "aria-labelledby": "who"},
      h("h2", {id: "who"}, "Account"),
      h("dl", {class: "facts"},
        h("dt", {}, "Username"), h("dd", {}, user.username),
        h("dt", {}, "Role"), h("dd", {}, user.role),
        state.courses.length ? [h("dt", {}, "Courses"), h("dd", {}, state.courses.map((c) => c.name).join(", "))] : null)),
    h("section", {class: "card", "aria-labelledby": "levels"},
      h("h2", {id: "levels"}, "Your background"),
      h("p", {class: "muted"}, "Answers adapt their depth and words to it: plain words and an example for beginners, precise and technical for experts. You can also pick a level for one question in the chat."),
      form),
    passwordCard(),
    apiKeys(),
    h("section", {class: "card", "aria-labelledby": "signout"},
      h("h2", {id: "signout"}, "Sign out"),
      h("p", {class: "muted"}, "On a shared classroom computer, sign out when you are done."),
      h("button", {type: "button", class: "button", onClick: async () => {
        await signOut();
        go("#/signin");
      }}, "Sign out"))));
  document.title = "Profile · ragbot";
}
