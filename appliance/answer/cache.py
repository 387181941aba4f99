"""Answers to repeated questions, kept per course state so new material is never answered from stale text."""

import hashlib
import json
import re
import time

from appliance.store.database import Database

# Parts of the `done` event that belong to one particular asking, not to the answer.
PER_ASKING = ("conversation_id", "interaction_id", "timings", "cached")


def normalise(question: str) -> str:
    """Case, spacing and end punctuation do not make a different question."""
    return re.sub(r"\s+", " ", question).strip().lower().rstrip("?!. ")


class AnswerCache:
    """Cached `done` payloads keyed by question, level, selection and the versions of the courses drawn on."""

    def __init__(self, database: Database, ttl: int):
        self.database = database
        self.ttl = ttl

    def key(self, question: str, courses: list[int], level: str, selected: str | None) -> str:
        with self.database.lock:
            versions = [
                row[0]
                for row in self.database.db.execute(
                    f"SELECT version FROM courses WHERE id IN ({','.join('?' * len(courses))}) ORDER BY id", courses
                )
            ]
        parts = [normalise(question), sorted(courses), versions, level, (selected or "").strip()]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def get(self, key: str) -> dict | None:
        if not self.ttl:
            return None
        with self.database.lock:
            row = next(self.database.db.table("answer_cache").rows_where("key = ?", [key]), None)
        if row is None or row["created_at"] < time.time() - self.ttl:
            return None
        return json.loads(row["body"])

    def put(self, key: str, courses: list[int], done: dict) -> None:
        """Keep a covered answer (an uncovered one may be covered by tomorrow's upload; it is cheap anyway)."""
        if not self.ttl or not done.get("covered") or not courses:
            return
        body = {k: v for k, v in done.items() if k not in PER_ASKING}
        with self.database.lock, self.database.db.atomic():
            self.database.db.table("answer_cache").upsert(
                {"key": key, "course_id": min(courses), "body": json.dumps(body), "created_at": time.time()}, pk="key"
            )

    def replay(self, cached: dict, started: float):
        """The cached answer as the same events a generation sends, marked as cached."""
        yield "sources", cached["sources"]
        yield "token", cached["answer"]
        yield (
            "done",
            cached | {"cached": True, "timings": {"cache_ms": round((time.perf_counter() - started) * 1000, 1)}},
        )

    def storing(self, events, key: str, courses: list[int]):
        """Pass a generation's events through, caching its finished answer."""
        for event, data in events:
            if event == "done":
                self.put(key, courses, data)
                data = data | {"cached": False}
            yield event, data
