"""Accounts, roles and courses over HTTP: the route table against every role, isolation, tokens, limits."""

import csv
import io
import itertools
import os
import re
import secrets
import threading
import time
from collections.abc import Callable

import msgspec
import pytest
from litestar.testing import TestClient
from litestar.utils import sync

from appliance import join_codes
from appliance import services as services_module
from appliance.answer.events import Timings
from appliance.classroom import analytics
from appliance.classroom.limits import SlidingWindow
from appliance.errors import InvalidInput, NotFound, TooManyRequests
from appliance.store.vectors import ChromaStore
from appliance.web import secret
from appliance.web.app import create_app
from appliance.web.schemas import QuestionRow
from tests.chatscript import ScriptedAnswerer, not_covered, quoted_answer
from tests.conftest import PASSWORD, FakeEmbedder, FakeModel, sign_in

ROLES = ("anonymous", "student", "teacher", "other_teacher", "admin")
STAFF_A = {"teacher", "admin"}
MEMBERS_A = {"student", "teacher", "admin"}
SIGNED_IN = {"student", "teacher", "other_teacher", "admin"}
EVERYONE = set(ROLES)
OWNER = {"student"}
counter = itertools.count()


@pytest.fixture
def settings(settings):
    """Open sign-up, and sign-in limits the matrix (which signs in many times) does not reach."""
    return msgspec.structs.replace(settings, signup="open", login_attempts_per_minute=10000)


@pytest.fixture
def world(settings, services):
    """Course A (teacher, student), course B (other_teacher), an admin, a document and a conversation in A."""
    with TestClient(create_app(settings, services)) as client:
        heads: dict[str, dict] = {"anonymous": {}}
        heads["admin"] = sign_in(client, services, "admin", "admin", None)
        heads["teacher"] = sign_in(client, services, "teacher", "teacher", None)
        heads["other_teacher"] = sign_in(client, services, "other", "teacher", None)
        course_a = client.post("/api/v1/courses", json={"name": "A"}, headers=heads["teacher"]).json()
        course_b = client.post("/api/v1/courses", json={"name": "B"}, headers=heads["other_teacher"]).json()
        heads["student"] = sign_in(client, services, "student", "student", course_a["id"])
        # The OpenAI-compatible routes (/v1) take each role's API key instead of its access token.
        keys = {"anonymous": {}} | {role: _api_key(services, role) for role in ROLES if role != "anonymous"}
        yield {"client": client, "services": services, "heads": heads, "keys": keys, "a": course_a, "b": course_b}


def _api_key(services, role: str) -> dict:
    username = "other" if role == "other_teacher" else role
    _, key = services.api_keys.create(services.accounts.named(username), "matrix")
    return {"Authorization": f"Bearer {key}"}


def _key_id(w) -> str:
    """A new API key of the student's, to revoke."""
    return str(w["services"].api_keys.create(w["services"].accounts.named("student"), "k")[0]["id"])


def _document(w, text: bytes = b"The Zorblax-7 gripper closes with 42 newtons.", course: str = "a") -> str:
    w["services"].ingestor.ingest(
        text + str(next(counter)).encode(), f"doc{next(counter)}.txt", course_id=w[course]["id"]
    )
    return w["services"].database.documents([w[course]["id"]])[0]["id"]


def _conversation(w) -> tuple[str, str]:
    body = w["client"].post("/api/v1/chat", json={"message": "gripper force?"}, headers=w["heads"]["student"]).json()
    return body["conversation_id"], body["interaction_id"]


def _account(w) -> int:
    """A new student's account id, for the admin to change."""
    return w["services"].accounts.add(f"someone{next(counter)}", PASSWORD, "student")["id"]


def _job(w) -> str:
    return w["services"].jobs.submit("j.txt", b"job text", course_id=w["a"]["id"])["id"]


def _new_course(w) -> dict:
    """A course nobody is in yet, so joining it changes no one's access to A or B."""
    return w["services"].courses.create(f"C{next(counter)}", None)


def _member(w, role: str = "student") -> int:
    """A new member of course A, to remove."""
    user = w["services"].accounts.add(f"member{next(counter)}", PASSWORD, role)
    w["services"].courses.add_member(w["a"]["id"], user)
    return user["id"]


def _refresh(w) -> dict:
    login = w["client"].post("/api/v1/auth/login", json={"username": "student", "password": PASSWORD})
    return {"refresh_token": login.json()["refresh_token"]}


def _offer_ca(w) -> tuple[str, dict]:
    """Give the appliance a CA certificate to offer, as the machine install does."""
    ca = w["services"].settings.data_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    w["services"].settings = msgspec.structs.replace(w["services"].settings, tls_ca_file=str(ca))
    return "/ca.crt", {}


