"""Answers with cited sources, as one JSON body or streamed as Server-Sent Events; conversations and feedback."""

import asyncio
import time
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, cast

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Reference, Schema
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.types import ControllerRouterHandler
from msgspec import Meta

from appliance.answer.chat import MAX_QUESTION, Ask
from appliance.answer.conversations import Conversation, ConversationList, ConversationMessages
from appliance.answer.events import ConversationEvent, Done, ErrorEvent, Source
from appliance.answer.model_queue import stream_from_thread
from appliance.errors import RagbotError
from appliance.services import Services
from appliance.web.access import USERS, allow
from appliance.web.schemas import ChatLimits, ChatRequest
from appliance.web.shown import Shown


class Rename(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(min_length=1, max_length=120)]


class Feedback(msgspec.Struct, forbid_unknown_fields=True):
    rating: Literal[1, -1]


class ChatStream(msgspec.Struct):
    """The Server-Sent Events of `stream: true`, in order; each field is an event's name and its `data:`."""

    conversation: Annotated[ConversationEvent, Meta(description="First: the conversation the answer is recorded in.")]
    sources: Annotated[list[Source], Meta(description="The passages drawn on, with their evidence sentences.")]
    token: Annotated[str, Meta(description="Plain text (not JSON), repeated: answer text that passed verification.")]
    done: Annotated[Done, Meta(description="Last: the final answer, its sources and each sentence's check.")]
    error: Annotated[ErrorEvent, Meta(description="Instead of `done` when the answer fails midway.")]


def _event(name: str) -> Schema:
    """One Server-Sent Event: its name, and its `data:` line holding the ChatStream field of that name."""
    data = Schema(
        type=OpenAPIType.STRING,
        content_media_type="text/plain" if name == "token" else "application/json",
        content_schema=Reference(f"#/components/schemas/ChatStream/properties/{name}"),
    )
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["event", "data"],
        properties={"event": Schema(type=OpenAPIType.STRING, const=name), "data": data},
    )


@dataclass
class ChatOperation(Operation):
    """The chat operation's 200 response: `Done` as JSON, or the `ChatStream` events as Server-Sent Events.

    As OpenAPI has it for an event stream, the schema describes one event: a name and its data.
    """

    json_schema: ClassVar[str] = "Done"  # a component the stream's schema also uses, so it is in the document

    def __post_init__(self) -> None:
        ok = cast(dict[str, OpenAPIResponse], self.responses)["200"]
        schema = Reference(f"#/components/schemas/{self.json_schema}")
        ok.content = {"application/json": OpenAPIMediaType(schema=schema)} | self.stream_content(ok.content or {})

    def stream_content(self, content: dict[str, OpenAPIMediaType]) -> dict[str, OpenAPIMediaType]:
        """The event stream's entry: one named event per ChatStream field."""
        events = Schema(one_of=[_event(name) for name in ChatStream.__struct_fields__])
        return {"text/event-stream": OpenAPIMediaType(schema=events)}


def _origin(request: Request, services: Services, data: ChatRequest) -> dict:
    """Where a selection came from, if the client says so (and the caller may read that document)."""
    if not (data.selected_text and data.selected_document_id):
        return {}
    document = services.courses.visible_document(request.user, data.selected_document_id)
    page = services.database.page(document["id"], data.selected_page or 1)
    # Where its page holds it, the selection is the material's own words, wherever its passages are cut: the reader
    # selects from the page's text.
    start = page["text"].find(data.selected_text.strip())
    return {
        "document_id": document["id"],
        "filename": document["filename"],
        "page": data.selected_page if document["kind"] == "pdf" else None,
        "page_label": page["label"],
    } | ({"start": start} if start >= 0 else {})


def _first_token_sent(done: Done, sent: float | None) -> Done:
    """`done` with when its first token was handed to the server, when one was."""
    if sent is None:
        return done
    return msgspec.structs.replace(done, timings=msgspec.structs.replace(done.timings, first_token_sent_ms=sent))


