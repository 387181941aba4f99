"""Answer quality (issue #10, grounded answers): the dev set in bench/answers/ asked over HTTP in every answer mode.

    .venv/bin/python -m bench.answers                   # 8 dev documents + 14 textbook chapters, 74 questions, 3 modes
    .venv/bin/python -m bench.answers --modes grounded  # only some modes (comma-separated)
    .venv/bin/python -m bench.answers --quick           # 2 dev documents, 6 questions, 3 modes, short answers
    .venv/bin/python -m bench.answers --set fresh       # the held-out set (bench/answers/fresh/) instead
    .venv/bin/python -m bench.answers --set fresh2      # the third, held-out set (bench/answers/fresh2/)
    .venv/bin/python -m bench.answers --set fresh3      # the fourth, held-out set (bench/answers/fresh3/)
    .venv/bin/python -m bench.answers --set fresh4      # the fifth, held-out set (bench/answers/fresh4/)
    .venv/bin/python -m bench.answers --set fresh5      # the sixth, held-out set (bench/answers/fresh5/)
    .venv/bin/python -m bench.answers --set fresh6      # the seventh, held-out set (bench/answers/fresh6/)
    .venv/bin/python -m bench.answers --set fresh7      # the eighth, held-out set (bench/answers/fresh7/)
    .venv/bin/python -m bench.answers --set fresh8      # the ninth, held-out set (bench/answers/fresh8/)
    .venv/bin/python -m bench.answers --set fresh9      # the tenth, held-out set (bench/answers/fresh9/)
    .venv/bin/python -m bench.answers --set fresh10     # the eleventh, held-out set (bench/answers/fresh10/)
    .venv/bin/python -m bench.answers --set fresh11     # the twelfth, held-out set (bench/answers/fresh11/)
    .venv/bin/python -m bench.answers --set fresh12     # the thirteenth, held-out set (bench/answers/fresh12/)
    .venv/bin/python -m bench.answers --set fresh13     # the fourteenth, held-out set (bench/answers/fresh13/)
    .venv/bin/python -m bench.answers --set fresh14     # the fifteenth, held-out set (bench/answers/fresh14/)
    .venv/bin/python -m bench.answers --set fresh15     # the sixteenth, held-out set (bench/answers/fresh15/)
    .venv/bin/python -m bench.answers --set fresh16     # the seventeenth, held-out set (bench/answers/fresh16/)
    .venv/bin/python -m bench.answers --set fresh17     # the eighteenth, held-out set of follow-ups (fresh17/)
    .venv/bin/python -m bench.answers --set fresh18     # the nineteenth, yes/no, permission and why (fresh18/)
    .venv/bin/python -m bench.answers --set fresh19     # the twentieth, answers of several facts (fresh19/)
    .venv/bin/python -m bench.answers --set fresh20     # the twenty-first, answerable and near-topic twins (fresh20/)
    .venv/bin/python -m bench.answers --set fresh21     # the twenty-second, twins asking for one value (fresh21/)
    .venv/bin/python -m bench.answers --set fresh22     # the twenty-third, explanations and procedures (fresh22/)
    .venv/bin/python -m bench.answers --set fresh23     # the twenty-fourth, when, where and who (fresh23/)
    .venv/bin/python -m bench.answers --set fresh24     # the twenty-fifth, mixed questions with twins (fresh24/)
    .venv/bin/python -m bench --only=answers            # the same through the one command

The dev set (bench/answers/questions.toml) is about invented lab equipment, rules and people, so a right answer
can only come from the material. The real appliance (the packaged GGUF and embedder) is started on a fresh data
dir, the dev documents (one of them a PDF made here with tests/pdfmaker.py) and, on full runs, the textbook
chapters listed in the dev set (distractors, from ../shared) are uploaded once; then for each mode the
appliance is restarted on that data dir with RAGBOT_ANSWER_MODE=<mode> and RAGBOT_CACHE_TTL_SECONDS=0, and every
question is asked as a new conversation with `"stream": true`. A request not answered with a 200 and a `done`
event stops the benchmark (common.Unanswered).

Every answer is judged here, independently of the appliance's own checks, by plain rules (see `judge`):
`correct` (the shown answer, `done.answer`, matches the question's `expect`), `cited_right_document` (a source
with `cited: true` has the expected filename), numbers in the answer that no returned source contains, sentences
not supported by any source, loops. Figures are given over all questions and over each split of the set (the dev
set's `tune` and `check`; each held-out set's `-tune` half and its judged half: `fresh-tune` and `fresh`, ...,
`fresh24-tune` and `fresh24`); the targets are judged on `check` (dev set) and the held-out sets' judged halves
(`fresh`, `fresh2`, ..., `fresh24`) only, for the grounded and extractive modes. A question with `earlier` (the
conversation's questions before it) is asked as the chat's follow-up (see `followed_up`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bench import common, retrieval

DEVSET = Path(__file__).resolve().parent / "answers"


class QuestionSet(NamedTuple):
    """A folder holding questions.toml and its documents, the splits its questions are in, and the one judged."""

    folder: Path
    splits: tuple[str, ...]
    judged: str


# The dev set was tuned on (its `tune` split); the fresh to fresh24 sets were written later, each by a new hand, and
# only their `-tune` halves may be read.
SETS = {
    "dev": QuestionSet(DEVSET, ("tune", "check"), "check"),
    "fresh": QuestionSet(DEVSET / "fresh", ("fresh-tune", "fresh"), "fresh"),
    "fresh2": QuestionSet(DEVSET / "fresh2", ("fresh2-tune", "fresh2"), "fresh2"),
    "fresh3": QuestionSet(DEVSET / "fresh3", ("fresh3-tune", "fresh3"), "fresh3"),
    "fresh4": QuestionSet(DEVSET / "fresh4", ("fresh4-tune", "fresh4"), "fresh4"),
    "fresh5": QuestionSet(DEVSET / "fresh5", ("fresh5-tune", "fresh5"), "fresh5"),
    "fresh6": QuestionSet(DEVSET / "fresh6", ("fresh6-tune", "fresh6"), "fresh6"),
    "fresh7": QuestionSet(DEVSET / "fresh7", ("fresh7-tune", "fresh7"), "fresh7"),
    "fresh8": QuestionSet(DEVSET / "fresh8", ("fresh8-tune", "fresh8"), "fresh8"),
    "fresh9": QuestionSet(DEVSET / "fresh9", ("fresh9-tune", "fresh9"), "fresh9"),
    "fresh10": QuestionSet(DEVSET / "fresh10", ("fresh10-tune", "fresh10"), "fresh10"),
    "fresh11": QuestionSet(DEVSET / "fresh11", ("fresh11-tune", "fresh11"), "fresh11"),
    "fresh12": QuestionSet(DEVSET / "fresh12", ("fresh12-tune", "fresh12"), "fresh12"),
    "fresh13": QuestionSet(DEVSET / "fresh13", ("fresh13-tune", "fresh13"), "fresh13"),
    "fresh14": QuestionSet(DEVSET / "fresh14", ("fresh14-tune", "fresh14"), "fresh14"),
    "fresh15": QuestionSet(DEVSET / "fresh15", ("fresh15-tune", "fresh15"), "fresh15"),
    "fresh16": QuestionSet(DEVSET / "fresh16", ("fresh16-tune", "fresh16"), "fresh16"),
    "fresh17": QuestionSet(DEVSET / "fresh17", ("fresh17-tune", "fresh17"), "fresh17"),
    "fresh18": QuestionSet(DEVSET / "fresh18", ("fresh18-tune", "fresh18"), "fresh18"),
    "fresh19": QuestionSet(DEVSET / "fresh19", ("fresh19-tune", "fresh19"), "fresh19"),
    "fresh20": QuestionSet(DEVSET / "fresh20", ("fresh20-tune", "fresh20"), "fresh20"),
    "fresh21": QuestionSet(DEVSET / "fresh21", ("fresh21-tune", "fresh21"), "fresh21"),
    "fresh22": QuestionSet(DEVSET / "fresh22", ("fresh22-tune", "fresh22"), "fresh22"),
    "fresh23": QuestionSet(DEVSET / "fresh23", ("fresh23-tune", "fresh23"), "fresh23"),
    "fresh24": QuestionSet(DEVSET / "fresh24", ("fresh24-tune", "fresh24"), "fresh24"),
    "sample": QuestionSet(DEVSET / "sample", ("sample",), "sample"),
}
# ../shared beside the checkout, or two levels up from a git worktree (/work/wt/<name> → /work/shared).
SHARED = next((p for p in (common.SHARED, common.REPO.parents[1] / "shared") if p.is_dir()), common.SHARED)
TEXTBOOK = SHARED / "corpus" / "physical-ai-textbook"
MODES = ("grounded", "extractive", "generative")
TARGET_MODES = ("grounded", "extractive")  # the modes issue #10 builds; generative is the reference
LEVEL = "intermediate"
# Every setting a run pins; the mode is added per restart.
SETTINGS = {"cache_ttl_seconds": 0}
QUICK_SETTINGS = {"max_answer_tokens": 24, "context_sources": 2, "llm_context": 1024}
PAGE_BREAK = "<<<page>>>"
SLIDE_BREAK, NOTES = "<<<slide>>>", "Notes:"

# The independent judge ----------------------------------------------------------------------------

SUPPORT_SHARE = 0.6  # share of a sentence's content words one source must contain
LOOP_NGRAM, LOOP_REPEATS = 4, 3
CITATION = re.compile(r"\s*\[\s*\d{1,3}(?:\s*[,;-]\s*\d{1,3})*\s*\]")
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
WORDS = re.compile(r"\w+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
QUOTE = re.compile(r"The material says: “(.+?)”", re.DOTALL)
QUOTE_FRAME = re.compile(r"The material says:")
LIST_MARKER = re.compile(r"^\s*(?:[-*•]+|\d{1,2}[.)])\s+")
# A sentence saying the material has no answer is not a claim about the material.
REFUSAL = re.compile(
    r"does not (?:cover|answer)|doesn't (?:cover|answer)|not covered|no information|"
    r"(?:do|does|did)(?: not|n't) (?:contain|say|mention|provide|include|state|give|specify)|"
    r"not (?:mentioned|stated|given|specified)|can(?:not|'t) (?:find|answer)|no answer (?:\w+ )*?(?:was|is) found",
    re.IGNORECASE,
)
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be because been before
    being below
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers him his how however i if in into is it its itself just me more most my no nor not
    now of off on once only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up upon very was we were what when
    where which while who whom why will with would you your yours use used using must may might shall one also
    s t"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def numbers(text: str) -> set[str]:
    """Numbers in `text` (digits, with decimals), normalised ("08" → "8", "6.50" → "6.5"); [n] markers ignored."""
    found = set()
    for raw in NUMBER.findall(CITATION.sub(" ", text)):
        whole, _, fraction = raw.partition(".")
        whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
        found.add(f"{whole}.{fraction}" if fraction else whole)
    return found


def words(text: str) -> set[str]:
    """Lowercased `\\w+` words, a final plural/verb "s" dropped ("newtons" → "newton", "squeezes" → "squeeze")."""
    return {
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in WORDS.findall(text.lower())
    }


def content_words(sentence: str, question: str = "") -> set[str]:
    """Lowercased words of `sentence` minus stopwords, bare numbers and the question's own words."""
    return {w for w in words(sentence) if w not in STOPWORDS and not w.isdigit()} - words(question) - STOPWORDS


