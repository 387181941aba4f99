"""One way to ask: every check first, then the conversation, then the answer's typed events (web and CLI alike)."""

import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from appliance.answer import places, prompt, small_talk
from appliance.answer.answerer import Question, quoted
from appliance.answer.cache import AnswerCache
from appliance.answer.conversations import (
    Conversation,
    Conversations,
    answered_people,
    asked,
    focused,
    searched,
    set_aside,
    standalone,
)
from appliance.answer.events import ConversationEvent, Done, Message, Timings, withheld
from appliance.answer.model_queue import Ticket
from appliance.classroom.courses import Courses
from appliance.classroom.limits import SlidingWindow
from appliance.errors import Conflict, InvalidInput, Unavailable
from appliance.settings import Settings

# The longest question in characters, however it is asked: the web app learns it from GET /api/v1/chat/limits.
MAX_QUESTION = 4000
# (event, data): the data's type follows the event's name, as events.py lists them.
Events = Iterator[tuple[str, Any]]
EventGenerator = Generator[tuple[str, Any], None, None]  # what a web response streams (and can close)


class Answers(Protocol):
    """What the chat service needs of an answerer (the Answerer; tests script one)."""

    def reserve(self, user: str = "") -> Ticket: ...

    def events(self, question: Question, ticket: Ticket, cancel: threading.Event) -> Iterator[tuple[str, Any]]: ...


@dataclass
class Ask:
    """A question as a caller puts it; `origin` is where `selected_text` came from (already access-checked).

    `earlier` are the questions before it, oldest first, and `answered` the answer before it, from a caller that
    keeps the conversation itself (the OpenAI-compatible endpoint); the web chat names a stored conversation instead.
    """

    message: str
    course_id: int | None = None
    conversation_id: str | None = None
    level: str | None = None
    selected_text: str = ""
    origin: dict = field(default_factory=dict)
    earlier: list[str] = field(default_factory=list)
    answered: str = ""
    received: float = field(default_factory=time.perf_counter)  # when the request arrived: the TTFT clock


@dataclass
class Plan:
    """Everything decided before the first write: where the answer goes and what it draws on."""

    courses: list[int] | None
    conversation: Conversation | None
    course_id: int | None  # the course the question is recorded in (analytics)
    search_query: str
    focus: str  # what the answer is judged on: a follow-up's own words and the subject it refers to
    levels: tuple[str, str]
    cache_key: str | None
    besides: tuple[str, ...] = ()  # names the answer is not about: "the other arm" after the V8's


