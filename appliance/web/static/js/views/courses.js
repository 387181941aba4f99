// Courses: teachers create them, share join codes and add members; students join with a code.

import {api} from "../api.js";
import {askFirst, field, h, icon, toast} from "../dom.js";
import {isAdmin, isStaff, loadCourses, selectCourse, state} from "../state.js";

function message(box, text, kind) {
  box.className = `alert alert-${kind}`;
  // The server's refusals begin in lower case; this screen's own messages are sentences, and may begin with a
  // username, which keeps its case.
  box.textContent = kind === "error" && text ? text[0].toUpperCase() + text.slice(1) : text;
  box.hidden = false;
}

function createForm(render) {
  const name = h("input", {name: "name", required: true, maxlength: 120, autocomplete: "off"});
  const note = h("div", {role: "status", hidden: true});
  const form = h("form", {class: "inline-form", onSubmit: async (event) => {
    event.preventDefault();
    try {
      const course = await api("/api/v1/courses", {method: "POST", json: {name: name.value.trim()}});
      form.reset();
      message(note, `Created “${course.name}”. Its join code is ${course.join_code}.`, "ok");
      await loadCourses();
      selectCourse(course.id);
      render();
    } catch (error) {
      message(note, error.message, "error");
    }
  }}, field("Course name", name), h("button", {type: "submit", class: "button primary"}, icon("plus"), "Create course"));
  return h("section", {class: "card", "aria-labelledby": "new-course"}, h("h2", {id: "new-course"}, "New course"), form, note);
}

function joinForm(render) {
  const code = h("input", {name: "join_code", required: true, autocomplete: "off", autocapitalize: "none", spellcheck: "false"});
  const note = h("div", {role: "status", hidden: true});
  const form = h("form", {class: "inline-form", onSubmit: async (event) => {
    event.preventDefault();
    try {
      const body = await api("/api/v1/courses/join", {method: "POST", json: {join_code: code.value.trim()}});
      form.reset();
      await loadCourses();
      selectCourse(body.id);
      message(note, body.already_member ? `You are already in ${body.name}.` : `You joined ${body.name}.`, "ok");
      render();
    } catch (error) {
      message(note, error.message, "error");
    }
  }}, field("Join code", code, "Your teacher gives it to the class."), h("button", {type: "submit", class: "button primary"}, "Join"));
  return h("section", {class: "card", "aria-labelledby": "join-course"}, h("h2", {id: "join-course"}, "Join a course"), form, note);
}

/** Who is in the course, so a teacher sees whether the class has joined: loaded with the card, and shown again
 * from the server's list after a member is added or removed. */
function memberList(course) {
  const summary = h("summary", {}, "Members");
  const list = h("ul", {class: "member-list"});
  const box = h("details", {class: "members"}, summary, list);
  box.show = (members) => {
    summary.textContent = `Members (${members.length})`;
    list.replaceChildren(...members.map((member) =>
      h("li", {class: "member", dataset: {username: member.username}}, member.username,
        h("span", {class: "muted small"}, ` ${member.role} `), removeButton(course, member, box))));
  };
  box.load = () => api(`/api/v1/courses/${encodeURIComponent(course.id)}/members`).then((body) => box.show(body.members || []),
    (error) => list.replaceChildren(h("li", {class: "muted small"}, `Could not load the members: ${error.message}`)));
  box.load();
  return box;
}

/** Take a member out of the course (the server refuses its last teacher, saying why). */
function removeButton(course, member, members) {
  const button = h("button", {type: "button", class: "button small danger-outline", "aria-label": `Remove ${member.username} from ${course.name}`,
    onClick: () => askFirst(button, {text: `Remove ${member.username}`, act: async () => {
      try {
        const path = `/api/v1/courses/${encodeURIComponent(course.id)}/members/${encodeURIComponent(member.id)}`;
        const body = await api(path, {method: "DELETE"});
        toast(`${member.username} is no longer in ${course.name}.`);
        members.show(body.members || []);
      } catch (error) {
        toast(`Not removed: ${error.message}`, "error");
        await members.load();  // the list as the server has it, the confirm button back to Remove
      }
    }})}, "Remove");
  return button;
}

function memberForm(course, members) {
  const username = h("input", {name: "username", required: true, autocomplete: "off", autocapitalize: "none", spellcheck: "false"});
  const note = h("div", {role: "status", hidden: true});
  const form = h("form", {class: "inline-form", onSubmit: async (event) => {
    event.preventDefault();
    try {
      const name = username.value.trim();
      const body = await api(`/api/v1/courses/${encodeURIComponent(course.id)}/members`, {method: "POST", json: {username: name}});
      message(note, body.already_member ? `${name} is already in ${course.name}.` : `${name} is now in ${course.name}.`, "ok");
      members.show(body.members || []);
      form.reset();
    } catch (error) {
      message(note, error.message, "error");
    }
  }}, field("Add a member by username", username), h("button", {type: "submit", class: "button"}, "Add"));
  return [form, note];
}

