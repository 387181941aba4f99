"""Answers with cited sources, as one JSON body or streamed as Server-Sent Events; conversations and feedback."""

import json
import time
from typing import Annotated, Literal, cast

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.types import ControllerRouterHandler
from msgspec import Meta

from appliance.answer.answerer import Question
from appliance.answer.conversations import standalone
from appliance.answer.model_queue import Ticket, stream_from_thread
from appliance.errors import InvalidInput, RagbotError, Unavailable
from appliance.services import Services
from appliance.web.auth import USERS, allow
from appliance.web.schemas import ChatRequest


class Rename(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=1, max_length=120)]


class Feedback(msgspec.Struct, forbid_unknown_fields=True):
    rating: Literal[1, -1]


def _limit(services: Services, user: dict) -> None:
    per_hour = getattr(services.settings, f"{user['role']}_questions_per_hour")
    services.question_limit.hit(str(user["id"]), per_hour, "hourly question")


def _origin(request: Request, services: Services, data: ChatRequest) -> dict:
    """Where a selection came from, if the client says so (and the caller may read that document)."""
    if not (data.selected_text and data.selected_document_id):
        return {}
    document = services.courses.visible_document(request.user, data.selected_document_id)
    page = services.database.page(document["id"], data.selected_page or 1)
    return {
        "document_id": document["id"],
        "filename": document["filename"],
        "page": data.selected_page if document["kind"] == "pdf" else None,
        "page_label": page["label"],
    }


def _events(data: ChatRequest, request: Request, services: Services, received: float):
    """Check everything that can be refused up front (so it is a 4xx, not a broken stream), then stream."""
    user = request.user
    if not data.message.strip():
        raise InvalidInput("the question is empty")
    answerer = services.answerer
    if answerer is None:
        raise Unavailable("the language model is not loaded")
    courses = services.courses.scope(user, data.course_id)
    conversations = services.conversations
    # Analytics belong to a course: the one asked, or the caller's only one.
    course_id = data.course_id or (courses[0] if len(courses) == 1 else None)
    conversation = conversations.open(user, course_id, data.conversation_id, data.message)
    search_query = standalone(data.message, conversations.questions(conversation["id"]))
    levels = (data.level or user["software_level"], data.level or user["hardware_level"])
    level = "/".join(levels)
    _limit(services, user)
    cache = services.answer_cache
    # Follow-ups depend on their conversation, so only a question that stands alone is cached.
    standalone_question = search_query == data.message and courses
    key = cache.key(data.message, courses, level, data.selected_text) if standalone_question else None
    cached = cache.get(key) if key else None
    ticket = None if cached else answerer.reserve(str(user["id"]))

    question = Question(
        data.message,
        data.selected_text or "",
        courses,
        levels,
        search_query,
        _origin(request, services, data),
        received,
    )

    def produce(cancel):
        try:
            if cached:
                events = cache.replay(cached, received)
            else:
                events = answerer.events(question, cast(Ticket, ticket), cancel)  # reserved when not cached
                events = cache.storing(events, key, courses) if key else events
            yield from conversations.converse(events, conversation, user, data.message, search_query, level)
        finally:
            # Also when the answer never started (stopped at the first event): the place in line is given back.
            if ticket:
                ticket.leave()

    return stream_from_thread(produce)


async def _sse(events, received: float):
    """Each event as an SSE message; a failure midway becomes an `error` event, never a broken stream."""
    sent = None  # ms from the request's arrival until the first token was handed to the server (on the wire)
    try:
        async for event, payload in events:
            if event == "done" and sent is not None:
                payload = payload | {"timings": payload.get("timings", {}) | {"first_token_sent_ms": sent}}
            yield ServerSentEventMessage(event=event, data=payload if event == "token" else json.dumps(payload))
            if event == "token" and sent is None:
                sent = round((time.perf_counter() - received) * 1000, 1)
    except RagbotError as error:
        yield ServerSentEventMessage(event="error", data=json.dumps({"error": error.message}))
    except Exception:
        yield ServerSentEventMessage(event="error", data=json.dumps({"error": "internal error; see the logs"}))
        raise


@post(
    "/api/v1/chat",
    opt=allow(USERS),
    status_code=200,
    tags=["chat"],
    summary="Ask a question about your courses' material",
)
async def chat(data: JSONBody[ChatRequest], request: Request, services: NamedDependency[Services]) -> Response:
    received = time.perf_counter()
    events = _events(data, request, services, received)
    if data.stream:
        return ServerSentEvent(_sse(events, received))
    result = {}
    async for event, payload in events:
        if event == "done":
            result = payload
    return Response(result)


class ConversationController(Controller):
    """A user's own conversations; anyone else's look like missing ones."""

    path = "/api/v1/conversations"
    tags = ("chat",)
    opt = allow(USERS)

    @get("/", sync_to_thread=True, summary="Your conversations")
    def list_conversations(self, request: Request, services: NamedDependency[Services]) -> dict:
        return {"conversations": services.conversations.listing(request.user)}

    @get("/{conversation_id:str}", sync_to_thread=True, summary="One of your conversations with its messages")
    def get_conversation(
        self, conversation_id: FromPath[str], request: Request, services: NamedDependency[Services]
    ) -> dict:
        return services.conversations.messages(request.user, conversation_id)

    @patch("/{conversation_id:str}", sync_to_thread=True, summary="Rename a conversation")
    def rename_conversation(
        self,
        conversation_id: FromPath[str],
        data: JSONBody[Rename],
        request: Request,
        services: NamedDependency[Services],
    ) -> dict:
        return services.conversations.rename(request.user, conversation_id, data.title)

    @delete("/{conversation_id:str}", sync_to_thread=True, summary="Delete a conversation")
    def delete_conversation(
        self, conversation_id: FromPath[str], request: Request, services: NamedDependency[Services]
    ) -> None:
        services.conversations.delete(request.user, conversation_id)


@post(
    "/api/v1/interactions/{interaction_id:str}/feedback",
    opt=allow(USERS),
    status_code=204,
    sync_to_thread=True,
    tags=["chat"],
    summary="Thumbs up (1) or down (-1) for an answer",
)
def feedback(
    interaction_id: FromPath[str], data: JSONBody[Feedback], request: Request, services: NamedDependency[Services]
) -> None:
    services.conversations.feedback(request.user, interaction_id, data.rating)


handlers: list[ControllerRouterHandler] = [chat, ConversationController, feedback]
