"""Verification: each generated sentence must be backed by the evidence it is attributed to, or it is not shown."""

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass
from functools import partial

from appliance.answer.events import Evidence
from appliance.answer.evidence import (
    ABBREVIATION,
    ASKING,
    NO_KIN,
    Kin,
    candidates,
    content_words,
    kin_of,
    left_out,
    lists,
    read_with_units,
    stated,
    stem,
    text_words,
)
from appliance.answer.expect import (
    DATE,
    SAYS_WHAT_ASKED,
    expected,
    quantities,
    scaled,
    values,
    without_compared,
    without_units,
)
from appliance.store.text import STOPWORDS, WORD

CITATION = re.compile(r"\s*\[(\d{1,2})\]")
# 1,024 / 0.088 / 12 / -5 / 3.5: a number as the material writes it; commas between digit groups are dropped. A
# time of day is one number ("17:30", not 17 and 30, each of which the material may state for something else).
CLOCK = r"\d{1,2}:\d\d(?!\d)"
# "Open until 17:00" says what "open from 9:00 to 17:00" does: the end of the range is the time it lasts until.
UNTIL = re.compile(rf"\b(?:until|till)\s+({CLOCK})", re.IGNORECASE)
RANGE_END = r"(?:\bto|\buntil|\btill|[-\u2013])\s*{time}(?!\d)"
# A time of day written with a dot where a word or dash puts a time ("at 7.30", "from 9.15 to 12.45"), as British
# and German handouts write it, is that time with a colon too; "7.30 tonnes" is a mass.
DOTTED_CLOCK = re.compile(
    r"(?:\b(?:at|from|until|till|to|by|before|after|between|and)\s+|[-\u2013]\s*)"
    r"([01]?\d|2[0-4])\.([0-5]\d)(?!\d|[.,]\d)",
    re.IGNORECASE,
)
UNIT_AFTER = 12  # characters after a number its unit is looked for in
# Not the digits of a code ("KS-20", "M-204"): the name check holds those; a claim's "20" is no code's.
NUMBER = re.compile(
    rf"(?<![\w.:]){CLOCK}|(?<![\w.])(?<![^\W\d_]-)[-+]?\d+(?:[.,]\d+)*(?![\w])|(?<![^\W\d_]-)\d+(?=[A-Za-z°%])"
)
# A minus sign typeset (U+2212) or spelt out is a typed one: "at most 40 °C" passed on a range from minus 40 °C.
MINUS = re.compile(r"\u2212(?=\d)|\bminus\s+(?=\d)", re.IGNORECASE)
# A sentence cut at its numbers (kept, as the split's odd pieces), and what may join two of a list or a range.
NUMBER_SPLIT = re.compile(r"(?<![\w.])([-+±]?\d+(?:[.,]\d+)*)(?![\w.]|[.,]\d)")
JOINER = re.compile(r"\s*(?:,|and|or|to|[-\u2013\u2014])?\s*", re.IGNORECASE)
# Names and codes: a capitalised word not opening the sentence, an acronym anywhere (PRM, RRT: in a robotics
# course often the answer itself), or any word mixing letters and digits (Zorblax-7).
NAME = re.compile(r"(?<=\s)[A-Z][\w-]*[a-z0-9][\w-]*|\b[A-Z]{2,}s?\b|\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]+\b")
LABEL_FIRST = re.compile(r"^\W*([^\W\d_]+(?:[ -][^\W\d_]+){0,3}):\s+")
# A name called a role: "Mirela Oduya, the technician.", "Kofi Brandauer is our teaching assistant" (a role of up
# to three words without a number, ending its part of the sentence).
CALLED_ROLE = re.compile(
    r"(?P<name>(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+)"
    r"(?:\s*,\s*|\s+(?:is|was)\s+)(?:the|a|an|our|your|its)\s+(?P<role>[^\W\d_]+(?:\s+[^\W\d_]+){0,2})"
    r"(?=\s*(?:[,.;:!?]|\[|$))"
)
# The role beside a name in the material: its last word just before the name (and any first names or title), or
# after it by apposition, "is" or "as" ("Tomasz Ekwueme as the bench technician").
ROLE_BEFORE = re.compile(r"(?P<head>[^\W\d_]+)s?\s*[,:]?\s*(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?(?:[A-Z][\w'-]+\s+)*$")
ROLE_AFTER = re.compile(
    r"\s*(?:,\s*|,?\s+(?:is|was|as)\s+)(?:the|a|an|our|your|its)\s+(?P<head>[^\W\d_]+(?:\s+[^\W\d_]+){0,2})"
)
SENTENCE_STOP = re.compile(r"[.!?](?:\s*\[\d{1,2}\])*(?=\s+[^\s\[])|\n")
SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+(?=\s|$)|\n|$)")
# A clause, and the words after a number within it that say what the number is of ("40 percent on the final
# project"), past its unit. A title's full stop ends no clause: "Dr. Ilse Varga" is one name.
CLAUSE = re.compile(
    r"[,;()]|:(?!\d)|(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bProf)[.!?](?=\s|$)|\band\b|\bor\b|\bbut\b"
)
TOKEN = re.compile(rf"{CLOCK}|[-+]?\d+(?:[.,]\d+)*|[^\W\d_][\w'-]*")
HYPHENATED_WORD = re.compile(r"\w+(?:-\w+)*")
SAID_WORD = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:-\w+)*")  # a decimal whole ("4.0"), a hyphenated word whole
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
HEADING_STEP = re.compile(r"\s>\s")  # between a section's heading and its subsection's in a context
FOLLOWING = 4
# A number of a text, with the word stems after it in its clause and those before it there (`_bindings`).
Binding = tuple[str, frozenset[str], frozenset[str]]
# Words of one family share this many first letters, the whole of the shorter: "weigh" and "weight"; but the
# endings of a degree make a claim of their own ("smaller than", "the largest").
FAMILY = 5
COMPARING_ENDINGS = frozenset({"r", "er", "st", "est"})
OFF_QUESTION = "it does not answer the question"
NOT_STATED = "it does not state the {kind} asked for, as the best evidence gives it"
UNDECIDED = "the best evidence gives more than one {kind}: its own words show which was asked for"
# A sentence in none but the question's own words answers nothing: an echo ("Calivane rig room."), or the question
# turned into a claim ("The OS-4 can decode CAN bus." where the material says CAN decoding needs a licence the lab
# did not buy). Every word of it is in the evidence, so only this tells it apart.
RESTATED = "it only restates the question"
# A reason says more than its premise: "The orientation from an IMU drifts over time." adds one word of its own to
# "Why does the orientation from an IMU drift?" and gives no reason; every answer to a why-question seen adds three
# or more ("..., so they drift over time": gyroscope, accelerometer, accurate, time).
WHY = re.compile(r"\bwhy\b", re.IGNORECASE)
REASON_WORDS = 2
# Evidence sentences of the kind asked for whose answers an answering sentence may state.
LEADING = 2
# A run of words copied from the evidence (two of them meaningful) long enough that a word put in place of the one
# beside it there says of one thing what the material says of another.
COPIED_RUN = 4
# What may stand between the parts of one date: "in week 9 on Friday", "Friday, 12 March".
DATE_GLUE = re.compile(r"(?:\s|,|\b(?:on|at|in|of|the)\b)*", re.IGNORECASE)
WEEKDAY = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day", re.IGNORECASE)
# A weekday's name, or its first letters: "Friday", "Fridays", "Fri"; not "Monitor".
DAY = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)|(?:mon|tues|wednes|thurs|fri|satur|sun)days?", re.IGNORECASE)
# Stopwords that bound a claim ("at most 50 percent" for "at least", "more than", "over", "under"): no word check
# reads a stopword, so the material must say each one a sentence states, there. The other words that bound or order
# ("less", "before", "minimum") are words a sentence states like any other. Not the modals: "The window should be
# cleaned with ..." says what "Clean the window with ..." does (measured: they withdrew seven right sentences).
BOUNDING = frozenset("more most over under".split())
# A bound or an order and the word saying the opposite.
OPPOSITES = {
    a: b
    for pair in (
        "most least",
        "more less",
        "maximum minimum",
        "max min",
        "before after",
        "above below",
        "over under",
        "earliest latest",
        "first last",
        "higher lower",
        "longer shorter",
        "faster slower",
    )
    for a, b in (pair.split(), pair.split()[::-1])
}
# Where a sentence's subject ends: at its first verb of these ("Solder paste | is kept in the fridge").
SUBJECT_ENDS = re.compile(r"\b(?:is|are|was|were|must|can|should|will|may|has|have|had|does|do|did)\b", re.I)
# A condition the material puts first on a claim: "If the LED blinks red, reset the driver."
CONDITION = re.compile(
    r"\s*(?:if|unless|when|whenever|without|excluding|apart from|except for)\s+(?P<condition>[^,;:.!?]+),", re.I
)
COUNT_WORD = r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
# A sentence counting in words, however few: its count is its own to check ("has one answer").
ANY_COUNT = re.compile(rf"\b(?:one|single|both|several|many|few|multiple)\b|{COUNT_WORD}", re.IGNORECASE)
# Things the material counts: "at least two sources", "3 reports", "four wheels" (not "one", as often "one of").
COUNTED = re.compile(
    r"(?:\b(?:at least|at most|up to|no more than|more than|fewer than|less than)\s+)?"
    rf"(?:{COUNT_WORD}|(?<![\d.,])\d+(?![\d.,]))"
    r"\s+(?P<things>[a-z]{3,}s)\b",
    re.IGNORECASE,
)
# One it puts after the claim, in the claim's own clause: "Students may use the lab on Saturdays if a technician is
# present", "... for one week with the technician's permission", "closed on Sundays except in exam weeks". One after
# "or", "and" or a reason belongs to that part alone ("... after 300 hours, or earlier if the rubber cracks";
# "... because the errors add up when integrated"): measured, reading those withdrew two true sentences.
TRAILING = re.compile(
    r"[\s,]+(?P<condition>(?:(?:only\s+)?(?:if|unless|when|whenever)|provided|as long as|except|without|excluding|"
    r"not including|apart from)\s[^;:.!?]+|"
    r"with\s+(?:[\w'\u2019-]+\s+){0,3}?(?:permission|approval|consent)\b[^;:.!?]*)",
    re.IGNORECASE,
)
# A second condition closing the claim with the first, after a comma: "... with your consent, unless somebody is
# in danger". Each is a condition of its own, which the sentence must state.
FURTHER = re.compile(
    r",\s*(?=(?:only\s+)?(?:if|unless|when|whenever|provided|as long as|except|excluding|apart from)\s)", re.I
)
ONLY = re.compile(r"\bonly\b([^,;:.!?()]*)", re.IGNORECASE)  # what a clause says "only" of
JOINS = re.compile(r"\b(?:and|or)\b", re.IGNORECASE)
# What comes with the thing a value is given of, named in words without a number: "the sensor mast mounted" of
# "With the sensor mast mounted it weighs 1.5 kg", "the spare parts" of "The box with the spare parts is 40 cm
# long". The phrase ends at a number, a mark, or a word that opens or goes on with the main clause.
ACCOMPANYING = re.compile(
    r"\b(?:with|including)\s+(?:(?:the|a|an|its|their|his|her|our|your)\s+)?"
    r"((?:(?!(?:it|they|the|a|an|this|is|are|was|were|weighs?|has|have|and|or|but|which|that)\b)[^\W\d_][\w'-]*\s*)+)",
    re.IGNORECASE,
)
REASON = re.compile(r"because|since|so", re.IGNORECASE)
PART_OF = re.compile(r"\b(?:or|and|but|because|since|so|than|earlier|later|after|before|until)\b", re.IGNORECASE)
# The words that turn a claim round ("cannot" and "n't" read as "not"), and where their reach ends: a clause's
# punctuation, a sentence's end or a turn ("but"); not a comma, which "Do not eat, drink or smoke" reaches past.
# "without" is none: it reaches one thing, and "do not run it without a guard" is no double negative to count.
NEGATION = frozenset("not no never none nor neither nothing nobody nowhere".split())
CONTRACTED = re.compile(r"n['\u2019]t\b|(?<=\bcan)not\b", re.IGNORECASE)
CLAUSE_END = re.compile(r"[,;:()]|[.!?](?=\s|$)")
# A claim and then its denial of another thing, the claim left out: "Calculators are allowed, phones are not." says
# "phones are not allowed", which a clause's count of negations (the comma is no turn) read as "allowed" denied.
AUX = r"is|are|was|were|can|may|must|will|should|do|does"
ELIDED_NOT = re.compile(
    rf"\b(?P<aux>{AUX})\s+(?P<claim>[^,;:.!?]+?),\s*(?:but\s+)?(?P<subject>(?:[\w'-]+\s+){{0,3}}?[\w'-]+)\s+"
    rf"(?:(?P<own>{AUX})(?:\s+not|n['\u2019]t)|not)(?=\s*(?:[.;!?]|$))",
    re.IGNORECASE,
)
TURN = re.compile(r"[;:()]|[.!?](?=\s|$)|\b(?:but|however|whereas|although|though)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Checked:
    """A generated sentence's verdict: the source it is backed by (1-based) or why it is not."""

    text: str
    source: int | None
    reason: str

    @property
    def supported(self) -> bool:
        return self.source is not None


def numbers(text: str) -> set[str]:
    """The numbers a text states, normalised (1,024 → 1024; 2.50 → 2.5; minus 40 → -40)."""
    found = set()
    for raw in NUMBER.findall(MINUS.sub("-", CITATION.sub(" ", text))):
        value = raw.lstrip("+").replace(",", "")
        if ":" in value:  # 07:30 is 7:30
            value = value.lstrip("0").rjust(4, "0")
        elif "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value)
    return found | dotted_clocks(text)


def dotted_clocks(text: str) -> set[str]:
    """The times of day a text writes with a dot ("at 7.30"), as `numbers` gives a time: "7:30"."""
    return {
        f"{int(hour)}:{minute}"
        for match in DOTTED_CLOCK.finditer(text)
        for hour, minute in [match.groups()]
        if not any(
            n == f"{int(hour)}.{minute}".rstrip("0").rstrip(".")
            for n, _ in quantities(text[match.start(1) : match.end() + UNIT_AFTER])
        )
    }


def names(text: str) -> set[str]:
    """Proper names and codes a text states, lowercased."""
    return {n.lower().strip("-") for n in NAME.findall(CITATION.sub(" ", text))}


def split(text: str) -> list[str]:
    """Sentences of generated text, each keeping its trailing [n] markers."""
    pieces = []
    for match in SENTENCE.finditer(text):
        piece = match.group().strip()
        if piece:
            pieces.append(piece)
    # Markers written after the full stop ("... 42 N. [1]") belong to the sentence before.
    merged: list[str] = []
    for piece in pieces:
        if merged and CITATION.fullmatch(" " + piece.rstrip(".")):
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    return merged


class Verifier:
    """Checks sentences against each source's evidence: words, numbers, names and meaning."""

    def __init__(
        self,
        question: str,
        evidence: dict[int, list[Evidence]],
        passages: Sequence,
        embedder,
        min_similarity: float,
        relevance: float = 0.0,
        covering: float = 1.0,
        kin: Kin = NO_KIN,
    ):
        self.question_words = set(content_words(question, ASKING))
        self.asked = {stem(word.lower()) for word in WORD.findall(question)}  # its asking words too, any case
        self.least_own = REASON_WORDS if WHY.search(question) else 1  # words of its own a sentence must add
        self.wanted = expected(question, kin_of(kin))
        # The answers the best evidence of the kind asked for states: what an answering sentence must say.
        ranked = sorted(((n, e) for n, items in evidence.items() for e in items), key=lambda ne: -ne[1].score)
        read = _read_with_units(evidence, passages)  # a table row's "2.5" is "2.5 m" when its label says "(m)"
        best = [(n, e) for n, e in ranked if self.wanted.kind and self.wanted.fits(read[n, e.start])][:LEADING]
        given = [found for n, e in best if (found := values(self.wanted, read[n, e.start]))]
        self.leading = set().union(*given)
        self.leading_at = {(n, e.start) for n, e in best}  # where they are: (source, page offset)
        # Two of them giving different values (a package's "3 mm" and a gyroscope's "±2000 °/s" for "max gyro
        # range"): a small model copies the first fact it is given, so a sentence stating one of them is no sign
        # it is the one asked for; only the material's own words, both quoted, let the student tell. Names are
        # not weighed so: any capitalised word fits a question asking for one.
        differ = any(not (a <= b or b <= a) for a, b in itertools.combinations(given, 2))
        self.undecided = differ and self.wanted.precise and self.wanted.kind in SAYS_WHAT_ASKED
        # The question's terms the best evidence sentence itself uses ("repeatability"): an answer keeps them; not
        # the things a comparison names, each of which a sentence answers for apart ("The V8 has a reach of 780 mm"
        # for "which has the longer reach, the V8 or the V5?").
        asked_of_each = set(content_words(without_compared(question), ASKING))
        self.focus = asked_of_each & set(content_words(ranked[0][1].text)) if ranked else set()
        self.evidence = evidence  # by 1-based source number
        self.embedder = embedder
        self.min_similarity = min_similarity
        self.relevance = relevance
        self.covering = covering
        # Numbers and names may come from any of a source's evidence, the facts the model was given (but a list
        # item's from itself); words only from the one evidence sentence a generated sentence is closest to, with
        # its context (the heading, the sentence it leans on, a list item's lead-in), or from those it copies word
        # for word. Words gathered from all over a passage let a small model join one fact's subject to another's
        # predicate: "Forward kinematics is computing the joint angles needed to reach a position" from a glossary
        # defining both kinds.
        self.evidence_text = {n: " ".join(e.text for e in items) for n, items in evidence.items()}
        self.evidence_quantities = {
            n: quantities(text) | {(clock.split(":")[0], "clock") for clock in dotted_clocks(text)}
            for n, text in self.evidence_text.items()
        }
        self.evidence_words = {n: text_words(text) for n, text in self.evidence_text.items()}
        self.evidence_scales = {n: scaled(text) for n, text in self.evidence_text.items()}
        self.titled = {n: _beside(passages[n - 1].heading, self.evidence_text[n]) for n in evidence}
        self._vectors = {n: embedder.embed([e.text for e in items]) for n, items in evidence.items()}
        self._leads = {n: _lead_ins(items, passages[n - 1]) for n, items in evidence.items()}
        contexts = {n: _contexts(items, passages[n - 1], self._leads[n]) for n, items in evidence.items()}
        self._contexts = contexts
        self._context_words = {n: [text_words(text) for text in texts] for n, texts in contexts.items()}
        self._context_terms = {n: [_terms(text) for text in texts] for n, texts in contexts.items()}
        self._item_words = {n: [_said(e.text) for e in items] for n, items in evidence.items()}
        # The evidence words of a sentence on the question through them, by its words (with or without markers).
        self._said: dict[tuple[str, ...], set[str]] = {}

    def check(self, sentence: str) -> Checked:
        """The source that backs this sentence, preferring the one it cites; or the reason none does."""
        cited = [int(n) for n in CITATION.findall(sentence) if int(n) in self.evidence]
        order = cited + [n for n in self.evidence if n not in cited]
        reasons = []
        plain = CITATION.sub(" ", sentence)
        words = content_words(plain)
        stated = set(words)
        if stated and len(stated - self.asked) < self.least_own:
            return Checked(sentence, None, RESTATED)
        own = self._on_question(plain, stated)
        vector = self.embedder.embed_query(plain)
        for n in order:
            closest = self._closest(n, vector)
            copied = self._copying(n, plain)
            reason = "" if copied else self._unsupported(sentence, n, closest)
            if not reason:
                said = set().union(*(self._context_words[n][i] for i in copied or [closest[0]]))
                drawn = self._covers(said)
                if not (own or drawn):
                    return Checked(sentence, None, OFF_QUESTION)
                if drawn:
                    self._said[tuple(words)] = said
                return Checked(sentence, n, "")
            reasons.append(reason)
        if not own:  # about another fact, whatever else is wrong with it
            return Checked(sentence, None, OFF_QUESTION)
        return Checked(sentence, None, reasons[0] if reasons else "no evidence to check it against")

    def answers(self, sentence: str) -> bool:
        """Whether the sentence states the kind of answer asked for, and the answer the best evidence gives: a
        small model copying another number of the right kind ("5 bar" from the warning light) has not. A question
        asking for no kind of value is answered by a sentence that, itself or with the evidence covering the
        question it is drawn from, has the question's terms the best evidence has: "A topic is a named channel for
        messages." drawn from "In ROS 2, a topic is a named channel ..." answers "What is a ROS 2 topic?"."""
        plain = CITATION.sub(" ", sentence)
        if not self.wanted.kind:
            words = content_words(plain)
            return self.focus <= set(words) | self._said.get(tuple(words), set())
        if self.undecided:
            return False
        stated = values(self.wanted, plain)
        return self.wanted.fits(plain) and (not stated or not self.leading or stated <= self.leading)

    def closest(self, sentence: str, exclude: set[tuple[int, int]]) -> tuple[int, Evidence] | None:
        """The evidence sentence nearest in meaning to `sentence`, among those not yet quoted."""
        query = self.embedder.embed_query(sentence)
        ranked = [
            (_dot(query, vector), n, item)
            for n, items in self.evidence.items()
            for item, vector in zip(items, self._vectors[n], strict=True)
            if (n, item.start) not in exclude
        ]
        if not ranked:
            return None
        _, n, item = max(ranked, key=lambda t: t[0])
        return n, item

    def _copying(self, n: int, plain: str) -> range:
        """The evidence sentences of source n, one after another, that the sentence copies word for word (markup and
        punctuation aside), or none: the model given a list as one fact ("The course grade is made up of: Lab
        reports: 30% Midterm exam: 30% ...") copies several at once, and a copy says only what the material says."""
        said, items = _said(plain), self._item_words[n]
        for first in range(len(items) if said else 0):
            run: list[str] = []
            for last in range(first, len(items)):
                run += items[last]
                if run == said:
                    return range(first, last + 1)
                if said[: len(run)] != run:
                    break
        return range(0)

    def _on_question(self, plain: str, stated: set[str]) -> bool:
        """Whether the sentence is about what was asked: it shares enough of the question's key terms.

        A true sentence copied from the wrong fact ("The fire extinguisher hangs by the door." for a question
        about testing the emergency stops) is supported by the material but answers nothing.
        """
        if not self.question_words:
            return True
        if self.wanted.kind and self.wanted.fits(plain):
            return True  # "Ilse Marrow." answers "Who is the safety officer?" in none of its words
        shared = self.question_words & stated
        return len(shared) >= max(1, self.relevance * len(self.question_words))

    def _covers(self, said: set[str]) -> bool:
        """Whether an evidence sentence's words (with its context) cover the question as answering evidence must:
        a sentence drawn from it is about the question in however few of its words ("A topic is a named channel
        for messages." for "What is a ROS 2 topic?"); one drawn from a step before the one asked about is not."""
        shared = self.question_words & said
        return bool(self.question_words) and len(shared) >= self.covering * len(self.question_words)

    def _closest(self, n: int, vector) -> tuple[int, float]:
        """The evidence sentence of source n nearest in meaning to a sentence's vector: its index and similarity."""
        similarities = [_dot(vector, v) for v in self._vectors[n]]
        closest = max(range(len(similarities)), key=similarities.__getitem__)
        return closest, similarities[closest]

    def _sources(self, n: int, text: str, closest: int) -> list[int]:
        """The evidence sentences of source n a sentence may be taken from: the nearest in meaning, and the one
        sharing the most of its words in order."""
        said = [root for _, root in _words(text)]
        shared = [
            difflib.SequenceMatcher(None, said, [root for _, root in _words(e.text)], autojunk=False).ratio()
            for e in self.evidence[n]
        ]
        most = max(range(len(shared)), key=shared.__getitem__)
        return [closest] if most == closest else [closest, most]

    def _unshown(self, what: str, n: int, shows: Callable[[int], bool]) -> str:
        """Why source n does not back a number or name: no source shows it, or another's evidence does (the
        "0.1 mm" of hand-held scans, cited to the turntable's load)."""
        elsewhere = next((m for m in sorted(self.evidence_text) if m != n and shows(m)), None)
        return f"{what} appears in no source" if elsewhere is None else f"{what} is in source {elsewhere}, not {n}"

    def _shows_number(self, number: str, n: int) -> bool:
        """Whether source n's evidence shows the number."""
        return number in numbers(self.evidence_text[n].lower())

    def _names(self, name: str, n: int) -> bool:
        """Whether source n's evidence names it: as written, stemmed, a code in another spelling ("tq50" for
        the material's "TQ-50"), or a day inside a range of days it gives ("Wednesday" of "Monday to Thursday")."""
        where, words = self.evidence_text[n].lower(), self.evidence_words[n]
        day = WEEKDAY.match(name) and stem(name) in words
        return name in where or stem(name) in where or name.replace("-", "") in words or bool(day)

    def _unsupported(self, sentence: str, n: int, closest: tuple[int, float]) -> str:
        """Why source n does not back the sentence ("" when it does): its closest evidence sentence must."""
        text = CITATION.sub(" ", sentence)
        for number in sorted(numbers(text)):
            if not self._shows_number(number, n):
                return self._unshown(f"the number {number}", n, partial(self._shows_number, number))
        # A list's items give each its own value: another item's number given to this one's words says of one
        # thing what the material says of another ("Midterm quiz: 40 percent" when the final project is 40).
        lead = self._leads[n][closest[0]]
        item = f"{lead} {self.evidence[n][closest[0]].text}"
        other = sorted(numbers(text) - numbers(item)) if lead else []
        if other:
            return f"the list gives {other[0]} to another of its items"
        others = sorted(quantities(text) - quantities(item)) if lead else []  # and its unit: "1 V" for "1 mA"
        if others:
            return "the list gives {} as a {} to another of its items".format(*others[0])
        # A number the material gives in one unit is not the model's to give in another ("9 by 6 cm" from a
        # board of 9 by 6 corners).
        invented = sorted(quantities(text) - self.evidence_quantities[n])
        if invented:
            return "the material does not give {} as a {}".format(*invented[0])
        # Nor in another unit of the scale than the material's: "1.5 g" of its "1.5 kg", "10 ms" of "10 s".
        given = self.evidence_scales[n]
        for number, dimension, unit in sorted(scaled(text) - given):
            its = next((u for m, d, u in sorted(given) if (m, d) == (number, dimension)), "")
            if its:
                return f"the material gives {number} {its}, not {number} {unit}"
        for name in sorted(names(text) - self.titled[n]):
            # A code in the student's spelling ("tq50") is the material's in another ("TQ-50").
            if not self._names(name, n):
                return self._unshown(f"'{name}'", n, partial(self._names, name))
        found = self._context_words[n][closest[0]]
        # Every word it states is the material's, there: "The arm's maximum reach is 2 kg" answers a question about
        # reach from a sentence that never mentions it, and "and weekends", "heavier than", "usually" add a claim
        # of their own to a copied one (a share of three words in four let them pass). A word of the same family
        # ("weighs" for "weight") is the material's; a unit is checked with its number, in any spelling.
        plain = without_units(text)
        hours = {w.lstrip("0") for w in found if w.isdigit()}  # the 7 of "7:30" is the material's 07 of "07:30"
        ended = _ends_ranges(text, self.evidence[n][closest[0]].text)
        unsaid = [
            w
            for w in content_words(plain, ASKING)
            if w not in found
            and not _family(w, found)
            and not (w.isdigit() and w.lstrip("0") in hours)
            and not (ended and w in ("until", "till"))
        ]
        if unsaid:
            first = next((w for w in unsaid if w in self.question_words), unsaid[0])
            return f"the material does not say '{_as_written(first, plain)}' here"
        # A number of the sentence's own that its context has only as a code's digits ("Up to 20 servos" beside the
        # "KS-20" of its heading, where the material says 60).
        coded = sorted(numbers(text) - numbers(self._contexts[n][closest[0]]))
        if coded:
            return f"the material does not say '{coded[0]}' here"
        unsaid = sorted(_terms(text) & BOUNDING - self._context_terms[n][closest[0]])
        if unsaid:
            return f"the material does not say '{unsaid[0]}' here"
        turned_bound = opposed(text, self.evidence[n][closest[0]].text)
        if turned_bound:
            return "it says '{}' where the material says '{}'".format(*turned_bound)
        # Against the sentence it copies most of too, when another is nearer in meaning: "The Greta Lindqvist
        # Station in Room G-11" is nearest the one naming her, but copies the title it changes.
        sources = self._sources(n, text, closest[0])
        swap = next((s for i in sources if (s := swapped(text, self.evidence[n][i].text, self._contexts[n][i]))), None)
        if swap:
            return "it puts '{}' where the material says '{}'".format(*swap)
        order = reordered(text, self.evidence[n][closest[0]].text)
        if order:
            return "it gives {} and {} in each other's place".format(*order)
        again = repeated(plain, self.evidence[n][closest[0]].text)
        if again:
            return f"it says '{_as_written(again, plain)}' more often than the material does here"
        turned = negated(text, self.evidence[n][closest[0]].text)
        if turned:
            return turned
        condition = unconditioned(text, self.evidence[n][closest[0]].text, self.question_words)
        if condition:
            return f"it leaves out the material's condition ('{condition}')"
        part = _date_cut(text, self.evidence[n][closest[0]].text)
        if part:
            return "it gives '{}' without '{}', which the material's date has".format(*part)
        role = misnamed(text, self.evidence[n][closest[0]].text)
        if role:
            return "it says '{1}' of {0}, which the material says of {2}".format(*role)
        called = misroled(text, self.evidence_text[n])
        if called:
            return "it calls {} '{}', which the material does not".format(*called)
        count = uncounted(text, self.evidence[n][closest[0]].text)
        if count:
            return f"it leaves out how many: '{count}'"
        kept = narrowed(text, self.evidence[n][closest[0]].text)
        if kept:
            return f"it leaves out '{kept}' of what the material says 'only' of"
        moved = unbound(text, self.evidence[n][closest[0]].text)
        if moved:
            return "it puts {} with '{}', which the material says in another part of the sentence".format(*moved)
        # What the material names only to leave out is not what it gives the value of: "The Corvid-3 controller
        # weighs 23.5 kg without its controller." has every word of its evidence.
        claimed = sorted(left_out(self.evidence[n][closest[0]].text) & set(content_words(stated(text))))
        if claimed:
            return f"the material leaves out '{_as_written(claimed[0], plain)}' where it says this"
        extra = accompanied(text, self.evidence[n][closest[0]].text)
        if extra:
            return f"the material gives this with '{_as_written(extra, plain)}', not of it"
        bound = rebound(text, self.evidence_text[n])
        if bound:
            return "the material gives {} for '{}', not {}".format(*bound)
        if not WORD.search(text):
            return "it says nothing"
        similarity = closest[1]
        if similarity < self.min_similarity:
            return f"its meaning is far from the material (similarity {similarity:.2f})"
        return ""


def swapped(sentence: str, evidence: str, context: str = "") -> tuple[str, str] | None:
    """(the sentence's word, the evidence's) where the sentence puts one word of the evidence in place of another
    next to a run it copies from there: "Inverse kinematics goes from joints to position" from "forward kinematics
    goes from joints to position; inverse kinematics goes from position to joints". Every word is the material's
    and the meaning is close, yet the material says it of something else. Not a name's word beside it in the
    `context` (the heading "Zorblax gripper" names the "Zorblax" of its sentence "gripper")."""
    said, source = _words(sentence), _words(evidence)
    said_roots, source_roots = [root for _, root in said], [root for _, root in source]
    ops = difflib.SequenceMatcher(None, said_roots, source_roots, autojunk=False).get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op != "replace" or i2 - i1 > 2 or j2 - j1 > 3:
            continue  # a longer difference is a paraphrase, for the words and meaning checks to judge
        put = [word for word, root in said[i1:i2] if _meaningful(word) and root in source_roots]
        displaced = [word for word, root in source[j1:j2] if _meaningful(word) and root not in said_roots]
        beside = [ops[x] for x in (k - 1, k + 1) if 0 <= x < len(ops)]
        if put and displaced and any(kind == "equal" and _copied(said[a:b]) for kind, a, b, _, _ in beside):
            return put[0], displaced[-1]
        # One word of its own for one of the material's in a sentence otherwise copied, between copied words or
        # at its start or end: "on the right shoulder" for "left", "a teacher is present" for "a technician",
        # "Teachers may use the lab" for "Students", "I store them" for "Charge them", whatever other words of
        # the sentence or its context (the one its "them" leans on says "store") it was taken from, and though the
        # material's word stands elsewhere in the sentence too ("goes from joints to robotics" for "to position").
        # A paraphrase rewords more than one word; a name may be called what its context calls it.
        own = [word for word, _ in said[i1:i2] if _stands(word, i1) and not FIGURE.fullmatch(word)]
        lost = [word for word, _ in source[j1:j2] if _meaningful(word)]
        if own and lost and _names_beside(lost[-1], own[0], context, evidence):
            continue
        edge = (k == 0) + (k == len(ops) - 1)
        flanks = [said[a:b] for kind, a, b, _, _ in beside if kind == "equal"]
        kept = [word for flank in flanks for word in flank]
        # A short sentence is copied whole but for the words put in ("Teaching assistant: Björn Systems.").
        whole = len(ops) == len(flanks) + 1 and sum(_meaningful(word) for word, _ in kept) >= 2
        copied = len(flanks) + edge == 2 and (_copied(kept) or whole)
        # One or two words for one or two of a name ("Ostmark Room" for "Ostmark Mechatronics Workshop"), not the
        # name shortened, nor a day for a range of days ("Mon–Thu": the names check's) or for itself ("Fri"); another
        # day for a day is a swap ("Sunday | 17:00 | Check-in" of "Friday | 17:00 | ...").
        alone = 1 <= len(own) == sum(_stands(word, i1) for word, _ in said[i1:i2]) <= 2 and j2 - j1 <= 2
        day = alone and bool(lost) and DAY.fullmatch(own[0]) and all(DAY.fullmatch(word) for word in lost)
        day = day and (len(lost) > 1 or own[0][:3].lower() == lost[0][:3].lower())
        spelled = alone and lost and _same_unit(own[-1], lost[-1])  # "kilograms" for "kg": its own check's
        if alone and lost and copied and not day and not spelled and not _shortened(own, source[j1:j2], context):
            return own[0], lost[-1]
        # A number for another in a sentence otherwise copied, though its context has it: "in week 7" from "in week
        # 8" under "weeks 1 to 7", a row's "| 5" under the heading "5. Matches". Not one written another way.
        figure = [word for word, _ in said[i1:i2] + source[j1:j2] if FIGURE.fullmatch(word)]
        other = len(figure) == 2 == i2 - i1 + j2 - j1 and _value(figure[0]) != _value(figure[1])
        if other and copied and numbers(sentence) != numbers(evidence):
            return figure[0], figure[1]
    return None


def repeated(sentence: str, evidence: str) -> str:
    """A word the sentence says twice or more, and more often than its evidence sentence does ("" if none): the
    repeat stands where the material says something else. "Forward kinematics is the inverse of forward
    kinematics." from "forward kinematics goes from joints to position ...; inverse kinematics ...", and "It
    computes joint angles from known joint angles." from "... computes the end effector position from known joint
    angles." (the bundled sample)."""
    said, given = Counter(content_words(sentence)), Counter(content_words(evidence))
    return next((word for word, times in said.items() if times > max(given[word], 1)), "")


def reordered(sentence: str, evidence: str) -> tuple[str, str] | None:
    """(two numbers) the sentence, copying the evidence's words, gives in each other's place: "Current at full load:
    9 A; stall current about 4.2 A" from "... 4.2 A; ... about 9 A". Not two of a list or a range, with nothing but
    "and", "or", "to" or a dash between them ("between 22 and 17 °C")."""
    said, given = NUMBER_SPLIT.split(sentence), NUMBER_SPLIT.split(evidence)
    if len(said) != len(given) or _said(" ".join(said[::2])) != _said(" ".join(given[::2])):
        return None  # more than the numbers' places differ: for the other checks
    mine, theirs = said[1::2], given[1::2]
    for k, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        if numbers(a) != numbers(b) and numbers(a) <= numbers(evidence) and not JOINER.fullmatch(given[2 * k + 2]):
            moved = next((m for m in range(k + 1, len(theirs)) if numbers(theirs[m]) == numbers(a)), None)
            if moved is not None and not all(JOINER.fullmatch(given[2 * x + 2]) for x in range(k, moved)):
                return a, b
    return None


def _value(figure: str) -> float:
    """A figure's value, however written ("08" and "8", "4.0" and "4", "1,600" and "1600")."""
    return float(figure.replace(",", ""))


def _same_unit(a: str, b: str) -> bool:
    """Whether two words are one unit in two spellings ("kilograms" and "kg", "newtons" and "N")."""
    one, other = f"1 {a}", f"1 {b}"
    if scaled(one) or scaled(other):
        return scaled(one) == scaled(other)
    return bool(quantities(one)) and quantities(one) == quantities(other)


def _shortened(own: list[str], lost: list[tuple[str, str]], context: str) -> bool:
    """Whether the words put in are parts of the name they stand for, shortened ("Björn Sakamoto" for "Björn
    Sakamoto-Reyes"), and no name of their own in the context ("RoboNet" beside "RoboNet-Guest" is another)."""
    parts = {part.lower() for word, _ in lost for part in word.split("-")}
    alone = {word.lower() for word in HYPHENATED_WORD.findall(context)}
    return all(word.lower() in parts and word.lower() not in alone for word in own)


def negated(sentence: str, evidence: str) -> str:
    """Why the sentence says the opposite of the evidence it copies ("" when it does not): "The lab is not open on
    Saturday mornings" from "The lab is open on Saturday mornings", or "... open on Saturdays" from "open on
    weekdays, but not on Saturdays". "not" is a stopword, so no word check sees it. The clauses the two share words
    in must hold as many negations (so "No food is allowed" is "Food is not allowed"), and a word they share must
    stand on the same side of one (so "open on weekdays" is still the material's)."""
    sentence, evidence = _unelided(sentence), _unelided(evidence)
    lone = _lone_negation(sentence, evidence)
    if lone:
        return lone
    said, source = _polarities(sentence), _polarities(evidence)
    matcher = difflib.SequenceMatcher(None, [w.root for w in said], [w.root for w in source], autojunk=False)
    pairs = [
        (said[i + k], source[j + k])
        for i, j, size in matcher.get_matching_blocks()
        for k in range(size)
        if _meaningful(said[i + k].word)
    ]
    if len(pairs) < 2:
        return ""  # too little copied to say what the sentence copies
    counts = [sum(dict((w.clause, w.negations) for w in side).values()) for side in zip(*pairs, strict=True)]
    if counts[0] % 2 == counts[1] % 2:
        return ""
    flipped = next((a.word for a, b in pairs if a.negated != b.negated), "")
    # No copied word after the negation: it turns what comes before it when no word of meaning follows it ("the
    # extractor must not be on", "laptops are not"), and only what follows it otherwise ("Charge them in a bag" of
    # "Charge them in a bag, never leave them unattended").
    turned = [pair for pair in pairs if pair[0].negations % 2 != pair[1].negations % 2] or pairs
    adds = turned[0][0].negations > turned[0][1].negations if turned is not pairs else counts[0] % 2 == 1
    side, at = (said, 0) if adds else (source, 1)
    clauses = {pair[at].clause for pair in turned}
    if not flipped and any(w.negated and _meaningful(w.word) for w in side if w.clause in clauses):
        return ""
    flipped = flipped or turned[-1][0].word
    if adds:
        return f"it says 'not' of '{flipped}' where the material does not"
    return f"it leaves out the material's 'not' of '{flipped}'"


def _unelided(text: str) -> str:
    """The text with a denial's left-out claim said in full: "Calculators are allowed; phones are not allowed." of
    "Calculators are allowed, phones are not."."""
    return ELIDED_NOT.sub(
        lambda m: f"{m['aux']} {m['claim']}; {m['subject']} {m['own'] or m['aux']} not {m['claim']}", text
    )


def opposed(sentence: str, evidence: str) -> tuple[str, str] | None:
    """(the sentence's word, the evidence's) where the sentence, copying the evidence, turns a bound or an order
    into its opposite: "at most ten days ahead" from "at least ten days ahead", though "at most" stands in its
    next clause. Those little words are stopwords, which no word check reads."""
    said, source = _said(sentence), _said(evidence)
    ops = difflib.SequenceMatcher(None, said, source, autojunk=False).get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        pair = (said[i1], source[j1]) if op == "replace" and i2 - i1 == 1 == j2 - j1 else None
        beside = [ops[x] for x in (k - 1, k + 1) if 0 <= x < len(ops)]
        copied = sum(_meaningful(w) for kind, a, b, _, _ in beside if kind == "equal" for w in said[a:b]) >= 2
        if pair and OPPOSITES.get(pair[1]) == pair[0] and copied:
            return pair
    return None


def _lone_negation(sentence: str, evidence: str) -> str:
    """Why the sentence is the evidence with a "not" put in or taken out and every other word kept ("" when it is
    not): "questions that are for them" of "... that are not for them", which a clause's count of negations misses
    when the clause has another ("can and cannot help with")."""
    said, source = _said(sentence), _said(evidence)
    if _negations(sentence, said) % 2 == _negations(evidence, source) % 2:
        return ""  # "Food is not allowed" for "No food is allowed"
    ops = difflib.SequenceMatcher(None, said, source, autojunk=False).get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        beside = [ops[x] for x in (k - 1, k + 1) if 0 <= x < len(ops)]
        kept = [word for kind, a, b, _, _ in beside if kind == "equal" for word in said[a:b]]
        if op not in ("insert", "delete") or not set(said[i1:i2] + source[j1:j2]) <= NEGATION:
            continue
        copied = beside and all(kind == "equal" for kind, *_ in beside)
        if copied and sum(_meaningful(word) for word in kept) >= 2:
            word = _turned_word(sentence, i1, i2)
            if op == "delete":
                return f"it says 'not' of '{word}' where the material does not"
            return f"it leaves out the material's 'not' of '{word}'"
    return ""


def _turned_word(sentence: str, start: int, end: int) -> str:
    """The word a "not" between the sentence's words `start` and `end` turns: the next of meaning in its clause,
    else the last before it ("Probably" of "Probably not:")."""
    found = list(WORD.finditer(sentence))
    stop = CLAUSE_END.search(sentence, found[end - 1].end() if end else 0)
    after = [m.group() for m in found[end:] if not stop or m.start() < stop.start()]
    return next((w for w in [*after, *(m.group() for m in reversed(found[:start]))] if _meaningful(w)), "")


def _negations(text: str, words: list[str]) -> int:
    """How many negations a text's words hold, contracted ones ("can't", "cannot") too."""
    return sum(word in NEGATION for word in words) + len(CONTRACTED.findall(text))


@dataclass(frozen=True)
class _Polar:
    """A word of a text (no negation), its stem, its clause, that clause's negations and whether one comes before it."""

    word: str
    root: str
    clause: int
    negations: int
    negated: bool


def _polarities(text: str) -> list[_Polar]:
    """The words of `text` but its negations, each with the side of a negation it stands on within its clause."""
    found = []
    for clause, part in enumerate(TURN.split(CONTRACTED.sub(" not", CITATION.sub(" ", text)))):
        words = WORD.findall(part)
        count = sum(w.lower() in NEGATION for w in words)
        before = 0
        for word in words:
            if word.lower() in NEGATION:
                before += 1
            else:
                found.append(_Polar(word, stem(word.lower()), clause, count, before % 2 == 1))
    return found


def unconditioned(sentence: str, evidence: str, asked: Set[str] = frozenset()) -> str:
    """The condition of the evidence that the sentence copies the claim of without ("" when none): "Reset the
    driver." from "If the LED blinks red, reset the driver." says it always holds, as "Students may use the lab on
    Saturdays." does from "... if a technician is present". A condition the question itself states ("What do I do
    if the LED blinks red?") goes without saying."""
    found = CONDITION.match(evidence)
    if found:
        first = _unstated(found.group().strip(" ,"), evidence[found.end() :], sentence, asked, found.group("condition"))
        if first:
            return first
        # Stated, it leaves the rest to check: "When more than three students are waiting, ..., and then goes back
        # to the end of the queue if there is more to ask." has one after its claim too.
        evidence, own = evidence[found.end() :], CONDITION.match(sentence)
        sentence = sentence[own.end() :] if own else sentence
    after = TRAILING.search(evidence)
    if not after:
        return ""
    condition, claim = after.group("condition").strip(), evidence[: after.start()]
    # After "or", "and" or a reason it belongs to that part alone ("... after 300 hours, or earlier if the rubber
    # cracks"), which the sentence must state for it to be left out ("... or earlier."): measured, reading those
    # always withdrew two true sentences; a reason's condition is the reason's ("... add up when integrated"). A
    # "than" inside the claim ("more than three days late") is no part.
    clause = re.split(r"[,;:()]", claim)[-1]
    parts = [found for found in PART_OF.finditer(clause) if found.group().lower() != "than"]
    if parts and REASON.fullmatch(parts[-1].group()):
        return ""
    if parts and not set(content_words(clause[parts[-1].start() :])) & set(content_words(sentence)):
        return ""
    for each in FURTHER.split(condition):
        missing = _unstated(each, claim, sentence, asked)
        if missing:
            return missing
        claim += f", {each}"
    return ""


def _unstated(condition: str, claim: str, sentence: str, asked: Set[str], words: str = "") -> str:
    """The condition, when the sentence copies its claim without it or any word of it ("" when it states it).
    Given its `words` ("Gullwatch is down"), a condition saying what its subject is or does is stated only by what
    it says of it: "Gullwatch buffers 72 hours of data" from "If Gullwatch is down, the buoy buffers 72 hours of
    data" names its subject, to give it the claim's (a class walkthrough)."""
    # The condition's own words: those it shares with the claim ("only", "exercises") are no sign it was stated.
    said, stated = set(content_words(sentence)), set(content_words(claim))
    terms = set(content_words(condition)) - stated
    verb = SUBJECT_ENDS.search(words)
    if verb and (predicate := set(content_words(words[verb.end() :])) - stated):
        terms = predicate
    return condition if terms and not terms & (said | asked) and len(said & stated) >= 2 else ""


def rebound(sentence: str, evidence: str) -> tuple[str, str, str] | None:
    """(the evidence's number, the words, the sentence's number) where the sentence gives a number of the material's
    to words the material gives another: "at least 50 percent on the final project" from "at least 50 percent
    overall to pass, and at least 40 percent on the final project", or "The Wren-9 weighs 2.1 kg" from "The Wren-7
    weighs 2.1 kg and the Wren-9 3.4 kg". Every number and word is the material's, in the wrong pairs. Words are a
    number's when they follow it within its clause, past its unit; or, when none that follow say so, the name or
    code before it there (a subject's other words, "need at least", bind too loosely to judge by)."""
    given = _bindings(evidence)
    for number, after, before in _bindings(sentence):
        for side, words in enumerate((after, before & _name_roots(sentence))):
            pairs = [(m, bound[side]) for m, *bound in given]
            own = [w for m, w in pairs if m == number]
            if words and any(words <= w for w in own):
                break  # bound as the material binds it
            other = next((m for m, w in pairs if m != number and words and words <= w), None)
            if other and own:
                return other, " ".join(sorted(words)), number
        else:
            moved = None if after else _moved(number, before, given)
            if moved:
                return moved[0], _as_written(moved[1], sentence), number
    return None


def misnamed(sentence: str, evidence: str) -> tuple[str, str, str] | None:
    """(a name, a word, another name) where the sentence says of a name a word the evidence says, in a part of its
    own, of another name only: "Priya Vandersloot is the bench technician." from "The workshop is led by Priya
    Vandersloot, with Tomasz Ekwueme as the bench technician.". Words only (a number's pairs are `rebound`'s), and
    not in a table row, whose cells are all its label's."""
    if "|" in evidence:
        return None
    # A label says what the name after it is ("Teaching assistant: Kofi Brandauer"): one part with it, no name.
    evidence = LABEL_FIRST.sub(lambda label: f"{label.group(1).lower()} ", evidence)
    parts = [(_named(part), set(content_words(part))) for part in CLAUSE.split(CITATION.sub(" ", evidence))]
    for clause in CLAUSE.split(CITATION.sub(" ", sentence)):
        named = _named(clause)
        for name in sorted(named):
            with_it = set().union(*(words for names_there, words in parts if name in names_there))
            if not with_it:
                continue
            for word in sorted(w for w in set(content_words(clause)) - with_it - named if not w.isdigit()):
                other = next(
                    (m for names_there, words in parts if word in words for m in sorted(names_there - named)), ""
                )
                if other:
                    return _as_written(name, sentence), _as_written(word, sentence), _as_written(other, evidence)
    return None


def misroled(sentence: str, evidence: str) -> tuple[str, str] | None:
    """(a name, the role) where the sentence calls a name of the evidence a role the evidence does not stand beside
    it ("Mirela Oduya, the new user." from "The printer technician, Mirela Oduya, trains new users"): a role is
    given by apposition or "is the", before the name ("technician, Mirela Oduya", "Technician: ...") or after it
    ("Mirela Oduya, the technician", "... as the bench technician")."""
    for found in CALLED_ROLE.finditer(CITATION.sub(" ", sentence)):
        name, role = found.group("name"), found.group("role")
        head = stem(role.split()[-1].lower())
        last = re.escape(name.split()[-1])
        at = [m for m in re.finditer(rf"\b{last}\b", evidence)]
        if at and not any(_beside_name(evidence, m.start(), m.end(), head) for m in at):
            return name, role
    return None


def _beside_name(evidence: str, start: int, end: int, head: str) -> bool:
    """Whether a role whose last word's stem is `head` stands beside the name ending at `end` in the evidence, whose
    last word starts at `start`: right before the name, or among the few words after it by apposition or "is",
    "as"."""
    before = ROLE_BEFORE.search(evidence[max(0, start - 80) : start])
    after = ROLE_AFTER.match(evidence, end)
    return any(m and head in {stem(w.lower()) for w in m.group("head").split()} for m in (before, after))


def _named(text: str) -> set[str]:
    """The names a part of a sentence states, its first word too (not a stopword), as content words give them."""
    return {stem(name) for name in names(f" {text.strip()}") - STOPWORDS}


def uncounted(sentence: str, evidence: str) -> str:
    """The evidence's count of things a sentence stating no number at all names ("" when none): "The discussion is
    the source of error." from "Discussion: at least two sources of error." says there is one (a class
    walkthrough). A sentence giving any number ("has one answer", "40 percent") is checked by its numbers."""
    if numbers(sentence) or ANY_COUNT.search(sentence):
        return ""
    said = {stem(word.lower()) for word in WORD.findall(sentence)}
    return next(
        (found.group().strip() for found in COUNTED.finditer(evidence) if stem(found["things"].lower()) in said), ""
    )


def narrowed(sentence: str, evidence: str) -> str:
    """A word of the things the evidence says "only" of, joined by "and" or "or", that the sentence's "only" leaves
    out ("" when none): "the 1.2 mm wire only for battery leads" from "... only for battery and motor leads" says
    the motors take another."""
    given = [(set(content_words(found.group(1))), found.group(1)) for found in ONLY.finditer(evidence)]
    for found in ONLY.finditer(sentence):
        said = set(content_words(found.group(1)))
        for words, phrase in given:
            left = sorted(words - said) if said & words and JOINS.search(phrase) else []
            if left and not JOINS.search(found.group(1)):
                return _as_written(left[0], phrase)
    return ""


def unbound(sentence: str, evidence: str) -> tuple[str, str] | None:
    """(a number, a word) where the sentence puts before a number of the evidence's sentence words of another part
    of it in place of the number's own: "Solder paste must be kept in the fridge for 30 minutes" from "Solder paste
    is kept in the fridge in B14 and must warm up for 30 minutes". The sentence's subject (the words before its
    first verb) is every part's."""
    parts = CLAUSE.split(CITATION.sub(" ", evidence))
    opening = SUBJECT_ENDS.search(parts[0])
    subject = _stems(parts[0][: opening.start()]) if opening else frozenset()
    words = [_stems(part) for part in parts]
    given = _bindings(evidence)
    for number, _, before in _bindings(sentence):
        own = {w for m, _, b in given if m == number for w in b if not SUBJECT_ENDS.fullmatch(w)}  # "warm", no "must"
        if not own or own & before:
            continue
        its = frozenset().union(*(w for part, w in zip(parts, words, strict=True) if number in numbers(part)))
        moved = sorted(w for w in before - subject - its if any(w in other for other in words))
        if moved:
            return number, _as_written(moved[0], sentence)
    return None


def accompanied(sentence: str, evidence: str) -> str:
    """A word the sentence gives a value of that the evidence names only as what comes with the thing it gives it of
    ("" when none): "The mast is 1.5 kg." from "With the sensor mast mounted it weighs 1.5 kg" (a walkthrough)."""
    if not numbers(sentence):
        return ""
    said = set(content_words(ACCOMPANYING.sub(" ", sentence)))
    return next(iter(sorted(_accompaniments(evidence) & said)), "")


def _accompaniments(text: str) -> set[str]:
    """The content words a text names only in what comes with the thing it speaks of."""
    named = {word for found in ACCOMPANYING.finditer(text) for word in content_words(found.group(1))}
    return named - set(content_words(ACCOMPANYING.sub(" ", text))) if named else set()


def _stems(text: str) -> frozenset[str]:
    """The meaningful word stems of a text, as `_bindings` gives them."""
    return _roots([(word, stem(word.lower())) for word in TOKEN.findall(text)])


def _moved(number: str, before: frozenset[str], given: list[Binding]) -> tuple[str, str, str] | None:
    """(the material's number, the word's stem, `number`) where a sentence ending on its number puts before it a
    word the material binds after another number and not to this one: "The turntable is accurate to 0.1 mm" from
    "0.05 mm on the turntable and about 0.1 mm for hand-positioned scans". A word of the number's own clause in the
    material holds it ("With the battery it weighs 2.1 kg" from "2.1 kg with the battery and 1.8 kg without")."""
    own = frozenset().union(*(a | b for m, a, b in given if m == number))
    if not own:
        return None
    for other, after, _ in given:
        word = next(iter(sorted(before & after - own)), None) if other != number else None
        if word:
            return other, word, number
    return None


def _bindings(text: str) -> list[Binding]:
    """Each number of `text` with the meaningful word stems that follow it in its clause (its unit left out) and
    those before it there."""
    found = []
    for clause in CLAUSE.split(CITATION.sub(" ", text)):
        tokens = [(word, stem(word.lower())) for word in TOKEN.findall(clause)]
        for i, (word, _) in enumerate(tokens):
            if NUMBER.fullmatch(word):
                after, before = tokens[i + 2 : i + 2 + FOLLOWING], tokens[:i]
                found.append((numbers(word).pop(), _roots(after), _roots(before)))
    return found


def _roots(tokens: list[tuple[str, str]]) -> frozenset[str]:
    return frozenset(root for word, root in tokens if _meaningful(word) and not NUMBER.fullmatch(word))


def _name_roots(text: str) -> frozenset[str]:
    """The stems of the names and codes a text states, as `_bindings` gives its words."""
    return frozenset(stem(name) for name in names(text))


def _beside(heading: str, evidence: str) -> frozenset[str]:
    """The names of a heading that stand next to one the evidence states: "Kestrel" of "The Kestrel LX-9 Spectral
    Bench" where the evidence says "The LX-9 weighs 17.5 kg", so "The Kestrel LX-9 weighs 17.5 kg" is the
    material's. A name merely in the heading is not: "Kestrel and Osprey benches" says nothing of which "It" is."""
    words = [word.lower().strip("-") for word in re.findall(r"[\w-]+", heading)]
    headed, stated = names(f" {heading}"), names(evidence)
    return frozenset(
        word
        for i, word in enumerate(words)
        if word in headed and stated & set(words[max(i - 1, 0) : i] + words[i + 1 : i + 2])
    )


def _family(word: str, found: Set[str]) -> bool:
    """Whether a word of `found` is of the word's family: one begins with the whole of the other, five letters or
    more ("weigh", "weight"; "measur", "measurement"), and is no degree of it ("smaller" compares; "small" does
    not)."""
    return len(word) >= FAMILY and any(len(f) >= FAMILY and _kin_by_ending(word, f) for f in found)


def _kin_by_ending(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] not in COMPARING_ENDINGS


def _as_written(root: str, text: str) -> str:
    """The word of `text` whose stem is `root`, lowercased: "evening", not "even"."""
    return next((w.lower() for w in WORD.findall(text) if stem(w.lower()) == root), root)


def _date_cut(sentence: str, evidence: str) -> tuple[str, str] | None:
    """(a part of one of the evidence's dates the sentence states, a part it leaves out), if any: "on Friday" of
    "in week 9 on Friday" is any Friday. A list of days ("Monday, Wednesday and Friday") is several dates."""
    said = {found.group().lower() for found in DATE.finditer(sentence)}
    for date in _dates(evidence) if said else []:
        given, left = [p for p in date if p in said], [p for p in date if p not in said]
        if given and left:
            return given[0], left[0]
    return None


def _dates(text: str) -> list[list[str]]:
    """The text's dates, each as its parts (lowercased): a week, a weekday, a day of a month... written side by
    side with no more than "on", "at", "in", "of", "the" or a comma between them, each of another form."""
    dates: list[list[str]] = []
    end, form = 0, ""
    for found in DATE.finditer(text):
        part, its_form = found.group().lower(), _date_form(found.group())
        if dates and its_form != form and DATE_GLUE.fullmatch(text, end, found.start()):
            dates[-1].append(part)
        else:
            dates.append([part])
        end, form = found.end(), its_form
    return dates


def _date_form(part: str) -> str:
    """What a date's part names: a weekday, a week, or another form (a day of a month, a month, a period)."""
    return "weekday" if WEEKDAY.fullmatch(part) else "week" if part.lower().startswith("week") else "other"


def _ends_ranges(sentence: str, evidence: str) -> bool:
    """Whether every time the sentence says something lasts until, the evidence gives as the end of a range or a
    time it lasts until: "until 17:00" from "from 9:00 to 17:00" or "9:00–17:00"."""
    times = UNTIL.findall(sentence)
    return bool(times) and all(re.search(RANGE_END.format(time=_either_way(t)), evidence, re.I) for t in times)


def _either_way(clock: str) -> str:
    """A pattern of a time of day with a colon or a dot: "17:00" or "17.00"."""
    hour, minute = clock.split(":")
    return rf"0?{int(hour)}[:.]{minute}"


def _terms(text: str) -> frozenset[str]:
    """Every word of `text` as written, lowercased, stopwords too."""
    return frozenset(word.lower() for word in WORD.findall(text))


def _names_beside(name: str, word: str, context: str, evidence: str) -> bool:
    """Whether the context puts the word (in any form) next to the name: what the name is ("Zorblax gripper").
    Within one of its parts: a heading's last word ("Your budget") is not beside its sentence's first ("Unspent"),
    nor a section's ("Lab Equipment > Take-home kits") beside its subsection's."""
    near = re.compile(rf"\b{re.escape(name)}\W+(\w+)|(\w+)\W+{re.escape(name)}\b")
    return any(
        stem(w.lower()) == stem(word.lower())
        for whole in context.split(evidence)
        for part in HEADING_STEP.split(whole)
        if name.lower() in names(f" {part}")
        for found in near.finditer(part)
        for w in found.groups()
        if w
    )


def _words(text: str) -> list[tuple[str, str]]:
    """Each word of `text` (markers left out) with its stem, in order; a hyphenated one whole ("Quennell-Achebe"),
    its stem in any spelling ("tq50" of "TQ-50"), and a decimal whole ("4.0")."""
    return [(word, stem(word.lower().replace("-", ""))) for word in SAID_WORD.findall(CITATION.sub(" ", text))]


def _said(text: str) -> list[str]:
    """The words of `text` as said, in order: its case, markup and punctuation left out."""
    return [word.lower() for word in WORD.findall(text)]


def _meaningful(word: str) -> bool:
    return word.isdigit() or (len(word) > 1 and word.lower() not in STOPWORDS)


def _stands(word: str, at: int) -> bool:
    """Whether a word put in at word `at` says something of its own: a meaningful word, or a capitalised one inside
    the sentence, as a name's ("Dr. Malin You Are" for "Dr. Malin Oduya")."""
    return _meaningful(word) or (at > 0 and len(word) > 1 and word[0].isupper())


def _copied(run: list[tuple[str, str]]) -> bool:
    """Whether a run of words the sentence shares with the evidence carries a claim of the material's."""
    return len(run) >= COPIED_RUN and sum(_meaningful(word) for word, _ in run) >= 2


def _read_with_units(evidence: dict[int, list[Evidence]], passages: Sequence) -> dict[tuple[int, int], str]:
    """Each evidence sentence, by (source, page start), as its values read (a table row with its units)."""
    read = {}
    for n, items in evidence.items():
        labels = {c.start: c.labels for c in candidates([passages[n - 1]])}
        read.update({(n, e.start): read_with_units(e.text, labels.get(e.start, "")) for e in items})
    return read


def _contexts(items: list[Evidence], passage, leads: list[str]) -> list[str]:
    """The text each evidence sentence may lend a generated one its words from: its own, its heading's and, when it
    leans on the sentence before ("It weighs 2 kg."), that sentence's: as evidence scoring reads it; and a list
    item's lead-in's ("Lab reports: 30%" is part of the course grade only under "The course grade is made up of:")."""
    context = {c.start: f"{c.labels} {c.context}" for c in candidates([passage])}
    # An evidence item of several sentences (a run) lends all its words, its first sentence's context too.
    return [
        f"{item.text} {lead} {context.get(item.start, passage.heading)}"
        for item, lead in zip(items, leads, strict=True)
    ]


def _lead_ins(items: list[Evidence], passage) -> list[str]:
    """The lead-in line of the list each evidence sentence is an item of ("" for one that is none)."""
    leads: dict[int, str] = {}
    for (a, b), *pieces in lists(passage.text):
        leads |= {passage.start + start: passage.text[a:b] for start, _ in pieces}
    return [leads.get(item.start, "") for item in items]


def sentences_of(stream: Iterator[str]) -> Iterator[str]:
    """Group streamed text pieces into whole sentences (with their [n] markers) as soon as each one ends."""
    buffer = ""
    for piece in stream:
        buffer += piece
        while True:
            end = _sentence_end(buffer)
            if end is None:
                break
            sentence, buffer = buffer[:end].strip(), buffer[end:]
            if sentence:
                yield sentence
    if buffer.strip():
        yield buffer.strip()


def _sentence_end(text: str) -> int | None:
    """Where the first complete sentence of `text` ends, markers included, or None if it has not ended yet."""
    # A full stop followed by more than citation markers: the markers stay with the sentence they follow. The
    # full stop of an abbreviation or an initial ("Dr. Ilse Varga") ends nothing.
    for match in SENTENCE_STOP.finditer(text):
        if match.group() == "\n" or not ABBREVIATION.search(text[: match.start() + 1]):
            return match.end()
    return None


def _dot(a, b) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))
