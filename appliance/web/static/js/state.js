// What the whole app knows: who is signed in, their courses and the one selected.

import {api, ApiError, getSession, setSession} from "./api.js";

export const state = {
  user: null, // {id, username, role, software_level, hardware_level}
  courses: [], // [{id, name, role, join_code (for its teachers)}]
  courseId: null, // the course questions, documents and the dashboard are about
};

const listeners = new Set();

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function changed() {
  listeners.forEach((fn) => fn(state));
}

export const LEVELS = [
  {value: "beginner", label: "Beginner", hint: "new to it: plain words and an example"},
  {value: "intermediate", label: "Intermediate", hint: "have used it: the usual terms"},
  {value: "expert", label: "Expert", hint: "work with it: precise and technical"},
];

export function isStaff() {
  return ["teacher", "admin"].includes(state.user?.role);
}

export function isAdmin() {
  return state.user?.role === "admin";
}

export function signedIn() {
  return !!state.user;
}

export function currentCourse() {
  return state.courses.find((c) => c.id === state.courseId) || null;
}

/** Who we are (a stored session may still be valid) and our courses. */
export async function boot() {
  state.user = null;
  // Without a stored session there is nobody to ask about: /me would only answer 401, an error in the console.
  if (!getSession()) return changed();
  try {
    state.user = await api("/api/v1/me");
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error; // 401: the session ended
  }
  if (signedIn()) await loadCourses();
  changed();
}

/** Where this device remembers the user's course: kept across tabs, restarts and sign-outs, so a teacher who
 * comes back is in the course she left, not the first one she belongs to (where an upload would go unnoticed). */
function courseKey() {
  return `ragbot.course.${state.user?.id}`;
}

/** The courses the header offers: a student asks in them, so an archived one (no new questions) is left out;
 * its staff still pick it to read, rename or unarchive it. */
export function pickable() {
  return state.courses.filter((c) => !c.archived || state.user?.role !== "student");
}

export async function loadCourses() {
  state.courses = (await api("/api/v1/courses")).courses || [];
  const saved = localStorage.getItem(courseKey());
  const offered = pickable();
  const keep = offered.find((c) => String(c.id) === saved) || offered.find((c) => c.id === state.courseId);
  state.courseId = (keep || offered[0])?.id ?? null;
}

export function selectCourse(id) {
  const course = state.courses.find((c) => String(c.id) === String(id));
  state.courseId = course ? course.id : null;
  if (course) localStorage.setItem(courseKey(), String(course.id));
  changed();
}

/** After sign-in or sign-up: keep the tokens and the user. */
export async function signInWith(body) {
  setSession({access_token: body.access_token, refresh_token: body.refresh_token});
  state.user = body.user;
  await loadCourses();
  changed();
}

export async function signOut() {
  const session = getSession();
  if (session?.refresh_token) {
    try {
      await api("/api/v1/auth/logout", {method: "POST", json: {refresh_token: session.refresh_token}});
    } catch {
      /* signing out locally is what matters */
    }
  }
  setSession(null);
  state.user = null;
  state.courses = [];
  state.courseId = null;
  changed();
}

/** The course a request is about, as the API wants it. */
export function withCourse(body = {}) {
  return state.courseId != null ? {...body, course_id: state.courseId} : body;
}

export function courseQuery() {
  return state.courseId != null ? `?course_id=${encodeURIComponent(state.courseId)}` : "";
}