class ChatService:
    """Checks a question (scope, ownership, course, limits, queue), records it and streams its answer."""

    def __init__(
        self,
        settings: Settings,
        answerer: Answers | None,
        courses: Courses,
        conversations: Conversations,
        cache: AnswerCache,
        limit: SlidingWindow,
    ):
        self.settings = settings
        self.answerer = answerer
        self.courses = courses
        self.conversations = conversations
        self.cache = cache
        self.limit = limit

    def start(self, user: dict | None, ask: Ask) -> Callable[[threading.Event], EventGenerator]:
        """Refuse now (nothing written) or return the answer's event generator; `user` None is the system (CLI)."""
        if not ask.message.strip():
            raise InvalidInput("the question is empty")
        if len(ask.message) > MAX_QUESTION:
            raise InvalidInput(f"the question is longer than {MAX_QUESTION} characters")
        answerer = self.answerer
        if answerer is None:
            raise Unavailable("the language model is not loaded")
        plan = self._plan(user, ask) if user else self._system_plan(ask)
        # Small talk asks nothing of the material or the model: no question of the hour, no place in line; nor
        # does "where does it say that?", answered from the answer before.
        talk = None if ask.selected_text.strip() else small_talk.reply(ask.message)
        before = self._pointed_at(ask, plan) if talk is None else None
        if user and talk is None and before is None:
            per_hour = getattr(self.settings, f"{user['role']}_questions_per_hour")
            self.limit.hit(str(user["id"]), per_hour, "hourly question")
        cached = self.cache.get(plan.cache_key) if plan.cache_key and talk is None and before is None else None
        ticket = None if cached or talk or before else answerer.reserve(str(user["id"]) if user else "")
        try:
            if user and plan.conversation is None:
                plan.conversation = self.conversations.create(user, plan.course_id, _title(ask))
            elif plan.conversation and talk is None:
                plan.conversation = self.conversations.named_after(plan.conversation, _title(ask))
        except BaseException:
            if ticket:
                ticket.leave()
            raise

        def answer(cancel: threading.Event) -> Events:
            if talk:
                return self._small_talk(talk, ask.received)
            if before:
                return self._placed(before, ask.received)
            if cached:
                return self.cache.replay(cached, ask.received)
            assert ticket is not None  # reserved above whenever nothing was cached
            return self._generate(answerer, ask, plan, ticket, cancel)

        return lambda cancel: self._events(user, ask, plan, answer(cancel), ticket, cancel)

    def ask(self, ask: Ask) -> Events:
        """The system's own question (the CLI), over its course or every one: the same checks and events, nothing
        recorded."""
        return self.start(None, ask)(threading.Event())

    def _system_plan(self, ask: Ask) -> Plan:
        """The system asks over the course asked for (which must exist) or every course, in no conversation,
        uncached."""
        courses = self.courses.system_scope(ask.course_id)
        search_query, focus, _ = _understood(ask.message, [])
        return Plan(courses, None, ask.course_id, search_query, focus, _levels(None, ask), None)

    def _plan(self, user: dict, ask: Ask) -> Plan:
        """Scope, ownership and the conversation's course, all checked without writing anything."""
        conversation = self.conversations.owned(user, ask.conversation_id) if ask.conversation_id else None
        course_id = ask.course_id
        if conversation:
            if ask.course_id is not None and ask.course_id != conversation.course_id:
                raise Conflict(
                    "this conversation belongs to another course; start a new conversation to ask in this one"
                )
            course_id = conversation.course_id
        courses = self.courses.asking_scope(user, course_id)
        if conversation is None and course_id is None and len(courses) == 1:
            course_id = courses[0]  # analytics belong to a course: the caller's only one
        earlier = self.conversations.questions(conversation.id) if conversation else searched(ask.earlier)
        answered = self._answered(conversation) if conversation else ask.answered
        if ask.selected_text.strip():
            earlier = []  # a question about a selection ("How often does it measure?") refers to it, not to the last
        search_query, focus, besides = _understood(ask.message, earlier, answered)
        levels = _levels(user, ask)
        # Follow-ups depend on their conversation, so only a question that stands alone is cached.
        key = None
        if search_query == ask.message and courses:
            level, mode = "/".join(levels), self.settings.answer_mode
            key = self.cache.key(ask.message, courses, level, ask.selected_text, mode, ask.origin)
        return Plan(courses, conversation, course_id, search_query, focus, levels, key, besides)

    def _generate(self, answerer: Answers, ask: Ask, plan: Plan, ticket: Ticket, cancel: threading.Event) -> Events:
        """A new answer from the answerer, kept in the cache when the question stands alone."""
        question = Question(
            ask.message,
            selected_text=ask.selected_text,
            courses=plan.courses,
            levels=plan.levels,
            search_query=plan.search_query,
            focus=plan.focus,
            besides=plan.besides,
            origin=ask.origin,
            received=ask.received,
        )
        events = answerer.events(question, ticket, cancel)
        if plan.cache_key and plan.courses:
            return self.cache.storing(events, plan.cache_key, plan.courses)
        return events

    def _answered(self, conversation: Conversation) -> str:
        """The conversation's last answer as shown, when it answered (a refusal names no one)."""
        before = self.conversations.last_answer(conversation.id)
        return before.content if before and before.covered else ""

    def _pointed_at(self, ask: Ask, plan: Plan) -> Message | None:
        """The answer before, when the question asks where the material says it ("what slide is that on?") and it
        either found nothing or quoted its sources' evidence (a generative answer's citations name no sentences: the
        question is searched for anew)."""
        if plan.conversation is None or ask.selected_text.strip() or places.asked_where(ask.message) != "":
            return None
        before = self.conversations.last_answer(plan.conversation.id)
        if before is None or (before.covered and not any(s.cited and s.evidence for s in before.sources)):
            return None
        return before

    def _placed(self, before: Message, received: float) -> Events:
        """Where the material says what the answer before said: each of its cited sources' evidence, quoted with its
        place; or, when it found nothing, that no page says it."""
        sources = before.sources
        evidence = {s.n: s.evidence for s in sources if s.cited and s.evidence}
        quotes = quoted(sources, evidence, self.settings.extractive_quotes, placed=True) if before.covered else []
        answer = " ".join(q.shown for q in quotes) or prompt.NOT_PLACED
        yield "sources", sources
        yield "token", answer
        timings = Timings(total_ms=round((time.perf_counter() - received) * 1000, 1))
        mode = self.settings.answer_mode
        yield (
            "done",
            Done(
                answer=answer,
                covered=bool(quotes),
                mode=mode,
                model="",
                sources=sources,
                sentences=quotes,
                timings=timings,
            ),
        )

    def _small_talk(self, reply: str, received: float) -> Events:
        """The appliance's own reply to small talk, as an answer's events: no sources, nothing to check."""
        yield "sources", []
        yield "token", reply
        timings = Timings(total_ms=round((time.perf_counter() - received) * 1000, 1))
        mode = self.settings.answer_mode
        done = Done(answer=reply, covered=True, mode=mode, small_talk=True, model="", sources=[], timings=timings)
        yield "done", done

    def _events(
        self, user: dict | None, ask: Ask, plan: Plan, events: Events, ticket: Ticket | None, cancel: threading.Event
    ) -> EventGenerator:
        """Name the conversation first (so an answer stopped early still has one), then the answer; record `done`,
        or the question and what was shown of its answer when the asker stopped it."""
        shown = ShownSoFar()
        try:
            conversation = plan.conversation
            if conversation:
                yield "conversation", ConversationEvent(conversation.id, conversation.title)
            for event, data in events:
                shown.add(event, data)
                if event == "done" and user and conversation:
                    data = self._record(user, conversation, ask, plan, data)
                if event == "done" and user and user["role"] == "student":
                    data = withheld(data)
                yield event, data
        finally:
            # Also when the answer never started (stopped at the first event): the place in line is given back.
            if ticket:
                ticket.leave()
            # Stopped, or the page reloaded mid-answer: reopened, the conversation still shows the question asked.
            if cancel.is_set() and not shown.done and user and plan.conversation:
                asked = _asked(ask, plan)
                self.conversations.record_stopped(plan.conversation, user, asked, shown.text, shown.sources)

    def _record(self, user: dict, conversation: Conversation, ask: Ask, plan: Plan, done: Done) -> Done:
        interaction = self.conversations.record(conversation, user, _asked(ask, plan), done)
        return msgspec.structs.replace(done, conversation_id=conversation.id, interaction_id=interaction)