# For each route: how to call it, and which roles may (course-level rules included).
CALLS: dict[tuple[str, str], tuple[Callable[[dict], tuple[str, dict]], set[str]]] = {
    ("GET", "/"): (lambda w: ("/", {}), EVERYONE),
    ("GET", "/ca.crt"): (lambda w: _offer_ca(w), EVERYONE),
    ("GET", "/api/v1/audit"): (lambda w: ("/api/v1/audit", {}), {"admin"}),
    ("GET", "/api/v1/users"): (lambda w: ("/api/v1/users", {}), {"admin"}),
    ("POST", "/api/v1/users"): (
        lambda w: ("/api/v1/users", {"json": {"username": f"made{next(counter)}", "course_id": w["a"]["id"]}}),
        {"admin"},
    ),
    ("PATCH", "/api/v1/users/{user_id:int}"): (
        lambda w: (f"/api/v1/users/{_account(w)}", {"json": {"role": "teacher"}}),
        {"admin"},
    ),
    ("POST", "/api/v1/users/{user_id:int}/password"): (
        lambda w: (f"/api/v1/users/{_account(w)}/password", {}),
        {"admin"},
    ),
    ("GET", "/static/{file_path:path}"): (lambda w: ("/static/app.css", {}), EVERYONE),
    ("GET", "/api/docs/assets/{file_path:path}"): (lambda w: ("/api/docs/assets/swagger-ui.css", {}), EVERYONE),
    ("GET", "/api/health"): (lambda w: ("/api/health", {}), EVERYONE),
    ("GET", "/api/ready"): (lambda w: ("/api/ready", {}), EVERYONE),
    ("GET", "/metrics"): (lambda w: ("/metrics", {}), EVERYONE),
    ("POST", "/api/v1/auth/login"): (
        lambda w: ("/api/v1/auth/login", {"json": {"username": "student", "password": PASSWORD}}),
        EVERYONE,
    ),
    ("POST", "/api/v1/auth/refresh"): (lambda w: ("/api/v1/auth/refresh", {"json": _refresh(w)}), EVERYONE),
    ("POST", "/api/v1/auth/logout"): (lambda w: ("/api/v1/auth/logout", {"json": {"refresh_token": "x"}}), EVERYONE),
    ("POST", "/api/v1/auth/signup"): (
        lambda w: (
            "/api/v1/auth/signup",
            {"json": {"username": f"new{next(counter)}", "password": PASSWORD, "join_code": w["a"]["join_code"]}},
        ),
        EVERYONE,
    ),
    ("GET", "/api/v1/auth/signup"): (lambda w: ("/api/v1/auth/signup", {}), EVERYONE),
    ("GET", "/api/v1/me"): (lambda w: ("/api/v1/me", {}), SIGNED_IN),
    ("GET", "/api/v1/chat/limits"): (lambda w: ("/api/v1/chat/limits", {}), SIGNED_IN),
    ("PATCH", "/api/v1/me"): (lambda w: ("/api/v1/me", {"json": {"software_level": "expert"}}), SIGNED_IN),
    ("POST", "/api/v1/me/password"): (
        lambda w: ("/api/v1/me/password", {"json": {"current_password": PASSWORD, "new_password": PASSWORD}}),
        SIGNED_IN,
    ),
    ("GET", "/api/v1/me/keys"): (lambda w: ("/api/v1/me/keys", {}), SIGNED_IN),
    ("POST", "/api/v1/me/keys"): (lambda w: ("/api/v1/me/keys", {"json": {"name": "Moodle"}}), SIGNED_IN),
    ("DELETE", "/api/v1/me/keys/{key_id:int}"): (lambda w: (f"/api/v1/me/keys/{_key_id(w)}", {}), OWNER),
    ("GET", "/v1/models"): (lambda w: ("/v1/models", {}), SIGNED_IN),
    ("POST", "/v1/chat/completions"): (
        lambda w: (
            "/v1/chat/completions",
            {"json": {"model": f"course-{w['a']['id']}", "messages": [{"role": "user", "content": "gripper force?"}]}},
        ),
        MEMBERS_A,
    ),
    ("GET", "/api/v1/courses"): (lambda w: ("/api/v1/courses", {}), SIGNED_IN),
    ("POST", "/api/v1/courses"): (
        lambda w: ("/api/v1/courses", {"json": {"name": "C"}}),
        {"teacher", "other_teacher", "admin"},
    ),
    ("PATCH", "/api/v1/courses/{course_id:int}"): (
        lambda w: (f"/api/v1/courses/{w['a']['id']}", {"json": {"name": f"A{next(counter)}"}}),
        STAFF_A,
    ),
    ("DELETE", "/api/v1/courses/{course_id:int}"): (
        lambda w: (f"/api/v1/courses/{(made := _new_course(w))['id']}", {"params": {"name": made["name"]}}),
        {"admin"},
    ),
    ("POST", "/api/v1/courses/join"): (
        lambda w: ("/api/v1/courses/join", {"json": {"join_code": _new_course(w)["join_code"]}}),
        SIGNED_IN,
    ),
    ("GET", "/api/v1/courses/{course_id:int}/members"): (
        lambda w: (f"/api/v1/courses/{w['a']['id']}/members", {}),
        STAFF_A,
    ),
    ("POST", "/api/v1/courses/{course_id:int}/members"): (
        lambda w: (f"/api/v1/courses/{w['a']['id']}/members", {"json": {"username": "student"}}),
        STAFF_A,
    ),
    ("DELETE", "/api/v1/courses/{course_id:int}/members/{user_id:int}"): (
        lambda w: (f"/api/v1/courses/{w['a']['id']}/members/{_member(w)}", {}),
        STAFF_A,
    ),
    ("GET", "/api/v1/courses/{course_id:int}/questions"): (
        lambda w: (f"/api/v1/courses/{w['a']['id']}/questions", {}),
        STAFF_A,
    ),
    ("GET", "/api/v1/courses/{course_id:int}/stats"): (
        lambda w: (f"/api/v1/courses/{w['a']['id']}/stats", {}),
        STAFF_A,
    ),
    ("POST", "/api/v1/documents"): (
        lambda w: (
            "/api/v1/documents",
            {
                "files": [("files", (f"u{next(counter)}.txt", b"uploaded words"))],
                "data": {"course_id": str(w["a"]["id"])},
            },
        ),
        STAFF_A,
    ),
    ("GET", "/api/v1/documents"): (lambda w: ("/api/v1/documents", {}), SIGNED_IN),
    ("GET", "/api/v1/documents/{document_id:str}"): (lambda w: (f"/api/v1/documents/{_document(w)}", {}), MEMBERS_A),
    ("DELETE", "/api/v1/documents/{document_id:str}"): (lambda w: (f"/api/v1/documents/{_document(w)}", {}), STAFF_A),
    ("GET", "/api/v1/documents/{document_id:str}/pages/{number:int}"): (
        lambda w: (f"/api/v1/documents/{_document(w)}/pages/1", {}),
        MEMBERS_A,
    ),
    ("GET", "/api/v1/jobs/{job_id:str}"): (lambda w: (f"/api/v1/jobs/{_job(w)}", {}), STAFF_A),
    ("POST", "/api/v1/search"): (lambda w: ("/api/v1/search", {"json": {"query": "gripper"}}), SIGNED_IN),
    ("POST", "/api/v1/render"): (lambda w: ("/api/v1/render", {"json": {"text": "**bold**"}}), SIGNED_IN),
    ("POST", "/api/v1/chat"): (lambda w: ("/api/v1/chat", {"json": {"message": "gripper force?"}}), SIGNED_IN),
    ("GET", "/api/v1/conversations"): (lambda w: ("/api/v1/conversations", {}), SIGNED_IN),
    ("GET", "/api/v1/conversations/{conversation_id:str}"): (
        lambda w: (f"/api/v1/conversations/{_conversation(w)[0]}", {}),
        OWNER,
    ),
    ("PATCH", "/api/v1/conversations/{conversation_id:str}"): (
        lambda w: (f"/api/v1/conversations/{_conversation(w)[0]}", {"json": {"title": "T"}}),
        OWNER,
    ),
    ("DELETE", "/api/v1/conversations/{conversation_id:str}"): (
        lambda w: (f"/api/v1/conversations/{_conversation(w)[0]}", {}),
        OWNER,
    ),
    ("POST", "/api/v1/interactions/{interaction_id:str}/feedback"): (
        lambda w: (f"/api/v1/interactions/{_conversation(w)[1]}/feedback", {"json": {"rating": 1}}),
        OWNER,
    ),
}