def sentences(answer: str) -> list[str]:
    """The answer's sentences without citation markers or list bullets; empty pieces dropped."""
    out = []
    for line in CITATION.sub("", answer).splitlines():
        for piece in SENTENCE_END.split(LIST_MARKER.sub("", line)):
            if WORDS.search(piece):
                out.append(piece.strip())
    return out


def quoted(text: str, sources: list[str]) -> dict:
    """A quote is supported when each of its sentences, and each line of those, is in one source word for word
    (spacing, markup and list numbering aside: a quoted run of list items leaves out their "1." and "2."; a quoted
    table row follows its table's header, a line of the source further up)."""

    def flat(text: str) -> str:
        return " " + " ".join(WORDS.findall(text.lower())) + " "

    sources_flat = [flat(" ".join(LIST_MARKER.sub("", line) for line in s.splitlines())) for s in sources]
    pieces = [flat(p) for s in SENTENCE_END.split(text) for p in s.splitlines() if WORDS.search(p)]
    missing = [p for p in pieces if not any(p in source for source in sources_flat)]
    return {"text": f"“{text}”", "supported": not missing, "missing_numbers": [], "share": 1.0 if not missing else 0.0}


def support(sentence: str, sources: list[str], question: str = "") -> dict:
    """Whether one sentence is supported: each of its numbers is in some source (or the question), and at least
    SUPPORT_SHARE of its content words are in one source's text."""
    source_numbers = set().union(*(numbers(s) for s in sources)) if sources else set()
    missing = sorted(numbers(sentence) - numbers(question) - source_numbers)
    content = content_words(sentence, question)
    share = max((len(content & words(s)) / len(content) for s in sources), default=0.0) if content else 1.0
    return {
        "text": sentence,
        "supported": not missing and share >= SUPPORT_SHARE,
        "missing_numbers": missing,
        "share": round(share, 2),
    }


