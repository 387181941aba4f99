"""Run a parser in a child process under CPU-time, memory and wall-clock limits, so no file can stall the service."""

import functools
import importlib
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from appliance.errors import InvalidInput, RagbotError

# The forkserver imports the parsers once; each file is then read in a cheap fork of it that shares
# nothing with the service (no threads, no open database), and whose death costs only that file. The
# service itself never imports them: it names the function to run, and only children load it.
PRELOAD = ["appliance.ingest.parse"]


@dataclass(frozen=True)
class Limits:
    """What one child may spend: wall seconds, address space in bytes, and CPU seconds (default: the wall's)."""

    seconds: float
    memory_bytes: int
    cpu_seconds: int = 0


@functools.cache
def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class Channel:
    """The child's side: progress reports, each optionally granting a time budget until the next one.

    A budget (the OCR of one page) is time on top of the file's own: the parent moves the file's deadline
    by it, and the child raises its CPU limit by as much on every core, since the recogniser uses them all.
    """

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, budget: float | None = None, step: str = "", **fields) -> None:
        if budget:
            soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            resource.setrlimit(resource.RLIMIT_CPU, (soft + int(budget * (os.cpu_count() or 1)), hard))
        self.connection.send(("progress", fields, budget, step))


def _child(connection, limits: Limits, target: str, args: tuple) -> None:
    cpu = limits.cpu_seconds or max(1, int(limits.seconds))
    # Only the soft limit binds: the hard one stays open so that granted budgets can raise it (see Channel).
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    module, _, name = target.partition(":")
    try:
        function = getattr(importlib.import_module(module), name)
        connection.send(("done", function(*args, progress=Channel(connection))))
    except RagbotError as error:
        connection.send(("error", error))
    except MemoryError:
        connection.send(("error", InvalidInput(f"reading the file needs more than {limits.memory_bytes >> 20} MB")))
    except RecursionError:
        connection.send(("error", InvalidInput("the file is nested too deeply to read")))
    except Exception as error:  # a parser's own bug on a hostile file: the file is refused, not the service
        reason = f"{type(error).__name__}: {str(error)[:200]}"
        connection.send(("error", InvalidInput(f"the file could not be read ({reason})")))


def run(target: str, args: tuple, limits: Limits, progress: Callable[..., None] | None = None):
    """`module:function` called as function(*args, progress=...) in a child process; a RagbotError on failure."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, limits, target, args), daemon=True)
    child.start()
    send.close()
    try:
        return _collect(receive, child, limits, progress or (lambda **_: None))
    finally:
        child.kill()
        child.join()
        receive.close()


def _collect(receive, child, limits: Limits, progress: Callable[..., None]):
    """Relay the child's progress until its result, enforcing the whole-file and per-step deadlines."""
    deadline = time.monotonic() + limits.seconds
    step, step_deadline = "", None
    while True:
        due = min(deadline, step_deadline or deadline)
        if not receive.poll(max(0.0, due - time.monotonic())):
            if step_deadline and due == step_deadline:
                raise InvalidInput(f"{step} took too long; the job was stopped")
            raise InvalidInput(f"reading the file took longer than {limits.seconds:g} seconds (parse_seconds); stopped")
        try:
            message = receive.recv()
        except EOFError:
            raise InvalidInput(_death(child, limits)) from None
        if message[0] == "done":
            return message[1]
        if message[0] == "error":
            raise message[1]
        _, fields, budget, step = message
        step_deadline = time.monotonic() + budget if budget else None
        deadline += budget or 0
        if fields:
            progress(**fields)


def _death(child, limits: Limits) -> str:
    """Why a child ended without an answer, in words a teacher can act on."""
    child.join(5)
    if child.exitcode == -signal.SIGXCPU:
        cpu = limits.cpu_seconds or int(limits.seconds)
        return f"reading the file used more than {cpu} CPU seconds; the job was stopped"
    return f"the file could not be read: the reader stopped (exit {child.exitcode}), most likely out of memory"
