// What the whole app knows: who is signed in, which API features this appliance has, the courses.

import {api, ApiError, getSession, setSession} from "./api.js";

export const state = {
  // "auth" when the appliance has accounts (sign-in needed); "open" when it has none (single-class lab).
  mode: "auth",
  user: null,
  courses: [], // [{id, name, join_code?, role}]
  courseId: null,
  features: {courses: false, conversations: false},
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
  return state.mode === "open" || ["teacher", "admin"].includes(state.user?.role);
}

export function signedIn() {
  return state.mode === "open" || !!state.user;
}

export function currentCourse() {
  return state.courses.find((c) => c.id === state.courseId) || null;
}

/** Work out what this appliance offers and who we are. */
export async function boot() {
  try {
    state.user = await api("/api/v1/me");
    state.mode = "auth";
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 404 || error.status === 405) {
      state.mode = "open"; // no accounts on this appliance (yet)
      state.user = null;
    } else {
      state.mode = "auth";
      state.user = null;
    }
  }
  if (signedIn()) await loadCourses();
  changed();
}

export async function loadCourses() {
  try {
    const body = await api("/api/v1/courses");
    state.features.courses = true;
    state.courses = body.courses || [];
  } catch (error) {
    if (!(error instanceof ApiError) || ![404, 405].includes(error.status)) throw error;
    state.features.courses = false;
    state.courses = [];
  }
  const saved = sessionStorage.getItem("ragbot.course");
  const keep = state.courses.find((c) => String(c.id) === saved) || state.courses.find((c) => c.id === state.courseId);
  state.courseId = (keep || state.courses[0])?.id ?? null;
}

export function selectCourse(id) {
  const course = state.courses.find((c) => String(c.id) === String(id));
  state.courseId = course ? course.id : null;
  if (course) sessionStorage.setItem("ragbot.course", String(course.id));
  changed();
}

/** After sign-in or sign-up: keep the tokens and the user. */
export async function signInWith(body) {
  setSession({access_token: body.access_token, refresh_token: body.refresh_token});
  state.mode = "auth";
  state.user = body.user || (await api("/api/v1/me"));
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
  sessionStorage.removeItem("ragbot.course");
  state.user = null;
  state.courses = [];
  state.courseId = null;
  changed();
}

/** The course a request is about, as the API wants it (only when the appliance has courses). */
export function withCourse(body = {}) {
  return state.features.courses && state.courseId != null ? {...body, course_id: state.courseId} : body;
}

export function courseQuery() {
  return state.features.courses && state.courseId != null ? `?course_id=${encodeURIComponent(state.courseId)}` : "";
}
