"""Documents and ingestion jobs: upload, follow, list, read, delete."""

import asyncio

from litestar import Controller, Request, delete, get, post
from litestar.response import Response

from appliance.errors import InvalidInput, RagbotError
from appliance.ingest import clean_source
from appliance.parse import precheck
from appliance.schemas import document_view, job_view
from appliance.services import Services


async def _uploads(request: Request) -> list[tuple[str, bytes]]:
    """The `files` parts of a multipart upload as (filename, bytes)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("upload files as multipart/form-data in the field 'files'")
    form = await request.form()
    parts = form.getall("files") if "files" in form else []
    files = [(part.filename or "", await part.read()) for part in parts if hasattr(part, "read")]
    if not files:
        raise InvalidInput("no files in the upload; send them in the multipart field 'files'")
    return files


def _accept(services: Services, filename: str, data: bytes) -> tuple[dict, RagbotError | None]:
    """Queue one uploaded file, or record why it was refused."""
    try:
        source = clean_source(filename)
        return services.jobs.submit(source, data, pages=precheck(data, source)), None
    except RagbotError as error:
        return services.jobs.reject(filename or "(unnamed)", error.message), error


class DocumentController(Controller):
    path = "/api/v1/documents"
    tags = ["documents"]

    @post("/", status_code=202, summary="Upload files; each becomes an ingestion job")
    async def upload(self, request: Request, services: Services) -> Response:
        """Files over the body limit (max_upload_mb) are refused with 413 while still streaming in."""
        results = [await asyncio.to_thread(_accept, services, name, data) for name, data in await _uploads(request)]
        body = {"jobs": [job_view(job) for job, _ in results]}
        errors = [error for _, error in results if error]
        if len(errors) == len(results):
            # Nothing was accepted: the request fails as a whole, each file's reason in its job.
            return Response({"error": errors[0].message, "status": errors[0].status, **body},
                            status_code=errors[0].status)
        return Response(body, status_code=202)

    @get("/", sync_to_thread=True, summary="List documents")
    def list_documents(self, services: Services) -> dict:
        return {"documents": [document_view(row) for row in services.database.documents()]}

    @get("/{document_id:str}", sync_to_thread=True, summary="One document")
    def get_document(self, services: Services, document_id: str) -> dict:
        return document_view(services.database.document(document_id))

    @get("/{document_id:str}/pages/{number:int}", sync_to_thread=True, summary="A page's text, for the reader")
    def get_page(self, services: Services, document_id: str, number: int) -> dict:
        services.database.document(document_id)
        return services.database.page(document_id, number)

    @delete("/{document_id:str}", sync_to_thread=True, summary="Delete a document everywhere")
    def delete_document(self, services: Services, document_id: str) -> None:
        services.ingestor.delete(document_id)


@get("/api/v1/jobs/{job_id:str}", sync_to_thread=True, tags=["documents"], summary="An ingestion job's progress")
def get_job(services: Services, job_id: str) -> dict:
    return job_view(services.database.job(job_id))