def _route_table(app) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, leaving out the automatic OPTIONS/HEAD and the OpenAPI pages."""
    found = set()
    for route in app.routes:
        if route.path.startswith("/api/docs") and not route.path.startswith("/api/docs/assets"):
            continue
        for method in getattr(route, "methods", []):
            if method not in ("OPTIONS", "HEAD"):
                found.add((method, route.path))
    return found


def test_every_route_has_a_rule_and_every_role_gets_what_it_should(world):
    client, heads = world["client"], world["heads"]
    table = _route_table(client.app)
    assert table == set(CALLS), f"routes without a rule in this test: {table - set(CALLS)}"
    for (method, _), (call, allowed) in CALLS.items():
        for role in ROLES:
            path, kwargs = call(world)
            headers = world["keys"][role] if path.startswith("/v1/") else heads[role]
            response = client.request(method, path, headers=headers, **kwargs)
            if role in allowed:
                assert response.status_code < 400, (method, path, role, response.status_code, response.text)
            else:
                expected = {401} if role == "anonymous" else {403, 404}
                assert response.status_code in expected, (method, path, role, response.status_code)


def test_the_role_check_runs_without_a_thread_hand_off(world, monkeypatch):
    """A route that runs on the event loop (/me) is answered without handing anything to a worker thread: Litestar
    runs a plain-function guard in one, which cost more per request than the check itself."""
    handed = []
    real = sync.sync_to_thread

    def recorded(fn, *args, **kwargs):
        handed.append(fn)
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(sync, "sync_to_thread", recorded)
    assert world["client"].get("/api/v1/me", headers=world["heads"]["student"]).status_code == 200
    assert world["client"].get("/api/v1/me").status_code == 401
    assert handed == []


def test_a_search_makes_its_vector_on_the_search_threads_and_the_rest_on_the_loop(world, monkeypatch):
    """The query's vector is made on the app's own search threads (as many as cores), never through Litestar's
    hand-off; the rest of the search runs at once on the event loop when nothing it reads would wait, and on a
    search thread otherwise, finding the same passages."""
    services, handed, ran = world["services"], [], []
    retriever, embedder = services.retriever, services.embedder
    real_sync, real_embed, real_at_once, real_search = (
        sync.sync_to_thread,
        embedder.embed_query,
        retriever.search_at_once,
        retriever.search,
    )

    def recorded(fn, *args, **kwargs):
        handed.append(fn)
        return real_sync(fn, *args, **kwargs)

    def on(name: str, real: Callable) -> Callable:
        def call(*args, **kwargs):
            ran.append((name, threading.current_thread().name))
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(sync, "sync_to_thread", recorded)
    monkeypatch.setattr(embedder, "embed_query", on("embed", real_embed))
    monkeypatch.setattr(retriever, "search_at_once", on("at once", real_at_once))
    monkeypatch.setattr(retriever, "search", on("search", real_search))
    _document(world)
    student, found = world["heads"]["student"], []
    for n in range(6):
        response = world["client"].post("/api/v1/search", json={"query": f"gripper {n}"}, headers=student)
        assert response.status_code == 200
        found.append(response.json())
    assert handed == [] and all(f["results"] for f in found)
    searching = {f"search_{n}" for n in range(os.cpu_count() or 1)}
    assert {thread for name, thread in ran if name == "embed"} <= searching
    assert [name for name, _ in ran] == ["embed", "at once"] * 6
    assert not {thread for name, thread in ran if name == "at once"} & searching
    ran.clear()
    monkeypatch.setattr(services.vectors, "at_hand", lambda: False)  # as while a write is under way
    for n in range(6):
        response = world["client"].post("/api/v1/search", json={"query": f"gripper {n}"}, headers=student)
        assert response.json() == found[n]
    assert [name for name, _ in ran] == ["embed", "at once", "search"] * 6
    assert {thread for name, thread in ran if name == "search"} <= searching


def test_an_access_token_is_verified_once_and_its_expiry_every_time(world, monkeypatch):
    """pyjwt checks a token's signature and claims once per process; a token past its expiry is refused though
    kept, and a forged one is refused every time (it is never kept)."""
    from litestar.security.jwt import Token

    from appliance.web import access

    access._verified.cache_clear()
    client, student = world["client"], world["heads"]["student"]
    verified = []
    real = Token.decode_payload.__func__  # type: ignore[attr-defined]

    def decode_payload(cls, *args, **kwargs):
        verified.append(args)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(Token, "decode_payload", classmethod(decode_payload))
    for _ in range(3):
        assert client.get("/api/v1/me", headers=student).status_code == 200
    assert len(verified) == 1
    signed, signature = student["Authorization"].rsplit(".", 1)
    forged = {"Authorization": f"{signed}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"}
    for _ in range(2):
        assert client.get("/api/v1/me", headers=forged).status_code == 401
    assert len(verified) == 3
    later = time.time() + world["services"].settings.access_minutes * 60 + 1
    monkeypatch.setattr(access.time, "time", lambda: later)
    assert client.get("/api/v1/me", headers=student).status_code == 401
    assert len(verified) == 3  # refused from what was kept, by its expiry


def test_student_of_a_gets_nothing_from_b(world):
    client, heads, services = world["client"], world["heads"], world["services"]
    secret = _document(world, b"The Quillon rover secret speed is 77 knots.", course="b")
    student = heads["student"]
    assert all(d["id"] != secret for d in client.get("/api/v1/documents", headers=student).json()["documents"])
    assert client.get(f"/api/v1/documents/{secret}", headers=student).status_code == 404
    assert client.get(f"/api/v1/documents/{secret}/pages/1", headers=student).status_code == 404
    hits = client.post("/api/v1/search", json={"query": "Quillon rover speed knots"}, headers=student).json()["results"]
    assert all(h["document_id"] != secret for h in hits)
    assert (
        client.post(
            "/api/v1/search", json={"query": "Quillon", "course_id": world["b"]["id"]}, headers=student
        ).status_code
        == 403
    )
    answer = client.post("/api/v1/chat", json={"message": "Quillon rover speed knots?"}, headers=student).json()
    assert all(s["document_id"] != secret for s in answer["sources"])
    assert "77" not in answer["answer"]
    assert client.get(f"/api/v1/documents?course_id={world['b']['id']}", headers=student).status_code == 403
    other = client.post("/api/v1/chat", json={"message": "Quillon speed?"}, headers=heads["other_teacher"]).json()
    assert any(s["document_id"] == secret for s in other["sources"])
    assert services.courses.visible(services.accounts.named("student")) == [world["a"]["id"]]


def test_tokens_refresh_rotation_reuse_detection_and_logout(world, settings):
    client = world["client"]
    first = client.post("/api/v1/auth/login", json={"username": "student", "password": PASSWORD}).json()
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["user"]["username"] == "student"
    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    assert "already used" in reuse.json()["error"]
    # Reuse revoked the whole family: the newest token of it is dead too.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
    third = client.post("/api/v1/auth/login", json={"username": "student", "password": PASSWORD}).json()
    assert client.post("/api/v1/auth/logout", json={"refresh_token": third["refresh_token"]}).status_code == 204
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": third["refresh_token"]}).status_code == 401
    import jwt as pyjwt

    expired = pyjwt.encode({"sub": "1", "exp": 1_000_000, "iat": 999_000}, client.app.state.jwt.token_secret, "HS256")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    forged = pyjwt.encode({"sub": "1", "exp": 4_000_000_000}, "not-the-secret-" * 3, "HS256")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_a_session_ended_by_sign_out_password_or_disabling_is_not_called_a_reused_token(world):
    """After `ragbot users disable` a refresh answered "this refresh token was already used", of a token never used:
    a revoked token says its session was ended, a disabled account says so as sign-in does."""
    client, services = world["client"], world["services"]
    rita = services.accounts.add("rita", PASSWORD, "student")

    def session() -> str:
        login = client.post("/api/v1/auth/login", json={"username": "rita", "password": PASSWORD})
        return login.json()["refresh_token"]

    def refresh(token: str) -> str:
        answer = client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert answer.status_code == 401, answer.json()
        return answer.json()["error"]

    signed_out = session()
    client.post("/api/v1/auth/logout", json={"refresh_token": signed_out})
    assert refresh(signed_out) == "this session was signed out; sign in again"
    before_the_change = session()
    services.accounts.update(rita["id"], password="another-password")
    assert refresh(before_the_change) == "this session was signed out; sign in again"
    services.accounts.update(rita["id"], password=PASSWORD)
    kept, spent = session(), session()
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": spent}).status_code == 201
    services.accounts.update(rita["id"], disabled=1)
    for token in (kept, spent):  # unused or used, the account is what stops it
        assert refresh(token) == "this account is disabled; ask your teacher or the administrator"


def test_wrong_password_disabled_user_and_signup_rules(world, settings):
    client, services = world["client"], world["services"]
    wrong = client.post("/api/v1/auth/login", json={"username": "student", "password": "nope-nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "wrong username or password"
    ghost = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope-nope"})
    assert ghost.json()["error"] == wrong.json()["error"]
    heads = world["heads"]["student"]
    services.accounts.update(services.accounts.named("student")["id"], disabled=1)
    assert client.get("/api/v1/me", headers=heads).status_code == 401
    assert (
        "disabled"
        in client.post("/api/v1/auth/login", json={"username": "student", "password": PASSWORD}).json()["error"]
    )
    services.settings = msgspec.structs.replace(settings, signup="closed")
    assert client.post("/api/v1/auth/signup", json={"username": "x1", "password": PASSWORD}).status_code == 403
    services.settings = msgspec.structs.replace(settings, signup="join_code")
    assert client.post("/api/v1/auth/signup", json={"username": "x2", "password": PASSWORD}).status_code == 400
    made = client.post(
        "/api/v1/auth/signup",
        json={"username": "x3", "password": PASSWORD, "join_code": world["a"]["join_code"], "software_level": "expert"},
    )
    assert made.status_code == 201
    assert made.json()["user"]["software_level"] == "expert"
    courses = client.get("/api/v1/courses", headers={"Authorization": f"Bearer {made.json()['access_token']}"}).json()
    assert courses["courses"] == [{"id": world["a"]["id"], "name": "A", "role": "student"}]
    taken = client.post(
        "/api/v1/auth/signup", json={"username": "x3", "password": PASSWORD, "join_code": world["a"]["join_code"]}
    )
    assert taken.status_code == 409


def test_a_username_refused_for_its_accent_or_space_says_which_letters_a_username_takes(world, settings):
    """ "ömer" was refused as not "2–40 letters, digits, ...": the student had typed only letters."""
    client, services = world["client"], world["services"]
    services.settings = msgspec.structs.replace(settings, signup="join_code")
    for name in ("ömer", "José", "anna müller"):
        refused = client.post(
            "/api/v1/auth/signup", json={"username": name, "password": PASSWORD, "join_code": world["a"]["join_code"]}
        )
        assert refused.status_code == 400
        assert "letters a–z" in refused.json()["error"] and "no spaces or accents" in refused.json()["error"]


def test_the_sign_up_form_can_ask_how_sign_up_works(world, settings):
    client, services = world["client"], world["services"]
    for mode in ("closed", "open", "join_code"):
        services.settings = msgspec.structs.replace(settings, signup=mode)
        assert client.get("/api/v1/auth/signup").json() == {"mode": mode, "admin_exists": True}


def test_join_codes_read_aloud_and_typed_loosely_find_their_course(world):
    client, services = world["client"], world["services"]
    code = world["a"]["join_code"]
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", code), code
    student = world["heads"]["student"]
    symbols = code.replace("-", "")
    for typed in (code, code.lower(), f" {symbols[:3]} {symbols[3:7]} {symbols[7:]} ", symbols.replace("0", "o")):
        joined = client.post("/api/v1/courses/join", json={"join_code": typed}, headers=student)
        assert joined.status_code == 201, (typed, joined.json())
        assert joined.json()["id"] == world["a"]["id"]
    assert services.courses.by_code(symbols.replace("1", "l").replace("0", "O").lower())["id"] == world["a"]["id"]
    wrong = client.post("/api/v1/courses/join", json={"join_code": symbols[:-1]}, headers=student)
    assert wrong.json() == {"error": "that join code does not match any course", "status": 400}


def test_a_join_code_entered_again_says_so_and_logs_no_second_membership(world):
    """A walkthrough's student, added by the teacher, then entering the code, was told "You joined ..."."""
    client, services = world["client"], world["services"]
    student, code = world["heads"]["student"], world["b"]["join_code"]
    answers = [client.post("/api/v1/courses/join", json={"join_code": code}, headers=student).json() for _ in "ab"]
    assert [a["already_member"] for a in answers] == [False, True]
    added = [e["detail"]["user"] for e in services.audit.entries() if e["action"] == "membership.add"]
    assert added.count("student") == 1


