"""Request bodies and response shapes of every route but chat's, defined once."""

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from appliance.answer.chat import MAX_QUESTION
from appliance.search.shapes import PassageView
from appliance.vocabulary import JobStatus, Level, Role, SearchMode, SignUpMode

# Ids and page numbers are SQLite integers; a larger number would crash the query instead of finding nothing.
MAX_ROW = 2**63 - 1


class SearchRequest(msgspec.Struct, forbid_unknown_fields=True):
    """POST /api/v1/search."""

    query: Annotated[str, Meta(min_length=1, max_length=2000, description="What to look for.")]
    # The widest any box may allow; this box's own bound is its max_k setting, which the OpenAPI document gives.
    k: Annotated[int, Meta(ge=1, le=200, description="How many passages to return; default: search_k.")] | None = None
    mode: SearchMode = "hybrid"
    course_id: (
        Annotated[int, Meta(ge=1, le=MAX_ROW, description="Search one course; default: all of yours.")] | None
    ) = None


class ChatRequest(msgspec.Struct, forbid_unknown_fields=True):
    """POST /api/v1/chat."""

    message: Annotated[str, Meta(min_length=1, max_length=MAX_QUESTION, description="The question.")]
    selected_text: Annotated[str, Meta(max_length=8000, description="A passage to ask about.")] | None = None
    selected_document_id: Annotated[str, Meta(max_length=64, description="Document the selection is from.")] | None = (
        None
    )
    selected_page: Annotated[int, Meta(ge=1, le=MAX_ROW, description="Page the selection is from.")] | None = None
    stream: Annotated[bool, Meta(description="Answer as Server-Sent Events.")] = False
    course_id: Annotated[int, Meta(ge=1, le=MAX_ROW, description="Ask one course; default: all of yours.")] | None = (
        None
    )
    conversation_id: Annotated[str, Meta(max_length=64, description="Continue this conversation.")] | None = None
    level: Annotated[Level, Meta(description="Override your background for this answer.")] | None = None


class ChatLimits(msgspec.Struct):
    """GET /api/v1/chat/limits: how long a question may be, so a client can say so before sending one."""

    question_chars: Annotated[int, Meta(description="The most characters (Unicode code points) `message` may have.")]


class KeyRequest(msgspec.Struct, forbid_unknown_fields=True):
    """POST /api/v1/me/keys."""

    name: Annotated[str, Meta(min_length=1, max_length=60, description="What the key is for, e.g. Moodle.")]


class RenderRequest(msgspec.Struct, forbid_unknown_fields=True):
    """POST /api/v1/render."""

    text: Annotated[str, Meta(max_length=100_000, description="Markdown: an answer or a passage.")]


# Responses ---------------------------------------------------------------------------------------
# What each route sends, field for field: the OpenAPI document shows these, and the web app reads them.


class ErrorBody(msgspec.Struct):
    """Every refusal and failure (web/app.py error_response): what went wrong, safe to show, and the status."""

    error: str
    status: int


class User(msgspec.Struct):
    """An account as its owner and staff see it (never its password hash)."""

    id: int
    username: str
    role: Role
    disabled: bool
    software_level: Level
    hardware_level: Level
    created_at: str


class Account(User):
    """An account as the admin screen lists it: a user and when they last signed in."""

    last_sign_in_at: Annotated[
        str | None,
        Meta(description="Last sign-in or sign-up with the password (a token refresh is not one); null: never."),
    ]


class UserList(msgspec.Struct):
    """Every account, by username, for the admin screen."""

    users: list[Account]


class IssuedPassword(msgspec.Struct):
    """An account the admin created or reset, and the one-time password made for it: shown only in this response,
    stored only hashed; its owner changes it on their profile page."""

    user: Account
    password: str