def invented_numbers(answer: str, sources: list[str], question: str = "") -> list[str]:
    """Numbers in the answer found in no returned source (nor in the question itself)."""
    known = set().union(numbers(question), *(numbers(s) for s in sources))
    return sorted(numbers(" ".join(sentences(answer))) - known)  # list numbering ("2. ...") is no number


def loop(text: str) -> str | None:
    """A LOOP_NGRAM-word sequence repeated LOOP_REPEATS or more times in `text`, or None. The appliance's own "The
    material says:" before each quote is no repetition of the model's: three quotes each opening with "The" were
    counted as a loop ("the material says the")."""
    tokens = WORDS.findall(QUOTE_FRAME.sub(" ", CITATION.sub(" ", text)).lower())
    grams = Counter(tuple(tokens[i : i + LOOP_NGRAM]) for i in range(len(tokens) - LOOP_NGRAM + 1))
    repeated = [gram for gram, count in grams.items() if count >= LOOP_REPEATS]
    return " ".join(repeated[0]) if repeated else None


def judge(item: dict, done: dict) -> dict:
    """Everything the figures need about one answer, from the question and the server's `done` event."""
    answer, question = done.get("answer") or "", item["question"]
    sources = done.get("sources") or []
    # A source passage starting inside a table is sent with its table's header (its `lead`), which quotes show.
    texts = [f"{s.get('lead') or ''}\n{s.get('text') or ''}" for s in sources]
    cited = sorted({Path(s.get("filename") or "").name for s in sources if s.get("cited")})
    # A refused answer (covered false) makes no claim; in an answer, a sentence saying "not covered" neither.
    # The material's own words, quoted ("The material says: “…” [n]"), are judged as quotes: verbatim or not.
    quotes = [] if done.get("covered") is False else QUOTE.findall(answer)
    claims = (
        [] if done.get("covered") is False else [s for s in sentences(QUOTE.sub(" ", answer)) if not REFUSAL.search(s)]
    )
    judged = [quoted(q, texts) for q in quotes] + [support(s, texts, question) for s in claims]
    expect = item.get("expect")
    correct = bool(expect and re.search(expect, answer, re.IGNORECASE))
    # A refusal shows the closest sentences of its related reading: the student may read the answer there.
    closest = " ".join(e.get("text") or "" for s in sources for e in s.get("evidence") or [])
    right_document = bool(item.get("document") and Path(item["document"]).name in cited)
    return {
        "covered": done.get("covered"),
        "says_not_covered": bool(REFUSAL.search(answer)),
        "refused_fact_shown": done.get("covered") is False and bool(expect and re.search(expect, closest, re.I)),
        "correct": correct,
        "cited_right_document": right_document,
        "cited_files": cited,
        "sentences": judged,
        "unsupported": sum(not s["supported"] for s in judged),
        "correct_cited_supported": correct and right_document and all(s["supported"] for s in judged),
        "invented_numbers": invented_numbers(answer, texts, question),
        "loop": loop(answer),
    }