def test_a_removed_student_can_no_longer_ask_in_or_read_the_course_and_their_questions_stay(world):
    client, services, heads, course = world["client"], world["services"], world["heads"], world["a"]["id"]
    document = _document(world)
    asked = {"message": "How strong is the Zorblax-7 gripper?", "course_id": course}
    assert client.post("/api/v1/chat", json=asked, headers=heads["student"]).status_code == 200
    student = services.accounts.named("student")["id"]
    removed = client.delete(f"/api/v1/courses/{course}/members/{student}", headers=heads["teacher"])
    assert removed.status_code == 200, removed.text
    assert "student" not in [m["username"] for m in removed.json()["members"]]
    refused = client.post("/api/v1/chat", json=asked, headers=heads["student"])
    assert refused.json() == {"error": "you are not a member of this course", "status": 403}
    assert client.get(f"/api/v1/documents/{document}", headers=heads["student"]).status_code == 404
    assert client.get("/api/v1/courses", headers=heads["student"]).json() == {"courses": []}
    stats = client.get(f"/api/v1/courses/{course}/stats", headers=heads["teacher"]).json()
    assert stats["questions"] == 1
    entry = services.audit.entries()[0]
    assert (entry["action"], entry["actor"], entry["detail"]) == (
        "membership.remove",
        "teacher",
        {"user": "student", "role": "student"},
    )
    again = client.delete(f"/api/v1/courses/{course}/members/{student}", headers=heads["teacher"])
    assert again.json() == {"error": f"student is not a member of course {course} (A)", "status": 404}


def test_a_course_keeps_its_last_teacher_unless_an_admin_says_otherwise(world):
    client, services, heads, course = world["client"], world["services"], world["heads"], world["a"]["id"]
    teacher = services.accounts.named("teacher")["id"]
    path = f"/api/v1/courses/{course}/members/{teacher}"
    refused = client.delete(path, headers=heads["teacher"])
    assert refused.status_code == 409
    assert refused.json()["error"].startswith(f"teacher is the last teacher of course {course} (A): add another")
    forced = client.delete(path, params={"last_teacher": "true"}, headers=heads["teacher"])
    assert forced.json() == {"error": "only an admin can remove a course's last teacher", "status": 403}
    second = _member(world, "teacher")
    assert client.delete(path, headers=heads["teacher"]).status_code == 200  # another teacher remains
    last = client.delete(f"/api/v1/courses/{course}/members/{second}", headers=heads["admin"])
    assert last.status_code == 409
    emptied = client.delete(
        f"/api/v1/courses/{course}/members/{second}", params={"last_teacher": "true"}, headers=heads["admin"]
    )
    assert [m["role"] for m in emptied.json()["members"]] == ["student"]
    assert client.delete(f"/api/v1/courses/{course}/members/999999", headers=heads["admin"]).status_code == 404
    assert client.delete(f"/api/v1/courses/{course}/members/0", headers=heads["admin"]).status_code == 400


def test_an_archived_course_stays_readable_but_takes_no_questions_uploads_or_members(world):
    client, services, heads, course = world["client"], world["services"], world["heads"], world["a"]["id"]
    document = _document(world)
    conversation, _ = _conversation(world)
    path = f"/api/v1/courses/{course}"
    archived = client.patch(path, json={"archived": True}, headers=heads["teacher"])
    assert archived.json() == {
        "id": course,
        "name": "A",
        "role": "teacher",
        "join_code": world["a"]["join_code"],
        "archived": True,
    }
    assert client.get("/api/v1/courses", headers=heads["student"]).json()["courses"][0]["archived"] is True
    refusal = f"course {course} (A) is archived: it takes no new questions or uploads; a teacher of it or an admin"
    asked = client.post("/api/v1/chat", json={"message": "gripper?", "course_id": course}, headers=heads["student"])
    assert asked.status_code == 409 and asked.json()["error"].startswith(refusal)
    followed = client.post(
        "/api/v1/chat", json={"message": "and why?", "conversation_id": conversation}, headers=heads["student"]
    )
    assert followed.status_code == 409
    completion = {"model": f"course-{course}", "messages": [{"role": "user", "content": "gripper?"}]}
    by_key = client.post("/v1/chat/completions", json=completion, headers=world["keys"]["student"])
    assert by_key.status_code == 409 and refusal in by_key.text
    models = client.get("/v1/models", headers=world["keys"]["student"]).json()["data"]
    assert f"course-{course}" not in [m["id"] for m in models]  # not offered, as asking in it is refused
    assert client.get(f"/api/v1/conversations/{conversation}", headers=heads["student"]).status_code == 200
    assert client.get(f"/api/v1/documents/{document}", headers=heads["student"]).status_code == 200
    files = {"files": [("files", ("late.txt", b"late words"))], "data": {"course_id": str(course)}}
    uploaded = client.post("/api/v1/documents", headers=heads["teacher"], **files)
    assert uploaded.status_code == 409 and uploaded.json()["error"].startswith(refusal)
    joined = client.post("/api/v1/courses/join", json={"join_code": world["a"]["join_code"]}, headers=heads["admin"])
    assert joined.status_code == 409 and "takes no new members" in joined.json()["error"]
    assert "archived" not in client.patch(path, json={"archived": False}, headers=heads["admin"]).json()  # a default
    asked = client.post("/api/v1/chat", json={"message": "gripper?", "course_id": course}, headers=heads["student"])
    assert asked.status_code == 200
    models = client.get("/v1/models", headers=world["keys"]["student"]).json()["data"]
    assert f"course-{course}" in [m["id"] for m in models]
    actions = [(e["action"], e["actor"]) for e in services.audit.entries()[:2]]
    assert actions == [("course.unarchive", "admin"), ("course.archive", "teacher")]


def test_an_admin_deletes_a_course_with_all_it_holds_naming_it(world):
    """Archive was the only end of a course: its documents, conversations, figures and join code stayed for ever. An
    admin deletes it for good, confirming with its name; its teachers and students cannot; B is untouched."""
    client, services, heads, course = world["client"], world["services"], world["heads"], world["a"]
    path = f"/api/v1/courses/{course['id']}"
    document = _document(world)
    kept = _document(world, course="b")
    conversation, _ = _conversation(world)
    vectors = services.vectors.ids()
    for role in ("student", "teacher", "other_teacher"):
        refused = client.delete(path, params={"name": "A"}, headers=heads[role])
        assert refused.status_code == 403, (role, refused.text)
    for name, words in ((None, "to delete course"), ("B", "to delete course"), ("", "confirm with its name: A")):
        refused = client.delete(path, params={} if name is None else {"name": name}, headers=heads["admin"])
        assert refused.status_code == 400 and words in refused.json()["error"], (name, refused.json())
    assert client.get(f"/api/v1/documents/{document}", headers=heads["student"]).status_code == 200
    deleted = client.delete(path, params={"name": " a "}, headers=heads["admin"])
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {
        "id": course["id"],
        "name": "A",
        "documents": 1,
        "conversations": 1,
        "questions": 1,
        "members": 2,
    }
    assert client.get("/api/v1/courses", headers=heads["student"]).json()["courses"] == []
    assert client.get(f"/api/v1/documents/{document}", headers=heads["admin"]).status_code == 404
    assert client.get(f"/api/v1/conversations/{conversation}", headers=heads["student"]).status_code == 404
    joined = client.post("/api/v1/courses/join", json={"join_code": course["join_code"]}, headers=heads["student"])
    assert joined.status_code == 400
    database = services.database
    assert [d["id"] for d in database.documents()] == [kept]
    assert services.vectors.ids() == database.chunk_ids() < vectors
    for table in ("conversations", "interactions", "memberships", "answer_cache", "jobs"):
        assert not database._db.table(table).count_where("course_id = ?", [course["id"]]), table
    entry = services.audit.entries()[0]
    assert (entry["action"], entry["actor"], entry["target"]) == (
        "course.delete",
        "admin",
        f"course {course['id']} (A)",
    )
    assert entry["detail"] == {"documents": 1, "conversations": 1, "interactions": 1, "memberships": 2}
    assert client.delete(path, params={"name": "A"}, headers=heads["admin"]).status_code == 404


