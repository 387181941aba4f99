"""Issue 14's review findings, each pinned by a test that failed before its fix."""

import csv
import hashlib
import io

import pytest

from appliance.classroom import analytics
from appliance.web import secret

KEY = secret.derive("s" * 48, "pseudonyms")


@pytest.fixture
def course(services):
    """A course with a student and one recorded question per entry of `questions` (filled by `ask`)."""
    student = services.accounts.add("mallory", "correct horse battery", "student")
    course = services.courses.create("Hostile", None)
    services.courses.add_member(course["id"], student)
    return {"id": course["id"], "student": student, "services": services}


def _ask(course, question: str) -> None:
    conversations = course["services"].conversations
    talk = conversations.open(course["student"], course["id"], None, question)
    done = {"answer": "an answer", "sources": [], "covered": True}
    conversations.record(talk, course["student"], question, question, "beginner", done)


def _rows(course, key=KEY) -> list[dict]:
    text = analytics.export_csv(course["services"].database, course["id"], key)
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_export_neutralises_formulas(course, start):
    _ask(course, start + 'HYPERLINK("http://evil.example","x")')
    assert _rows(course)[0]["question"].startswith("'" + start)


def test_csv_export_keeps_ordinary_text(course):
    _ask(course, "What is a PID loop?")
    assert _rows(course)[0]["question"] == "What is a PID loop?"


def test_pseudonym_cannot_be_recomputed_from_course_and_user_id(course):
    _ask(course, "What is a PID loop?")
    unkeyed = hashlib.sha256(f"{course['id']}:{course['student']['id']}".encode()).hexdigest()
    assert unkeyed[:8] not in _rows(course)[0]["user"]


def test_pseudonym_is_stable_for_one_key(course):
    _ask(course, "first?")
    _ask(course, "second?")
    assert len({row["user"] for row in _rows(course)}) == 1


def test_pseudonym_changes_with_the_key(course):
    _ask(course, "first?")
    assert _rows(course)[0]["user"] != _rows(course, secret.derive("t" * 48, "pseudonyms"))[0]["user"]


def test_names_show_without_a_key(course):
    _ask(course, "first?")
    assert _rows(course, None)[0]["user"] == "mallory"