# Figures ------------------------------------------------------------------------------------------


def _share(count: int, total: int) -> float | None:
    return round(count / total, 3) if total else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def figures_for(rows: list[dict]) -> dict:
    """The figures of one mode over `rows` (one split or all): fractions of the relevant set, and counts."""
    answerable = [r for r in rows if r["kind"] == "answerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    off_topic = [r for r in rows if r["kind"] == "off-topic"]
    out: dict = {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "off_topic": len(off_topic),
    }

    def count(name: str, subset: list[dict], test) -> None:
        n = sum(1 for r in subset if test(r))
        out[name], out[f"{name}_n"] = _share(n, len(subset)), n

    count("correct", answerable, lambda r: r["correct"])
    count("cited_right_document", answerable, lambda r: r["cited_right_document"])
    count("correct_cited_supported", answerable, lambda r: r["correct_cited_supported"])
    count("answerable_refused", answerable, lambda r: r["covered"] is False)
    # Refused, with the fact in the closest sentences shown as related reading; and the fact in front of the student
    # either way (stated by the answer, or there).
    count("answerable_refused_fact_shown", answerable, lambda r: r.get("refused_fact_shown", False))
    count("fact_shown", answerable, lambda r: r["correct"] or r.get("refused_fact_shown", False))
    count("unanswerable_refused", unanswerable, lambda r: r["covered"] is False)
    count("off_topic_refused", off_topic, lambda r: r["covered"] is False)
    # The answer's text says "not covered" whatever `covered` says (today's model often writes the refusal).
    count("answerable_says_not_covered", answerable, lambda r: r["says_not_covered"])
    count("unanswerable_says_not_covered", unanswerable, lambda r: r["says_not_covered"])
    count("invented_number_rate", rows, lambda r: r["invented_numbers"])
    judged = sum(len(r["sentences"]) for r in rows)
    unsupported = sum(r["unsupported"] for r in rows)
    out |= {"sentences": judged, "unsupported_sentences": unsupported}
    out["unsupported_sentence_rate"] = _share(unsupported, judged)
    out["loops"] = sum(1 for r in rows if r["loop"])
    ttft = [r["ttft_ms"] for r in rows if r["ttft_ms"] is not None]
    out["ttft_ms"] = {
        "median": _median(ttft),
        "p90": _rounded(common.percentile(ttft, 90)),
    }
    out["ttft_answerable_ms_median"] = _median([r["ttft_ms"] for r in answerable if r["ttft_ms"] is not None])
    out["total_ms_median"] = _median([r["total_ms"] for r in rows])
    out["answer_words_median"] = _median([len(r["answer"].split()) for r in rows])
    return out


def by_split(rows: list[dict], splits: tuple[str, ...], figures_of: Callable[[list[dict]], dict]) -> dict:
    """`figures_of` over all rows ("overall") and over the rows of each of `splits`."""
    return {
        split: figures_of([r for r in rows if split == "overall" or r["split"] == split])
        for split in ("overall", *splits)
    }


def targets_for(figures: dict, judged: str) -> list[dict]:
    """The targets of issue #10, judged on the `judged` split, and the TTFT target over all questions."""
    out = []
    for mode in TARGET_MODES:
        if mode not in figures:
            continue
        check = figures[mode][judged]
        wanted = [
            ("correct_cited_supported", ">= 0.90", lambda v: v >= 0.90),
            ("invented_number_rate", "= 0", lambda v: v == 0),
            ("unanswerable_refused", ">= 0.85", lambda v: v >= 0.85),
            ("answerable_refused", "<= 0.05", lambda v: v <= 0.05),
            ("loops", "= 0", lambda v: v == 0),
        ]
        for name, text, test in wanted:
            value = check[name]
            out.append(
                common.target(f"{mode} {name} ({judged} split)", text, value, None if value is None else test(value))
            )
    if "grounded" in figures and "generative" in figures:
        grounded = figures["grounded"]["overall"]["ttft_answerable_ms_median"]
        generative = figures["generative"]["overall"]["ttft_answerable_ms_median"]
        met = None if grounded is None or generative is None else grounded <= generative
        out.append(
            common.target(
                "grounded median TTFT (answerable) <= generative median TTFT x1.0, same run",
                f"<= {generative} ms",
                grounded,
                met,
            )
        )
    return out


TABLE_ROWS = (
    ("correct", "correct"),
    ("cited_right_document", "cited right doc"),
    ("correct_cited_supported", "correct+cited+supported"),
    ("invented_number_rate", "invented numbers"),
    ("unsupported_sentence_rate", "unsupported sentences"),
    ("unanswerable_refused", "unanswerable refused"),
    ("off_topic_refused", "off-topic refused"),
    ("answerable_refused", "answerable refused"),
    ("answerable_refused_fact_shown", "refused, fact in closest shown"),
    ("fact_shown", "fact in front of the student"),
    ("answerable_says_not_covered", "answerable says not covered"),
    ("unanswerable_says_not_covered", "unanswerable says not covered"),
    ("loops", "loops"),
)


def table(figures: dict) -> str:
    """A compact text table: one column per mode and split."""
    modes = [m for m in MODES if m in figures]
    splits = list(figures[modes[0]]) if modes else []
    head = ["figure"] + [f"{m[:4]} {s}" for m in modes for s in splits]
    rows = [head]
    for key, label in TABLE_ROWS:
        cells = [label]
        for m in modes:
            for s in splits:
                f = figures[m][s]
                value = f[key]
                if key == "loops":
                    cells.append(str(value))
                elif key == "unsupported_sentence_rate":
                    cells.append(f"{value} ({f['unsupported_sentences']}/{f['sentences']})")
                else:
                    cells.append(f"{value} ({f.get(key + '_n')})")
        rows.append(cells)
    rows.append(
        ["ttft ms median / p90"]
        + [f"{figures[m][s]['ttft_ms']['median']} / {figures[m][s]['ttft_ms']['p90']}" for m in modes for s in splits]
    )
    rows.append(["total ms median"] + [str(figures[m][s]["total_ms_median"]) for m in modes for s in splits])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


# The run ------------------------------------------------------------------------------------------


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def load_devset(quick: bool, name: str = "dev") -> dict:
    """The question set `name` (see SETS): its questions (only the `quick` ones with `quick`), documents,
    distractors, and the splits figures are given for."""
    chosen = SETS[name]
    data = tomllib.loads((chosen.folder / "questions.toml").read_text(encoding="utf-8"))
    questions = []
    for n, item in enumerate(data["question"], 1):
        item = {"id": n, "kind": "answerable"} | item
        if not quick or item.get("quick"):
            questions.append(item)
    documents = data["documents"]
    if quick:
        documents = [d for d in documents if any(q.get("document") == d for q in questions)]
    distractors = [] if quick or not TEXTBOOK.is_dir() else data["distractors"][: common.FILES]
    return {
        "set": name,
        "folder": chosen.folder,
        "splits": chosen.splits,
        "judged": chosen.judged,
        "questions": questions,
        "documents": documents,
        "distractors": distractors,
    }


# Documents made at bench time from a text source beside the set: a suffix's folder and maker.
MADE = {".pdf": "pdf", ".pptx": "slides", ".docx": "word"}
# A PDF made from <folder>/scan/<stem>.txt instead is a scan: each page's lines drawn on an image, no text layer.
SCAN = "scan"


def _scan_source(devset: dict, name: str) -> Path | None:
    """A PDF's scan/<stem>.txt, if the set has one (see SCAN)."""
    path = devset["folder"] / SCAN / f"{Path(name).stem}.txt"
    return path if Path(name).suffix == ".pdf" and path.is_file() else None


def document_text(devset: dict, name: str) -> str:
    """A dev document's text as written: a scanned PDF's <folder>/scan/<stem>.txt (see SCAN), a made one's
    <folder>/<stem>.txt (see MADE), else the file itself."""
    folder = devset["folder"]
    suffix = Path(name).suffix
    path = folder / MADE[suffix] / f"{Path(name).stem}.txt" if suffix in MADE else folder / name
    return (_scan_source(devset, name) or path).read_text(encoding="utf-8")


def _make_pdf(text: str) -> bytes:
    """A PDF of the text's pages (split at PAGE_BREAK lines)."""
    from tests.pdfmaker import make_pdf

    return make_pdf([page.strip("\n") for page in text.split(PAGE_BREAK)])


def _make_pptx(text: str) -> bytes:
    """A slide deck: slides split at SLIDE_BREAK lines, each a title line, bullet lines and an optional last
    "Notes: ..." line (the speaker notes)."""
    from tests.filemaker import make_pptx

    slides = []
    for block in text.split(SLIDE_BREAK):
        title, *lines = [line for line in block.strip("\n").splitlines() if line.strip()]
        notes = lines.pop()[len(NOTES) :].strip() if lines and lines[-1].startswith(NOTES) else ""
        slides.append((title, lines, notes))
    return make_pptx(slides)


def _make_docx(text: str) -> bytes:
    """A Word document: a "# Title" line, "## Heading" sections of paragraphs (one per line), "- item" lines as
    bulleted list items, and tables of "| cell | cell |" lines where they stand (a table before any heading is
    put at the end)."""
    from tests.filemaker import DocxBlock, make_docx

    title, sections, table = "", list[tuple[str, list[DocxBlock]]](), list[list[str]]()
    for line in (line.strip() for line in text.splitlines()):
        if line.startswith("## "):
            sections.append((line[3:], []))
        elif line.startswith("# "):
            title = line[2:]
        elif line.startswith("|"):
            row = [cell.strip() for cell in line.strip("|").split("|")]
            blocks = sections[-1][1] if sections else None
            if blocks is None:
                table.append(row)
            elif blocks and isinstance(blocks[-1], list):
                blocks[-1].append(row)
            else:
                blocks.append([row])
        elif line.startswith("- ") and sections:
            sections[-1][1].append(("List Bullet", line[2:]))
        elif line:
            sections[-1][1].append(line)
    return make_docx(title, sections, table or None)


MAKERS = {".pdf": _make_pdf, ".pptx": _make_pptx, ".docx": _make_docx}
SCAN_WIDTH, SCAN_HEIGHT, SCAN_MARGIN, SCAN_TOP = 1240, 1754, 70, 130  # A4 at 150 dpi; OCR misses a line at the edge
SCAN_FONT, SCAN_LEADING = 42, 66  # 20 pt at 150 dpi, lines well apart: OCR drops or merges words set smaller


def make_scan(text: str) -> bytes:
    """A scanned handout: each page (split at PAGE_BREAK lines) drawn as black text on a white A4 image at 150 dpi,
    long lines wrapped to the page, a blank line half a line high, the images wrapped in a PDF with no text layer,
    as a scanner saves one."""
    import io
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=SCAN_FONT)  # Pillow's own face: OCR keeps its word spaces better than DejaVu's
    images = []
    for page in text.split(PAGE_BREAK):
        image = Image.new("L", (SCAN_WIDTH, SCAN_HEIGHT), 255)
        draw = ImageDraw.Draw(image)
        y = SCAN_TOP
        for line in page.strip("\n").splitlines():
            width = 70
            while any(
                draw.textlength(part, font=font) > SCAN_WIDTH - 2 * SCAN_MARGIN for part in textwrap.wrap(line, width)
            ):
                width -= 2
            for part in textwrap.wrap(line, width) or [""]:
                if y + SCAN_LEADING > SCAN_HEIGHT - SCAN_MARGIN:
                    raise ValueError(f"a scanned page does not fit: {page.strip()[:60]!r}")
                draw.text((SCAN_MARGIN, y), part, fill=0, font=font)
                y += SCAN_LEADING if part else SCAN_LEADING // 2
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()


