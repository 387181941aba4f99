"""Shared parts of the benchmarks: the machine, corpora (real or synthetic), the appliance as a subprocess
on loopback, signed-in users, latency statistics and result files.

Every benchmark returns one result record (a dict) with the same top-level keys: benchmark, date, machine,
corpus, settings, figures, targets (each {name, target, value, met}) and notes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from appliance.runtime import configure_process
from bench.retrieval import machine

REPO = Path(__file__).resolve().parents[1]
# Beside the checkout, or beside the folder of worktrees (a worktree in /work/wt/NAME reads /work/shared).
SHARED = next((p for p in (REPO.parent / "shared", REPO.parents[1] / "shared") if p.is_dir()), REPO.parent / "shared")
ROS_DOCS = SHARED / "corpus" / "ros2-docs"
PDFS = SHARED / "pdfs"
RESULTS = REPO / "bench" / "results"
PYTHON = sys.executable
PASSWORD = "bench password 1234"
# `--files N`: only the first N files of the real corpus (a short run on real text); None is all of them.
FILES: int | None = None
ADMIN = "bench-admin"

# Questions a student of the ROS 2 docs might ask; the synthetic corpus covers the same words.
QUESTIONS = [
    "How do I create a ROS 2 package?",
    "What is a ROS 2 node?",
    "How do I write a publisher and a subscriber in Python?",
    "What is a launch file used for?",
    "How do parameters work in ROS 2?",
    "What are quality of service settings?",
    "How do I build a workspace with colcon?",
    "What is the difference between a topic and a service?",
    "How do I record and play back data with ros2 bag?",
    "What does tf2 do?",
    "How do I use actions in ROS 2?",
    "How do I set up the ROS 2 environment?",
    "What is a ROS 2 message interface?",
    "How can I debug a node that does not start?",
    "What is DDS and why does ROS 2 use it?",
    "How do I install ROS 2 on Ubuntu?",
]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Corpora ---------------------------------------------------------------------------------------

TOPICS = {
    "nodes": "A node is a process that performs computation. Nodes communicate over topics, services and actions.",
    "topics": "Topics carry messages from publishers to subscribers. A publisher sends messages on a topic name.",
    "services": "A service is a request and a response. A client calls the service and waits for the server.",
    "parameters": "Parameters configure a node at start-up. Use ros2 param set to change a parameter at run time.",
    "launch": "A launch file starts several nodes at once with their parameters and remappings.",
    "colcon": "Build a workspace with colcon build, then source the install setup file to use the packages.",
    "packages": "Create a package with ros2 pkg create and choose ament_python or ament_cmake as build type.",
    "qos": "Quality of service settings choose reliability, durability and history depth for a topic.",
    "bags": "Record topics with ros2 bag record and play them back with ros2 bag play.",
    "tf2": "tf2 keeps track of coordinate frames over time and transforms points between frames.",
    "actions": "Actions are long-running goals with feedback and a result; a client can cancel a goal.",
    "dds": "ROS 2 uses DDS as middleware for discovery and transport between nodes.",
}


def synthetic_corpus(folder: Path, files: int = 6, paragraphs: int = 8, seed: int = 0) -> Path:
    """Small reStructuredText files about ROS 2-like topics (deterministic), for quick runs and tests."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = list(TOPICS)
    for i in range(files):
        topic = names[i % len(names)]
        lines = [topic.title(), "=" * len(topic), ""]
        for p in range(paragraphs):
            if p % 3 == 0:
                heading = f"{topic.title()} part {p // 3 + 1}"
                lines += [heading, "-" * len(heading), ""]
            picks = [TOPICS[topic]] + [TOPICS[rng.choice(names)] for _ in range(3)]
            lines += [" ".join(picks), ""]
        (folder / f"{i:02d}-{topic}.rst").write_text("\n".join(lines), encoding="utf-8")
    return folder