def _title(ask: Ask) -> str:
    """A new conversation's title: its first question, and of a selection, the passage too (a list of "why?"s tells
    a student nothing)."""
    selected = " ".join(ask.selected_text.split())
    return f"{ask.message.strip()} “{selected}”" if selected else ask.message


def _asked(ask: Ask, plan: Plan) -> dict:
    """A question as it is recorded: the asker's words, as searched, at which level and about which passage."""
    level, selected = "/".join(plan.levels), ask.selected_text
    return {"question": ask.message, "search_query": plan.search_query, "level": level, "selected_text": selected}


@dataclass
class ShownSoFar:
    """What an answer's events have shown so far: its sources and verified text, and whether it finished."""

    sources: list = field(default_factory=list)
    text: str = ""
    done: bool = False

    def add(self, event: str, data: Any) -> None:
        if event == "sources":
            self.sources = data
        elif event == "token":
            self.text += data
        elif event == "done":
            self.done = True


def _levels(user: dict | None, ask: Ask) -> tuple[str, str]:
    """The software and hardware background to answer for: the one asked for, else the user's own."""
    if ask.level:
        return ask.level, ask.level
    if user:
        return user["software_level"], user["hardware_level"]
    return "intermediate", "intermediate"


def understood(message: str, earlier: list[str], answered: str = "") -> tuple[str, str]:
    """A question as searched and as judged when the caller keeps the conversation itself, as `_plan` makes it:
    `earlier` are the questions before it as asked, oldest first, each made standalone in turn, and `answered` the
    answer before it (the benchmarks ask follow-ups so)."""
    return _understood(message, searched(earlier), answered)[:2]


def _understood(message: str, earlier: list[str], answered: str = "") -> tuple[str, str, tuple[str, ...]]:
    """A question as searched and as judged, and the names it is not about: a story told before it is the turn it
    follows ("it" in the question is the subject said before), as is the conversation's earlier question, or the
    people its answer named ("her" after "who ...?"), or the question before asked of "the other one"; the small
    talk around it is none of it."""
    question, said = asked(small_talk.without(message))
    said = said or answered_people(question, earlier, answered)
    told = bool(said)
    earlier = [*earlier, *said]
    besides = tuple(set_aside(question, earlier, told))
    return standalone(question, earlier, told), focused(question, earlier, told), besides
