"""Parsers gone wrong, run in a child process by test_formats (a light module: the child imports it)."""

import os
import signal
import time


def hang(progress) -> None:
    time.sleep(60)


def hog(progress) -> bytes:
    return b"x" * (4 << 30)


def crash(progress) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def spin(progress) -> None:
    while True:
        pass


def slow_step(progress) -> None:
    progress(budget=0.5, step="OCR of page 7")
    time.sleep(60)


def double(value: int, progress) -> int:
    progress(pages_done=1)
    return value * 2


def two_slow_pages(progress) -> str:
    for page in (1, 2):
        progress(budget=2, step=f"OCR of page {page}")
        time.sleep(1.5)
    return "read"
