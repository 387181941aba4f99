"""Conversations: each answer is recorded with its timings, follow-ups are made standalone for retrieval."""

import json
import re
import uuid
from collections.abc import Iterator

from appliance.errors import InvalidInput, NotFound
from appliance.store.database import Database, now

# Words that point back at an earlier question: "and how much does it cost?"
FOLLOW_UP = re.compile(
    r"^(and|also|what about|how about|so)\b|\b(it|its|it's|that|this|they|them|their|those|these|he|she)\b", re.I
)
HISTORY_TURNS = 3


def standalone(question: str, earlier: list[str]) -> str:
    """The question to search with: a follow-up carries the previous question's words along."""
    if earlier and (FOLLOW_UP.search(question) or len(question.split()) < 4):
        return f"{earlier[-1]} {question}"
    return question


class Conversations:
    """A user's conversations and the interactions (question, answer, sources, timings) in them."""

    def __init__(self, database: Database):
        self.database = database
        self.db = database.db

    def open(self, user: dict, course_id: int | None, conversation_id: str | None, question: str) -> dict:
        """The user's conversation by id, or a new one titled after its first question."""
        if conversation_id:
            return self.owned(user, conversation_id)
        row = {
            "id": uuid.uuid4().hex,
            "user_id": user["id"],
            "course_id": course_id,
            "title": question.strip()[:80],
            "created_at": now(),
            "updated_at": now(),
        }
        with self.database.lock, self.db.atomic():
            self.db.table("conversations").insert(row)
        return row

    def owned(self, user: dict, conversation_id: str) -> dict:
        """A conversation of this user; anyone else's looks exactly like a missing one."""
        with self.database.lock:
            row = next(
                self.db.table("conversations").rows_where("id = ? AND user_id = ?", [conversation_id, user["id"]]), None
            )
        if row is None:
            raise NotFound(f"no conversation with id '{conversation_id}'")
        return row

    def listing(self, user: dict) -> list[dict]:
        with self.database.lock:
            return list(
                self.db.table("conversations").rows_where("user_id = ?", [user["id"]], order_by="updated_at desc")
            )

    def questions(self, conversation_id: str) -> list[str]:
        with self.database.lock:
            rows = self.db.table("interactions").rows_where(
                "conversation_id = ?", [conversation_id], order_by="created_at"
            )
            return [row["search_query"] for row in rows][-HISTORY_TURNS:]

    def messages(self, user: dict, conversation_id: str) -> dict:
        conversation = self.owned(user, conversation_id)
        with self.database.lock:
            rows = list(
                self.db.table("interactions").rows_where(
                    "conversation_id = ?", [conversation_id], order_by="created_at"
                )
            )
        messages = []
        for row in rows:
            messages.append({"role": "user", "content": row["question"]})
            messages.append(
                {
                    "role": "assistant",
                    "content": row["answer"],
                    "sources": json.loads(row["sources"]),
                    "interaction_id": row["id"],
                    "feedback": row["feedback"],
                }
            )
        return conversation | {"messages": messages}

    def rename(self, user: dict, conversation_id: str, title: str) -> dict:
        self.owned(user, conversation_id)
        if not title.strip():
            raise InvalidInput("a title cannot be empty")
        with self.database.lock, self.db.atomic():
            self.db.table("conversations").update(conversation_id, {"title": title.strip()[:120], "updated_at": now()})
        return self.owned(user, conversation_id)

    def delete(self, user: dict, conversation_id: str) -> None:
        """Remove it from the user's list; its questions stay in the course's analytics, detached from it."""
        self.owned(user, conversation_id)
        with self.database.lock, self.db.atomic():
            self.db.execute(
                "UPDATE interactions SET conversation_id = NULL WHERE conversation_id = ?", [conversation_id]
            )
            self.db.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])

    def record(self, conversation: dict, user: dict, question: str, search_query: str, level: str, done: dict) -> str:
        timings = done.get("timings", {})
        row = {
            "id": uuid.uuid4().hex,
            "conversation_id": conversation["id"],
            "user_id": user["id"],
            "course_id": conversation["course_id"],
            "question": question,
            "search_query": search_query,
            "answer": done["answer"],
            "sources": json.dumps(done["sources"]),
            "covered": int(done["covered"]),
            "cached": int(done.get("cached", False)),
            "level": level,
            "retrieval_ms": timings.get("retrieval_ms"),
            "generation_ms": timings.get("generation_ms"),
            "tokens": timings.get("tokens"),
            "feedback": None,
            "created_at": now(),
        }
        with self.database.lock, self.db.atomic():
            self.db.table("interactions").insert(row)
            self.db.table("conversations").update(conversation["id"], {"updated_at": now()})
        return row["id"]

    def feedback(self, user: dict, interaction_id: str, rating: int) -> None:
        with self.database.lock, self.db.atomic():
            found = self.db.execute(
                "UPDATE interactions SET feedback = ? WHERE id = ? AND user_id = ?",
                [rating, interaction_id, user["id"]],
            ).rowcount
        if not found:
            raise NotFound(f"no answer with id '{interaction_id}'")

    def converse(
        self, events: Iterator, conversation: dict, user: dict, question: str, search_query: str, level: str
    ) -> Iterator:
        """Name the conversation first (so an answer stopped early still has one), then pass the answer through."""
        # The finished answer is recorded and named in `done`.
        yield "conversation", {"conversation_id": conversation["id"], "title": conversation["title"]}
        for event, data in events:
            if event == "done":
                data = data | {
                    "conversation_id": conversation["id"],
                    "interaction_id": self.record(conversation, user, question, search_query, level, data),
                }
            yield event, data
