// Sign-in and sign-up (with the background levels that shape answers).

import {api, ApiError} from "../api.js";
import {field, formatWait, h} from "../dom.js";
import {go} from "../nav.js";
import {LEVELS, signInWith} from "../state.js";

function errorText(error, what) {
  if (!(error instanceof ApiError)) return "Could not reach the appliance. Check that this device is on the classroom network.";
  if (error.status === 429) return `Too many attempts. You can try again ${formatWait(error.retryAfter)}.`;
  if (error.status === 401) return "That username and password do not match.";
  if (error.status === 403 && what === "signup") return error.message || "Sign-up is closed on this appliance: ask your teacher for an account.";
  return error.message;
}

function alertBox() {
  return h("div", {class: "alert alert-error", role: "alert", hidden: true});
}

/** An error answers what was sent: once the form is changed it no longer applies (a username "taken" that was
 * since changed), so it goes. */
function clearedOnEdit(form, box) {
  form.addEventListener("input", () => {
    box.hidden = true;
  });
  return form;
}

function showError(box, message) {
  box.textContent = message ? message[0].toUpperCase() + message.slice(1) : message;
  box.hidden = false;
  // The form is taller than a phone's screen: without this the message appears above, out of sight of the button.
  box.scrollIntoView({block: "center"});
}

function card(title, intro, form, footer) {
  return h("div", {class: "auth-page"},
    h("section", {class: "card auth-card", "aria-labelledby": "auth-title"},
      h("p", {class: "auth-brand"}, "ragbot · course assistant"),
      h("h1", {id: "auth-title", tabindex: "-1"}, title),
      h("p", {class: "muted"}, intro),
      form,
      h("p", {class: "auth-switch"}, footer)));
}

async function submitting(form, work) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await work();
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

