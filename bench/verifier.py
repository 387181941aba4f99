"""The verifier against sentences that change what the material says (issue #10), no LLM:

    .venv/bin/python -m bench.verifier            # every handout of bench/answers/, all sets
    .venv/bin/python -m bench.verifier --quick    # two handouts giving every kind of change

A small model writes sentences of the material's own words that say something else: a word of the sentence before
put in place of its verb, another line's number, another person's name, a "not" put in or left out. For each
evidence sentence of every handout under bench/answers/ (chunked and read as the appliance reads them), the scan
makes one such sentence of each kind, deterministically, and asks the appliance's own verifier (the packaged
embedder, the shipped thresholds) whether the material supports it, with the material's sentence itself as the
control:

- `control_accepted`: share of the material's own sentences the verifier accepts (only these are mutated);
- per kind, `passed`: share of changed sentences it accepts. Each one passed is a false sentence a student could
  read as checked; the figure is the share, the `examples` the first few.

Kinds: `context_word` (a word of the sentence replaced by one of its context's: heading, the sentence it leans on,
a list's lead-in), `number` (a number replaced by another of the same passage), `name` (a capitalised name by
another of the passage), `negation` ("is" made "is not", or a "not"/"never" taken out), `bound` ("at most" made
"at least", "before" "after"), `unit` (a number's unit made another of the passage's: "1.5 g" for "1.5 kg"),
`numbers_swapped` (two numbers with words between them given in each other's place), `condition` (a closing
condition of four words or more left out: "... unless an extension was agreed"), `code` (a room's, part's or
course's code made another of the passage's: "room G-20" for "room D-005"), `clock` (a time of day made another
of the passage's), `weekday` (a day of the week made another the passage names).
"""

from __future__ import annotations

import random
import re
import time
from itertools import pairwise
from pathlib import Path

from appliance.answer.evidence import stem
from appliance.store.text import STOPWORDS
from bench import answers, common

KINDS = (
    "context_word",
    "number",
    "name",
    "negation",
    "bound",
    "unit",
    "numbers_swapped",
    "condition",
    "code",
    "clock",
    "weekday",
)
WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
NAME = re.compile(r"(?<=[a-z,] )[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?")
AFFIRMED = re.compile(r"\b(is|are|must|can|may|should)\b")
DENIED = re.compile(r"\s(?:not|never)\b")
# A word bounding a value or an order, and the one saying the opposite.
OPEN = re.compile(r"(?:[;:,]|\b(?:and|but|or|even|then))$")  # what leaves the claim unfinished before a condition
WORDY = re.compile(r"[A-Za-z]{3,}(?<!and)")  # a word between two numbers, not "and"
OPPOSITE = {
    "most": "least",
    "least": "most",
    "maximum": "minimum",
    "minimum": "maximum",
    "before": "after",
    "after": "before",
    "more": "less",
    "less": "more",
    "above": "below",
    "below": "above",
    "over": "under",
    "under": "over",
    "earliest": "latest",
    "latest": "earliest",
    "first": "last",
    "last": "first",
}
BOUND = re.compile(rf"\b({'|'.join(OPPOSITE)})\b", re.IGNORECASE)
UNIT = re.compile(r"(?<=\d )(mm|cm|m|km|kg|g|V|A|W|mA|mAh|Hz|kHz|MHz|GHz|s|ms|min|h|bar|N|Nm|°C|%|euros?|EUR)\b")
CONDITION = re.compile(r",?\s+\b(?:if|unless|only if|only when|except|provided that|as long as)\s[^.;:]*(?=[.;:]?\s*$)")
# A room's, part's or course's code ("D-005", "LA-25", "RBT-330"), a time of day, a weekday.
CODE = re.compile(r"(?<![\w-])[A-Z]{1,4}-?\d{1,4}[A-Z]?(?![\w-])")
CLOCK = re.compile(r"(?<![\d:.])\d{1,2}:\d{2}(?![\d:])")
WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b")
EXAMPLES = 8
QUICK = ("halvard-pt2-pneumatics.md", "botnight-hackathon.md")  # two handouts giving every kind of change between them


def handouts(quick: bool) -> list[Path]:
    """The handouts of every question set: the material the bench's questions are about."""
    found = sorted({path for spec in answers.SETS.values() for path in spec.folder.glob("*.md")})
    return [path for path in found if path.name in QUICK] if quick else found


