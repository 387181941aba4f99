"""What students ask: per-course figures for teachers, and a CSV of every question (staff's own tries left out)."""

import csv
import hashlib
import hmac
import io
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from appliance.answer.cache import normalise
from appliance.store.database import Database

CSV_FIELDS = (
    "created_at",
    "user",
    "question",
    "understood_as",  # as it was searched (interactions.search_query): a follow-up made standalone, else the same
    "selected_text",  # the passage a question about a selection ("Ask about this") asked about, else empty
    "answer",
    "covered",
    "mode",
    "model_busy",
    "cached",
    "feedback",
    "retrieval_ms",
    "generation_ms",
    "total_ms",  # the whole wait the student saw, "Answered in", the model's queue with it (empty before recorded)
    "tokens",
)
# `ragbot courses export-questions` and GET /api/v1/courses/{id}/questions: what was asked and how it went.
QUESTION_FIELDS = ("asked_at", "user", "question", "covered", "model_busy", "sources_cited")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def _most_common(asked: Iterable[tuple[str, str]], n: int = 10) -> list[dict]:
    """(typed, understood) questions counted under what they asked: a follow-up ("and its reach?") under its
    standalone form, the same question in other case or punctuation once, shown as it was most often put; each with
    the students' own words, most often first, where they differ from it."""
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    own: defaultdict[str, defaultdict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for typed, understood in asked:
        question = normalise(understood)
        spellings[question][" ".join(understood.split())] += 1
        if normalise(typed) != question:
            own[question][normalise(typed)][typed.strip()] += 1
    top = sorted(spellings.items(), key=lambda qs: (-qs[1].total(), qs[0]))[:n]
    return [
        {
            "question": _usual(put),
            "count": put.total(),
            "asked_as": [_usual(words) for words in sorted(own[q].values(), key=Counter.total, reverse=True)],
        }
        for q, put in top
    ]


def _understood(search_query: str, selected: str) -> str:
    """What a question asked, as the figures count it: as searched, and of a selection, with the passage it asked
    about ("why?" of two passages is two questions, neither of which "why?" alone tells a teacher)."""
    return f"{search_query} (about: “{' '.join(selected.split())}”)" if selected.strip() else search_query


def _usual(spellings: Counter[str]) -> str:
    """The spelling used most often; of those used as often, the first."""
    return spellings.most_common(1)[0][0]


def stats(database: Database, course_id: int) -> dict:
    """Questions per day, the most frequent and the unanswered ones (how many those are in all, and how many of them
    were answered when asked again since), the documents cited most, feedback and latency percentiles."""
    per_day, asked, feedback, latencies = database.course_activity(course_id)
    # Oldest first, so a question's last asking decides: answered then, the material added since covers it.
    answered_last = {normalise(_understood(u, s)): bool(c) for _, u, c, s in asked}
    not_covered = [(q, _understood(u, s)) for q, u, c, s in asked if not c]
    unanswered = _most_common(not_covered)
    present = {document["filename"] for document in database.documents([course_id])}
    return {
        "course_id": course_id,
        "questions": len(latencies),
        "per_day": per_day,
        "top_questions": _most_common((q, _understood(u, s)) for q, u, _, s in asked),
        "unanswered": [q | {"answered_since": answered_last[normalise(q["question"])]} for q in unanswered],
        "not_answered": len(not_covered),
        "answered_since": sum(answered_last[normalise(understood)] for _, understood in not_covered),
        "cited": [d | {"in_course": d["filename"] in present} for d in database.cited_documents(course_id)],
        "feedback": {"up": feedback[0] or 0, "down": feedback[1] or 0},
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
    }


def export_csv(database: Database, course_id: int, pseudonym_key: bytes | None) -> str:
    """Every question of a course's students; with a `pseudonym_key`, they appear as stable keyed pseudonyms."""
    rows = database.course_interactions(course_id)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        shown = row | {"user": _asker(row, course_id, pseudonym_key), "understood_as": row["search_query"]}
        writer.writerow({field: inert(value) for field, value in shown.items()})
    return out.getvalue()


def questions_csv(database: Database, course_id: int, pseudonym_key: bytes | None) -> Iterator[str]:
    """The course's students' questions as CSV, a row at a time: when, who (as `export_csv` shows them), the
    question, whether the material covered it (0: the answer said it does not), and the sources it cited."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(QUESTION_FIELDS)
    for row in database.course_interactions(course_id):
        yield _taken(out)
        cited = "; ".join(_cited(json.loads(row["sources"] or "[]")))
        asked = (row["created_at"], _asker(row, course_id, pseudonym_key), row["question"], row["covered"])
        writer.writerow([inert(value) for value in (*asked, row["model_busy"], cited)])
    yield _taken(out)


def _taken(out: io.StringIO) -> str:
    """What was written to `out` since last taken, leaving it empty."""
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def _cited(sources: list[dict]) -> list[str]:
    """Each source an answer cited, as a teacher finds it: its file and page."""
    pages = ((s["filename"], s.get("page_label") or s.get("page")) for s in sources if s.get("cited"))
    return [f"{name} p. {page}" if page else name for name, page in pages]


def _asker(row: dict, course_id: int, pseudonym_key: bytes | None) -> str:
    """Who asked: the username, or with a `pseudonym_key` their stable pseudonym."""
    return row["username"] if pseudonym_key is None else pseudonym(pseudonym_key, course_id, row["user_id"])


def pseudonym(key: bytes, course_id: int, user_id: int) -> str:
    """Stable per course and student, and keyed: a teacher who knows the user ids still cannot recompute it."""
    return "student-" + hmac.new(key, f"{course_id}:{user_id}".encode(), hashlib.sha256).hexdigest()[:12]


def inert(value):
    """A text cell a spreadsheet would run as a formula gets a leading quote, so it shows as text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