def materialise(devset: dict, folder: Path) -> list[tuple[Path, str]]:
    """The files to upload as (path, filename): the dev documents (a made one from its text, see MADE and SCAN) and
    the distractor chapters."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name in devset["documents"]:
        suffix = Path(name).suffix
        if suffix in MAKERS:
            make = make_scan if _scan_source(devset, name) else MAKERS[suffix]
            (folder / name).write_bytes(make(document_text(devset, name)))
            files.append((folder / name, name))
        else:
            files.append((devset["folder"] / name, name))
    files += [(TEXTBOOK / name, name) for name in devset["distractors"]]
    return files


def understood(item: dict, answered: str = "") -> tuple[str, str] | None:
    """A follow-up's (search_query, focus) as the chat makes them from its `earlier` questions and the answer before
    it; None standing alone."""
    from appliance.answer.chat import understood

    return understood(item["question"], item["earlier"], answered) if item.get("earlier") else None


def api_key(client) -> str:
    """A new API key of the signed-in user, for the OpenAI-compatible endpoint, which takes no level: the user's own
    levels are set to LEVEL, as the web chat's questions ask for it."""
    client.patch("/api/v1/me", json={"software_level": LEVEL, "hardware_level": LEVEL}).raise_for_status()
    response = client.post("/api/v1/me/keys", json={"name": "bench answers"})
    response.raise_for_status()
    return response.json()["key"]


