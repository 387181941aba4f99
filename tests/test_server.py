"""`ragbot serve` under systemd: READY=1 only once the port answers, WATCHDOG=1 while the app answers,
STOPPING=1 on the way out; and, on a data directory with no admin, how to make one."""

import asyncio
import os
import socket
import threading
import time
from types import SimpleNamespace

import httpx
import msgspec
import pytest
import uvicorn
from litestar.testing import TestClient

from appliance.errors import Unavailable
from appliance.ops.notify import notify, watchdog_seconds
from appliance.settings import Settings
from appliance.web import app as app_module
from appliance.web import server
from appliance.web.app import create_app
from tests.conftest import PASSWORD


@pytest.fixture
def notify_socket(tmp_path, monkeypatch):
    """A datagram socket standing in for systemd's, named in $NOTIFY_SOCKET."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(30)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


def test_ready_is_sent_once_the_port_answers_and_stopping_on_exit(settings, services, notify_socket):
    settings = msgspec.structs.replace(settings, port=0)
    app_server = server.Server(server.config(settings, create_app(settings, services)))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    message = notify_socket.recv(1024).decode()
    assert message.startswith("READY=1\nSTATUS=answering on")
    port = app_server.servers[0].sockets[0].getsockname()[1]
    assert httpx.get(f"http://127.0.0.1:{port}/api/ready").status_code == 200
    app_server.should_exit = True
    assert notify_socket.recv(1024) == b"STOPPING=1"
    thread.join(10)


def test_notify_outside_systemd_does_nothing(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify("READY=1") is False


def test_notify_reaches_an_abstract_socket(monkeypatch):
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0ragbot-test-notify")
        monkeypatch.setenv("NOTIFY_SOCKET", "@ragbot-test-notify")
        assert notify("READY=1") is True
        assert sock.recv(64) == b"READY=1"


def _messages(sock: socket.socket, seconds: float) -> list[bytes]:
    """Every datagram that arrives within `seconds`."""
    received, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            received.append(sock.recv(1024))
        except TimeoutError:
            break
    return received


def test_watchdog_is_fed_only_while_the_event_loop_answers(settings, services, notify_socket, monkeypatch):
    """WatchdogSec=0.4 s: WATCHDOG=1 about every 0.2 s, none while the test blocks the loop, then again."""
    monkeypatch.setenv("WATCHDOG_USEC", "400000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    settings = msgspec.structs.replace(settings, port=0)
    app_server = server.Server(server.config(settings, create_app(settings, services)))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    assert notify_socket.recv(1024).startswith(b"READY=1")
    assert _messages(notify_socket, 1.0).count(b"WATCHDOG=1") >= 3
    loop = app_server.watchdog.get_loop()  # type: ignore[union-attr]
    loop.call_soon_threadsafe(time.sleep, 1.5)  # a handler that blocks the loop, as a stuck service would
    time.sleep(0.3)
    _messages(notify_socket, 0.0)  # drop any sent before the loop stopped
    assert b"WATCHDOG=1" not in _messages(notify_socket, 1.0)
    assert b"WATCHDOG=1" in _messages(notify_socket, 1.5)
    app_server.should_exit = True
    thread.join(10)


def test_watchdog_probe_needs_a_200_in_time():
    async def ready(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def stuck(scope, receive, send):
        await asyncio.sleep(10)

    assert asyncio.run(server.answers(ready, timeout=1)) is True
    assert asyncio.run(server.answers(stuck, timeout=0.1)) is False


def test_watchdog_is_off_without_watchdog_usec_or_for_another_pid(monkeypatch):
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert watchdog_seconds() is None
    monkeypatch.setenv("WATCHDOG_USEC", "60000000")
    monkeypatch.setenv("WATCHDOG_PID", "1")
    assert watchdog_seconds() is None
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert watchdog_seconds() == 60.0


def test_an_idle_connection_outlives_a_students_pause(settings, services, monkeypatch):
    """A question sent on a connection kept from the last one, after a pause longer than uvicorn's default
    keep-alive (5 s), is answered: the server did not close it under the student."""
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    settings = msgspec.structs.replace(settings, port=0)
    app_server = server.Server(server.config(settings, create_app(settings, services)))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    while not app_server.started:
        time.sleep(0.05)
    port = app_server.servers[0].sockets[0].getsockname()[1]
    request = f"GET /api/ready HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        assert conn.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(6)
        conn.sendall(request)
        assert conn.recv(4096).startswith(b"HTTP/1.1 200")
    app_server.should_exit = True
    thread.join(10)


def test_the_server_runs_on_uvloop_and_httptools(settings, services):
    """`ragbot serve` picks the C event loop and HTTP parser pyproject installs (uvicorn's `auto` choices when they
    are importable): on asyncio's loop and h11 a search cost more CPU (BENCHMARKS.md, tenth round)."""
    config = server.config(settings, create_app(settings, services))
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    make_loop = config.get_loop_factory()
    assert make_loop is not None
    loop = make_loop()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()