/** A course's term, for its staff: a new name, and archiving at its end (readable, no new questions or uploads). */
function termControls(course, render) {
  const path = `/api/v1/courses/${encodeURIComponent(course.id)}`;
  const note = h("div", {role: "status", hidden: true});
  const changeTo = async (json, done) => {
    try {
      await api(path, {method: "PATCH", json});
      await loadCourses();
      render();
      selectCourse(state.courseId); // the header's picker shows the new name, or the course (un)archived
      toast(done);
    } catch (error) {
      message(note, error.message, "error");
    }
  };
  const name = h("input", {name: "name", required: true, maxlength: 120, value: course.name, autocomplete: "off"});
  const form = h("form", {class: "inline-form", onSubmit: (event) => {
    event.preventDefault();
    changeTo({name: name.value.trim()}, `Renamed to ${name.value.trim()}.`);
  }}, field("Course name", name), h("button", {type: "submit", class: "button"}, "Rename"));
  const archive = h("button", {type: "button", class: "button small", onClick: () => course.archived
    ? changeTo({archived: false}, `${course.name} is open again.`)
    : changeTo({archived: true}, `${course.name} is archived: readable, but it takes no new questions or uploads.`)},
  course.archived ? "Unarchive" : "Archive at end of term");
  return [form, h("div", {class: "course-actions"}, archive), note];
}

/** An admin deletes a course for good: asked first to type its name, which the server checks is the course's. */
function deleteControl(course, render) {
  const note = h("div", {role: "status", hidden: true});
  const name = h("input", {name: "confirm-name", required: true, autocomplete: "off", spellcheck: "false"});
  const cancel = h("button", {type: "button", class: "button small", onClick: () => {
    form.replaceWith(start);
    start.focus();
  }}, "Cancel");
  const form = h("form", {class: "inline-form", onSubmit: async (event) => {
    event.preventDefault();
    try {
      const path = `/api/v1/courses/${encodeURIComponent(course.id)}?name=${encodeURIComponent(name.value)}`;
      const gone = await api(path, {method: "DELETE"});
      await loadCourses();
      render();
      selectCourse(state.courseId); // the header's picker no longer offers it
      toast(`${gone.name} is deleted for good, with its material, conversations and figures.`);
    } catch (error) {
      message(note, error.message, "error");
    }
  }}, field(`Type “${course.name}” to delete it`, name,
    "Its material, conversations, figures and join code go with it, for good."),
  h("button", {type: "submit", class: "button small danger"}, icon("trash"), "Delete for good"), cancel);
  const start = h("button", {type: "button", class: "button small danger-outline", "aria-label": `Delete ${course.name}`,
    onClick: () => {
      start.replaceWith(form);
      name.focus();
    }}, icon("trash"), "Delete course");
  return [h("div", {class: "course-actions"}, start), note];
}

function courseCard(course, render) {
  const staff = ["teacher", "admin"].includes(course.role) || (isStaff() && course.join_code);
  const items = [
    h("div", {class: "section-head"},
      h("h3", {}, course.name),
      h("span", {class: "status-pill"}, course.role || "member"),
      course.archived ? h("span", {class: "status-pill"}, "archived") : null),
  ];
  if (course.join_code) {
    items.push(h("div", {class: "join-code"},
      h("span", {class: "muted"}, "Join code"),
      h("code", {class: "code", dataset: {course: String(course.id)}}, course.join_code),
      h("button", {type: "button", class: "button small", "aria-label": `Copy the join code of ${course.name}`, onClick: async () => {
        try {
          await navigator.clipboard.writeText(course.join_code);
          toast("Join code copied.");
        } catch {
          toast(`The join code is ${course.join_code}`);
        }
      }}, icon("copy"), "Copy")));
  }
  if (staff) {
    const members = memberList(course);
    items.push(...memberForm(course, members), members, ...termControls(course, render));
  }
  if (isAdmin() && !course.default) items.push(...deleteControl(course, render));
  items.push(h("div", {class: "course-actions"},
    h("a", {class: "button small", href: "#/documents", "aria-label": `Material of ${course.name}`,
      onClick: () => selectCourse(course.id)}, "Material"),
    staff ? h("a", {class: "button small", href: "#/dashboard", "aria-label": `Dashboard of ${course.name}`,
      onClick: () => selectCourse(course.id)}, "Dashboard") : null));
  return h("li", {class: ["card", "course", course.id === state.courseId && "current"], dataset: {course: String(course.id)}}, items);
}

export async function show(main) {
  const list = h("ul", {class: "course-list", "aria-label": "Your courses"});
  const render = () => {
    list.replaceChildren(...state.courses.map((course) => courseCard(course, render)));
    if (!state.courses.length) list.replaceChildren(h("li", {class: "muted"}, "You are not in any course yet."));
  };
  main.replaceChildren(h("div", {class: "page"},
    h("div", {class: "page-head"}, h("h1", {tabindex: "-1"}, "Courses"),
      h("p", {class: "muted"}, isStaff() ? "Share a course's join code with its students, or add them by username." :
        "The courses you belong to. Answers only draw on the selected course.")),
    isStaff() ? createForm(render) : joinForm(render),
    h("section", {"aria-labelledby": "your-courses"}, h("h2", {id: "your-courses"}, "Your courses"), list)));
  document.title = "Courses · ragbot";
  render();
  // Shown at once from what is known, then checked: re-rendering only on a change keeps what a teacher
  // has started typing into a card's form while the list was loading.
  const known = JSON.stringify(state.courses);
  await loadCourses();
  if (JSON.stringify(state.courses) !== known) render();
}