async def _sse(events, received: float, shown: Shown):
    """Each event as an SSE message, sources and answer with their rich text; a failure midway becomes an `error`
    event, never a broken stream."""
    sent = None  # ms from the request's arrival until the first token was handed to the server (on the wire)
    try:
        async for event, payload in events:
            if event == "sources":
                payload = await asyncio.to_thread(lambda sources: [shown.source(s) for s in sources], payload)
            if event == "done":
                payload = await asyncio.to_thread(shown.answer, _first_token_sent(payload, sent))
            data = payload if event == "token" else msgspec.json.encode(payload).decode()
            yield ServerSentEventMessage(event=event, data=data)
            if event == "token" and sent is None:
                sent = round((time.perf_counter() - received) * 1000, 1)
    except RagbotError as error:
        yield _error(error.message)
    except Exception:
        yield _error("internal error; see the logs")
        raise
    finally:
        # A client that left while this was awaiting something else (the sources' rich text) leaves `events`
        # suspended, and it would stop the generation only when garbage collected: stop it now.
        await events.aclose()


def _error(message: str) -> ServerSentEventMessage:
    return ServerSentEventMessage(event="error", data=msgspec.json.encode(ErrorEvent(message)).decode())


@post(
    "/api/v1/chat",
    opt=allow(USERS),
    status_code=200,
    tags=["chat"],
    summary="Ask a question about your courses' material",
    description=(
        "Answers from the course material. With `stream: false` the body is `Done`. With `stream: true` the "
        "answer comes as Server-Sent Events: `conversation` (ConversationEvent), `sources` (a list of Source), "
        "`token` (plain text that already passed verification, repeated), then `done` (Done) or, when the answer "
        "fails midway, `error` (ErrorEvent). `Done.covered` false: the material does not answer the question "
        "and its sources are related reading only. Everything that can be refused (scope, conversation, course, "
        "question limit, a full queue) is refused with a 4xx/503 before anything is recorded."
    ),
    responses={
        200: ResponseSpec(
            ChatStream,
            media_type="text/event-stream",
            description="`Done` as JSON, or with `stream: true` the events of ChatStream",
            generate_examples=False,
        )
    },
    operation_class=ChatOperation,
)
async def chat(data: JSONBody[ChatRequest], request: Request, services: NamedDependency[Services]) -> Response:
    """`Done` as JSON, or the answer's events as they come (the OpenAPI document shows both, see ChatOperation)."""
    ask = Ask(
        data.message,
        course_id=data.course_id,
        conversation_id=data.conversation_id,
        level=data.level,
        selected_text=data.selected_text or "",
        origin=_origin(request, services, data),
    )
    events = stream_from_thread(services.chat.start(request.user, ask))
    if data.stream:
        return ServerSentEvent(_sse(events, ask.received, Shown(services.database)))
    done = await final(events)
    return Response(await asyncio.to_thread(Shown(services.database).answer, done) if done else None)


async def final(events) -> Done | None:
    """The answer's `done`, once every event before it has passed (a failure midway raises)."""
    done = None
    async for event, payload in events:
        if event == "done":
            done = payload
    return done


@get("/api/v1/chat/limits", opt=allow(USERS), sync_to_thread=False, tags=["chat"], summary="How long a question may be")
def limits() -> ChatLimits:
    return ChatLimits(MAX_QUESTION)


class ConversationController(Controller):
    """A user's own conversations; anyone else's look like missing ones."""

    path = "/api/v1/conversations"
    tags = ("chat",)
    opt = allow(USERS)

    @get("/", sync_to_thread=True, summary="Your conversations")
    def list_conversations(self, request: Request, services: NamedDependency[Services]) -> ConversationList:
        return services.conversations.listing(request.user)

    @get("/{conversation_id:str}", sync_to_thread=True, summary="One of your conversations with its messages")
    def get_conversation(
        self, conversation_id: FromPath[str], request: Request, services: NamedDependency[Services]
    ) -> ConversationMessages:
        conversation = services.conversations.messages(request.user, conversation_id)
        shown = Shown(services.database)
        return msgspec.structs.replace(conversation, messages=[shown.answer(m) for m in conversation.messages])

    @patch("/{conversation_id:str}", sync_to_thread=True, summary="Rename a conversation")
    def rename_conversation(
        self,
        conversation_id: FromPath[str],
        data: JSONBody[Rename],
        request: Request,
        services: NamedDependency[Services],
    ) -> Conversation:
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


handlers: list[ControllerRouterHandler] = [chat, limits, ConversationController, feedback]