def test_a_server_without_an_admin_says_how_to_make_one(settings, services, monkeypatch):
    """A fresh data directory has no accounts, so nobody can sign in: the log says how to make the first."""
    told = (
        f"no admin account in {settings.data_path}: make one with `ragbot users add NAME --role admin` "
        "(same RAGBOT_DATA_DIR)"
    )
    said: list[str] = []
    # Litestar sets up the root logger's handlers afresh, pytest's caplog among them: listen on the app's own.
    monkeypatch.setattr(app_module.log, "warning", lambda message, *args: said.append(message % args))

    def said_at_start() -> list[str]:
        said.clear()
        with TestClient(create_app(settings, services)):
            return [message for message in said if "admin account" in message]

    assert said_at_start() == [told]
    services.accounts.add("ada", PASSWORD, "teacher")
    assert said_at_start() == [told]  # a teacher can sign in, but not make accounts or see the audit log
    services.accounts.add("root", PASSWORD, "admin")
    assert said_at_start() == []


def test_a_second_service_on_the_same_data_folder_is_refused_before_it_loads_anything(settings):
    # A `ragbot serve` in a terminal on another port, beside the service, started and took uploads too, though the
    # data folder's vector store takes one process's writes; it is refused, naming the running one, and a service
    # that has stopped leaves the folder to the next.
    loaded: list[Settings] = []

    def build(given: Settings):
        loaded.append(given)
        return SimpleNamespace(accounts=SimpleNamespace(admin_exists=lambda: True), close=lambda: None)

    with TestClient(create_app(settings, build=build)):
        with pytest.raises(BaseException) as refused, TestClient(create_app(settings, build=build)):
            pass
        assert len(loaded) == 1
    raised = refused.value.exceptions if isinstance(refused.value, BaseExceptionGroup) else (refused.value,)
    assert [type(error) for error in raised] == [Unavailable]
    assert f"ragbot is already serving {settings.data_path}" in str(raised[0]) and "stop the other first" in str(
        raised[0]
    )
    with TestClient(create_app(settings, build=build)):
        assert len(loaded) == 2


def test_a_redirect_port_another_program_has_is_a_warning_and_https_goes_on(settings, monkeypatch):
    # Port 8000 taken (another web server): the redirect's thread ended quietly after one line that was no JSON,
    # "[Errno 98] error while attempting to bind ...", and http:// bookmarks failed with no word why.
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    plain = msgspec.structs.replace(settings, host="127.0.0.1", http_redirect_port=port)
    said: list[str] = []
    monkeypatch.setattr(server.log, "warning", lambda message, *args: said.append(message % args))
    try:
        server.redirect_plain_http(uvicorn.Server(server.redirect_config(plain)), plain)  # returns: no SystemExit
    finally:
        taken.close()
    assert len(said) == 1
    assert f"cannot redirect plain HTTP to HTTPS: 127.0.0.1:{port} is taken by another program" in said[0]
    assert "set http_redirect_port (0: none)" in said[0]


def test_a_port_another_program_has_stops_the_service_before_it_loads_anything(settings, monkeypatch):
    # uvicorn found the port taken only after the models had loaded, said "[Errno 98] error while attempting to bind
    # on address ...", and systemd restarted the service into the same wall, loading the models each time.
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    said: list[str] = []
    monkeypatch.setattr(server.log, "error", lambda message, *args: said.append(message % args))
    try:
        with pytest.raises(SystemExit) as stopped:
            server.serve(msgspec.structs.replace(settings, host="127.0.0.1", port=port, tls_cert_file=""))
    finally:
        taken.close()
    assert stopped.value.code == 3
    assert said == [
        f"cannot start: 127.0.0.1:{port} is taken by another program; find it with `ss -ltnp 'sport = :{port}'`, "
        "or set another port"
    ]
