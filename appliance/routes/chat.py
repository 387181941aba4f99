"""Answers with cited sources, as one JSON body or streamed as Server-Sent Events."""

import json

from litestar import Response, post
from litestar.response import ServerSentEvent, ServerSentEventMessage

from appliance.errors import InvalidInput, RagbotError, Unavailable
from appliance.generate import stream_from_thread
from appliance.schemas import ChatRequest
from appliance.services import Services


def _events(data: ChatRequest, services: Services):
    if not data.message.strip():
        raise InvalidInput("the question is empty")
    if services.answerer is None:
        raise Unavailable("the language model is not loaded")
    ticket = services.answerer.reserve()
    return stream_from_thread(lambda cancel: services.answerer.events(data.message, data.selected_text, ticket, cancel))


async def _sse(events):
    """Each event as an SSE message; a failure midway becomes an `error` event, never a broken stream."""
    try:
        async for event, payload in events:
            yield ServerSentEventMessage(event=event, data=payload if event == "token" else json.dumps(payload))
    except RagbotError as error:
        yield ServerSentEventMessage(event="error", data=json.dumps({"error": error.message}))
    except Exception:
        yield ServerSentEventMessage(event="error", data=json.dumps({"error": "internal error; see the logs"}))
        raise


@post("/api/v1/chat", status_code=200, tags=["chat"], summary="Ask a question about the course material")
async def chat(data: ChatRequest, services: Services) -> Response:
    events = _events(data, services)
    if data.stream:
        return ServerSentEvent(_sse(events))
    result = {}
    async for event, payload in events:
        if event == "done":
            result = payload
    return Response(result)
