"""ChatService: every check before any write, conversations recorded as shown, the cache of typed answers."""

import argparse
import json
import sqlite3
import threading
import time
from typing import Any

import msgspec
import pytest

from appliance import services as services_module
from appliance.answer import small_talk
from appliance.answer.cache import AnswerCache
from appliance.answer.chat import Ask
from appliance.answer.events import withheld
from appliance.classroom import analytics
from appliance.cli import commands
from appliance.errors import Busy, Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from appliance.store.database import Database
from tests.chatscript import ScriptedAnswerer, not_covered, quoted_answer, source, twice_quoted_answer


@pytest.fixture
def chat(services):
    """The chat service over a scripted answerer, a student and a teacher of course 1 and a course 2."""
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    other = services.courses.create("Other", None)
    student = services.accounts.add("student1", "correct horse battery", "student")
    services.courses.add_member(1, student)
    return {"service": services.chat, "services": services, "student": student, "other": other["id"]}


def _run(chat, user, ask: Ask) -> list[tuple[str, Any]]:
    return list(chat["service"].start(user, ask)(threading.Event()))


def _conversations(chat, user) -> list:
    return chat["services"].conversations.listing(user).conversations


def test_answer_names_its_conversation_first_and_records_it(chat):
    events = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))
    names = [name for name, _ in events]
    done = events[-1][1]
    assert names[:2] == ["conversation", "sources"]
    assert done.interaction_id and done.conversation_id == events[0][1].conversation_id
    assert _conversations(chat, chat["student"])[0].course_id == 1


def test_a_question_longer_than_any_way_of_asking_takes_is_refused_before_any_write(chat):
    with pytest.raises(InvalidInput, match="longer than 4000 characters"):
        chat["service"].start(chat["student"], Ask("How heavy is the P-9 pump? " * 200))
    assert _conversations(chat, chat["student"]) == []


def test_question_over_the_hourly_limit_leaves_no_conversation(chat):
    service = chat["service"]
    service.settings = msgspec.structs.replace(service.settings, student_questions_per_hour=1)
    _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))
    with pytest.raises(TooManyRequests):
        chat["service"].start(chat["student"], Ask("What voltage does it need?"))
    assert len(_conversations(chat, chat["student"])) == 1


def test_question_refused_by_a_full_queue_leaves_no_conversation(chat):
    answerer = chat["service"].answerer
    tickets = [answerer.reserve() for _ in range(answerer.gate.max_queue)]
    with pytest.raises(Busy):
        chat["service"].start(chat["student"], Ask("How heavy is the P-9 pump?"))
    assert _conversations(chat, chat["student"]) == []
    for ticket in tickets:
        ticket.leave()


def test_question_outside_the_callers_courses_is_refused_before_any_write(chat):
    with pytest.raises(Forbidden):
        chat["service"].start(chat["student"], Ask("How heavy?", course_id=chat["other"]))
    assert _conversations(chat, chat["student"]) == []


def test_someone_elses_conversation_is_not_found(chat, services):
    done = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))[-1][1]
    teacher = services.accounts.add("teacher9", "correct horse battery", "teacher")
    with pytest.raises(NotFound):
        chat["service"].start(teacher, Ask("and its voltage?", conversation_id=done.conversation_id))


def test_a_course_a_conversation_asked_with_course_b_selected_is_refused_and_not_recorded(chat, services):
    services.courses.add_member(chat["other"], chat["student"])
    done = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?", course_id=1))[-1][1]
    with pytest.raises(Conflict, match="another course"):
        chat["service"].start(
            chat["student"], Ask("and its voltage?", course_id=chat["other"], conversation_id=done.conversation_id)
        )
    assert len(services.database.interactions(done.conversation_id)) == 1


def test_a_follow_up_without_a_course_is_answered_in_its_conversations_course(chat, services):
    services.courses.add_member(chat["other"], chat["student"])
    done = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?", course_id=1))[-1][1]
    _run(chat, chat["student"], Ask("and its voltage?", conversation_id=done.conversation_id))
    assert chat["service"].answerer.questions[-1].courses == [1]