export function signIn(main) {
  const alert = alertBox();
  const username = h("input", {name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false"});
  const password = h("input", {name: "password", type: "password", autocomplete: "current-password", required: true});
  const form = h("form", {class: "stack", onSubmit: (event) => {
    event.preventDefault();
    submitting(form, async () => {
      try {
        const body = await api("/api/v1/auth/login", {method: "POST", anonymous: true,
          json: {username: username.value.trim(), password: password.value}});
        await signInWith(body);
        go("#/chat");
      } catch (error) {
        showError(alert, errorText(error, "signin"));
        password.select();
      }
    });
  }},
  alert, field("Username", username), field("Password", password),
  h("button", {type: "submit", class: "button primary wide"}, "Sign in"));
  clearedOnEdit(form, alert);
  const firstRun = h("div", {class: "alert alert-warn", hidden: true});
  const switchTo = h("span");
  main.replaceChildren(card("Sign in", "Ask questions about your course material, with the pages the answers come from.",
    [firstRun, form], switchTo));
  if (location.protocol === "https:") main.append(certificateHelp());
  username.focus();
  sayHowAccountsAreMade(firstRun, switchTo);
}

/** Under the form: sign-up only where it is open; with no admin yet, how the first one is made (nobody could
 * sign in to make it, and the server's log is all that would say so). */
async function sayHowAccountsAreMade(firstRun, switchTo) {
  const rules = await signUpRules();
  switchTo.replaceChildren(...(rules?.mode === "closed" ? ["No account? Ask your teacher for one."]
    : ["New here? ", h("a", {href: "#/signup"}, "Create an account")]));
  if (rules?.admin_exists !== false) return;
  firstRun.replaceChildren(h("strong", {}, "This appliance has no admin account yet."),
    h("p", {}, "Make the first one on the appliance itself, with the same data directory as the server: ",
      h("code", {}, "ragbot users add NAME --role admin"), ", then sign in with it here."));
  firstRun.hidden = false;
}

// The box signs its HTTPS certificate with its own authority; a device trusts it once that is installed.
function certificateHelp() {
  return h("details", {class: "page hint"},
    h("summary", {}, "Your browser warns about this site's certificate?"),
    h("p", {}, "This box protects your password with its own certificate. Install ",
      h("a", {href: "/ca.crt", download: "ragbot-ca.crt"}, "its certificate authority"),
      " once on your device, then reopen this page:"),
    h("ul", {},
      h("li", {}, "Windows: open the file, Install Certificate, Local Machine, \"Trusted Root Certification Authorities\"."),
      h("li", {}, "macOS: open the file in Keychain Access, then set it to Always Trust."),
      h("li", {}, "Android: Settings, Security, Encryption & credentials, Install a certificate, CA certificate."),
      h("li", {}, "iPhone/iPad: open the file, install the profile in Settings, then turn it on under "
        + "General, About, Certificate Trust Settings."),
      h("li", {}, "Chromebook and Linux: the browser's settings, Certificates, Authorities, Import.")),
    h("p", {}, "It is only valid for this box's own names and local addresses."));
}

function levelGroup(name, legend, hint) {
  return h("fieldset", {class: "levels"},
    h("legend", {}, legend),
    h("p", {class: "hint"}, hint),
    h("div", {class: "level-options"}, LEVELS.map((level, i) =>
      h("label", {class: "level-option"},
        h("input", {type: "radio", name, value: level.value, checked: i === 0, required: true}),
        h("span", {class: "level-name"}, level.label),
        h("span", {class: "level-hint"}, level.hint)))));
}

// What the join code field says, by the server's sign-up mode (GET /api/v1/auth/signup).
const JOIN_CODE_HINTS = {
  join_code: "From your teacher: you need it to sign up.",
  open: "From your teacher. Leave empty if you have none.",
};

async function signUpRules() {
  try {
    return await api("/api/v1/auth/signup", {anonymous: true});
  } catch {
    return null; // unknown: the form stays, and the server's answer to it will say what is missing
  }
}

export async function signUp(main) {
  const mode = (await signUpRules())?.mode ?? null;
  if (mode === "closed") {
    main.replaceChildren(card("Create your account", "Sign-up is closed on this appliance: ask your teacher for an account.",
      null, ["Already have an account? ", h("a", {href: "#/signin"}, "Sign in")]));
    return;
  }
  const alert = alertBox();
  const username = h("input", {name: "username", autocomplete: "username", required: true, minlength: 2, maxlength: 40,
    autocapitalize: "none", spellcheck: "false"});
  const password = h("input", {name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8});
  const joinCode = h("input", {name: "join_code", autocomplete: "off", autocapitalize: "none", spellcheck: "false",
    required: mode === "join_code"});
  const form = h("form", {class: "stack", onSubmit: (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      username: username.value.trim(), password: password.value,
      software_level: data.get("software_level"), hardware_level: data.get("hardware_level"),
    };
    if (joinCode.value.trim()) body.join_code = joinCode.value.trim();
    submitting(form, async () => {
      try {
        await signInWith(await api("/api/v1/auth/signup", {method: "POST", json: body, anonymous: true}));
        go("#/chat");
      } catch (error) {
        showError(alert, errorText(error, "signup"));
      }
    });
  }},
  alert,
  field("Username", username, "Letters a–z, digits, dots, dashes or underscores."),
  field("Password", password, "At least 8 characters."),
  field("Course join code", joinCode, JOIN_CODE_HINTS[mode] || "From your teacher."),
  levelGroup("software_level", "Your software background", "Programming, tools and code."),
  levelGroup("hardware_level", "Your hardware background", "Electronics, motors and sensors."),
  h("p", {class: "hint"}, "Answers adapt to your background. You can change it later in your profile."),
  h("button", {type: "submit", class: "button primary wide"}, "Create account"));
  clearedOnEdit(form, alert);
  main.replaceChildren(card("Create your account", "Join your course and start asking.", form,
    ["Already have an account? ", h("a", {href: "#/signin"}, "Sign in")]));
  username.focus();
}
