"""The OpenAI chat-completions contract over the chat service: each course is a model, each answer a completion.

Request, response, chunk and error shapes are defined here once (the OpenAPI document shows them). A request
becomes an `Ask`: the last user message is the question, the user messages before it the conversation (made
standalone as the web chat makes follow-ups). The answer's text keeps its [n] markers and ends with the cited
sources spelled out, for clients that show only the text (Moodle); the `ragbot` field carries them structured.
"""

import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from appliance.answer.chat import MAX_QUESTION, Ask
from appliance.answer.events import AnswerMode, Done, ModelBusy, Sentence, Source
from appliance.errors import InvalidInput, NotFound, RagbotError

MODEL = re.compile(r"^course-([1-9][0-9]{0,9})$")
OWNER = "ragbot"
# OpenAI's error `type` and `code` for each status the appliance answers with (clients branch on the status).
ERROR_KINDS = {
    400: ("invalid_request_error", "invalid_request"),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "permission_denied"),
    404: ("invalid_request_error", "not_found"),
    409: ("invalid_request_error", "conflict"),
    413: ("invalid_request_error", "request_too_large"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    503: ("server_error", "service_unavailable"),
}


# Requests ----------------------------------------------------------------------------------------


class ContentPart(msgspec.Struct):
    """One part of a message's content; only text parts carry a question."""

    type: str
    text: str = ""


class ChatMessage(msgspec.Struct):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None


class CompletionRequest(msgspec.Struct):
    """POST /v1/chat/completions. Other OpenAI fields (temperature, max_tokens, ...) are accepted and ignored:
    the appliance's settings decide how answers are generated, as they do in the web app."""

    model: Annotated[str, Meta(min_length=1, max_length=64, description="A course, as `course-<id>` (GET /v1/models).")]
    messages: Annotated[list[ChatMessage], Meta(min_length=1, max_length=200)]
    stream: bool = False


# Responses ---------------------------------------------------------------------------------------


class Model(msgspec.Struct):
    id: Annotated[str, Meta(description="`course-<id>`: ask this course's material.")]
    object: Literal["model"]
    created: int
    owned_by: str
    name: Annotated[str, Meta(description="The course's name.")]


class ModelList(msgspec.Struct):
    object: Literal["list"]
    data: list[Model]


class Extension(msgspec.Struct):
    """`ragbot`: what the answer is grounded in, as the web chat's `Done` has it (OpenAI clients ignore it)."""

    sources: list[Source]
    sentences: list[Sentence]
    covered: Annotated[bool, Meta(description="False: the material does not answer this; sources are related.")]
    mode: AnswerMode
    model_busy: ModelBusy
    cached: bool
    conversation_id: str | None
    interaction_id: str | None


class AssistantMessage(msgspec.Struct):
    role: Literal["assistant"]
    content: str


class Choice(msgspec.Struct):
    index: int
    message: AssistantMessage
    finish_reason: Literal["stop"]


class Usage(msgspec.Struct):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class Completion(msgspec.Struct):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    ragbot: Extension
    # The appliance's language model: Moodle reads this field (and warns when it is missing).
    system_fingerprint: str


class Delta(msgspec.Struct, omit_defaults=True):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(msgspec.Struct):
    index: int
    delta: Delta
    finish_reason: Literal["stop"] | None = None


class Chunk(msgspec.Struct, omit_defaults=True):
    """One `data:` event of a streamed completion; the last one (finish_reason `stop`) carries `ragbot`."""

    id: str
    object: Literal["chat.completion.chunk"]
    created: int
    model: str
    choices: list[ChunkChoice]
    ragbot: Extension | None = None


class ErrorDetail(msgspec.Struct):
    message: str
    type: str
    code: str | None
    param: str | None = None


class OpenAIError(msgspec.Struct):
    """Every error of the /v1 routes, as OpenAI sends them (also as a `data:` event when a stream fails)."""

    error: ErrorDetail


# Translation -------------------------------------------------------------------------------------


def model_id(course_id: int) -> str:
    return f"course-{course_id}"