def test_reopened_conversation_gives_back_each_answer_as_shown(chat, services):
    chat["service"].answerer.done = not_covered()
    done = _run(chat, chat["student"], Ask("What colour is the P-9 pump?"))[-1][1]
    chat["service"].answerer.done = quoted_answer()
    _run(chat, chat["student"], Ask("How heavy is the P-9 pump?", conversation_id=done.conversation_id))
    messages = services.conversations.messages(chat["student"], done.conversation_id).messages
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[1].covered is False
    supported, replaced = quoted_answer().sentences
    assert messages[3].sentences == [supported, msgspec.structs.replace(replaced, text="", reason="")]
    assert messages[3].sources[0].evidence == source().evidence


def test_a_student_never_receives_the_words_of_a_sentence_the_material_does_not_confirm(chat, services):
    """The invented "7 tonnes" was replaced by a quote on screen; it is not in what the browser receives either,
    live or reopened, while what became of the sentence (quoted, the model's) stays for the note under the answer."""
    done = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))[-1][1]
    reopened = services.conversations.messages(chat["student"], done.conversation_id)
    for sent in (done, reopened):
        body = msgspec.json.encode(sent).decode()
        assert "7 tonnes" not in body and "7 is in no source" not in body
        assert "The pump weighs 2 kilograms." in body
    assert [(s.status, s.stands_for) for s in done.sentences] == [("supported", "model"), ("quoted", "model")]


def test_staff_receive_what_the_model_wrote_in_place_of_a_quote(chat, services):
    teacher = services.accounts.add("teacher9", "correct horse battery", "teacher")
    services.courses.add_member(1, teacher)
    done = _run(chat, teacher, Ask("How heavy is the P-9 pump?", course_id=1))[-1][1]
    assert done.sentences[1].text == "It weighs 7 tonnes." and done.sentences[1].reason == "7 is in no source"


def test_an_answer_stored_before_sentences_said_what_they_stand_for_is_reopened_with_it(chat, services, settings):
    """Stored before m008, a sentence told a quote following another, or a repeat, by its reason's words alone: the
    migration says what each stands for, so the reopened answer's note counts as the live one did; cached answers,
    stored without it, are dropped."""
    chat["service"].answerer.done = twice_quoted_answer()
    done = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))[-1][1]
    path = settings.data_path / "ragbot.db"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM answer_cache").fetchone()[0] == 1
        written = msgspec.to_builtins(twice_quoted_answer().sentences)
        stored = [{k: v for k, v in s.items() if k != "stands_for"} for s in written]
        db.execute("UPDATE interactions SET sentences = ?", [json.dumps(stored)])
        db.execute("DELETE FROM migrations WHERE name = 'm008_sentences_stand_for'")
    db.close()
    Database(path, None, alone=False, read_only=False).close()
    messages = services.conversations.messages(chat["student"], done.conversation_id).messages
    assert [s.stands_for for s in messages[1].sentences] == ["model", "material", "repeat"]
    assert messages[1].sentences == withheld(twice_quoted_answer()).sentences
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM answer_cache").fetchone()[0] == 0
    db.close()


def test_a_database_from_before_archiving_and_the_cache_s_clock_is_migrated(chat, settings):
    """m013 drops the answers cached on the wall clock; m014 leaves every existing course open."""
    _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))
    path = settings.data_path / "ragbot.db"
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE answer_cache DROP COLUMN boot")
        db.execute("ALTER TABLE courses DROP COLUMN archived_at")
        db.execute("DELETE FROM migrations WHERE number > 12")
    db.close()
    Database(path, None, alone=False, read_only=False).close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM answer_cache").fetchone()[0] == 0
        assert db.execute("SELECT DISTINCT archived_at FROM courses").fetchall() == [(None,)]
    db.close()


def test_cache_replays_the_answer_without_the_first_askings_conversation(chat, services):
    first = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))[-1][1]
    again = _run(chat, chat["student"], Ask("how heavy is the p-9 pump"))[-1][1]
    assert again.cached is True
    assert again.sentences == first.sentences
    assert again.conversation_id != first.conversation_id
    assert len(chat["service"].answerer.questions) == 1


