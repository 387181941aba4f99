"""Deterministic fakes for the models and the vector store, and fixtures that build the appliance on them."""

import hashlib
import math
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from appliance import services as services_module
from appliance.runtime import configure_process
from appliance.settings import load_settings
from bench.common import sse_pairs

WORD = re.compile(r"\w+")
DIMENSIONS = 64


def pytest_configure(config):
    """The tests' process gets the environment the CLI sets up (offline model hubs, short OpenMP spin)."""
    configure_process()


class FakeEmbedder:
    """Bag of hashed words: texts sharing words get similar unit vectors."""

    name = "fake-embedder"
    dimensions = DIMENSIONS
    max_tokens = 256

    def __init__(self):
        self.calls = 0

    def count_tokens(self, text: str) -> int:
        return len(WORD.findall(text))

    def embed(self, texts: list[str], batch_size: int = 32) -> list[list[float]]:
        self.calls += 1
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> tuple[float, ...]:
        return tuple(self._vector(text))

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * DIMENSIONS
        for word in WORD.findall(text.lower()):
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIMENSIONS] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]


class FakeModel:
    """Answers by copying the first fact of a grounded prompt (or the longest line of source [1]) with its
    citation; `script` makes it say exactly that instead (an invented number, say); `delay` slows each token."""

    name = "fake-llm"
    context_length = 2048
    prompt_style = "completion"

    def __init__(self, delay: float = 0.0, script: str | None = None):
        self.delay = delay
        self.script = script
        self.active = 0
        self.overlaps = 0
        self.calls = 0
        self.closed = False

    def count_tokens(self, text: str) -> int:
        return len(WORD.findall(text)) + text.count("\n")

    def ping(self) -> bool:
        return True

    def render(self, instructions: str, request: str) -> str:
        return f"{instructions}\n\n{request}"

    def stream(self, prompt: str, *, max_tokens: int, temperature: float, stop=None) -> Iterator[str]:
        self.active += 1
        self.calls += 1
        self.overlaps += self.active > 1
        try:
            answer = self.script if self.script is not None else self._answer(prompt)
            for word in answer.split(" ")[:max_tokens]:
                if self.delay:
                    time.sleep(self.delay)
                yield word + " "
        finally:
            self.active -= 1

    def close(self) -> None:
        self.closed = True

    @staticmethod
    def _answer(prompt: str) -> str:
        facts = prompt.rsplit("Facts:\n", 1)
        if len(facts) == 2 and prompt.endswith("Answer:"):
            first = re.match(r"\[(\d+)\] (.*)", facts[1])
            return f"{first.group(2)} [{first.group(1)}]" if first else "Nothing"
        block = re.search(r"^\[1\][^\n]*\n(.+?)(?=\n\n\[\d+\] |\n\nQuestion:)", prompt, re.S | re.M)
        quote = max(block.group(1).splitlines(), key=len).strip() if block else "Nothing"
        return f"{quote} [1]"


class FakeVectors:
    """An in-memory vector store with the ChromaStore interface."""

    def __init__(self):
        self.data: dict[str, tuple[list[float], str]] = {}
        self.lock = threading.Lock()

    def add(self, ids, vectors, owners):
        with self.lock:
            self.data.update({i: (list(v), course) for i, v, (_, course) in zip(ids, vectors, owners, strict=True)})

    def delete(self, ids):
        with self.lock:
            for i in ids:
                self.data.pop(i, None)

    def query(self, vector, k, courses=None):
        with self.lock:
            scored = [
                (i, sum(a * b for a, b in zip(vector, v, strict=True)))
                for i, (v, course) in self.data.items()
                if courses is None or course in courses
            ]
        return sorted(scored, key=lambda pair: -pair[1])[:k]

    def vectors(self, ids):
        return {i: self.data[i][0] for i in ids if i in self.data}

    def ids(self):
        return set(self.data)

    def count(self):
        return len(self.data)

    def ping(self):
        return True

    def at_hand(self):
        return True  # its lock only guards a dict for an instant

    def close(self):
        pass


@pytest.fixture
def settings(tmp_path):
    """Defaults with a scratch data dir, no sample course and a permissive relevance floor."""
    return load_settings(environ={}, data_dir=str(tmp_path / "data"), ingest_sample=False, min_similarity=0.05)


@pytest.fixture
def fakes():
    return {"embedder": FakeEmbedder(), "model": FakeModel(), "vectors": FakeVectors(), "kin": {}}


@pytest.fixture
def services(settings, fakes):
    built = services_module.build(settings, **fakes)
    yield built
    built.close()


PASSWORD = "correct horse battery"


def sign_in(client, services, username: str, role: str = "student", course_id: int | None = 1) -> dict:
    """Create a user (a member of `course_id`) and return Authorization headers from a real sign-in."""
    user = services.accounts.add(username, PASSWORD, role)
    if course_id:
        services.courses.add_member(course_id, user)
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201 or response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_sse(lines) -> list[tuple[str, str]]:
    """(event, data) pairs from the lines of a Server-Sent Events body."""
    return list(sse_pairs(lines))


def wait_until_up(
    url: str, process: subprocess.Popen, timeout: float = 180, client: httpx.Client | None = None
) -> None:
    """Poll `url` until it answers 200; fail at once, with the process's status, if the process died."""
    get = client.get if client else httpx.get
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert process.poll() is None, f"{process.args!r} exited with status {process.returncode}"
        try:
            if get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not come up within {timeout} s")


def obeying_modes() -> list[str]:
    """The prefix a command runs under to obey file modes as other users do: root overrides them (and owns what it
    likes) unless setpriv drops those powers; none for another user."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("root overrides file modes and setpriv, which drops that power, is not installed")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown", "--"]


def closed_to_the_test(path: Path) -> list[str]:
    """Close `path` to the user a test runs a command as; the prefix to run it with. Root overrides file modes, so as
    root the path becomes another user's (nobody's, private) and the command runs without that power (setpriv)."""
    prefix = obeying_modes()
    if not prefix:
        path.chmod(0)
        return []
    os.chown(path, 65534, 65534)
    path.chmod(0o700 if path.is_dir() else 0o600)
    return prefix