def followed_up(client, item: dict, key: str) -> dict:
    """A follow-up asked as a client keeping the conversation asks one: each of its `earlier` questions asked in turn
    over /v1/chat/completions, in the course the set is uploaded to (1), with the questions and answers before it,
    then the follow-up with all of them. The result is the follow-up's (see completion), with `answered`, the answer
    before it."""
    messages: list[dict] = []
    for question in item["earlier"]:
        before = completion(client, [*messages, {"role": "user", "content": question}], key)
        answer = (before["done"] or {}).get("answer", "")
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    return completion(client, [*messages, {"role": "user", "content": item["question"]}], key) | {
        "answered": messages[-1]["content"]
    }


def completion(client, messages: list[dict], key: str) -> dict:
    """The last message's answer, streamed over /v1/chat/completions, in common.chat's shape: each answer piece a
    `token` event, and a `done` of the last chunk's `ragbot` with the answer (the pieces before the cited sources
    spelled out)."""
    body = {"model": "course-1", "messages": messages, "stream": True}
    started = time.perf_counter()
    out: dict = {"status": None, "events": [], "done": None, "error": None, "sent": started}
    headers = {"Authorization": f"Bearer {key}"}
    with client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as response:
        out["status"] = response.status_code
        if response.status_code != 200:
            out["error"] = response.read().decode(errors="replace")[:300]
            return out
        answer: list[str] = []
        for line in response.iter_lines():
            data = line[5:].strip() if line.startswith("data:") else ""
            if not data or data == "[DONE]":
                continue
            chunk = json.loads(data)
            if "error" in chunk:
                out["error"] = data
                continue
            choice = chunk["choices"][0]
            if choice.get("finish_reason") == "stop":
                out["done"] = chunk.get("ragbot", {}) | {"answer": "".join(answer)}
            elif choice["delta"].get("content"):
                answer.append(choice["delta"]["content"])
                out["events"].append(("token", time.perf_counter() - started, choice["delta"]["content"]))
    out["seconds"] = time.perf_counter() - started
    return out