def test_cache_never_keeps_a_not_covered_answer(chat):
    chat["service"].answerer.done = not_covered()
    _run(chat, chat["student"], Ask("What colour is the P-9 pump?"))
    again = _run(chat, chat["student"], Ask("What colour is the P-9 pump?"))[-1][1]
    assert again.cached is False


def test_cache_lifetimes_run_on_a_monotonic_clock_not_the_wall_clock(services, monkeypatch):
    """Setting the wall clock back a day kept every answer a day longer; forward, it dropped them all."""
    ticks = [1000.0]
    cache = AnswerCache(services.database, ttl=60, clock=lambda: ticks[0], boot="boot-1")
    cache.put("key", [1], quoted_answer())
    monkeypatch.setattr(time, "time", lambda: 10.0**10)  # the wall clock stepped far forward: no bearing now
    ticks[0] += 59
    assert cache.get("key") is not None
    ticks[0] += 2
    assert cache.get("key") is None


def test_cache_keeps_no_answer_across_a_reboot(services):
    """A monotonic clock starts again at each boot: an answer stored in another one is as old as unknown."""
    AnswerCache(services.database, ttl=60, clock=lambda: 5000.0, boot="boot-1").put("key", [1], quoted_answer())
    assert AnswerCache(services.database, ttl=60, clock=lambda: 5000.0, boot="boot-2").get("key") is None
    assert AnswerCache(services.database, ttl=60, clock=lambda: 5000.0, boot="boot-1").get("key") is not None


def test_the_system_asks_every_course_and_records_nothing(chat, services):
    events = list(chat["service"].ask(Ask("How heavy is the P-9 pump?")))
    assert events[0][0] == "sources"
    assert chat["service"].answerer.questions[-1].courses is None
    assert events[-1][1].conversation_id is None


def test_cli_ask_goes_through_the_chat_service(settings, fakes, monkeypatch, capsys):
    built = services_module.build(settings, **fakes)
    built.chat.answerer = ScriptedAnswerer(quoted_answer())
    monkeypatch.setattr(commands.services, "build", lambda settings: built)
    commands.ask(settings, argparse.Namespace(question="How heavy is the P-9 pump?", json=True, course=None))
    assert json.loads(capsys.readouterr().out)["sentences"][1]["status"] == "quoted"


def test_cli_ask_names_related_reading_when_not_covered(settings, fakes, monkeypatch, capsys):
    built = services_module.build(settings, **fakes)
    built.chat.answerer = ScriptedAnswerer(not_covered())
    monkeypatch.setattr(commands.services, "build", lambda settings: built)
    commands.ask(settings, argparse.Namespace(question="What colour is the P-9 pump?", json=False, course=None))
    assert "Related reading" in capsys.readouterr().out


def test_cli_ask_in_a_course_asks_only_it_and_names_each_sources_course(chat, monkeypatch, capsys):
    """`ragbot ask` mixed every course's material and could not be scoped."""
    built = chat["services"]
    pump = built.ingestor.ingest(b"The P-9 pump weighs 4 kilograms.", "pump.md", course_id=chat["other"])
    built.chat.answerer.done.sources = [msgspec.structs.replace(source(), document_id=pump.document["id"])]
    monkeypatch.setattr(commands.services, "build", lambda settings: built)
    monkeypatch.setattr(built, "close", lambda: None)  # the fixture closes it
    ask = argparse.Namespace(question="How heavy is the P-9 pump?", json=False, course=chat["other"])
    commands.ask(built.settings, ask)
    assert built.chat.answerer.questions[-1].courses == [chat["other"]]
    assert capsys.readouterr().out.endswith(f"[1] pump.md, page 1 — Pumps — course {chat['other']} (Other)\n")
    with pytest.raises(NotFound, match="no course with id 99"):
        commands.ask(built.settings, argparse.Namespace(question="How heavy?", json=False, course=99))


