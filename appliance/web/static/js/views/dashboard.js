// The teacher's dashboard for the selected course: questions per day, frequent and unanswered
// questions, the documents cited, feedback and latency.

import {api} from "../api.js";
import {barList, columnChart, splitBar} from "../charts.js";
import {h, toast} from "../dom.js";
import {currentCourse, state, subscribe} from "../state.js";

const DAY = 86400000;
// A question is shown whole up to this many characters; a longer one (a pasted page) would fill the panel.
const LONG_QUESTION = 200;

/** The last two weeks (or back to the first question, up to 60 days), zeros included, oldest first. */
function fillDays(perDay) {
  const counts = new Map(perDay.map((d) => [String(d.day).slice(0, 10), d.count]));
  const days = [...counts.keys()].sort();
  // The days are the school's (the server counts them in its time zone): today is the local date, not UTC's.
  const now = new Date();
  const today = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
  const last = days.length ? new Date(`${days[days.length - 1]}T00:00:00Z`) : today;
  const end = last > today ? last : today;
  const first = days.length ? new Date(`${days[0]}T00:00:00Z`) : end;
  const start = new Date(Math.max(end - 60 * DAY, Math.min(first, end - 13 * DAY)));
  const out = [];
  for (let day = start; day <= end; day = new Date(day.getTime() + DAY)) {
    const key = day.toISOString().slice(0, 10);
    const label = day.toLocaleDateString(undefined, {day: "numeric", month: "short", timeZone: "UTC"});
    out.push({key, label, value: counts.get(key) || 0});
  }
  return out;
}

/** The per-day chart at the width of its panel, redrawn when the panel changes size. */
function perDayChart(days) {
  const box = h("div", {class: "chart-box"});
  let drawn = 0;
  const draw = () => {
    const width = Math.max(260, Math.floor(box.clientWidth));
    if (width === drawn) return;
    drawn = width;
    box.replaceChildren(columnChart(days, {title: "Questions per day", width}));
  };
  new ResizeObserver(draw).observe(box);
  return box;
}