def mutants(sentence: str, context: str, passage: str, pick: random.Random) -> dict[str, str]:
    """One changed sentence of each kind that applies to this one."""
    out = {}
    own_words = set(WORD.findall(sentence))
    own = {stem(w.lower()) for w in own_words}
    words = [w for w in WORD.findall(sentence) if len(w) > 3 and w.lower() not in STOPWORDS]
    lent = [w for w in WORD.findall(context.replace(sentence, " ")) if len(w) > 3 and w.lower() not in STOPWORDS]
    # Not a form of one of its own words ("charging" for "charge"): that says the same.
    lent = [w for w in dict.fromkeys(lent) if stem(w.lower()) not in own]
    if words and lent:
        out["context_word"] = _replace(sentence, pick.choice(words), pick.choice(lent).lower())
    numbers = NUMBER.findall(sentence)
    others = sorted(set(NUMBER.findall(passage)) - set(numbers))
    if numbers and others:
        out["number"] = _replace(sentence, pick.choice(numbers), pick.choice(others))
    names = NAME.findall(sentence)
    # Another name, not one sharing a word with the sentence's ("Korsgaard" for "Korsgaard Automation").
    other_names = sorted(n for n in set(NAME.findall(passage)) - set(names) if not set(re.split("[ -]", n)) & own_words)
    if names and other_names:
        out["name"] = _replace(sentence, pick.choice(names), pick.choice(other_names))
    if bound := BOUND.search(sentence):
        word = bound.group()
        opposite = OPPOSITE[word.lower()]
        out["bound"] = _at(sentence, bound, opposite.capitalize() if word[0].isupper() else opposite)
    units = list(UNIT.finditer(sentence))
    other_units = sorted({u.group() for u in UNIT.finditer(passage)} - {u.group() for u in units})
    if units and other_units:
        out["unit"] = _at(sentence, pick.choice(units), pick.choice(other_units))
    # Two numbers with words between them: of a list or a range ("17 and 22 °C") their order says nothing.
    found = list(NUMBER.finditer(sentence))
    apart = [
        (a, b) for a, b in pairwise(found) if a.group() != b.group() and WORDY.search(sentence, a.end(), b.start())
    ]
    if apart:
        a, b = (m.group() for m in apart[0])
        out["numbers_swapped"] = NUMBER.sub(lambda m: {a: b, b: a}.get(m.group(), m.group()), sentence)
    # A condition of three words or more closing the sentence's claim, which stands as a sentence without it.
    condition = CONDITION.search(sentence)
    rest = sentence[: condition.start()].rstrip() if condition else ""
    if (
        condition
        and len(WORD.findall(rest)) >= 4
        and len(WORD.findall(condition.group())) >= 4
        and not OPEN.search(rest)
    ):
        out["condition"] = rest + sentence[condition.end() :]
    # Another code, time or day of the passage's for one of the sentence's; picked without `pick`, so the kinds
    # above keep the changes they made before these were added.
    for kind, pattern in (("code", CODE), ("clock", CLOCK), ("weekday", WEEKDAY)):
        given = pattern.findall(sentence)
        instead = sorted(set(pattern.findall(passage)) - set(given))
        if given and instead:
            out[kind] = _replace(sentence, given[0], instead[len(sentence) % len(instead)])
    denied = DENIED.search(sentence)
    if denied:
        out["negation"] = sentence[: denied.start()] + sentence[denied.end() :]
    elif affirmed := AFFIRMED.search(sentence):
        out["negation"] = f"{sentence[: affirmed.end()]} not{sentence[affirmed.end() :]}"
    return out


def _at(sentence: str, found: re.Match, new: str) -> str:
    return sentence[: found.start()] + new + sentence[found.end() :]


def _replace(sentence: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, sentence, count=1)


def scan(quick: bool) -> tuple[dict, dict]:
    """Figures per kind, and the first examples of each kind passed."""
    from appliance import services
    from appliance.answer import evidence
    from appliance.answer.events import Evidence
    from appliance.answer.verify import Verifier
    from appliance.ingest.chunk import chunk
    from appliance.ingest.parse import parse
    from appliance.search.shapes import Passage
    from appliance.settings import load_settings

    settings = load_settings(None, environ={}, data_dir="/nonexistent-ragbot-bench", ingest_sample=False)
    embedder = services.load_embedder(settings)
    vectors = evidence.SentenceVectors(embedder)
    pick = random.Random(0)
    counts = {kind: [0, 0] for kind in ("control", *KINDS)}
    examples: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for path in handouts(quick):
        parsed = parse(path.read_bytes(), path.name)
        for piece in chunk(parsed, embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap):
            passage = Passage("c", "d", path.name, None, None, piece.heading, piece.text, 0, len(piece.text), 1.0, 0.9)
            items = [Evidence(a, b, piece.text[a:b], 1.0) for a, b in evidence.sentences(piece.text)]
            for candidate in evidence.candidates([passage]):
                terms = evidence.key_terms(candidate.text)[:2]
                if len(terms) < 2 or len(WORD.findall(candidate.text)) < 5:
                    continue
                verifier = Verifier(
                    f"What about the {' '.join(terms)}?",
                    {1: items},
                    [passage],
                    vectors,
                    settings.verify_similarity,
                    settings.verify_relevance,
                    settings.answerable_coverage,
                )
                counts["control"][0] += 1
                if not verifier.check(f"{candidate.text} [1]").supported:
                    continue
                counts["control"][1] += 1
                for kind, changed in mutants(candidate.text, candidate.context, piece.text, pick).items():
                    counts[kind][0] += 1
                    if changed != candidate.text and verifier.check(f"{changed} [1]").supported:
                        counts[kind][1] += 1
                        if len(examples[kind]) < EXAMPLES:
                            examples[kind].append(f"{changed!r} from {candidate.text!r}")
    figures: dict[str, object] = {
        "control_accepted": _share(*counts["control"]),
        "control_sentences": counts["control"][0],
    }
    for kind in KINDS:
        figures[kind] = {"sentences": counts[kind][0], "passed": _share(*counts[kind])}
    return figures, examples


def _share(total: int, hits: int) -> float | None:
    return round(hits / total, 4) if total else None


def run(quick: bool) -> dict:
    begun = time.perf_counter()
    figures, examples = scan(quick)
    targets = [
        common.target(f"{kind} passed", "0", figures[kind]["passed"], figures[kind]["passed"] == 0) for kind in KINDS
    ]
    documents = [path.name for path in handouts(quick)]
    result = common.record("verifier", {"handouts": documents}, {}, figures, targets, [], begun)
    return result | {"examples": examples}


def main(argv: list[str] | None = None) -> int:
    return common.cli("verifier", __doc__, run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
