"""`ragbot serve` under systemd: READY=1 only once the port answers, STOPPING=1 on the way out."""

import socket
import threading

import httpx
import msgspec
import pytest

from appliance.ops.notify import notify
from appliance.web import server
from appliance.web.app import create_app


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