async function downloadCsv(course) {
  const text = await api(`/api/v1/courses/${encodeURIComponent(course.id)}/stats?format=csv`, {headers: {Accept: "text/csv"}});
  const url = URL.createObjectURL(new Blob([text], {type: "text/csv"}));
  const link = h("a", {href: url, download: `course-${course.id}-questions.csv`});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function stat(label, value, ...notes) {
  return h("div", {class: "stat"}, h("span", {class: "stat-value"}, value), h("span", {class: "stat-label"}, label),
    ...notes.filter(Boolean).map((note) => h("span", {class: "muted small"}, note)));
}

function ms(value) {
  if (value == null) return "–";
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** A question as a list shows it: a long one cut at a word, whole in its title and behind "Show all". */
function questionLabel(text) {
  if (text.length <= LONG_QUESTION) return text;
  const short = `${text.slice(0, LONG_QUESTION).replace(/\s+\S*$/, "")}…`;
  const label = h("span", {class: "question-text", title: text}, short);
  const toggle = h("button", {type: "button", class: "button subtle small", "aria-expanded": "false", onClick: () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    label.textContent = open ? text : short;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Show less" : "Show all";
  }}, "Show all");
  return h("span", {}, label, " ", toggle);
}

function panel(title, id, ...content) {
  return h("section", {class: "card panel", "aria-labelledby": id}, h("h2", {id}, title), ...content);
}

function render(body, stats) {
  const days = fillDays(stats.per_day);
  const total = stats.questions;
  const up = stats.feedback.up;
  const down = stats.feedback.down;
  // Those answered when asked again since no longer want material: the tile counts the rest, as the list marks them.
  const unanswered = stats.not_answered - stats.answered_since;
  const since = stats.answered_since ? `plus ${stats.answered_since} answered when asked again since` : null;
  // A follow-up is listed as it was understood, with the student's own words beneath ("asked as: and its reach?").
  // One answered when asked again (material added since) is no longer a candidate for new material: it says so.
  const questions = (list) => list.map((q) => ({label: questionLabel(q.question), value: q.count,
    note: [q.asked_as.length ? `asked as: ${q.asked_as.join(" · ")}` : "", q.answered_since ? "answered when asked again since" : ""]
      .filter(Boolean).join("; ")}));
  body.replaceChildren(
    h("div", {class: "stats-row"},
      stat("questions", String(total)),
      stat("not answered", String(unanswered), total ? `${Math.round((unanswered / total) * 100)}% of questions` : null, since),
      stat("helpful", up + down ? `${Math.round((up / (up + down)) * 100)}%` : "–", `${up} up, ${down} down`),
      stat("typical answer time", ms(stats.latency_ms.p50),
        stats.latency_ms.p95 == null ? null : `95% within ${ms(stats.latency_ms.p95)}`)),
    h("div", {class: "dash-grid"},
      panel("Questions per day", "per-day", total ? perDayChart(days) : h("p", {class: "muted"}, "No questions yet.")),
      panel("Most frequent questions", "top-q", stats.top_questions.length ?
        barList(questions(stats.top_questions).slice(0, 10), {title: "Most frequent questions", kind: "top"}) :
        h("p", {class: "muted"}, "No questions yet.")),
      panel("Not answered from the material", "unanswered",
        h("p", {class: "muted small"}, "Questions the documents could not answer: candidates for new material."),
        stats.unanswered.length ?
          barList(questions(stats.unanswered).slice(0, 10), {title: "Questions not answered from the material", kind: "warn"}) :
          h("p", {class: "muted"}, "None so far.")),
      panel("Documents cited", "cited",
        h("p", {class: "muted small"}, "How many answers cited each document, by its file name across its versions."),
        stats.cited.length ? barList(stats.cited.map((d) => ({label: d.filename, value: d.count,
          note: d.in_course ? "" : "no longer in the course"})),
          {title: "Documents cited in answers", kind: "cited"}) :
          h("p", {class: "muted"}, "None so far.")),
      panel("Feedback", "feedback",
        splitBar(up, down, {title: "Helpful against not helpful answers"}),
        h("p", {class: "legend"}, h("span", {class: "key good"}), `Helpful: ${up}`, h("span", {class: "key bad"}), `Not helpful: ${down}`)),
      // No answer yet has no time: "0 ms" would read as answers given at once.
      panel("Answer time", "latency", stats.latency_ms?.p50 == null ? h("p", {class: "muted"}, "No answers yet.") :
        barList([{label: "Median (p50)", value: stats.latency_ms.p50}, {label: "95th percentile (p95)", value: stats.latency_ms.p95 ?? 0}],
          {title: "Answer time", kind: "latency", format: ms}))));
}

export async function show(main) {
  const title = h("h1", {tabindex: "-1"}, "Dashboard");
  const subtitle = h("p", {class: "muted"});
  const exportButton = h("button", {type: "button", class: "button small", onClick: async () => {
    try {
      await downloadCsv(currentCourse());
    } catch (error) {
      toast(`Export failed: ${error.message}`, "error");
    }
  }}, "Export CSV");
  const body = h("div", {class: "dashboard", "aria-live": "polite"}, h("p", {class: "muted"}, "Loading…"));
  main.replaceChildren(h("div", {class: "page wide"}, h("div", {class: "page-head with-action"}, h("div", {}, title, subtitle), exportButton), body));
  document.title = "Dashboard · ragbot";
  const load = async () => {
    const course = currentCourse();
    // Staff questions are left out (the server counts students' only): say so, or a teacher's tries seem lost.
    subtitle.textContent = course ? `What students ask in ${course.name} (teachers' and admins' own questions are not counted).` : "";
    if (!course) {
      body.replaceChildren(h("p", {class: "muted"}, "Create or choose a course first."));
      return;
    }
    try {
      render(body, await api(`/api/v1/courses/${encodeURIComponent(course.id)}/stats`));
      body.dataset.course = String(course.id);
    } catch (error) {
      body.replaceChildren(h("div", {class: "alert alert-error", role: "alert"}, `Could not load the figures: ${error.message}`));
    }
  };
  let shown = state.courseId;
  const stop = subscribe(() => {
    if (state.courseId !== shown) {
      shown = state.courseId;
      load();
    }
  });
  await load();
  return stop;
}