def test_the_default_course_and_a_course_taking_uploads_are_not_deleted(world):
    client, services, heads = world["client"], world["services"], world["heads"]
    default = client.delete("/api/v1/courses/1", params={"name": "Default course"}, headers=heads["admin"])
    assert default.status_code == 409 and "is the default course" in default.json()["error"]
    course = world["b"]
    services.database.create_job("waiting", "late.md", course_id=course["id"])
    busy = client.delete(f"/api/v1/courses/{course['id']}", params={"name": "B"}, headers=heads["admin"])
    assert busy.status_code == 409 and "still being ingested" in busy.json()["error"]
    assert busy.headers["retry-after"] == "30"
    assert services.courses.get(course["id"])["name"] == "B"


def test_a_file_finished_after_its_course_was_deleted_goes_nowhere(world):
    """A file being read as its course was deleted was stored into no course, its vectors with it."""
    services, course = world["services"], _new_course(world)
    services.courses.delete(course["id"], course["name"], services.vectors)
    with pytest.raises(NotFound, match=f"course {course['id']} was deleted while the file was being ingested"):
        services.ingestor.ingest(b"Late notes on grippers.", "late.txt", course_id=course["id"])
    assert services.database.documents([course["id"]]) == []
    assert services.vectors.ids() == services.database.chunk_ids()


def test_a_deleted_courses_vectors_go_from_chroma_on_disk_and_a_crash_before_they_do_is_repaired_at_start(settings):
    """The course goes from SQLite in one transaction, then its vectors from Chroma: killed between the two, the
    service's next start drops the vectors left, as it does any of no chunk."""
    built = services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel(), kin={})  # Chroma in data
    gone, crashed, kept = (built.courses.create(name, None) for name in ("Gone", "Crashed", "Kept"))
    for course in (gone, crashed, kept):
        built.ingestor.ingest(
            f"# {course['name']}\n\nNotes of {course['name']}.".encode(), "a.md", course_id=course["id"]
        )
    assert isinstance(built.vectors, ChromaStore) and len(built.vectors.ids()) == 3
    built.courses.delete(gone["id"], "Gone", built.vectors)
    assert built.vectors.ids() == built.database.chunk_ids() and len(built.vectors.ids()) == 2

    def killed(ids):
        raise KeyboardInterrupt  # as a kill between the two stores

    built.vectors.delete = killed  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        built.courses.delete(crashed["id"], "Crashed", built.vectors)
    assert len(built.vectors.ids()) == 2 and len(built.database.chunk_ids()) == 1
    built.close()
    again = services_module.build(settings, embedder=FakeEmbedder(), model=FakeModel(), kin={})
    try:
        assert again.vectors.ids() == again.database.chunk_ids()
        assert [d["course_id"] for d in again.database.documents()] == [kept["id"]]
    finally:
        again.close()


def test_a_course_is_renamed_by_its_teachers_with_every_value_checked(world):
    client, services, heads, course = world["client"], world["services"], world["heads"], world["a"]["id"]
    path = f"/api/v1/courses/{course}"
    renamed = client.patch(path, json={"name": "  Robotics 2027 "}, headers=heads["teacher"]).json()
    assert renamed == {"id": course, "name": "Robotics 2027", "role": "teacher", "join_code": world["a"]["join_code"]}
    entry = services.audit.entries()[0]
    assert (entry["action"], entry["target"], entry["detail"]) == (
        "course.rename",
        f"course {course} (Robotics 2027)",
        {"was": "A", "name": "Robotics 2027"},
    )
    assert client.patch(path, json={"name": "Robotics 2027"}, headers=heads["teacher"]).status_code == 200
    assert len([e for e in services.audit.entries() if e["action"] == "course.rename"]) == 1  # unchanged: no entry
    client.post("/api/v1/courses", json={"name": "Optics"}, headers=heads["teacher"])
    clash = client.patch(path, json={"name": "optics"}, headers=heads["teacher"])
    assert clash.status_code == 409 and clash.json()["error"].startswith("you already teach 'Optics'")
    for body, words in (
        ({}, "give the course's new name, or archived: true or false"),
        ({"name": "   "}, "a course name is 1–120 characters"),
        ({"name": "x" * 121}, "Expected `str` of length <= 120"),
        ({"archived": "yes"}, "Expected `bool | null`"),
        ({"title": "T"}, "Object contains unknown field `title`"),
    ):
        refused = client.patch(path, json=body, headers=heads["teacher"])
        assert refused.status_code == 400 and words in refused.json()["error"], (body, refused.json())
    assert client.patch(path, json={"name": "Mine"}, headers=heads["other_teacher"]).status_code == 403
    assert client.patch("/api/v1/courses/999999", json={"name": "N"}, headers=heads["admin"]).status_code == 404
    assert services.courses.get(course)["name"] == "Robotics 2027"


