"""The chat contract: every event an answer streams and every stored message, defined once.

The HTTP layer serialises exactly these Structs (and shows them as response schemas); the web app reads
exactly their fields.
"""

from typing import Annotated, Literal, TypeVar

import msgspec

from appliance.search.shapes import Nodes, PassageView

AnswerMode = Literal["grounded", "extractive", "generative"]
# supported: the model's sentence, backed by the evidence of `source`;
# quoted: the model's sentence was not supported, so the student sees the evidence it drew on, quoted;
# dropped: not supported and nothing to quote in its place: never shown.
SentenceStatus = Literal["supported", "quoted", "dropped"]
StandsFor = Annotated[
    Literal["model", "repeat", "material"],
    msgspec.Meta(
        description="What the entry stands for. `model`: a sentence the model wrote, checked (`quoted`: the first "
        "quote in its place; `dropped`: unconfirmed). `repeat`: a sentence the model wrote again, dropped unchecked, "
        "as it was shown already. `material`: no sentence of the model's, a quote of the material's own (each of an "
        "`extractive` or busy model's answer, a quote following the one in a model sentence's place, a quote shown "
        "when nothing the model wrote was supported)."
    ),
]
ModelBusy = Annotated[
    bool,
    msgspec.Meta(
        description="True: every model slot stayed busy, so this grounded question was answered at once without "
        "the model (settings quote_when_busy, model_wait_seconds): covered, with its evidence quoted (mode "
        "`extractive`); or, when the material may not answer it and only a verified sentence could tell, not "
        "covered, with the closest passages as related reading."
    ),
]
SmallTalk = Annotated[
    bool,
    msgspec.Meta(
        description='True: the message asked nothing of the material (a greeting, thanks, goodbye or "ok"), so '
        "`answer` is the appliance's own reply, no claim about the material; left out of the course's figures."
    ),
]

Outdated = Annotated[
    bool,
    msgspec.Meta(
        description="True: the source's document was uploaded again or removed after this answer (a stored answer "
        "reopened), so what it quotes is an earlier version's, which the course's material may no longer say."
    ),
]
SelectedText = Annotated[str, msgspec.Meta(description="A question's: the passage it asked about, '' if none.")]


class Evidence(msgspec.Struct, frozen=True):
    """One sentence of a source's page that bears on the question; start/end index that page's text."""

    start: int
    end: int
    text: str
    score: float
    nodes: Nodes = None  # the sentence as its page shows it
    # True: not chosen itself but shown for a chosen neighbour's sake (the sentence an "It weighs 2 kg." leans on,
    # the next step of a procedure), so the reader marks it more lightly than the sentences the answer rests on.
    context: bool = False
    # Of a table row: its table's header row, which a quote of the row opens with, as its cells alone say nothing of
    # what they are ("Doctoral student or staff | 250 | 2000 | 30" under "Status | Home (GB) | Scratch (GB) | ...").
    header: str = ""


class Source(PassageView, kw_only=True):
    """A passage offered with an answer, numbered from 1 as the answer cites it."""

    n: int
    cited: bool = False
    evidence: list[Evidence] = msgspec.field(default_factory=list)
    outdated: Outdated = False  # set by the web layer (web/shown.py), which reads whether the document is there


class Sentence(msgspec.Struct, kw_only=True):
    """One sentence of the answer and what verification made of it."""

    text: str  # what the model wrote (for `extractive` answers: the quoted evidence); "" to students, unconfirmed
    shown: str  # what the student reads in its place ("" when dropped)
    status: SentenceStatus
    stands_for: StandsFor  # the web app counts the model's unconfirmed sentences by it, never by `reason`
    source: int | None = None  # the number of the source whose evidence backs (or is quoted for) it
    reason: str = ""  # why a sentence was not supported, e.g. "the number 18 appears in no source"; not to students
    nodes: Nodes = None  # `shown` as rich text, a quote as its page shows it; no [n] markers


class Timings(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Where an answer's time went, in milliseconds unless named otherwise."""

    retrieval_ms: float | None = None
    at_ms: dict[str, float] = msgspec.field(default_factory=dict)
    queue_ms: float | None = None
    prompt_tokens: int | None = None
    first_token_ms: float | None = None
    generation_ms: float | None = None
    tokens: int | None = None
    tokens_per_second: float | None = None
    total_ms: float | None = None
    cache_ms: float | None = None
    first_token_sent_ms: float | None = None


class ConversationEvent(msgspec.Struct):
    """First event of every chat: the conversation the answer is recorded in."""

    conversation_id: str
    title: str


class Done(msgspec.Struct, kw_only=True):
    """Last event of an answer: the final text, its sources and how each sentence was checked."""

    answer: str
    covered: bool  # False: the material does not answer this; `sources` are related reading only
    mode: AnswerMode
    model_busy: ModelBusy = False
    small_talk: SmallTalk = False
    model: str  # "" for a reply to small talk, which no model wrote
    sources: list[Source]
    sentences: list[Sentence] = msgspec.field(default_factory=list)
    timings: Timings = msgspec.field(default_factory=Timings)
    cached: bool = False
    conversation_id: str | None = None
    interaction_id: str | None = None
    nodes: Nodes = None  # `answer` as rich text when it has no checked sentences; [n] markers kept as text


class ErrorEvent(msgspec.Struct):
    """Sent instead of `done` when an answer fails midway."""

    error: str


class Message(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One stored message of a conversation, as the conversation endpoint returns it."""

    role: Literal["user", "assistant"]
    content: str
    sources: list[Source] = msgspec.field(default_factory=list)
    sentences: list[Sentence] = msgspec.field(default_factory=list)
    covered: bool = True
    model_busy: ModelBusy = False
    small_talk: SmallTalk = False
    cached: bool = False  # answered from the answer cache, as Done says
    total_ms: float | None = None  # the answer's time, Done's `timings.total_ms` (none if cached or stored before)
    interaction_id: str | None = None
    feedback: int | None = None
    nodes: Nodes = None  # `content` as rich text, as in Done
    stopped: bool = False  # its asker stopped it: `content` is what had been shown, no answer
    selected_text: SelectedText = ""  # "Ask about this"


Answer = TypeVar("Answer", Done, Message)


def withheld(answer: Answer) -> Answer:
    """The answer as a student is sent it: each sentence the material does not confirm keeps what became of it, not
    the model's words or the reason quoting them. An invented number is kept from the student's screen by the check;
    this keeps it out of what their browser receives and stores as well."""
    sentences = [
        s if s.status == "supported" or s.stands_for == "material" else msgspec.structs.replace(s, text="", reason="")
        for s in answer.sentences
    ]
    return msgspec.structs.replace(answer, sentences=sentences)