def models(courses: list[dict]) -> ModelList:
    """One model per course the caller may ask: not an archived one, where a question is refused."""
    created = int(time.time())
    askable = [c for c in courses if not c["archived"]]
    return ModelList("list", [Model(model_id(c["id"]), "model", created, OWNER, c["name"]) for c in askable])


def course_of(model: str, visible: list[int]) -> int:
    """The course a model names, if the caller may ask it; any other name is a model that does not exist."""
    found = MODEL.match(model)
    if not found or int(found.group(1)) not in visible:
        offered = ", ".join(model_id(c) for c in visible) or "none: you are in no course"
        raise NotFound(f"the model '{model}' does not exist or you have no access to it; yours: {offered}")
    return int(found.group(1))


def ask(request: CompletionRequest, course_id: int) -> Ask:
    """The question (the last message, a user's), the user messages before it as the conversation and the last
    assistant message before it as the answer it follows."""
    last = request.messages[-1]
    question = _text(last)
    if last.role != "user" or not question.strip():
        raise InvalidInput("messages: the last message must be the user's question, with text")
    asked = [text for m in request.messages if m.role == "user" and (text := _text(m).strip())]
    if any(len(text) > MAX_QUESTION for text in asked):  # earlier ones are searched with a follow-up
        raise InvalidInput(f"messages: a user message is longer than {MAX_QUESTION} characters")
    answered = next((_text(m) for m in reversed(request.messages[:-1]) if m.role == "assistant"), "")
    return Ask(question, course_id=course_id, earlier=asked[:-1], answered=answered)


def _text(message: ChatMessage) -> str:
    if isinstance(message.content, list):
        return "\n".join(part.text for part in message.content if part.type == "text")
    return message.content or ""


def sources_note(done: Done) -> str:
    """The cited sources spelled out after the answer, so the [n] markers mean something in any client."""
    cited = [s for s in done.sources if s.cited]
    lines = [f"[{s.n}] {s.filename}" + (f", p. {s.page_label}" if s.page_label else "") for s in cited]
    return "\n\nSources:\n" + "\n".join(lines) if lines else ""


def extension(done: Done) -> Extension:
    return Extension(
        done.sources,
        done.sentences,
        done.covered,
        done.mode,
        done.model_busy,
        done.cached,
        done.conversation_id,
        done.interaction_id,
    )


def completion(done: Done, model: str) -> Completion:
    """A whole answer as one chat completion."""
    prompt, generated = done.timings.prompt_tokens or 0, done.timings.tokens or 0
    message = AssistantMessage("assistant", done.answer + sources_note(done))
    return Completion(
        _completion_id(),
        "chat.completion",
        int(time.time()),
        model,
        [Choice(0, message, "stop")],
        Usage(prompt, generated, prompt + generated),
        extension(done),
        done.model,
    )


async def chunks(events: AsyncIterator[tuple[str, Any]], model: str) -> AsyncIterator[str]:
    """The answer's events as the `data:` payloads of OpenAI's stream, ending with `[DONE]`; a failure midway is
    an error event (which OpenAI's clients raise), never a stream that just stops."""
    completion_id, created = _completion_id(), int(time.time())

    def chunk(delta: Delta, finish: Literal["stop"] | None = None, done: Done | None = None) -> str:
        choice = ChunkChoice(0, delta, finish)
        ragbot = extension(done) if done else None
        return _json(Chunk(completion_id, "chat.completion.chunk", created, model, [choice], ragbot))

    yield chunk(Delta(role="assistant", content=""))
    try:
        async for event, data in events:
            if event == "token":
                yield chunk(Delta(content=data))
            elif event == "done":
                yield chunk(Delta(content=sources_note(data)), "stop", data)
    except RagbotError as failure:
        yield _json(error_body(failure.status, failure.message))
        return
    except Exception:
        yield _json(error_body(500, "internal error; see the logs"))
        raise
    yield "[DONE]"


def error_body(status: int, message: str) -> OpenAIError:
    kind, code = ERROR_KINDS.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    return OpenAIError(ErrorDetail(message, kind, code))


def _completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def _json(value: msgspec.Struct) -> str:
    return msgspec.json.encode(value).decode()
