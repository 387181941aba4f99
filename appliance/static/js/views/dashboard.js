// The teacher's dashboard for the selected course: questions per day, frequent and unanswered
// questions, feedback and latency.

import {api} from "../api.js";
import {barList, columnChart, splitBar} from "../charts.js";
import {h} from "../dom.js";
import {currentCourse, state, subscribe} from "../state.js";

/** Every day from the first to the last with questions, zeros included, oldest first. */
function fillDays(perDay) {
  const counts = new Map(perDay.map((d) => [String(d.day).slice(0, 10), d.count]));
  const days = [...counts.keys()].sort();
  if (!days.length) return [];
  const out = [];
  const end = new Date(`${days[days.length - 1]}T00:00:00Z`);
  let day = new Date(`${days[0]}T00:00:00Z`);
  if ((end - day) / 86400000 > 60) day = new Date(end - 60 * 86400000);
  for (; day <= end; day = new Date(day.getTime() + 86400000)) {
    const key = day.toISOString().slice(0, 10);
    out.push({key, label: day.toLocaleDateString(undefined, {day: "numeric", month: "short", timeZone: "UTC"}), value: counts.get(key) || 0});
  }
  return out;
}

function stat(label, value, note) {
  return h("div", {class: "stat"}, h("span", {class: "stat-value"}, value), h("span", {class: "stat-label"}, label),
    note ? h("span", {class: "muted small"}, note) : null);
}

function ms(value) {
  if (value == null) return "–";
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

function panel(title, id, ...content) {
  return h("section", {class: "card panel", "aria-labelledby": id}, h("h2", {id}, title), ...content);
}

function render(body, stats) {
  const days = fillDays(stats.per_day || []);
  const total = (stats.per_day || []).reduce((sum, d) => sum + d.count, 0);
  const up = stats.feedback?.up || 0;
  const down = stats.feedback?.down || 0;
  const unanswered = (stats.unanswered || []).reduce((sum, d) => sum + d.count, 0);
  const questions = (list) => (list || []).map((q) => ({label: q.question, value: q.count}));
  body.replaceChildren(
    h("div", {class: "stats-row"},
      stat("questions", String(total)),
      stat("not covered", String(unanswered), total ? `${Math.round((unanswered / total) * 100)}% of questions` : null),
      stat("helpful", up + down ? `${Math.round((up / (up + down)) * 100)}%` : "–", `${up} up, ${down} down`),
      stat("typical answer time", ms(stats.latency_ms?.p50), `95% within ${ms(stats.latency_ms?.p95)}`)),
    h("div", {class: "dash-grid"},
      panel("Questions per day", "per-day", days.length ? columnChart(days, {title: "Questions per day"}) :
        h("p", {class: "muted"}, "No questions yet.")),
      panel("Most frequent questions", "top-q", (stats.top_questions || []).length ?
        barList(questions(stats.top_questions).slice(0, 10), {title: "Most frequent questions", kind: "top"}) :
        h("p", {class: "muted"}, "No questions yet.")),
      panel("Not covered by the material", "unanswered",
        h("p", {class: "muted small"}, "Questions the documents could not answer: candidates for new material."),
        (stats.unanswered || []).length ?
          barList(questions(stats.unanswered).slice(0, 10), {title: "Questions the material did not cover", kind: "warn"}) :
          h("p", {class: "muted"}, "None so far.")),
      panel("Feedback", "feedback",
        splitBar(up, down, {title: "Helpful against not helpful answers"}),
        h("p", {class: "legend"}, h("span", {class: "key good"}), `Helpful: ${up}`, h("span", {class: "key bad"}), `Not helpful: ${down}`)),
      panel("Answer time", "latency",
        barList([{label: "Median (p50)", value: stats.latency_ms?.p50 ?? 0}, {label: "95th percentile (p95)", value: stats.latency_ms?.p95 ?? 0}],
          {title: "Answer time", kind: "latency", format: ms}))));
}

export async function show(main) {
  const title = h("h1", {tabindex: "-1"}, "Dashboard");
  const subtitle = h("p", {class: "muted"});
  const body = h("div", {class: "dashboard", "aria-live": "polite"}, h("p", {class: "muted"}, "Loading…"));
  main.replaceChildren(h("div", {class: "page wide"}, h("div", {class: "page-head"}, title, subtitle), body));
  document.title = "Dashboard · ragbot";
  const load = async () => {
    const course = currentCourse();
    subtitle.textContent = course ? `What students ask in ${course.name}.` : "";
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