def ask(client, item: dict, key: str | None = None) -> dict:
    """One question over SSE: the judged answer, the streamed text and the timings. A follow-up (`earlier`) is asked
    after the questions before it (see followed_up; `key` an API key), a question standing alone in a new
    conversation of the web chat."""
    if item.get("earlier") and key is None:
        raise ValueError(f"a follow-up needs an API key: {item['question']!r}")
    sent = (
        followed_up(client, item, key)
        if item.get("earlier") and key
        else common.chat(client, {"message": item["question"], "level": LEVEL})
    )
    made = understood(item, sent.get("answered", ""))
    result = common.require_answer(sent, f"answers {item['question']!r}")
    done = result["done"]
    tokens = [(seconds, data) for event, seconds, data in result["events"] if event == "token"]
    row = {k: item.get(k) for k in ("id", "question", "kind", "split", "document", "expect", "earlier")}
    row |= {
        "answered": sent.get("answered"),
        "search_query": made[0] if made else item["question"],
        "focus": made[1] if made else None,
        "mode_reported": done.get("mode"),
        "answer": done.get("answer") or "",
        "streamed": "".join(data for _, data in tokens),
        "ttft_ms": round(tokens[0][0] * 1000, 1) if tokens else None,
        "total_ms": round(result["seconds"] * 1000, 1),
        "server_sentences": done.get("sentences"),
        "sources": [
            {k: s.get(k) for k in ("n", "filename", "page", "heading", "cited", "similarity", "text", "evidence")}
            for s in done.get("sources") or []
        ],
        "timings": done.get("timings"),
    }
    return row | judge(item, done)


def result_name(benchmark: str, name: str) -> str:
    """The result's name (and JSON file's stem): the benchmark's for the dev set, suffixed for another set."""
    return benchmark if name == "dev" else f"{benchmark}-{name}"


