"""The OpenAI-compatible endpoint: each course a model, answered by the chat service, signed in with an API key."""

from typing import Annotated, ClassVar, Literal

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.middleware import DefineMiddleware
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType
from litestar.params import JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from msgspec import Meta

from appliance.answer import completions
from appliance.answer.completions import Chunk, Completion, CompletionRequest, ModelList, OpenAIError
from appliance.answer.model_queue import stream_from_thread
from appliance.errors import Unavailable
from appliance.services import Services
from appliance.web.access import USERS, ApiKeyAuth, allow
from appliance.web.routes.chat import ChatOperation, final


class CompletionStream(msgspec.Struct):
    """`stream: true`: Server-Sent Events with only `data:` lines, in order (OpenAI's stream format)."""

    chunk: Annotated[
        Chunk,
        Meta(description="Repeated: first the role, then answer text; the last has finish_reason `stop` and `ragbot`."),
    ]
    error: Annotated[OpenAIError, Meta(description="Instead of the last chunk when the answer fails midway.")]
    done: Annotated[Literal["[DONE]"], Meta(description="The last event's data, as plain text.")]
    # Not an event: named here so the document holds the schema the JSON response refers to.
    completion: Annotated[Completion, Meta(description="Not an event: the whole answer, without `stream`.")]


class CompletionOperation(ChatOperation):
    """The completion's 200 response: `Completion` as JSON, or the `CompletionStream` events."""

    json_schema: ClassVar[str] = "Completion"

    def stream_content(self, content: dict[str, OpenAPIMediaType]) -> dict[str, OpenAPIMediaType]:
        """OpenAI's stream has no event names: its entry stays the CompletionStream schema it was given."""
        return content


@get("/models", sync_to_thread=True, summary="The courses you may ask, one model each")
def list_models(request: Request, services: NamedDependency[Services]) -> ModelList:
    return completions.models(services.courses.listing(request.user))


@post(
    "/chat/completions",
    status_code=200,
    summary="Ask a course (the model `course-<id>`), answered from its material with cited sources",
    description=(
        "OpenAI's chat completions over the course material, exactly as the web chat answers: the last message is "
        "the question (a user's), the user messages before it the conversation; system messages and generation "
        "parameters are ignored. The text cites sources as [n] and lists the cited ones at its end; `ragbot` "
        "carries the sources and each sentence's check. Errors are OpenAI's `{\"error\": {...}}` (OpenAIError)."
    ),
    responses={
        200: ResponseSpec(
            CompletionStream,
            media_type="text/event-stream",
            description="`Completion` as JSON, or with `stream: true` the events of CompletionStream",
            generate_examples=False,
        ),
        401: ResponseSpec(OpenAIError, description="A missing, wrong or revoked API key", generate_examples=False),
    },
    operation_class=CompletionOperation,
)
async def chat_completions(
    data: JSONBody[CompletionRequest], request: Request, services: NamedDependency[Services]
) -> Response:
    course = completions.course_of(data.model, services.courses.visible(request.user))
    events = stream_from_thread(services.chat.start(request.user, completions.ask(data, course)))
    if data.stream:
        pieces = completions.chunks(events, data.model)
        return ServerSentEvent(ServerSentEventMessage(data=piece) async for piece in pieces)
    done = await final(events)
    if done is None:
        raise Unavailable("the answer stopped before it was finished")
    return Response(completions.completion(done, data.model))


router = Router(
    "/v1",
    route_handlers=[list_models, chat_completions],
    middleware=[DefineMiddleware(ApiKeyAuth)],
    opt=allow(USERS),
    tags=["openai"],
)