def corpus(quick: bool, scratch: Path, pdf: bool = True) -> tuple[list[tuple[Path, str]], dict]:
    """The files to ingest as (path, source name) and a description: the ROS 2 docs (+ the 117-page PDF),
    or a synthetic corpus in `scratch` when `quick` or when ../shared is not there."""
    if not quick and ROS_DOCS.is_dir():
        files = [
            (f, f"ros2-docs/{f.relative_to(ROS_DOCS)}")
            for f in sorted(ROS_DOCS.rglob("*"))
            if f.is_file() and not any(part.startswith(".") for part in f.relative_to(ROS_DOCS).parts)
        ]
        described = {"name": "ROS 2 docs", "path": os.path.relpath(ROS_DOCS, REPO), "files": len(files)}
        if FILES is not None:
            files = files[:FILES]
            described |= {"name": f"ROS 2 docs, first {len(files)} of {described['files']} files", "files": len(files)}
        pdfs = sorted(PDFS.glob("009-*.pdf")) if pdf and FILES is None else []
        if pdfs:
            files.append((pdfs[0], pdfs[0].name))
            described["pdf"] = os.path.relpath(pdfs[0], REPO)
        described["bytes"] = sum(f.stat().st_size for f, _ in files)
        return files, described
    folder = synthetic_corpus(scratch / "synthetic")
    files = [(f, f"synthetic/{f.name}") for f in sorted(folder.iterdir())]
    return files, {"name": "synthetic (quick)", "files": len(files), "bytes": sum(f.stat().st_size for f, _ in files)}


# Statistics ------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency(ms: list[float]) -> dict:
    r = lambda v: round(v, 1) if v is not None else None  # noqa: E731
    return {
        "n": len(ms),
        "p50_ms": r(percentile(ms, 50)),
        "p95_ms": r(percentile(ms, 95)),
        "p99_ms": r(percentile(ms, 99)),
        "mean_ms": r(sum(ms) / len(ms)) if ms else None,
    }


def target(name: str, wanted: str, value, met: bool | None) -> dict:
    return {"name": name, "target": wanted, "value": value, "met": met}


def record(
    name: str,
    corpus_info: dict,
    settings: dict,
    figures: dict,
    targets: list[dict],
    notes: list[str] | None = None,
    started: float | None = None,
) -> dict:
    out: dict = {
        "benchmark": name,
        "date": now(),
        "machine": machine(),
        "corpus": corpus_info,
        "settings": settings,
        "figures": figures,
        "targets": targets,
        "notes": notes or [],
    }
    if started is not None:
        out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def save(result: dict, output: Path | None) -> Path:
    folder = output or RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{result['benchmark']}.json"
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return path


def summary(result: dict) -> str:
    """A few lines for the terminal: targets and the main figures."""
    m = result["machine"]
    lines = [
        f"== {result['benchmark']} ({result['date']}; {m['cpu']}, {m['cores']} cores)",
        f"corpus: {json.dumps(result['corpus'])}",
        f"settings: {json.dumps(result['settings'])}",
    ]
    for t in result["targets"]:
        state = "met" if t["met"] else ("NOT met" if t["met"] is False else "n/a")
        lines.append(f"  target {t['name']}: {t['target']} -> {t['value']} ({state})")
    lines.append(json.dumps(result["figures"], indent=1))
    return "\n".join(lines)


def standard_args(parser, seconds: bool = False) -> None:
    parser.add_argument("--quick", action="store_true", help="tiny synthetic input, a few seconds")
    parser.add_argument("--output", type=Path, default=None, help="folder for the JSON result (bench/results)")
    parser.add_argument("--files", type=int, default=None, help="only the first N files of the real corpus, no PDF")
    if seconds:
        parser.add_argument("--seconds", type=float, default=None, help="how long to run (default 300; quick 20)")


def cli(name: str, doc: str, run, argv: list[str] | None, seconds: bool = False, options=()) -> int:
    """The command line every single benchmark shares: parse the standard options, run, print, save.

    `options` are a benchmark's own: (flag, argparse keywords) pairs, handed to `run` by their names."""
    configure_process()  # before numpy loads: OpenBLAS on one thread, as in the served appliance
    parser = argparse.ArgumentParser(prog=f"python -m bench.{name}", description=doc.split("\n\n")[0])
    standard_args(parser, seconds)
    own = [parser.add_argument(flag, **keywords).dest for flag, keywords in options]
    args = parser.parse_args(argv)
    global FILES
    FILES = args.files
    extra = {dest: getattr(args, dest) for dest in own}
    try:
        result = run(args.quick, args.seconds, **extra) if seconds else run(args.quick, **extra)
    except Unanswered as refused:
        log(f"{name}: FAILED, a request was not answered, so no figure is valid: {refused}")
        return 1
    print(summary(result))
    print("written to", save(result, args.output))
    return 0