def run(quick: bool = False, modes: tuple[str, ...] = MODES, name: str = "dev", overrides: dict | None = None) -> dict:
    begun = time.perf_counter()
    devset = load_devset(quick, name)
    settings = SETTINGS | (QUICK_SETTINGS if quick else {}) | (overrides or {})
    details: dict[str, list[dict]] = {}
    figures: dict = {}
    reported: dict[str, list[str]] = {}
    described = {
        "name": f"answers {name} set" + (" (quick)" if quick else ""),
        "set": name,
        "judged_split": devset["judged"],
        "documents": devset["documents"],
        "distractors": devset["distractors"],
        "distractor_folder": os.path.relpath(TEXTBOOK, common.REPO) if devset["distractors"] else None,
        "questions": dict(Counter(q["kind"] for q in devset["questions"])),
        "splits": dict(Counter(q["split"] for q in devset["questions"])),
    }
    server = {}
    with tempfile.TemporaryDirectory(prefix="ragbot-answers-", ignore_cleanup_errors=True) as tmp:
        data_dir = Path(tmp) / "data"
        app = common.Appliance(data_dir, settings, students=0)
        try:
            app.start()
            described["ingest"] = app.upload(materialise(devset, Path(tmp) / "files"))
        finally:
            app.stop()
        if described["ingest"]["failed"]:
            raise RuntimeError(f"ingestion failed: {described['ingest']}")
        import httpx

        for mode in modes:
            app = common.Appliance(data_dir, settings | {"answer_mode": mode}, students=0)
            try:
                app.start()
                server = _server_settings(app)
                rows = []
                with httpx.Client(base_url=app.url, headers=app.headers(), timeout=900) as client:
                    key = api_key(client) if any(q.get("earlier") for q in devset["questions"]) else None
                    for n, item in enumerate(devset["questions"], 1):
                        row = ask(client, item, key)
                        rows.append(row)
                        common.log(
                            f"answers {mode} {n}/{len(devset['questions'])}: {item['kind']} "
                            f"{'correct' if row['correct'] else '-'} covered={row['covered']} "
                            f"{row['total_ms'] / 1000:.1f}s {item['question']!r}"
                        )
            finally:
                app.stop()
            details[mode] = rows
            figures[mode] = by_split(rows, devset["splits"], figures_for)
            # What `done.mode` said (None: the server sent no mode, i.e. it has no answer modes yet).
            reported[mode] = sorted({str(r["mode_reported"]) for r in rows})
            common.log(f"answers: {mode} done\n{table(figures)}")
            if not quick:  # a long run cut short still leaves the modes it finished
                partial = {
                    "benchmark": result_name("answers", name) + "-partial",
                    "date": common.now(),
                    "corpus": described,
                }
                common.save(partial | {"figures": figures, "details": details}, None)
    result = common.record(
        result_name("answers", name),
        described,
        {k: v for k, v in server.items() if k != "answer_mode"} | {"modes": list(modes), "requested": settings},
        figures | {"reported_modes": reported},
        targets_for(figures, devset["judged"]),
        [
            "each mode: the appliance restarted on the same ingested data dir with RAGBOT_ANSWER_MODE=<mode> and "
            "RAGBOT_CACHE_TTL_SECONDS=0; reported_modes is what `done.mode` said (None: the server sent no mode)",
            "judge (bench/answers.py, independent of the appliance): numbers are digit runs with decimals, [n] "
            "markers ignored, numbers in the question itself not counted; a sentence is supported when its numbers "
            f"are in some returned source and >= {SUPPORT_SHARE:.0%} of its content words (lowercased, a final s "
            "dropped, minus stopwords and question words) are in one source's text; a refused answer (covered "
            "false) and sentences saying the material does not cover it are not claims; a loop is a "
            f"{LOOP_NGRAM}-word sequence seen {LOOP_REPEATS}+ times",
            "correct_cited_supported, cited_right_document, answerable_refused: over answerable questions; "
            "unanswerable_refused over near-topic unanswerable ones; invented_number_rate, loops, sentence figures "
            f"over every answer; targets judged on the {devset['judged']} split",
        ],
        begun,
    )
    result["details"] = details
    return result


def rejudge(result: dict) -> dict:
    """Judge a saved result's answers again (after a change to the judge) without asking the models."""
    chosen = SETS[result["corpus"].get("set", "dev")]  # results saved before --set existed are of the dev set
    for mode, rows in result["details"].items():
        for row in rows:
            row.update(judge(row, {"answer": row["answer"], "covered": row["covered"], "sources": row["sources"]}))
        result["figures"][mode] = by_split(rows, chosen.splits, figures_for)
    result["targets"] = targets_for({mode: result["figures"][mode] for mode in result["details"]}, chosen.judged)
    result["notes"] = [*result.get("notes", []), f"judged again {common.now()} (bench.answers --rejudge)"]
    return result


def _server_settings(app) -> dict:
    """The settings in force on the server, as common.server_settings, plus the ones this benchmark pins.
    Settings the appliance does not know yet (`answer_mode` before #10) are left out here, as the server
    ignores unknown RAGBOT_* variables; `answer_mode` is then None."""
    from appliance.settings import Settings, load_settings

    known = common.Appliance(app.data_dir, {k: v for k, v in app.settings.items() if k in Settings.__struct_fields__})
    settings = load_settings(None, environ={}, data_dir=str(app.data_dir), **known.settings)
    return common.server_settings(known) | {
        k: getattr(settings, k, None) for k in ("cache_ttl_seconds", "min_similarity", "answer_mode")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--rejudge", type=Path, default=None, help="judge a saved answers.json again, no models")
    parser.add_argument("--set", default="dev", choices=sorted(SETS), help="the question set (default dev)")
    parser.add_argument("--with", dest="overrides", type=retrieval.setting, action="append", default=[])
    own, rest = parser.parse_known_args(argv)
    if own.rejudge:
        result = rejudge(json.loads(own.rejudge.read_text(encoding="utf-8")))
        print(table(result["figures"]))
        print("written to", common.save(result, own.rejudge.parent))
        return 0
    modes = tuple(m.strip() for m in own.modes.split(",") if m.strip())
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        parser.error(f"unknown mode(s) {unknown}; choose from {', '.join(MODES)}")
    doc = __doc__ + f"\n\n--modes M1,M2: only these answer modes (default all three); --set {'|'.join(SETS)};"
    doc += " --rejudge FILE."
    doc += " --with NAME=VALUE: a setting of the appliance changed (repeatable)."
    return common.cli("answers", doc, lambda quick: run(quick, modes, own.set, dict(own.overrides)), rest)


if __name__ == "__main__":
    sys.exit(main())
