"""Ingestion jobs: uploads are saved, queued and ingested off the event loop, reporting progress to SQLite."""

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from appliance.errors import RagbotError, TooManyRequests, disk_full
from appliance.ingest.pipeline import Ingestor, Outcome
from appliance.store.database import Database
from appliance.vocabulary import DEFAULT_COURSE

log = logging.getLogger(__name__)


class JobRunner:
    """Runs ingestion jobs on a small pool of worker threads."""

    def __init__(
        self,
        database: Database,
        ingestor: Ingestor,
        uploads: Path,
        workers: int,
        max_queued: int = 20,
        finished: Callable[[dict, Outcome], None] | None = None,
    ):
        self.database = database
        self.finished = finished  # told of each job that went in (the audit log's), with what it did
        self.max_queued = max_queued
        self.ingestor = ingestor
        self.uploads = uploads
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest")
        self.idle = threading.Condition()
        self.pending = 0
        uploads.mkdir(parents=True, exist_ok=True)

    def admit(self, user_id: int | None) -> None:
        """Refuse one more upload from a user who already has max_queued_jobs waiting or running."""
        if user_id is not None and self.database.open_jobs(user_id) >= self.max_queued:
            raise TooManyRequests(
                f"you already have {self.max_queued} files waiting to be ingested; upload more when they are done",
                retry_after=30,
            )

    def submit(
        self,
        filename: str,
        data: bytes,
        checked: tuple[str, int] | None = None,
        course_id: int = DEFAULT_COURSE,
        user_id: int | None = None,
    ) -> dict:
        """Save an upload and queue it for a course (`checked`: its kind and pages, as read before); returns the new
        job."""
        kind, pages = checked or (None, 0)
        job = self.database.create_job(
            uuid.uuid4().hex, filename, kind=kind, pages_total=pages, course_id=course_id, user_id=user_id
        )
        path = self.uploads / job["id"]
        try:
            path.write_bytes(data)
        except OSError as error:
            path.unlink(missing_ok=True)
            refused = disk_full(error) or RagbotError(f"cannot save the upload: {error.strerror}")
            self.database.update_job(job["id"], status="failed", error=refused.message)
            raise refused from error
        with self.idle:
            self.pending += 1
        self.pool.submit(self._run, job["id"], filename, path, course_id)
        return job

    def reject(self, filename: str, error: str, course_id: int = DEFAULT_COURSE, user_id: int | None = None) -> dict:
        """Record a file refused before queueing as a failed job, so a batch reports every file."""
        return self.database.create_job(
            uuid.uuid4().hex, filename, status="failed", error=error, course_id=course_id, user_id=user_id
        )

    def _run(self, job_id: str, filename: str, path: Path, course_id: int) -> None:
        self.database.update_job(job_id, status="running")
        try:
            outcome = self.ingestor.ingest(
                path.read_bytes(), filename, lambda **p: self.database.update_job(job_id, **p), course_id
            )
            self.database.update_job(job_id, status="done", document_id=outcome.document["id"], outcome=outcome.outcome)
        except RagbotError as error:
            self.database.update_job(job_id, status="failed", error=error.message)
        except Exception as error:
            if full := disk_full(error):
                log.error("ingestion job %s failed: %s", job_id, error)
                self.database.update_job(job_id, status="failed", error=full.message)
            else:
                log.exception("ingestion job %s failed", job_id)
                self.database.update_job(job_id, status="failed", error="internal error while ingesting; see the logs")
        else:  # outside the try: the document is stored, whatever becomes of its audit entry
            self._finished(job_id, outcome)
        finally:
            path.unlink(missing_ok=True)
            with self.idle:
                self.pending -= 1
                self.idle.notify_all()

    def _finished(self, job_id: str, outcome: Outcome) -> None:
        """Tell `finished` of a job that went in."""
        if self.finished is None:
            return
        try:
            self.finished(self.database.job(job_id), outcome)
        except Exception:  # a worker thread's error is seen by no one unless logged
            log.exception("could not report ingestion job %s", job_id)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no job is pending (tests and shutdown)."""
        with self.idle:
            return self.idle.wait_for(lambda: self.pending == 0, timeout)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
