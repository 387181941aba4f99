// The profile: who you are and the background levels answers adapt to.

import {api} from "../api.js";
import {field, h} from "../dom.js";
import {go} from "../nav.js";
import {changed, LEVELS, signOut, state} from "../state.js";

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
    h("section", {class: "card", "aria-labelledby": "signout"},
      h("h2", {id: "signout"}, "Sign out"),
      h("p", {class: "muted"}, "On a shared classroom computer, sign out when you are done."),
      h("button", {type: "button", class: "button", onClick: async () => {
        await signOut();
        go("#/signin");
      }}, "Sign out"))));
  document.title = "Profile · ragbot";
}