def test_a_user_changes_their_own_password_and_their_other_sessions_are_signed_out(world):
    """A student who signed up (or an admin with the password printed at install) had no way to change it but to
    ask for `ragbot users passwd`: the profile changes it, with the current password, and signs out other devices
    while this one goes on."""
    client, services = world["client"], world["services"]
    services.accounts.add("pia", PASSWORD, "student")
    elsewhere = client.post("/api/v1/auth/login", json={"username": "pia", "password": PASSWORD}).json()
    here = client.post("/api/v1/auth/login", json={"username": "pia", "password": PASSWORD}).json()
    head = {"Authorization": f"Bearer {here['access_token']}"}
    wrong = client.post(
        "/api/v1/me/password", json={"current_password": "not-it-at-all", "new_password": "new-pass-1234"}, headers=head
    )
    assert wrong.status_code == 400, wrong.json()  # not 401: the session is fine, the password typed is not
    assert "current password" in wrong.json()["error"]
    short = client.post("/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "x"}, headers=head)
    assert short.status_code == 400
    changed = client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "new-pass-1234"}, headers=head
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["user"]["username"] == "pia"
    assert client.post("/api/v1/auth/login", json={"username": "pia", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": "pia", "password": "new-pass-1234"}).status_code == 201
    # Other devices are signed out; this one goes on with the session the change returned.
    for session, status in ((elsewhere, 401), (changed.json(), 201)):
        again = client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert again.status_code == status, again.json()
    assert services.audit.entries(limit=1)[0]["action"] == "account.password"


def test_a_teacher_cannot_make_a_second_course_of_the_same_name(world):
    """A teacher who pressed "Create course" twice had two identical entries in the course picker, with material and
    students split between them: a name the teacher already teaches (case and spacing aside) is refused."""
    client, heads = world["client"], world["heads"]
    for again in ("A", " a ", "a"):
        twice = client.post("/api/v1/courses", json={"name": again}, headers=heads["teacher"])
        assert twice.status_code == 409, twice.json()
        assert twice.json()["error"].startswith("you already teach 'A':"), twice.json()
    mine = [c["name"] for c in client.get("/api/v1/courses", headers=heads["teacher"]).json()["courses"]]
    assert mine.count("A") == 1
    # Another teacher's course of that name is theirs; and the teacher may still make another name.
    assert client.post("/api/v1/courses", json={"name": "A"}, headers=heads["other_teacher"]).status_code == 201
    assert client.post("/api/v1/courses", json={"name": "A 2027"}, headers=heads["teacher"]).status_code == 201


def test_a_course_made_before_readable_codes_keeps_its_exact_case_sensitive_code(world):
    services = world["services"]
    older = services.database.add_course({"name": "Old", "join_code": "35Q0a37L", "version": 0}, None)
    twin = services.database.add_course({"name": "Twin", "join_code": "35Q0A37L", "version": 0}, None)
    assert services.courses.by_code(" 35Q0a37L ")["id"] == older
    assert services.courses.by_code("35Q0A37L")["id"] == twin  # the old alphabet told them apart; so must we
    for near in ("35q0a37l", "35Q0a37-L", "35QOa37L"):
        with pytest.raises(InvalidInput):
            services.courses.by_code(near)


def test_join_codes_are_at_least_as_strong_as_before_and_never_mistaken_for_an_older_one():
    assert len(join_codes.ALPHABET) ** join_codes.SYMBOLS == 2**join_codes.BITS >= 2**48  # token_urlsafe(6)
    assert not set("ILOU") & set(join_codes.ALPHABET)
    assert len({join_codes.new_code() for _ in range(1000)}) == 1000
    # Older codes are eight characters of base64url: none can read as a new code, which is eleven with its dash.
    assert all(join_codes.read_code(secrets.token_urlsafe(6)) is None for _ in range(1000))
    assert join_codes.read_code("7k3qm – 9xw2d") == "7K3QM-9XW2D"
    assert join_codes.read_code("7K3QM-9XW2U") is None  # U is not a symbol


def test_question_and_sign_in_limits_answer_429_with_retry_after(world, settings):
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    services.chat.settings = msgspec.structs.replace(settings, student_questions_per_hour=2)
    for _ in range(2):
        assert client.post("/api/v1/chat", json={"message": "gripper?"}, headers=heads["student"]).status_code == 200
    limited = client.post("/api/v1/chat", json={"message": "gripper?"}, headers=heads["student"])
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 3600
    assert len(client.get("/api/v1/conversations", headers=heads["student"]).json()["conversations"]) == 2
    assert client.post("/api/v1/chat", json={"message": "gripper?"}, headers=heads["teacher"]).status_code == 200
    services.settings = msgspec.structs.replace(services.settings, login_attempts_per_minute=3)
    client.app.state.services.login_limit.events.clear()
    codes = [
        client.post("/api/v1/auth/login", json={"username": "student", "password": "bad-bad-bad"}).status_code
        for _ in range(5)
    ]
    assert codes[-1] == 429


def test_sliding_window_resets_after_the_window():
    now = [0.0]
    window = SlidingWindow(60, clock=lambda: now[0])
    window.hit("u", 2, "x")
    window.hit("u", 2, "x")
    with pytest.raises(TooManyRequests) as error:
        window.hit("u", 2, "x")
    assert error.value.retry_after == 60
    now[0] = 60.5
    window.hit("u", 2, "x")
    window.hit("other", 1, "x")


def test_conversations_follow_ups_feedback_and_stats(world, settings):
    client, heads, services = world["client"], world["heads"], world["services"]
    _document(world, b"The Zorblax-7 gripper closes with 42 newtons and costs 900 euros.")
    _document(world, b"Mecanum wheels let a rover drive sideways.")
    first = client.post(
        "/api/v1/chat", json={"message": "What is the Zorblax-7 gripper?"}, headers=heads["student"]
    ).json()
    follow = client.post(
        "/api/v1/chat",
        json={"message": "and how much does it cost?", "conversation_id": first["conversation_id"]},
        headers=heads["student"],
    ).json()
    assert follow["conversation_id"] == first["conversation_id"]
    assert "900 euros" in follow["answer"]
    client.post(
        f"/api/v1/interactions/{follow['interaction_id']}/feedback", json={"rating": -1}, headers=heads["student"]
    )
    talk = client.get(f"/api/v1/conversations/{first['conversation_id']}", headers=heads["student"]).json()
    assert [m["role"] for m in talk["messages"]] == ["user", "assistant", "user", "assistant"]
    assert talk["messages"][3]["feedback"] == -1
    assert client.get(f"/api/v1/conversations/{first['conversation_id']}", headers=heads["teacher"]).status_code == 404
    services.answerer.settings = msgspec.structs.replace(services.settings, min_similarity=0.99)
    client.post("/api/v1/chat", json={"message": "Who painted the Mona Lisa?"}, headers=heads["student"])
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    assert stats["questions"] == 3
    assert stats["per_day"][0]["count"] == 3
    assert stats["unanswered"] == [
        {"question": "Who painted the Mona Lisa?", "count": 1, "asked_as": [], "answered_since": False}
    ]
    # The follow-up is counted under what it asked, the student's own words with it.
    assert {(q["question"], tuple(q["asked_as"])) for q in stats["top_questions"]} == {
        ("What is the Zorblax-7 gripper?", ()),
        ("What is the Zorblax-7 gripper? and how much does it cost?", ("and how much does it cost?",)),
        ("Who painted the Mona Lisa?", ()),
    }
    assert stats["feedback"] == {"up": 0, "down": 1}
    assert stats["latency_ms"]["p50"] is not None
    csv_text = client.get(f"/api/v1/courses/{world['a']['id']}/stats?format=csv", headers=heads["teacher"]).text
    assert "mona lisa" in csv_text.lower()
    follow_up = next(row for row in csv.DictReader(io.StringIO(csv_text)) if row["question"].startswith("and"))
    assert follow_up["understood_as"] == "What is the Zorblax-7 gripper? and how much does it cost?"
    assert "student-" in csv_text
    assert ",student," not in csv_text
    assert client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["other_teacher"]).status_code == 403


def test_a_follow_up_not_answered_is_listed_as_understood_with_the_students_words(world):
    """ "and its payload?" tells a teacher nothing: the not-answered list says what it asked, and how it was put."""
    client, heads, services = world["client"], world["heads"], world["services"]
    for follow_up in ("and its payload?", "  And its payload "):
        services.chat.answerer = ScriptedAnswerer(quoted_answer())
        first = client.post(
            "/api/v1/chat", json={"message": "What is the reach of the Wren-7?"}, headers=heads["student"]
        )
        services.chat.answerer = ScriptedAnswerer(not_covered())
        ask = {"message": follow_up, "conversation_id": first.json()["conversation_id"]}
        assert client.post("/api/v1/chat", json=ask, headers=heads["student"]).status_code == 200
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    understood = {"question": "What is the reach of the Wren-7? and its payload?", "count": 2}
    assert stats["unanswered"] == [understood | {"asked_as": ["and its payload?"], "answered_since": False}]
    assert stats["top_questions"] == [
        {"question": "What is the reach of the Wren-7?", "count": 2, "asked_as": []},
        understood | {"asked_as": ["and its payload?"]},
    ]


def test_a_question_about_a_selection_keeps_the_passage_reopened_and_in_the_figures(world):
    """A student who selected a sentence and asked "why?" reopened the conversation to a bare "why?", and the
    teacher's dashboard counted two students' "why?" about two passages as one "why?" that told nothing: the passage
    is kept with the question, shown reopened, counted with it and in the CSV."""
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    course = world["a"]["id"]
    for selected in ("The P-9 pump weighs 2 kilograms.", "It runs on 12 volts.", ""):
        ask = {"message": "why?", "selected_text": selected, "course_id": course}
        asked = client.post("/api/v1/chat", json=ask, headers=heads["student"]).json()
        talk = client.get(f"/api/v1/conversations/{asked['conversation_id']}", headers=heads["student"]).json()
        assert talk["messages"][0] == {"role": "user", "content": "why?"} | (
            {"selected_text": selected} if selected else {}
        )
    stats = client.get(f"/api/v1/courses/{course}/stats", headers=heads["teacher"]).json()
    assert stats["top_questions"] == [
        {"question": "why?", "count": 1, "asked_as": []},
        {"question": "why? (about: “It runs on 12 volts.”)", "count": 1, "asked_as": ["why?"]},
        {"question": "why? (about: “The P-9 pump weighs 2 kilograms.”)", "count": 1, "asked_as": ["why?"]},
    ]
    csv_text = client.get(f"/api/v1/courses/{course}/stats?format=csv", headers=heads["teacher"]).text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert [(row["question"], row["selected_text"]) for row in rows] == [
        ("why?", "The P-9 pump weighs 2 kilograms."),
        ("why?", "It runs on 12 volts."),
        ("why?", ""),
    ]


def test_a_conversation_begun_about_a_selection_is_titled_with_it(world):
    """A student's conversation list read "why?", "why?", "explain this": one begun about a selection is titled
    with the passage as well."""
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    ask = {"message": "why?", "selected_text": "The P-9 pump\nweighs 2 kilograms.", "course_id": world["a"]["id"]}
    asked = client.post("/api/v1/chat", json=ask, headers=heads["student"]).json()
    listed = client.get("/api/v1/conversations", headers=heads["student"]).json()["conversations"]
    titles = {c["id"]: c["title"] for c in listed}
    assert titles[asked["conversation_id"]] == "why? “The P-9 pump weighs 2 kilograms.”"


def test_a_question_is_listed_as_students_most_often_put_it_counted_whatever_its_case(world):
    """The dashboard shows what students typed, not a lowercased key: "PID" stays "PID", however a few wrote it."""
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(not_covered())
    for put in ("How do I tune the PID loop?", "how do i tune the pid loop", "How do I tune the PID loop?"):
        assert client.post("/api/v1/chat", json={"message": put}, headers=heads["student"]).status_code == 200
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    listed = {"question": "How do I tune the PID loop?", "count": 3, "asked_as": []}
    assert stats["top_questions"] == [listed]
    assert stats["unanswered"] == [listed | {"answered_since": False}]


def test_every_question_not_answered_is_counted_not_only_the_ten_listed(world):
    """The dashboard's "not answered" figure is all of them: twelve different ones, though ten are listed."""
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(not_covered())
    for n in range(12):
        ask = {"message": f"What colour is the Wren-{n} rover?"}
        assert client.post("/api/v1/chat", json=ask, headers=heads["student"]).status_code == 200
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    client.post("/api/v1/chat", json={"message": "What is the reach of the Wren-7?"}, headers=heads["student"])
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    assert (stats["questions"], stats["not_answered"], len(stats["unanswered"])) == (13, 12, 10)


def test_a_question_answered_when_asked_again_after_new_material_says_so_in_the_not_answered_list(world):
    """The teacher added material for a question on the not-answered list, the student asked again and was answered,
    and the dashboard still offered it as a candidate for new material: it is listed, counted, and answered since.
    Its "not answered" tile counted it with those still unanswered: the figures say how many of them were answered
    when asked again since, each asking counted as the list counts it."""
    client, heads, services = world["client"], world["heads"], world["services"]
    for answerer, put in (
        (not_covered(), "What colour is the Wren-7?"),
        (not_covered(), "What colour is the Wren-7"),
        (not_covered(), "What does the Wren-7 weigh?"),
        (quoted_answer(), "what colour is the wren-7"),
    ):
        services.chat.answerer = ScriptedAnswerer(answerer)
        assert client.post("/api/v1/chat", json={"message": put}, headers=heads["student"]).status_code == 200
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    assert (stats["not_answered"], stats["answered_since"]) == (3, 2)
    assert stats["unanswered"] == [
        {"question": "What colour is the Wren-7?", "count": 2, "asked_as": [], "answered_since": True},
        {"question": "What does the Wren-7 weigh?", "count": 1, "asked_as": [], "answered_since": False},
    ]


def test_the_figures_name_the_documents_the_students_answers_cited(world):
    """A teacher could not see which documents the answers rested on: each cited document is counted once an answer,
    a passage only shown as related reading (not answered) or a teacher's own try not at all."""
    client, heads, services = world["client"], world["heads"], world["services"]
    course = world["a"]["id"]
    pump = services.ingestor.ingest(b"The P-9 pump weighs 2 kilograms.", "pump.md", course_id=course).document
    for answerer, question in (
        (quoted_answer(), "How heavy is the P-9 pump?"),
        (quoted_answer(), "What does the P-9 weigh?"),
        (not_covered(), "What colour is the P-9?"),
    ):
        services.chat.answerer = ScriptedAnswerer(answerer)
        ask = {"message": question, "course_id": course}
        assert client.post("/api/v1/chat", json=ask, headers=heads["student"]).status_code == 200
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    client.post("/api/v1/chat", json={"message": "Test: the P-9?", "course_id": course}, headers=heads["teacher"])
    stats = client.get(f"/api/v1/courses/{course}/stats", headers=heads["teacher"]).json()
    assert stats["cited"] == [{"filename": "pump.md", "count": 2, "in_course": True}]
    # Removed, its answers stay counted, and the figures say it is gone.
    assert client.delete(f"/api/v1/documents/{pump['id']}", headers=heads["teacher"]).status_code == 204
    stats = client.get(f"/api/v1/courses/{course}/stats", headers=heads["teacher"]).json()
    assert stats["cited"] == [{"filename": "pump.md", "count": 2, "in_course": False}]


def test_the_typical_answer_time_is_the_wait_the_student_saw_a_place_in_the_queue_with_it(world):
    """A student waited 5.1 s ("Answered in 5.1 s"), four of them for the busy model, and the dashboard said the
    answer took 1.0 s: its figure (and the CSV) left out the queue and all but searching and writing."""
    client, heads, services = world["client"], world["heads"], world["services"]
    timings = Timings(retrieval_ms=20.0, queue_ms=4000.0, generation_ms=1000.0, total_ms=5100.0)
    services.chat.answerer = ScriptedAnswerer(msgspec.structs.replace(quoted_answer(), timings=timings))
    ask = {"message": "How heavy is the P-9 pump?", "course_id": world["a"]["id"]}
    assert client.post("/api/v1/chat", json=ask, headers=heads["student"]).status_code == 200
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    assert stats["latency_ms"] == {"p50": 5100.0, "p95": 5100.0}
    csv_text = client.get(f"/api/v1/courses/{world['a']['id']}/stats?format=csv", headers=heads["teacher"]).text
    assert [row["total_ms"] for row in csv.DictReader(io.StringIO(csv_text))] == ["5100.0"]


def test_questions_are_counted_per_day_of_the_schools_time_zone(world, monkeypatch):
    """A class at 9 in the morning in Auckland asks at 20:00 UTC the day before: the dashboard charted it on a day
    no one was in class."""
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    ask = {"message": "How heavy is the P-9 pump?", "course_id": world["a"]["id"]}
    asked = client.post("/api/v1/chat", json=ask, headers=heads["student"]).json()
    with services.database._lock:
        stamp = ["2026-12-03T20:00:00+00:00", asked["interaction_id"]]
        services.database._db.execute("UPDATE interactions SET created_at = ? WHERE id = ?", stamp)
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    try:
        stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert stats["per_day"] == [{"day": "2026-12-04", "count": 1}]


def test_the_course_figures_and_csv_are_the_students_questions_not_the_staffs_own_tries(world):
    """A teacher's test questions were counted with the students' in the dashboard's totals, lists and CSV."""
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(not_covered())
    course = world["a"]["id"]
    for who, question in (("student", "What colour is the Wren-7?"), ("teacher", "Test: does it answer?")):
        for _ in range(2):
            ask = {"message": question, "course_id": course}
            assert client.post("/api/v1/chat", json=ask, headers=heads[who]).status_code == 200
    assert client.post("/api/v1/chat", json=ask, headers=heads["admin"]).status_code == 200
    stats = client.get(f"/api/v1/courses/{course}/stats", headers=heads["teacher"]).json()
    listed = [{"question": "What colour is the Wren-7?", "count": 2, "asked_as": []}]
    assert (stats["questions"], stats["not_answered"], stats["per_day"][0]["count"]) == (2, 2, 2)
    assert stats["top_questions"] == listed
    assert stats["unanswered"] == [listed[0] | {"answered_since": False}]
    csv_text = client.get(f"/api/v1/courses/{course}/stats?format=csv", headers=heads["admin"]).text
    assert [row["user"] for row in csv.DictReader(io.StringIO(csv_text))] == ["student", "student"]


def test_a_course_s_questions_export_as_csv_quoted_with_what_each_cited(world, monkeypatch):
    client, heads, services, course = world["client"], world["heads"], world["services"], world["a"]["id"]
    asked = [
        ("student", quoted_answer(), 'How heavy is the "P-9", really?\nIn kg'),
        ("student", not_covered(), "=HYPERLINK(1) what colour?"),
        ("teacher", quoted_answer(), "Test: does it answer?"),
    ]
    for who, done, question in asked:
        services.chat.answerer = ScriptedAnswerer(done)
        ask = {"message": question, "course_id": course}
        assert client.post("/api/v1/chat", json=ask, headers=heads[who]).status_code == 200
    client.patch(f"/api/v1/courses/{course}", json={"archived": True}, headers=heads["teacher"])  # still exported
    response = client.get(f"/api/v1/courses/{course}/questions", headers=heads["admin"])
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="course-{course}-questions.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == list(QuestionRow.__struct_fields__)  # as the OpenAPI document says
    assert [row[1:] for row in rows[1:]] == [
        ["student", 'How heavy is the "P-9", really?\nIn kg', "1", "0", "pump.md p. 1"],
        ["student", "'=HYPERLINK(1) what colour?", "0", "0", ""],
    ]
    monkeypatch.setattr(services, "settings", msgspec.structs.replace(services.settings, hide_student_names=True))
    hidden = client.get(f"/api/v1/courses/{course}/questions", headers=heads["teacher"]).text
    assert {row[1] for row in list(csv.reader(io.StringIO(hidden)))[1:]} == {
        analytics.pseudonym(
            secret.derive(secret.load_or_create(services.settings.secret_path), "pseudonyms"),
            course,
            services.accounts.named("student")["id"],
        )
    }
    assert client.get(f"/api/v1/courses/{course}/questions", headers=heads["other_teacher"]).status_code == 403


def test_a_course_a_conversation_asked_with_course_b_selected_is_refused_and_not_counted_in_a(world):
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(quoted_answer())
    student = services.accounts.find("student")
    services.courses.add_member(world["b"]["id"], student)
    first = client.post(
        "/api/v1/chat", json={"message": "gripper force?", "course_id": world["a"]["id"]}, headers=heads["student"]
    ).json()
    ask_b = {"message": "and its cost?", "course_id": world["b"]["id"], "conversation_id": first["conversation_id"]}
    refused = client.post("/api/v1/chat", json=ask_b, headers=heads["student"])
    assert refused.status_code == 409 and "another course" in refused.json()["error"]
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    assert stats["questions"] == 1


def test_reopened_not_covered_answer_comes_back_not_covered(world):
    client, heads, services = world["client"], world["heads"], world["services"]
    services.chat.answerer = ScriptedAnswerer(not_covered())
    asked = client.post("/api/v1/chat", json={"message": "Who painted it?"}, headers=heads["student"]).json()
    talk = client.get(f"/api/v1/conversations/{asked['conversation_id']}", headers=heads["student"]).json()
    assert talk["messages"][1]["covered"] is False


def test_selection_is_cited_at_its_document_and_page(world):
    client, heads = world["client"], world["heads"]
    document = _document(world, b"Encoders count wheel ticks to measure distance.")
    body = client.post(
        "/api/v1/chat",
        headers=heads["student"],
        json={
            "message": "What does this mean?",
            "selected_text": "Encoders count wheel ticks",
            "selected_document_id": document,
            "selected_page": 1,
        },
    ).json()
    assert body["sources"][0]["document_id"] == document
    assert body["sources"][0]["text"] == "Encoders count wheel ticks"
    secret = _document(world, b"Rover secrets.", course="b")
    refused = client.post(
        "/api/v1/chat",
        headers=heads["student"],
        json={"message": "What?", "selected_text": "Rover secrets", "selected_document_id": secret},
    )
    assert refused.status_code == 404


def test_a_selection_across_two_passages_is_the_materials_own_where_its_page_holds_it(world):
    """The thirteenth walkthrough: a selection spanning two sections in the reader matched no passage, so "what does
    this mean?" was answered by quoting two unrelated passages; its page holds it, and says so now."""
    client, heads, services = world["client"], world["heads"], world["services"]
    notes = (
        b"# Encoders\n\nEncoders count wheel ticks.\n\n# Odometry\n\nOdometry adds up the ticks to estimate position."
    )
    services.ingestor.ingest(notes, "odometry.md", course_id=world["a"]["id"])
    document = next(d for d in services.database.documents([world["a"]["id"]]) if d["filename"] == "odometry.md")
    page = "Encoders\n\nEncoders count wheel ticks.\n\nOdometry\n\nOdometry adds up the ticks to estimate position."
    selected = "Encoders count wheel ticks.\n\nOdometry\n\nOdometry adds up the ticks"  # as the reader selects it
    ask = {"message": "What does this mean?", "selected_text": selected}
    # Without saying where it is from, the same words are no passage's: text of the caller's, not evidence.
    unplaced = client.post("/api/v1/chat", headers=heads["student"], json=ask).json()
    assert all(source["document_id"] for source in unplaced["sources"] if source["evidence"])
    # Said, as the web app says it, they are (and that answer is not the other's, cached).
    placed = ask | {"selected_document_id": document["id"], "selected_page": 1}
    body = client.post("/api/v1/chat", headers=heads["student"], json=placed).json()
    first = body["sources"][0]
    assert (first["document_id"], first["start"]) == (document["id"], page.index(selected))
    assert first["evidence"] and "[1]" in body["answer"]


def test_deleting_a_conversation_keeps_the_course_analytics(world):
    client, heads = world["client"], world["heads"]
    conversation, _ = _conversation(world)
    assert client.delete(f"/api/v1/conversations/{conversation}", headers=heads["student"]).status_code == 204
    assert client.get("/api/v1/conversations", headers=heads["student"]).json()["conversations"] == []
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    assert stats["questions"] == 1


def test_prompt_differs_by_background_level(world):
    from appliance.answer import prompt

    services = world["services"]
    passage = services.retriever.search("anything", 1) or []
    beginner = prompt.build(services.model, "What is PID?", passage, 64, ("beginner", "beginner")).text
    expert = prompt.build(services.model, "What is PID?", passage, 64, ("expert", "expert")).text
    mixed = prompt.build(services.model, "What is PID?", passage, 64, ("expert", "beginner")).text
    assert "example" in beginner
    assert "technical" in expert
    assert beginner.startswith(prompt.INSTRUCTIONS)
    assert "technical" in mixed
    assert "explain hardware terms" in mixed
    assert "explain hardware terms" not in expert


def test_answer_cache_hits_and_is_invalidated_by_course_changes(world):
    client, heads = world["client"], world["heads"]
    _document(world, b"The Zorblax-7 gripper closes with 42 newtons.")
    ask = {"message": "How strong is the Zorblax-7 gripper?"}
    first = client.post("/api/v1/chat", json=ask, headers=heads["student"]).json()
    again = client.post(
        "/api/v1/chat", json={"message": "  how STRONG is the zorblax-7 gripper "}, headers=heads["student"]
    ).json()
    assert first["cached"] is False
    assert again["cached"] is True
    assert again["answer"] == first["answer"]
    assert again["sources"] == first["sources"]
    assert "cache_ms" in again["timings"]
    expert = client.post("/api/v1/chat", json=ask | {"level": "expert"}, headers=heads["student"]).json()
    assert expert["cached"] is False
    other = client.post("/api/v1/chat", json=ask, headers=heads["other_teacher"]).json()
    assert other["cached"] is False
    assert all(s["document_id"] != first["sources"][0]["document_id"] for s in other["sources"])
    document = _document(world, b"Grippers also come in soft silicone versions.")
    assert client.post("/api/v1/chat", json=ask, headers=heads["student"]).json()["cached"] is False
    assert client.post("/api/v1/chat", json=ask, headers=heads["student"]).json()["cached"] is True
    client.delete(f"/api/v1/documents/{document}", headers=heads["teacher"])
    assert client.post("/api/v1/chat", json=ask, headers=heads["student"]).json()["cached"] is False
    stats = client.get(f"/api/v1/courses/{world['a']['id']}/stats", headers=heads["teacher"]).json()
    assert stats["questions"] == 6


def test_the_lookups_of_every_request_neither_wait_for_the_writer_nor_miss_its_commits(services):
    """The caller's account and courses and a result's document and page are read beside a long write (an ingest
    holds the writer's lock for its whole transaction), and a committed change shows on the next request."""
    student = services.accounts.add("walker", PASSWORD, "student")
    services.courses.add_member(1, student)
    document = services.ingestor.ingest(b"# Walking\n\nThe walker takes 3 steps.\n", "walk.md", course_id=1).document
    read: dict = {}

    def lookups():
        read["user"] = services.accounts.get(student["id"])
        read["courses"] = services.courses.scope(read["user"], None)
        read["page"] = services.database.page(document["id"], 1)["text"]
        read["kind"] = services.database.document(document["id"])["kind"]

    with services.database._lock:  # a write in progress on another thread
        reader = threading.Thread(target=lookups)
        reader.start()
        reader.join(10)
        assert not reader.is_alive(), "a lookup waited for the writer"
    assert read["courses"] == [1] and read["kind"] == "markdown"
    assert "3 steps" in read["page"] and not read["user"]["disabled"]
    services.accounts.update(student["id"], disabled=1)
    assert services.accounts.get(student["id"])["disabled"]


def test_a_teacher_made_a_student_is_listed_as_a_student_without_join_codes(world):
    # `ragbot users role NAME student` at a term's end: the account was still listed as course A's teacher, with its
    # join code, and the web app offered it a teacher's controls, each refused.
    client, services, heads = world["client"], world["services"], world["heads"]
    accounts = services.accounts
    accounts.update(accounts.named("teacher")["id"], role="student")
    [course] = client.get("/api/v1/courses", headers=heads["teacher"]).json()["courses"]
    assert course["role"] == "student" and "join_code" not in course
    assert not services.courses.can_teach(accounts.named("teacher"), world["a"]["id"])


def test_a_deleted_accounts_token_does_not_act_as_the_next_account_made(world):
    # SQLite gives a deleted account's id to the next one made: the deleted student's page, its access token still
    # fresh, acted as the new account.
    client, services = world["client"], world["services"]
    leaver = sign_in(client, services, "leaver")
    services.accounts.delete(services.accounts.named("leaver")["id"])
    services.accounts.add("newcomer", "a long enough password", "teacher")
    assert client.get("/api/v1/me", headers=leaver).status_code == 401