# The appliance as a subprocess -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int) -> dict:
    """Resident and peak resident memory of a process, in MB (Linux /proc)."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return {"rss_mb": found.get("VmRSS"), "peak_rss_mb": found.get("VmHWM")}


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (Linux /proc), all its threads together, or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Greedy in quick runs: a smoke test answers the same every time (a sampled first token can end an 8-token answer
# before it starts, and then an arm has an answer with nothing generated).
QUICK_SETTINGS = {"max_answer_tokens": 8, "llm_context": 1024, "context_sources": 1, "temperature": 0.0}


class Appliance:
    """`python -m appliance serve` on a loopback port with its own data dir; users are made before start."""

    def __init__(self, data_dir: Path, settings: dict | None = None, students: int = 40):
        self.data_dir = data_dir
        # Tokens last the whole run: ingesting the real corpus on a loaded machine outlasts the default 15 min.
        self.settings = {
            "ingest_sample": False,
            "log_level": "warning",
            "login_attempts_per_minute": 10000,
            "max_upload_mb": 200,
            "access_minutes": 1440,
            # The serving benchmarks (streaming against bare llama.cpp, cache, generation, classroom load) measure
            # the model streaming every token; grounded answers are measured by bench/answers.py in every mode.
            "answer_mode": "generative",
        } | (settings or {})
        self.students = students
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.start_seconds: float | None = None
        self.corpus: dict = {}
        self.tokens: dict[str, str] = {}

    def _make_users(self) -> None:
        from appliance.classroom.accounts import Accounts
        from appliance.classroom.courses import Courses
        from appliance.store.database import open_database

        database = open_database(self.data_dir)
        try:
            accounts, courses = Accounts(database), Courses(database)
            if not accounts_has(database, ADMIN):
                accounts.add(ADMIN, PASSWORD, "admin")
                for n in range(self.students):
                    user = accounts.add(f"student-{n:02d}", PASSWORD, "student")
                    courses.add_member(1, user)
        finally:
            database.close()

    def start(self, timeout: float = 300) -> Appliance:
        self._make_users()
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAGBOT_")}
        env |= {
            f"RAGBOT_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v) for k, v in self.settings.items()
        }
        env |= {"RAGBOT_DATA_DIR": str(self.data_dir), "RAGBOT_PORT": str(port), "RAGBOT_HOST": "127.0.0.1"}
        # Benchmarks upload whole corpora at once: the per-teacher queue cap is not what they measure.
        env.setdefault("RAGBOT_MAX_QUEUED_JOBS", "10000")
        started = time.perf_counter()
        # The child keeps its own copy of the descriptor; ours can close at once.
        with open(self.data_dir / "bench-server.log", "ab") as log_file:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "appliance", "serve"], cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        self.url = f"http://127.0.0.1:{port}"
        import httpx

        while True:
            if self.process.poll() is not None:
                tail = (self.data_dir / "bench-server.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the appliance exited:\n{tail}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError("the appliance did not become ready")
            try:
                if httpx.get(f"{self.url}/api/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.start_seconds = round(time.perf_counter() - started, 2)
        return self

    def headers(self, username: str = ADMIN) -> dict:
        if username not in self.tokens:
            import httpx

            response = httpx.post(
                f"{self.url}/api/v1/auth/login", json={"username": username, "password": PASSWORD}, timeout=30
            )
            response.raise_for_status()
            self.tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def memory(self) -> dict:
        return memory_mb(self.process.pid) if self.process else {}

    def upload(self, files: list[tuple[Path, str]], batch: int = 20, timeout: float = 3600) -> dict:
        """Upload files over HTTP as the admin and wait for every ingestion job; returns counts and seconds."""
        import httpx

        started = time.perf_counter()
        jobs = []
        with httpx.Client(base_url=self.url, headers=self.headers(), timeout=120) as client:
            for i in range(0, len(files), batch):
                parts = [("files", (source, path.read_bytes())) for path, source in files[i : i + batch]]
                response = client.post("/api/v1/documents/", files=parts, data={"course_id": "1"})
                jobs += [job["id"] for job in response.json().get("jobs", [])]
            done = failed = 0
            for job_id in jobs:
                while True:
                    job = client.get(f"/api/v1/jobs/{job_id}").json()
                    if job["status"] not in ("queued", "running"):
                        break
                    if time.perf_counter() - started > timeout:
                        raise TimeoutError("ingestion did not finish")
                    time.sleep(0.2)
                done += job["status"] == "done"
                failed += job["status"] != "done"
            chunks = sum(d.get("chunks", 0) for d in client.get("/api/v1/documents/").json()["documents"])
        return {
            "files": len(files),
            "done": done,
            "failed": failed,
            "chunks": chunks,
            "seconds": round(time.perf_counter() - started, 1),
        }

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def accounts_has(database, username: str) -> bool:
    return database.has_user(username)


@contextmanager
def appliance(quick: bool, settings: dict | None = None, shared=None, data: Path | None = None):
    """An appliance with the benchmark corpus ingested: the one given (`shared`), one serving a copy of the
    data dir `data` (a corpus ingested before, e.g. by `bench.generalize --index`), or a fresh one."""
    if shared is not None:
        yield shared
        return
    if data is not None:
        with tempfile.TemporaryDirectory(prefix="ragbot-bench-", ignore_cleanup_errors=True) as tmp:
            shutil.copytree(data, Path(tmp) / "data")
            app = Appliance(Path(tmp) / "data", settings)
            try:
                app.start()
                app.corpus = {"name": f"the data dir {data}", "documents": _documents(app)}
                yield app
            finally:
                app.stop()
        return
    with tempfile.TemporaryDirectory(prefix="ragbot-bench-", ignore_cleanup_errors=True) as tmp:
        files, described = corpus(quick, Path(tmp))
        app = Appliance(Path(tmp) / "data", (QUICK_SETTINGS if quick else {}) | (settings or {}))
        try:
            app.start()
            app.corpus = described | {"ingest": app.upload(files)}
            yield app
        finally:
            app.stop()


def _documents(app: Appliance) -> dict:
    """Files and chunks the appliance holds."""
    import httpx

    documents = httpx.get(f"{app.url}/api/v1/documents/", headers=app.headers(), timeout=60).json()["documents"]
    return {"files": len(documents), "chunks": sum(d.get("chunks", 0) for d in documents)}


def measure_on_appliance(
    measure, quick: bool, shared=None, data: Path | None = None, settings: dict | None = None
) -> tuple[dict, dict, dict]:
    """Run `measure(app, quick)` on a running appliance; returns its figures, settings and corpus."""
    with appliance(quick, settings, shared=shared, data=data) as app:
        return measure(app, quick), server_settings(app), app.corpus


def server_settings(app: Appliance) -> dict:
    """The settings in force on the server (its config file, then the overrides the benchmark set)."""
    from appliance.settings import load_settings

    overrides = {k: v for k, v in app.settings.items()}
    s = load_settings(None, environ={}, data_dir=str(app.data_dir), **overrides)
    picked = (
        "llm_model",
        "llm_threads",
        "llm_context",
        "max_answer_tokens",
        "temperature",
        "embed_model",
        "embed_threads",
        "chunk_tokens",
        "candidates",
        "heading_weight",
        "feedback_chunks",
        "feedback_terms",
        "feedback_when",
        "keyword_backend",
        "embed_query_int8",
        "context_sources",
        "max_queue",
        "max_questions_per_user",
    )
    return {name: getattr(s, name) for name in picked if hasattr(s, name)}


class Unanswered(RuntimeError):
    """A benchmark request not answered as the benchmark needs (not 200, an `error` event, no `done`, ...)."""


def chat(client, body: dict, **options) -> dict:
    """One streamed `POST /api/v1/chat`: HTTP status, each event as (name, seconds from sending, data), `done`."""
    started = time.perf_counter()
    out: dict = {"status": None, "events": [], "done": None, "error": None, "sent": started}
    with client.stream("POST", "/api/v1/chat", json=body | {"stream": True}, **options) as response:
        out["status"] = response.status_code
        if response.status_code != 200:
            out["error"] = response.read().decode(errors="replace")[:300]
            return out
        for event, data in sse_events(response):
            out["events"].append((event, time.perf_counter() - started, data))
            if event == "done":
                out["done"] = json.loads(data)
            elif event == "error":
                out["error"] = data
    out["seconds"] = time.perf_counter() - started
    return out


def answered(result: dict) -> bool:
    return result["status"] == 200 and result["done"] is not None and result["error"] is None


def require_answer(result: dict, what: str) -> dict:
    """The chat result if it is a whole answer, else Unanswered naming the status and the server's message."""
    if not answered(result):
        raise Unanswered(
            f"{what}: HTTP {result['status']}, "
            f"{'no `done` event' if result['done'] is None else 'an error event'}: {result['error']}"
        )
    return result


def sse_pairs(lines):
    """(event, data) for each Server-Sent Event in the lines of a body (the tests read streams with it too)."""
    name, data = None, []
    for line in lines:
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif not line and name:
            yield name, "\n".join(data)
            name, data = None, []


def sse_events(response):
    """(event, data) for each Server-Sent Event of a streamed response, as it arrives."""
    yield from sse_pairs(response.iter_lines())
