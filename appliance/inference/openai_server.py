"""The LLM on an OpenAI-compatible inference server (llama-server, vLLM, Ollama): the only module that imports httpx.

Base models get `/v1/completions` with the prompt as rendered here; instruct models (`llm_chat`) get
`/v1/chat/completions` with the instructions as the system message and the request as the user message, so
the server applies the model's own chat template. Tokens are counted with the server's `/tokenize` where it
has one (llama-server); elsewhere (vLLM, Ollama) with an estimate of one token per three characters, which
overcounts English text (about four characters a token), so a prompt that fits by the estimate fits.
"""

import json
import logging
import math
import re
from collections.abc import Iterator

import httpx

from appliance.errors import ConfigError, Unavailable
from appliance.inference.prompting import COMPLETION_STOP, strip_spelled

CHARS_PER_TOKEN = 3
# httpx logs every request at INFO: several lines per answer (tokenize, generate, health) in the service's log.
logging.getLogger("httpx").setLevel(logging.WARNING)
# Control tokens as chat templates spell them (Gemma, ChatML, Llama 3, SentencePiece): the server parses
# special tokens in a completion prompt, so user-supplied text must not spell one.
CONTROL = re.compile(
    r"<\|[A-Za-z0-9_]{1,40}\|>|</?(?:s|bos|eos|pad|unk|start_of_turn|end_of_turn|start_of_image|end_of_image)>"
)


class ChatPrompt(str):
    """A rendered prompt that also keeps its two messages, for a server that applies the chat template itself."""

    instructions: str
    request: str

    def __new__(cls, instructions: str, request: str) -> "ChatPrompt":
        prompt = super().__new__(cls, f"{instructions}\n\n{request}")
        prompt.instructions, prompt.request = instructions, request
        return prompt