def test_cache_keeps_answers_of_each_answer_mode_apart(chat, services):
    _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))
    services.chat.settings = msgspec.structs.replace(services.chat.settings, answer_mode="extractive")
    again = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?"))[-1][1]
    assert again.cached is False


def test_a_stopped_answer_keeps_its_question_and_what_was_shown_in_its_conversation_not_in_the_figures(chat):
    """Stopped (or the page reloaded mid-answer), the conversation reopened still shows the question, what had been
    shown of its answer and that it stopped; a follow-up reads it; the course's figures leave it out."""
    services, student = chat["services"], chat["student"]
    cancel = threading.Event()
    events = chat["service"].start(student, Ask("How heavy is the P-9 pump?", course_id=1))(cancel)
    conversation = next(events)[1].conversation_id
    assert next(events)[0] == "sources"
    shown = next(events)[1]
    cancel.set()
    events.close()
    messages = services.conversations.messages(student, conversation).messages
    assert [(m.role, m.content, m.stopped) for m in messages] == [
        ("user", "How heavy is the P-9 pump?", False),
        ("assistant", shown, True),
    ]
    assert messages[1].sources == quoted_answer().sources
    assert services.conversations.questions(conversation) == ["How heavy is the P-9 pump?"]
    figures = analytics.stats(services.database, 1)
    assert (figures["questions"], figures["top_questions"]) == (0, [])
    assert analytics.export_csv(services.database, 1, None).count("\n") == 1  # the header alone
    # An answer that finished is recorded as ever, and counted.
    _run(chat, student, Ask("and its voltage?", conversation_id=conversation))
    assert len(services.conversations.messages(student, conversation).messages) == 4
    assert analytics.stats(services.database, 1)["questions"] == 1


@pytest.mark.parametrize("message", ["hi", "Thanks!", "ok thank you so much 🙏", "Bye!", "Hello there", "got it"])
def test_small_talk_gets_the_appliances_own_reply_without_the_model_and_stays_out_of_the_figures(chat, message):
    """A "hi" or "thanks!" was searched as a question, answered "No answer ... was found" and counted unanswered:
    now it gets a reply of the appliance's own, asks no model (no place in line, no question of the hour), is kept
    in its conversation as such, and is left out of the course's figures."""
    service, services, student = chat["service"], chat["services"], chat["student"]
    service.settings = msgspec.structs.replace(service.settings, student_questions_per_hour=1)
    answerer = service.answerer
    tickets = [answerer.reserve() for _ in range(answerer.gate.max_queue)]  # the model's line is full
    events = _run(chat, student, Ask(message, course_id=1))
    done = events[-1][1]
    assert [name for name, _ in events] == ["conversation", "sources", "token", "done"]
    assert (done.small_talk, done.covered, done.sources, done.sentences) == (True, True, [], [])
    assert done.answer == small_talk.reply(message) and done.answer.endswith(("?", "."))
    assert answerer.questions == []
    for ticket in tickets:
        ticket.leave()
    stored = services.conversations.messages(student, done.conversation_id).messages
    assert [(m.content, m.small_talk) for m in stored] == [(message, False), (done.answer, True)]
    figures = analytics.stats(services.database, 1)
    assert (figures["questions"], figures["unanswered"]) == (0, [])
    assert analytics.export_csv(services.database, 1, None).count("\n") == 1  # the header alone
    # The one question of the hour is still there, and "thanks" is no earlier question for a follow-up.
    _run(chat, student, Ask("How heavy is the P-9 pump?", conversation_id=done.conversation_id))
    _run(chat, student, Ask("thanks", conversation_id=done.conversation_id))
    assert services.conversations.questions(done.conversation_id) == ["How heavy is the P-9 pump?"]
    assert analytics.stats(services.database, 1)["questions"] == 1


