"""The audit log: who created, changed or removed accounts, courses, memberships, documents or data, and when."""

import getpass
import json
import os
from datetime import UTC, datetime

from appliance.ingest.pipeline import Outcome
from appliance.store.database import Database


def course_target(course: dict) -> str:
    """How an entry names a course: its number and its name, as the admin screen shows only the target."""
    return f"course {course['id']} ({course['name']})"


def course_changes(course: dict, fields: dict) -> list[tuple[str, dict]]:
    """The entries (action, detail) a course's change makes: a rename, an archiving or an unarchiving."""
    entries = [("course.rename", {"was": course["name"], "name": fields["name"]})] if "name" in fields else []
    if "archived_at" in fields:
        entries.append(("course.archive" if fields["archived_at"] else "course.unarchive", {}))
    return entries


def cli_actor() -> str:
    """The machine's user, and who ran sudo: the machine install's `ragbot` runs every command as ragbot, so each
    entry said "cli:ragbot" whichever admin typed `sudo ragbot users disable ...`."""
    user, sudo = getpass.getuser(), os.environ.get("SUDO_USER", "")
    return f"cli:{user} (sudo {sudo})" if sudo and sudo != user else f"cli:{user}"


class AuditLog:
    """Append-only rows in the `audit` table; admins read them (GET /api/v1/audit, `ragbot audit`)."""

    def __init__(self, database: Database):
        self.database = database

    def record(self, actor: dict | None, action: str, target: str, **detail) -> None:
        """One entry, e.g. ("course.create", "course 3"); `actor` is None for someone signing themselves up."""
        row = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "actor_id": actor["id"] if actor else None,
            "actor": actor["username"] if actor else "",
            "action": action,
            "target": target,
            "detail": json.dumps(detail, ensure_ascii=False, default=str),
        }
        self.database.add_audit(row)

    def uploaded(self, job: dict, outcome: Outcome) -> None:
        """An upload's entry, once its job has changed the library: a copy of a document already there changed
        nothing, and a file that failed to go in is no upload."""
        if outcome.outcome == "unchanged":
            return
        user = self.database.user(job["user_id"]) if job["user_id"] is not None else None
        detail = {"course": job["course_id"], "job": job["id"], "document": outcome.document["id"]}
        self.record(user, "document.upload", job["filename"], **detail, outcome=outcome.outcome)

    def by_cli(self, action: str, target: str, **detail) -> None:
        """An entry for a `ragbot` command, which acts as the machine's user running it, not as an account."""
        self.record({"id": None, "username": cli_actor()}, action, target, **detail)

    def entries(self, limit: int = 100, before: int | None = None) -> list[dict]:
        """The newest entries first, `limit` at a time; `before` pages back from an entry id."""
        rows = self.database.audit_entries(limit, before)
        return [row | {"detail": json.loads(row["detail"] or "{}")} for row in rows]