class Session(msgspec.Struct):
    """Sign-in and refresh: a short-lived access token, a refresh token and who you are."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"]
    expires_in: Annotated[int, Meta(description="Seconds the access token lasts.")]
    user: User


class SignUpRules(msgspec.Struct):
    """How a visitor may make an account here (the `signup` setting), so a sign-up form asks for what it needs."""

    mode: Annotated[
        SignUpMode,
        Meta(description="closed: only staff make accounts; open: anyone; join_code: with a course's join code."),
    ]
    admin_exists: Annotated[
        bool,
        Meta(description="An admin account can sign in; without one, nobody can make accounts from the web app."),
    ]


class ApiKey(msgspec.Struct):
    """One of your API keys for the OpenAI-compatible endpoint, as listed: never the key itself."""

    id: int
    name: str
    prefix: Annotated[str, Meta(description="The key's first characters, to tell your keys apart.")]
    created_at: str
    last_used_at: str | None


class ApiKeyList(msgspec.Struct):
    keys: list[ApiKey]


class NewApiKey(ApiKey, kw_only=True):
    """A key just made: `key` is shown this once and never stored (only a keyed hash of it is)."""

    key: str


class Ready(msgspec.Struct):
    status: Literal["ready"]


class Health(msgspec.Struct):
    status: Literal["ok", "degraded"]
    components: Annotated[dict[str, str], Meta(description="Each component: ok, or down and why.")]


class SearchResult(PassageView, kw_only=True):
    """A retrieved passage and where it comes from."""


class SearchResults(msgspec.Struct):
    results: list[SearchResult]


class Course(msgspec.Struct, omit_defaults=True):
    """A course you belong to, your role in it, and its join code if you teach it."""

    id: int
    name: str
    role: Role
    join_code: str | None = None
    archived: Annotated[
        bool,
        Meta(description="Archived at the end of its term: readable, but it takes no new questions or uploads."),
    ] = False
    default: Annotated[
        bool, Meta(description="The install's default course, which new accounts join: it cannot be deleted.")
    ] = False


class CourseList(msgspec.Struct):
    courses: list[Course]


class CreatedCourse(msgspec.Struct):
    id: int
    name: str
    join_code: str


class DeletedCourse(msgspec.Struct):
    """A course deleted for good, and what went with it."""

    id: int
    name: str
    documents: int
    conversations: int
    questions: Annotated[int, Meta(description="Questions asked in it (its figures), from every account.")]
    members: int


class JoinedCourse(msgspec.Struct):
    id: int
    name: str
    already_member: Annotated[bool, Meta(description="The code's course was already one of yours: nothing changed.")]


class Member(msgspec.Struct):
    id: int
    username: str
    role: Role


class MemberList(msgspec.Struct):
    members: list[Member]


class AddedMember(msgspec.Struct):
    members: list[Member]
    already_member: Annotated[bool, Meta(description="The user was already a member so: nothing changed.")]


class Document(msgspec.Struct):
    id: str
    filename: str
    title: str
    kind: str
    pages: int
    chunks: int
    sha256: str
    bytes: int
    created_at: Annotated[str, Meta(description="When this version was stored.")]
    added_at: Annotated[
        str,
        Meta(
            description="When the document's first version was added: earlier than `created_at` once a newer upload "
            "of the same name replaced it."
        ),
    ]


class DocumentList(msgspec.Struct):
    documents: list[Document]
    formats: Annotated[
        list[str], Meta(description="The kinds of file a course's teachers may upload here, as people name them.")
    ]


class Page(msgspec.Struct):
    """A page for the reader: its text, whether OCR read it, and its rich-text nodes placed in its text."""

    document_id: str
    number: int
    label: str | None
    text: str
    ocr: Annotated[bool, Meta(description="The text was read from a scan by OCR.")] = False
    nodes: Annotated[
        list[Any],
        Meta(description="Safe rich-text nodes (web/rich.py); spans with data-at give their offset in `text`."),
    ] = msgspec.field(default_factory=list)


class Rendered(msgspec.Struct):
    """POST /api/v1/render: the Markdown as safe nodes, each a string or [tag, {attributes}, *children]."""

    nodes: list[Any]


class AuditEntry(msgspec.Struct):
    """Who did what to which account, course, membership, document or data, and when."""

    id: int
    at: str
    actor_id: int | None
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


class AuditLog(msgspec.Struct):
    entries: list[AuditEntry]


class Job(msgspec.Struct):
    """An ingestion job as clients see it: status, a 0-1 progress figure and the counts behind it."""

    id: str
    filename: str
    kind: Annotated[
        str | None,
        Meta(
            description="The file's kind as read from its content, as its document's `kind` (pdf, pptx, odp, ipynb, "
            "epub...: a deck's pages are slides); null for a file refused before it was read."
        ),
    ]
    status: JobStatus
    progress: float
    pages_done: int
    pages_total: int
    chunks_done: int
    chunks_total: int
    document_id: str | None
    outcome: Literal["added", "replaced", "unchanged"] | None
    error: str | None
    created_at: str
    updated_at: str


class JobList(msgspec.Struct):
    jobs: list[Job]


class UploadRefused(ErrorBody, kw_only=True):
    """No file of an upload was accepted: the first reason, and each file's in its job."""

    jobs: Annotated[list[Job], Meta(description="Each file's job; none when the request was malformed.")] = []


