"""Courses, their members, and who may see or manage which course."""

import secrets

from appliance.errors import Forbidden, InvalidInput, NotFound
from appliance.store.database import Database, now


class Courses:
    """Course records and access rules; admins may do anything, teachers manage the courses they teach."""

    def __init__(self, database: Database):
        self.database = database
        self.db = database.db

    def create(self, name: str, teacher_id: int | None) -> dict:
        name = name.strip()
        if not 1 <= len(name) <= 120:
            raise InvalidInput("a course name is 1–120 characters")
        with self.database.lock, self.db.atomic():
            course_id = self.database.insert_row(
                "courses", {"name": name, "join_code": secrets.token_urlsafe(6), "version": 0, "created_at": now()}
            )
            if teacher_id is not None:
                self.db.table("memberships").insert({"course_id": course_id, "user_id": teacher_id, "role": "teacher"})
        return self.get(course_id)

    def get(self, course_id: int) -> dict:
        with self.database.lock:
            rows = list(self.db.table("courses").rows_where("id = ?", [course_id]))
        if not rows:
            raise NotFound(f"no course with id {course_id}")
        return rows[0]

    def by_code(self, join_code: str) -> dict:
        with self.database.lock:
            rows = list(self.db.table("courses").rows_where("join_code = ?", [join_code.strip()]))
        if not rows:
            raise InvalidInput("that join code does not match any course")
        return rows[0]

    def add_member(self, course_id: int, user: dict, role: str | None = None) -> None:
        """Add to a course: by default teachers as its teachers, students as students; never a demotion.

        A join code only ever makes a student member: students know the code, so it must not confer teaching.
        """
        role = role or ("teacher" if user["role"] in ("teacher", "admin") else "student")
        with self.database.lock, self.db.atomic():
            current = self.db.execute(
                "SELECT role FROM memberships WHERE course_id = ? AND user_id = ?", [course_id, user["id"]]
            ).fetchone()
            if current and current[0] == "teacher":
                return
            self.db.table("memberships").upsert(
                {"course_id": course_id, "user_id": user["id"], "role": role}, pk=("course_id", "user_id")
            )

    def members(self, course_id: int) -> list[dict]:
        sql = (
            "SELECT users.id, users.username, memberships.role FROM memberships "
            "JOIN users ON users.id = memberships.user_id WHERE course_id = ? ORDER BY username"
        )
        with self.database.lock:
            return list(self.db.query(sql, [course_id]))

    def listing(self, user: dict) -> list[dict]:
        """Courses the user may see, with their role in each; join codes only for those who teach it."""
        with self.database.lock:
            if user["role"] == "admin":
                rows = [dict(c, member_role="teacher") for c in self.db.table("courses").rows_where(order_by="id")]
            else:
                rows = list(
                    self.db.query(
                        "SELECT courses.*, memberships.role AS member_role FROM courses JOIN memberships "
                        "ON memberships.course_id = courses.id WHERE memberships.user_id = ? ORDER BY courses.id",
                        [user["id"]],
                    )
                )
        return [
            {"id": c["id"], "name": c["name"], "role": c["member_role"]}
            | ({"join_code": c["join_code"]} if c["member_role"] == "teacher" else {})
            for c in rows
        ]

    def visible_document(self, user: dict, document_id: str) -> dict:
        """The document, if the user belongs to its course; others get the same 404 as for a missing one."""
        document = self.database.document(document_id)
        if document["course_id"] not in self.visible(user):
            raise NotFound(f"no document with id '{document_id}'")
        return document

    def visible(self, user: dict) -> list[int]:
        return [c["id"] for c in self.listing(user)]

    def can_teach(self, user: dict, course_id: int) -> bool:
        return any(c["id"] == course_id and c["role"] == "teacher" for c in self.listing(user))

    def require_member(self, user: dict, course_id: int) -> None:
        self.get(course_id)
        if course_id not in self.visible(user):
            raise Forbidden("you are not a member of this course")

    def require_teacher(self, user: dict, course_id: int) -> None:
        self.get(course_id)
        if not self.can_teach(user, course_id):
            raise Forbidden("only the course's teachers can do that")

    def scope(self, user: dict, course_id: int | None) -> list[int]:
        """The courses a search may draw on: the one asked for (if a member), else every visible one."""
        if course_id is not None:
            self.require_member(user, course_id)
            return [course_id]
        return self.visible(user)
