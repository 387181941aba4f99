"""Documents and ingestion jobs: upload, follow, list, read, delete."""

import asyncio
from typing import Annotated

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, PathParameter, QueryParameter
from litestar.response import Response

from appliance.errors import MB, InvalidInput, NotFound, RagbotError, upload_too_large
from appliance.ingest.document import accepted_formats
from appliance.ingest.pipeline import clean_source
from appliance.services import Services
from appliance.vocabulary import DEFAULT_COURSE
from appliance.web.access import STAFF, USERS, allow
from appliance.web.rich import page_nodes
from appliance.web.schemas import (
    MAX_ROW,
    Document,
    DocumentList,
    Job,
    JobList,
    Page,
    UploadRefused,
    document_view,
    job_view,
)


async def _uploads(request: Request, limit_mb: int) -> tuple[int, list[tuple[str, bytes]]]:
    """The course and the `files` parts of a multipart upload as (filename, bytes), together at most limit_mb."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("upload files as multipart/form-data in the field 'files'")
    form = await request.form()
    parts = form.getall("files") if "files" in form else []
    files = [(part.filename or "", await part.read()) for part in parts if hasattr(part, "read")]
    if not files:
        raise InvalidInput("no files in the upload; send them in the multipart field 'files'")
    if (size := sum(len(data) for _, data in files)) > limit_mb * MB:
        raise upload_too_large(size, limit_mb)
    return _course_field(form), files


def _course_field(form) -> int:
    """The multipart `course_id` field; the default course when absent."""
    value = form.get("course_id", DEFAULT_COURSE)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("course_id must be a course number") from None


def _accept(services: Services, owner: dict, filename: str, data: bytes) -> tuple[dict, RagbotError | None]:
    """Queue one uploaded file, or record why it was refused."""
    try:
        source = clean_source(filename)
        services.jobs.admit(owner["user_id"])
        return services.jobs.submit(source, data, services.ingestor.check(data, source), **owner), None
    except RagbotError as error:
        return services.jobs.reject(filename or "(unnamed)", error.message, **owner), error


# A malformed upload is refused before any file is read, so its error has no jobs.
REFUSED = ResponseSpec(
    UploadRefused, description="Nothing was accepted: the first reason, and each file's job", generate_examples=False
)


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ("documents",)

    @post(
        "/",
        opt=allow(STAFF),
        status_code=202,
        summary="Upload files to a course; each becomes an ingestion job",
        responses={status: REFUSED for status in (400, 413, 415, 429)},
    )
    async def upload(self, request: Request, services: NamedDependency[Services]) -> Response[JobList]:
        """Files over max_upload_mb together are refused with 413 (while still streaming in, when well over)."""
        course_id, files = await _uploads(request, services.settings.max_upload_mb)
        services.courses.require_teacher(request.user, course_id)
        services.courses.require_open(course_id)
        owner = {"course_id": course_id, "user_id": request.user["id"]}
        results = [await asyncio.to_thread(_accept, services, owner, name, data) for name, data in files]
        # Each accepted file is audited when its job has ingested it (ingest/jobs.py), with what it changed.
        jobs = [job_view(job) for job, _ in results]
        errors = [error for _, error in results if error]
        if len(errors) == len(results):
            # Nothing was accepted: the request fails as a whole, each file's reason in its job.
            refused = UploadRefused(errors[0].message, errors[0].status, jobs=jobs)
            return Response(refused, status_code=errors[0].status)  # type: ignore[arg-type]
        return Response(JobList(jobs), status_code=202)

    @get("/", opt=allow(USERS), sync_to_thread=True, summary="Documents of your courses, and what may be uploaded")
    def list_documents(
        self,
        request: Request,
        services: NamedDependency[Services],
        course_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ROW)] = None,
    ) -> DocumentList:
        courses = services.courses.scope(request.user, course_id)
        documents = [document_view(row) for row in services.database.documents(courses)]
        return DocumentList(documents, accepted_formats(services.ingestor.caps))

    @get("/{document_id:str}", opt=allow(USERS), sync_to_thread=True, summary="One document")
    def get_document(
        self, request: Request, services: NamedDependency[Services], document_id: FromPath[str]
    ) -> Document:
        return document_view(services.courses.visible_document(request.user, document_id))

    @get(
        "/{document_id:str}/pages/{number:int}",
        opt=allow(USERS),
        sync_to_thread=True,
        summary="A page's text, for the reader",
    )
    def get_page(
        self,
        request: Request,
        services: NamedDependency[Services],
        document_id: FromPath[str],
        number: Annotated[int, PathParameter(ge=1, le=MAX_ROW)],
    ) -> Page:
        document = services.courses.visible_document(request.user, document_id)
        page = services.database.page(document_id, number)
        return msgspec.convert(page | {"nodes": page_nodes(document["kind"], page["text"])}, Page, strict=False)

    @delete("/{document_id:str}", opt=allow(STAFF), sync_to_thread=True, summary="Delete a document everywhere")
    def delete_document(
        self, request: Request, services: NamedDependency[Services], document_id: FromPath[str]
    ) -> None:
        document = services.courses.visible_document(request.user, document_id)
        services.courses.require_teacher(request.user, document["course_id"])
        services.ingestor.delete(document_id)
        services.audit.record(
            request.user, "document.delete", document["filename"], course=document["course_id"], document=document_id
        )


@get(
    "/api/v1/jobs/{job_id:str}",
    opt=allow(STAFF),
    sync_to_thread=True,
    tags=["documents"],
    summary="An ingestion job's progress",
)
def get_job(request: Request, services: NamedDependency[Services], job_id: FromPath[str]) -> Job:
    job = services.database.job(job_id)
    if not services.courses.can_teach(request.user, job["course_id"]):
        raise NotFound(f"no job with id '{job_id}'")
    return job_view(job)