class DayCount(msgspec.Struct):
    day: str
    count: int


class QuestionCount(msgspec.Struct):
    """A question as the appliance understood it (a follow-up made standalone, as it was searched) and how often."""

    question: str
    count: int
    asked_as: Annotated[
        list[str], Meta(description="The students' own words where they differ: a follow-up's, 'and its reach?'.")
    ]


class UnansweredCount(QuestionCount):
    """A question not answered from the material, and whether it was when last asked (material added since)."""

    answered_since: Annotated[bool, Meta(description="Asked again later and answered: no longer wanting material.")]


class CitedDocument(msgspec.Struct):
    """A document by its file name (the same across its versions) and how many answers to students cited it."""

    filename: str
    count: int
    in_course: Annotated[bool, Meta(description="Still in the course: a removed document's answers stay counted.")]


class Feedback(msgspec.Struct):
    up: int
    down: int


class Latency(msgspec.Struct):
    p50: float | None
    p95: float | None


class QuestionRow(msgspec.Struct):
    """One row of a course's questions CSV (GET /api/v1/courses/{id}/questions), its columns in this order."""

    asked_at: Annotated[str, Meta(description="When it was asked (ISO 8601, UTC).")]
    user: Annotated[str, Meta(description="The student: the username, or a stable pseudonym (hide_student_names).")]
    question: str
    covered: Annotated[int, Meta(description="1: answered from the material; 0: told the material has no answer.")]
    model_busy: Annotated[int, Meta(description="1: the evidence was quoted at once, every model slot being busy.")]
    sources_cited: Annotated[str, Meta(description='The sources the answer cited: "file p. 3; other.pdf p. 1".')]


class CourseStats(msgspec.Struct):
    """What a course's students ask: per day, most often, left unanswered; their feedback; answer latency."""

    course_id: int
    questions: int
    per_day: list[DayCount]
    top_questions: Annotated[list[QuestionCount], Meta(description="The ten asked most often.")]
    unanswered: Annotated[list[UnansweredCount], Meta(description="The ten not answered most often.")]
    not_answered: Annotated[int, Meta(description="Questions not answered from the material, all of them.")]
    answered_since: Annotated[
        int,
        Meta(
            description="Of those not answered, the ones whose question was answered when last asked (material added "
            "since covers it): not_answered less these still want material."
        ),
    ]
    cited: Annotated[list[CitedDocument], Meta(description="The ten documents the answers cited most.")]
    feedback: Feedback
    latency_ms: Latency


def document_view(row: dict) -> Document:
    return msgspec.convert(row, Document, strict=False)


def job_view(row: dict) -> Job:
    """A job row with its progress: parsing is quick next to embedding, so pages weigh a tenth of the bar."""
    pages = row["pages_done"] / row["pages_total"] if row["pages_total"] else 0.0
    chunks = row["chunks_done"] / row["chunks_total"] if row["chunks_total"] else 0.0
    progress = 1.0 if row["status"] == "done" else round(0.1 * pages + 0.9 * chunks, 3)
    return msgspec.convert(row | {"progress": progress}, Job, strict=False)


def key_view(row: dict) -> ApiKey:
    return msgspec.convert(row, ApiKey, strict=False)


def account_view(row: dict) -> Account:
    return msgspec.convert(row | {"disabled": bool(row["disabled"])}, Account, strict=False)


def user_view(row: dict) -> User:
    return msgspec.convert(row | {"disabled": bool(row["disabled"])}, User, strict=False)
