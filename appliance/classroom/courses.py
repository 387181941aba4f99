"""Courses, their members, and who may see or manage which course."""

import logging

from appliance.errors import Conflict, Forbidden, InvalidInput, NotFound
from appliance.join_codes import new_code, read_code
from appliance.store.database import Database, now
from appliance.store.protocols import VectorStore
from appliance.vocabulary import DEFAULT_COURSE

log = logging.getLogger(__name__)


class Courses:
    """Course records and access rules; admins may do anything, teachers manage the courses they teach."""

    def __init__(self, database: Database):
        self.database = database

    def create(self, name: str, teacher_id: int | None) -> dict:
        name = self._new_name(name, teacher_id)
        row = {"name": name, "join_code": new_code(), "version": 0, "created_at": now()}
        return self.get(self.database.add_course(row, teacher_id))

    def change(
        self, course_id: int, teacher_id: int | None, name: str | None, archived: bool | None
    ) -> tuple[dict, dict]:
        """Rename and (un)archive in one write, as `teacher_id` (None: an admin); the course as it was and the
        columns that changed (none when it already was so)."""
        course = self.get(course_id)
        fields: dict = {}
        if name is not None and name.strip() != course["name"]:
            fields["name"] = self._new_name(name, teacher_id, course_id)
        if archived is not None and archived != bool(course["archived_at"]):
            fields["archived_at"] = now() if archived else None
        if fields:
            self.database.update_course(course_id, fields)
        return course, fields

    def _new_name(self, name: str, teacher_id: int | None, course_id: int | None = None) -> str:
        """A valid name for a course (`course_id`: the one being renamed), unlike the others its teacher teaches."""
        name = name.strip()
        if not 1 <= len(name) <= 120:
            raise InvalidInput("a course name is 1–120 characters")
        taught = self.database.courses_of(teacher_id)  # every course for None: an admin at the box (`ragbot courses`)
        others = (c for c in taught if c["member_role"] == "teacher" and c["id"] != course_id)
        if same := next((c for c in others if _same_name(c["name"], name)), None):
            # Two courses of one name are two identical entries in the course picker, material split between them.
            whose = "you already teach" if teacher_id is not None else "there is already a course"
            raise Conflict(f"{whose} '{same['name']}': give this course another name (a year, a group) or use that one")
        return name

    def delete(self, course_id: int, name: str | None, vectors: VectorStore) -> dict[str, int]:
        """Delete a course for good with all it holds, `name` naming it (that the right one goes); what went, counted.
        SQLite first, in one transaction, then the vectors: a crash between leaves only vectors of no chunk, which
        the repair at the next start drops (services.build, `ragbot doctor --repair`); searches never see them."""
        course = self.get(course_id)
        where = f"course {course_id} ({course['name']})"
        if course_id == DEFAULT_COURSE:
            raise Conflict(
                f"{where} is the default course, which new accounts and `ragbot ingest` use: it cannot be deleted; "
                "delete its documents, or archive it"
            )
        if name is None or not _same_name(name, course["name"]):
            raise InvalidInput(f"to delete {where} for good, confirm with its name: {course['name']}")
        deleted = self.database.delete_course(course_id)
        if deleted is None:
            raise Conflict(f"files are still being ingested into {where}: delete it once they are done", retry_after=30)
        gone, chunk_ids = deleted
        try:
            vectors.delete(chunk_ids)
        except Exception:  # the course is gone from SQLite, the truth: what is left is strays, dropped at next start
            log.exception("%s was deleted; its %d vectors stay until the next start's repair", where, len(chunk_ids))
        return gone

    def named(self, name: str) -> dict:
        """The one course of this name (case and spacing aside), for an admin at the box."""
        found = [c for c in self.database.courses_of(None) if _same_name(c["name"], name)]
        if not found:
            raise NotFound(f"no course named '{name.strip()}': `ragbot courses list` names each")
        if len(found) > 1:
            ids = ", ".join(str(c["id"]) for c in found)
            raise Conflict(
                f"courses {ids} are all named '{found[0]['name']}': rename all but one first "
                "(`ragbot courses rename ID NAME`)"
            )
        return found[0]

    def get(self, course_id: int) -> dict:
        course = self.database.course(course_id=course_id)
        if course is None:
            raise NotFound(f"no course with id {course_id}")
        return course

    def by_code(self, join_code: str) -> dict:
        """The course of a typed join code: exactly as stored first, as the case-sensitive codes of older courses
        must be; then read as a new code, forgiving case, spacing and lookalikes. An older code is never read so
        (it is eight characters, a read code eleven), so one typed code finds at most one course."""
        typed = join_code.strip()
        course = self.database.course(join_code=typed)
        if course is None and (code := read_code(typed)) is not None:
            course = self.database.course(join_code=code)
        if course is None:
            raise InvalidInput("that join code does not match any course")
        return course

    def add_member(self, course_id: int, user: dict, role: str | None = None) -> bool:
        """Add to a course: by default teachers as its teachers, students as students; never a demotion.
        Whether the membership changed (False: already a member so).

        A join code only ever makes a student member: students know the code, so it must not confer teaching.
        """
        role = role or ("teacher" if user["role"] in ("teacher", "admin") else "student")
        return self.database.add_member(course_id, user["id"], role)

    def remove_member(self, course_id: int, user: dict, last_teacher: bool = False) -> str:
        """End the user's membership; the role it had. The course's last teacher stays unless `last_teacher`
        (an admin's decision): a course without one has nobody but the admins to manage it."""
        course = self.get(course_id)
        role = self.database.remove_member(course_id, user["id"], keep_a_teacher=not last_teacher)
        if role is None:
            raise NotFound(f"{user['username']} is not a member of course {course_id} ({course['name']})")
        if role == "last_teacher":
            raise Conflict(
                f"{user['username']} is the last teacher of course {course_id} ({course['name']}): add another "
                "teacher first, or have an admin remove them anyway (last_teacher=true, `--last-teacher`)"
            )
        return role

    def members(self, course_id: int) -> list[dict]:
        return self.database.members(course_id)

    def listing(self, user: dict) -> list[dict]:
        """Courses the user may see, with their role in each; join codes only for those who teach it."""
        rows = self.database.courses_of(None if user["role"] == "admin" else user["id"])
        return [_listed(c, _member_role(user, c["member_role"])) for c in rows]

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

    def require_open(self, course_id: int, what: str = "new questions or uploads") -> None:
        """Refuse what an archived course takes no more of; its material and conversations stay readable."""
        course = self.get(course_id)
        if course["archived_at"]:
            raise Conflict(
                f"course {course_id} ({course['name']}) is archived: it takes no {what}; "
                "a teacher of it or an admin can unarchive it"
            )

    def system_scope(self, course_id: int | None) -> list[int] | None:
        """The courses the system (the CLI) draws on: the one asked for, which must exist, else every one (None)."""
        return None if course_id is None else [self.get(course_id)["id"]]

    def scope(self, user: dict, course_id: int | None) -> list[int]:
        """The courses a search may draw on: the one asked for (if a member), else every visible one."""
        if course_id is not None:
            self.require_member(user, course_id)
            return [course_id]
        return self.visible(user)

    def asking_scope(self, user: dict, course_id: int | None) -> list[int]:
        """The courses a question may draw on: as `scope`, but no archived course (one asked in is refused)."""
        if course_id is not None:
            self.require_member(user, course_id)
            self.require_open(course_id)
            return [course_id]
        return [c["id"] for c in self.listing(user) if not c["archived"]]


def _listed(course: dict, role: str) -> dict:
    """A course as its member sees it: the join code only for a teacher."""
    shown = {"id": course["id"], "name": course["name"], "role": role, "archived": bool(course["archived_at"])}
    shown["default"] = course["id"] == DEFAULT_COURSE
    return shown | ({"join_code": course["join_code"]} if role == "teacher" else {})


def _member_role(user: dict, member_role: str) -> str:
    """A student account is a student in every course: a teacher made a student (`ragbot users role NAME student`)
    was still listed as each course's teacher, with its join code."""
    return "student" if user["role"] == "student" else member_role


def _same_name(one: str, other: str) -> bool:
    """Whether two course names read the same: case and spacing aside."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()