class OpenAICompatibleModel:
    """The answering service's model interface (see llm.LanguageModel), served over HTTP. Thread-safe: the
    fair ModelGate in front bounds the requests in flight to the server's parallel slots."""

    def __init__(
        self,
        url: str,
        *,
        server_model: str = "",
        api_key: str = "",
        chat: bool = False,
        context_length: int = 2048,
        connect_seconds: float = 5.0,
        read_seconds: float = 60.0,
        repeat_penalty: float = 1.0,
    ):
        self.url = url.rstrip("/")
        self.chat = chat
        self.prompt_style = "chat" if chat else "completion"  # the server applies the chat template itself
        self.repeat_penalty = repeat_penalty
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        timeout = httpx.Timeout(read_seconds, connect=connect_seconds)
        self._client = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)
        self.name = self._served_model(server_model)
        self.context_length = min(context_length, self._slot_context() or context_length)
        self._tokenize = self._has_tokenize()

    def _served_model(self, wanted: str) -> str:
        """The model to ask for: `wanted` when the server serves it, its first model when none is named."""
        try:
            response = self._client.get("/v1/models")
        except httpx.HTTPError as error:
            raise ConfigError(f"llm_url {self.url}: cannot reach the inference server ({_why(error)})") from None
        if response.status_code in (401, 403):
            raise ConfigError(f"llm_url {self.url}: the server refused llm_api_key (HTTP {response.status_code})")
        if response.status_code != 200:
            raise ConfigError(
                f"llm_url {self.url}/v1/models answered HTTP {response.status_code}: not OpenAI-compatible?"
            )
        served = [m.get("id", "") for m in response.json().get("data", [])]
        if not wanted and served:
            return served[0]
        if wanted not in served:
            raise ConfigError(f"llm_server_model {wanted!r} is not served by {self.url}; it serves {served}")
        return wanted

    def _slot_context(self) -> int:
        """llama-server's context per parallel slot (its /props), 0 where the server does not say."""
        try:
            response = self._client.get("/props")
            return int(response.json()["default_generation_settings"]["n_ctx"]) if response.status_code == 200 else 0
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return 0

    def _has_tokenize(self) -> bool:
        try:
            response = self._client.post("/tokenize", json={"content": "ok"})
            return response.status_code == 200 and "tokens" in response.json()
        except (httpx.HTTPError, ValueError):
            return False

    def count_tokens(self, text: str) -> int:
        """Tokens of `text`: the server's count where it offers one, else a safe overestimate."""
        if not self._tokenize:
            return math.ceil(len(text) / CHARS_PER_TOKEN)
        try:
            response = self._client.post("/tokenize", json={"content": text, "add_special": False})
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise _down(f"the inference server did not count tokens: {_why(error)}") from None
        return len(response.json()["tokens"])

    def render(self, instructions: str, request: str) -> str:
        """The prompt: both messages for a chat server, plain completion text for a base model."""
        request = self.without_control_tokens(request)
        return ChatPrompt(instructions, request) if self.chat else f"{instructions}\n\n{request}"

    def without_control_tokens(self, text: str) -> str:
        """`text` with every control-token spelling taken out, until none is left ("<start_of<eos>_turn>")."""
        return strip_spelled(text, lambda t: set(CONTROL.findall(t)))

    def stream(
        self, prompt: str, *, max_tokens: int, temperature: float, stop: list[str] | None = None
    ) -> Iterator[str]:
        """Text pieces as the server streams them; closing the iterator closes the connection, which stops it."""
        path, body = self._request(prompt, stop)
        body |= {"max_tokens": max_tokens, "temperature": temperature, "stream": True}
        if self.repeat_penalty != 1.0:
            body["repeat_penalty"] = self.repeat_penalty  # llama-server and Ollama; vLLM ignores it
        try:
            with self._client.stream("POST", path, json=body) as response:
                if response.status_code != 200:
                    response.read()
                    raise _down(f"the inference server answered HTTP {response.status_code}: {_brief(response)}")
                yield from self._pieces(response)
        except httpx.HTTPError as error:
            raise _down(f"the inference server stopped answering: {_why(error)}") from None

    def _request(self, prompt: str, stop: list[str] | None) -> tuple[str, dict]:
        if isinstance(prompt, ChatPrompt):
            messages = [{"role": "system", "content": prompt.instructions}, {"role": "user", "content": prompt.request}]
            body = {"model": self.name, "messages": messages}
            return "/v1/chat/completions", body | ({"stop": stop} if stop else {})
        body = {"model": self.name, "prompt": prompt, "stop": stop if stop is not None else COMPLETION_STOP}
        return "/v1/completions", body

    def _pieces(self, response: httpx.Response) -> Iterator[str]:
        """The text of each server-sent event, until `[DONE]`; a stream cut off before it is an error."""
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return
            try:
                event = json.loads(data)
            except ValueError:
                raise _down("the inference server sent something other than server-sent events") from None
            if event.get("error"):  # llama-server and vLLM report a failure mid-stream as an event
                raise _down(f"the inference server failed mid-answer: {str(event['error'])[:200]}")
            choice = (event.get("choices") or [{}])[0]
            text = choice.get("text") or (choice.get("delta") or {}).get("content") or ""
            if text:
                yield text
        raise _down("the inference server closed the answer before finishing it")

    def ping(self) -> bool:
        """True when the server is up and ready: llama-server's /health, else its model list."""
        response = self._client.get("/health")
        if response.status_code == 404:
            response = self._client.get("/v1/models")
        return response.status_code == 200

    def close(self) -> None:
        self._client.close()


def _down(detail: str) -> Unavailable:
    """What a student reads when the server fails them: that the model is unavailable and to ask again, then why
    (they read "the inference server did not count tokens (ConnectError ...)" alone)."""
    return Unavailable(f"the language model is not available right now; ask again in a minute ({detail})")


def _why(error: httpx.HTTPError) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _brief(response: httpx.Response) -> str:
    return response.text[:200].replace("\n", " ")