def test_a_greeting_with_a_question_or_about_a_selection_is_a_question(chat):
    """Small talk is a message of nothing else: "hi, how heavy is it?" and "thanks" about a selected passage ask."""
    _run(chat, chat["student"], Ask("Hi, how heavy is the P-9 pump?", course_id=1))
    _run(chat, chat["student"], Ask("thanks", course_id=1, selected_text="The P-9 pump weighs 4 kilograms."))
    asked = [(q.text, q.search_query, q.focus) for q in chat["service"].answerer.questions]
    # The greeting is left out of what is searched and judged, not out of what was asked.
    assert asked == [
        ("Hi, how heavy is the P-9 pump?", "how heavy is the P-9 pump?", "how heavy is the P-9 pump?"),
        ("thanks", "thanks", "thanks"),
    ]


def test_a_conversation_begun_with_small_talk_is_titled_after_its_first_question(chat, services):
    """A student's list read "hi", "hello", "hi": each conversation titled after the greeting it began with."""
    student = chat["student"]
    hello = _run(chat, student, Ask("hi!", course_id=1))[-1][1].conversation_id
    _run(chat, student, Ask("thanks", conversation_id=hello))
    named = _run(chat, student, Ask("How heavy is the P-9 pump?", conversation_id=hello))
    assert named[0][1].title == "How heavy is the P-9 pump?"
    _run(chat, student, Ask("And its voltage?", conversation_id=hello))
    # Renamed by its owner, or begun with a question, a conversation keeps its title.
    renamed = _run(chat, student, Ask("hello", course_id=1))[-1][1].conversation_id
    services.conversations.rename(student, renamed, "My pump notes")
    _run(chat, student, Ask("How heavy is the P-9 pump?", conversation_id=renamed))
    titles = {c.id: c.title for c in _conversations(chat, student)}
    assert titles == {hello: "How heavy is the P-9 pump?", renamed: "My pump notes"}


@pytest.mark.parametrize("message", ["what page is that on?", "where does it say that?", "where did you get that?"])
def test_where_the_material_says_the_answer_before_is_its_evidence_quoted_with_its_place(chat, services, message):
    """ "What slide is that on?" was searched as a question of its own and refused, or answered from another page:
    it is now answered from the answer before, its cited evidence quoted with its page, without the model."""
    service, student = chat["service"], chat["student"]
    first = _run(chat, student, Ask("How heavy is the P-9 pump?", course_id=1))[-1][1]
    asked = list(service.answerer.questions)
    events = _run(chat, student, Ask(message, conversation_id=first.conversation_id))
    done = events[-1][1]
    assert service.answerer.questions == asked  # no search, no model
    assert done.answer == "Page 1 of pump.md says: “The P-9 pump weighs 2 kilograms.” [1]"
    assert (done.covered, [s.n for s in done.sources if s.cited], done.model) == (True, [1], "")
    assert [(s.status, s.stands_for, s.source) for s in done.sentences] == [("supported", "material", 1)]
    reopened = services.conversations.messages(student, first.conversation_id).messages
    assert reopened[-1].content == done.answer


def test_where_the_material_says_an_answer_that_found_nothing_is_no_page(chat):
    """After "No answer was found", "which page says that?" names no page and claims no answer."""
    chat["service"].answerer.done = not_covered()
    first = _run(chat, chat["student"], Ask("What colour is the P-9 pump?", course_id=1))[-1][1]
    done = _run(chat, chat["student"], Ask("which page says that?", conversation_id=first.conversation_id))[-1][1]
    assert done.covered is False and "no page says it" in done.answer and "[" not in done.answer
    assert len(chat["service"].answerer.questions) == 1


def test_where_something_is_said_with_a_subject_of_its_own_or_in_no_conversation_is_searched(chat):
    """Only a question pointing back at the answer before is answered from it."""
    first = _run(chat, chat["student"], Ask("How heavy is the P-9 pump?", course_id=1))[-1][1]
    _run(chat, chat["student"], Ask("which page says how fast it pumps?", conversation_id=first.conversation_id))
    _run(chat, chat["student"], Ask("what page is that on?", course_id=1))
    assert [q.text for q in chat["service"].answerer.questions[1:]] == [
        "which page says how fast it pumps?",
        "what page is that on?",
    ]
