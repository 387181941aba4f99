"""Question → retrieve → evidence → generate → verify → stream → cite, as a stream of typed events."""

import re
import threading
import time
from collections.abc import Iterator, Set
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

import msgspec

from appliance import metrics
from appliance.answer import evidence as evidence_module
from appliance.answer import places, prompt
from appliance.answer.events import AnswerMode, Done, Evidence, Sentence, Source, Timings
from appliance.answer.expect import COMPARES_VALUES, Expected, compared, expected, spells, things_compared, values
from appliance.answer.model_queue import ModelGate, Ticket
from appliance.answer.verify import CITATION, NOT_STATED, OFF_QUESTION, UNDECIDED, Verifier, sentences_of
from appliance.errors import InvalidInput
from appliance.search.retriever import Retriever
from appliance.search.shapes import Passage, view
from appliance.settings import Settings
from appliance.store.text import STOPWORDS, WORD

# Share of an answer's content words a source must contain to count as its origin (generative mode).
ATTRIBUTION = 0.5
SELECTED = "selected text"
QUOTE = "The material says: “{text}” [{n}]"
# How many more words an evidence sentence holds than a generated one restating part of it for it to be shown whole.
CUT_SHORT = 2
# A quote answering where in the material something is said: "Slide 9 of arm.pptx says: “...” [1]".
PLACED_QUOTE = "{place} says: “{text}” [{n}]"
FOLLOWING_QUOTE = "the next best evidence, quoted with the one before"
# "Yes," or "No," opening a sentence answers the question in a word no material states, so no check can back it:
# the claim after it is what is checked and shown ("No, the lab is closed on Sundays." reads "The lab is closed on
# Sundays."). Not "No more than six ...", which is the claim itself.
PARTICLE = re.compile(r"(?:yes|no)\s*,\s+(?=\w)", re.IGNORECASE)
# Sentences at most this far apart on the page (a space, a line break, a list marker) are neighbours.
ADJACENT = 5
# A question asking two things ("Who empties the yellow bin, and when?", "where and when is the quiz"): a small
# model answers one and stops, so the evidence for the other is quoted after its answer. Joined by "and": "When
# restarting the cell, what do I do?" asks one thing.
TWO_ASKED = re.compile(
    r"\b(?:who|when|where|what|which|how)\b[^?]*?\band\s+(?P<second>(?:who|when|where|what|which|how)\b)", re.I
)
REST_QUOTED = "the question asks two things: the evidence for the other is quoted"
COMPARED_QUOTED = "the question asks about two things: the evidence for the other is quoted"
# A loop: the last LOOP_WORDS words already appeared, in order, earlier in the answer.
LOOP_WORDS = 6

Event = tuple[str, object]
Answerability = Literal["yes", "maybe", "no"]


class Decision(NamedTuple):
    """Whether the material answers a question, and the sentence that tells when one does."""

    answer: Answerability
    sentence: evidence_module.Scored | None = None


# Passages the first search pass ranks best (by words alone, and fused), weighed for evidence whatever their place
# in the final ranking.
FIRST_PASS_PASSAGES = 2
# The documents searched for the words an abbreviation stands for: those of the best passages.
SPELLED_OUT_DOCUMENTS = 2
# The close sentences (best first) whose missing key terms are weighed by the meaning they add to the question.
KEPT_MEANING_SENTENCES = 3


def cited_sources(answer: str, sources: list[Passage]) -> set[int]:
    """Source numbers the answer cites as [n]; small models often forget to, so fall back to word overlap."""
    explicit = {int(n) for n in CITATION.findall(answer) if 1 <= int(n) <= len(sources)}
    if explicit:
        return explicit
    words = {w for w in WORD.findall(answer.lower()) if w not in STOPWORDS}
    if not words:
        return set()
    overlap = {n: len(words & set(WORD.findall(p.text.lower()))) / len(words) for n, p in enumerate(sources, 1)}
    best = max(overlap.values())
    return {n for n, share in overlap.items() if share >= ATTRIBUTION and share == best}


def source(n: int, passage: Passage, cited: bool = False, evidence: list[Evidence] | None = None) -> Source:
    """A passage as a numbered chat source."""
    return view(passage, Source, n=n, cited=cited, evidence=evidence or [])


# Sentences back the first of two answering in turn may be, when the second states the kind of answer asked for.
IN_TURN_REACH = 2


@dataclass
class Question:
    """One question and what shapes its answer."""

    text: str
    selected_text: str = ""
    courses: list[int] | None = None  # None: every course (the CLI)
    levels: prompt.Levels = ("intermediate", "intermediate")  # software and hardware background
    search_query: str = ""  # the standalone form of a follow-up; the question itself when empty
    # What the answer is judged on: a follow-up's own words and the subject it refers to (the searched form, which
    # carries the previous question's property along, when empty).
    focus: str = ""
    besides: tuple[str, ...] = ()  # names it is not about: "and the other arm?" after the V8's driver
    # document_id, filename, page, page_label of the selection; start, where its stored page holds it
    origin: dict = field(default_factory=dict)
    received: float = field(default_factory=time.perf_counter)  # when the request arrived: the TTFT clock


@dataclass
class Clock:
    """Each step's end, in ms since the request arrived: where the time to first token goes."""

    received: float
    at: dict[str, float] = field(default_factory=dict)

    def mark(self, step: str) -> None:
        self.at[step] = round((time.perf_counter() - self.received) * 1000, 1)


class Answerer:
    """Answers questions from the course material, showing only what the material supports."""

    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        model,
        gate: ModelGate,
        embedder,
        kin: evidence_module.Kin = evidence_module.NO_KIN,
    ):
        self.settings = settings
        self.kin = kin
        self.retriever = retriever
        self.model = model
        self.gate = gate
        self.embedder = evidence_module.SentenceVectors(embedder)

    def reserve(self, user: str = "") -> Ticket:
        """Claim a place in the model's queue before any work, so a full queue is a 503 and not a hang."""
        return self.gate.reserve(user)

    def events(self, question: Question, ticket: Ticket, cancel: threading.Event) -> Iterator[Event]:
        """Blocking generator of (event, data): `sources`, `token`s of checked text, then `done`."""
        try:
            yield from self._events(question, ticket, cancel)
        finally:
            ticket.leave()

    def answer(self, question: Question) -> Done:
        """The whole answer at once (the CLI path)."""
        done = None
        for event, data in self.events(question, self.reserve(), threading.Event()):
            if event == "done":
                done = data
        assert isinstance(done, Done)
        return done

    def _events(self, question: Question, ticket: Ticket, cancel: threading.Event) -> Iterator[Event]:
        text = question.text.strip()
        if not text:
            raise InvalidInput("the question is empty")
        clock, started = Clock(question.received), time.perf_counter()
        clock.mark("started")  # the request checked and this generator running in its thread
        mode = self.settings.answer_mode
        # Where in the material something is said is answered by its place and its words, whatever the mode: a
        # place is no claim a model need write, and only the subject's words are searched for and judged.
        if subject := _where_asked(question):
            question = replace(question, search_query=subject, focus=subject)
        wide = self.settings.evidence_passages if mode != "generative" or subject else 0
        relevant = self.retrieve(question, max(self.settings.context_sources, wide))
        clock.mark("retrieved")
        timings = Timings(retrieval_ms=round((time.perf_counter() - started) * 1000, 1), at_ms=clock.at)
        if not relevant:
            yield from self._not_covered([], mode, timings, started)
            return
        if mode == "generative" and not subject:
            yield from self._generative(question, text, relevant, ticket, cancel, clock, timings, started)
            return
        chosen, answerable, deciding = self.assess(question, relevant)
        relevant, chosen = _focus(relevant, chosen, self.settings.context_sources)
        clock.mark("evidence")
        # Where a thing is named is where the material says it: a sentence naming every word of it, however far
        # its meaning from the bare name asked about ("the goggles").
        if subject and answerable != "yes" and self._names_every_term(subject, relevant, chosen):
            answerable = "yes"
        # Quotes cannot be verified against the question: an extractive answer needs a clear "yes".
        if answerable == "no" or ((mode == "extractive" or subject) and answerable == "maybe"):
            yield from self._not_covered(self._related(relevant, chosen), mode, timings, started)
            return
        evidence = {i + 1: items for i, items in chosen.items()}
        if mode == "extractive" or subject:
            yield from self._extractive(relevant, evidence, timings, started, bool(subject), deciding)
            return
        sure = answerable == "yes"
        events = self._grounded(question, relevant, evidence, ticket, cancel, clock, timings, started, sure, deciding)
        for event, data in events:
            doubtful = answerable == "maybe" and event == "done" and isinstance(data, Done)
            if doubtful and isinstance(data, Done) and not any(s.status == "supported" for s in data.sentences):
                # Only a verified sentence shows the material answers a doubtful question: none did (or the model
                # was too busy to write one).
                yield from self._not_covered(
                    self._related(relevant, chosen), mode, data.timings, started, data.model_busy
                )
                return
            yield event, data

    def assess(
        self, question: Question, relevant: list[Passage]
    ) -> tuple[dict[int, list[Evidence]], Answerability, str]:
        """The evidence chosen from the passages (by source index), whether it answers the question, and the
        sentence that tells it does, when one alone does ("" when none)."""
        about = question.focus or question.search_query or question.text.strip()
        scored = evidence_module.score(
            about,
            relevant,
            self.embedder,
            self.settings.evidence_lexical_weight,
            self.settings.evidence_type_weight,
            self.kin,
        )
        # "and the other arm?" after the V8's driver: a sentence on the V8 answers another question.
        scored = [s for s in scored if not evidence_module.names_any(question.besides, s)]
        selected = bool(question.selected_text.strip())
        # What was selected is the material's own when a stored passage, or its page, holds it; else it is the
        # caller's text, asked about but never evidence to be quoted back as "The material says".
        if selected and not (relevant[0].chunk_id or "start" in question.origin):
            scored = [s for s in scored if s.source]
        wanted = self._expected(about)
        typed = bool(wanted.kind)
        chosen = evidence_module.select(
            scored,
            relevant,
            self.settings.evidence_sentences,
            self.settings.evidence_within,
            follow=not typed,
            reason=bool(evidence_module.WHY.search(about)),
            task=evidence_module.key_terms(about) if evidence_module.HOW_TO.match(about) else (),
            numbered=evidence_module.things_numbered(about),
            asked=evidence_module.key_terms(about),
        )
        headings = [p.heading for p in relevant]
        each = False
        if asked := two_asked(about):
            chosen, each = self._each_asked(about, asked, relevant, chosen)
        if selected:
            # What was asked about: its sentences are evidence whatever else scores higher ("why?" of a rule was
            # answered from another handout's, the selection no source of the answer at all).
            for sentence in (s for s in scored if s.source == 0):
                chosen = evidence_module.with_sentence(chosen, sentence, relevant)
            # A question of no words of its own ("why?", "what does this mean?") asks of the selection alone: another
            # handout's sentence is about something else ("why?" of the battery rules was answered from a ROS 2
            # exercise's "simulates battery charging").
            if 0 in chosen and not evidence_module.key_terms(about):
                chosen = {0: chosen[0]}
            return _first(chosen, 0), "yes", ""
        # A question asking two things is answered when each is, though no sentence covers both. A passage not
        # naming the place or thing the question calls by its name answers nothing of it: "The speed limit for every
        # rover in the bay is 0.5 m/s" for "the speed limit for rovers at Tollgate Farm".
        named = evidence_module.names(about)
        naming = {n for n, passage in enumerate(relevant) if evidence_module.names_them(named, passage, self.kin)}
        on_it = [s for s in scored if s.source in naming]
        answerable, deciding = Decision("yes") if each else self._decision(about, on_it, wanted, headings)
        # A comparison of values not answered for each thing is answered only by sentences naming each: the tank
        # trial's "worth 25% of the module mark" says nothing of the lab notebook it was compared with.
        things = things_compared(about) if asked and asked[2] == COMPARED_QUOTED else None
        values = bool(things) and bool(COMPARES_VALUES.search(about))
        if answerable == "yes" and things and values and not each and not self._names_each(things, scored):
            answerable, deciding = Decision("maybe")
        # Which thing has the most of a measure a table gives for each: the row with the most.
        if extreme := evidence_module.extreme_row(about, scored, relevant, self.kin):
            return _with_extreme_row(chosen, extreme, relevant), "yes", ""
        # What no one sentence answers, two in turn may: the subject, then what the question asks of it.
        pair = self._in_turn(about, scored, relevant) if answerable != "yes" else None
        if pair and evidence_module.asks_whether(about):
            pair = pair if self._answers_whether(about, evidence_module.key_terms(about), *pair) else None
        if pair:
            return evidence_module.with_pair(chosen, pair, relevant), "yes", ""
        # The sentence that tells the material answers is evidence, to be quoted whatever ranks above it: "Bus line 27
        # stops at Ludgrove Quay" answers "which bus goes to ludgrove marine hall", third by its score.
        if deciding:
            return evidence_module.with_sentence(chosen, deciding, relevant), answerable, deciding.text
        return chosen, answerable, ""

    def _each_asked(
        self, question: str, asked: tuple[str, str, str], relevant: list[Passage], chosen: dict[int, list[Evidence]]
    ) -> tuple[dict[int, list[Evidence]], bool]:
        """`chosen` with the best sentence for each of the two things a question asks, if it has a word of it (the
        evidence for the whole of "How much is the trip and when does the coach leave?" is the coach's alone), and
        whether the material answers each. A comparison answered for each thing by a sentence of its own is
        answered by those two sentences alone, each with the one it leans on ("Its reach is 620 mm" after the
        V5's): what ranks above them for the whole question names both things and compares nothing ("teams 1 to 4
        on the V8 arms and teams 5 and 6 on the V5 arms" for which arm reaches further). A sentence naming only the
        other thing answers nothing of this one ("On the N4 the hull must be opened" for the N6)."""
        headings, answered, bests = [p.heading for p in relevant], True, []
        things = things_compared(question) if asked[2] == COMPARED_QUOTED else None
        own: dict[int, list[Evidence]] = {}
        for i, part in enumerate(asked[:2]):
            scored = evidence_module.score(
                part,
                relevant,
                self.embedder,
                self.settings.evidence_lexical_weight,
                self.settings.evidence_type_weight,
                self.kin,
            )
            if things:
                mine, other = things[i], things[1 - i]
                scored = [
                    s
                    for s in scored
                    if evidence_module.names_any([mine], s) or not evidence_module.names_any([other], s)
                ]
            if scored and scored[0].coverage > 0:
                chosen = evidence_module.with_sentence(chosen, scored[0], relevant)
                if things:  # a comparison's own evidence: the best with the sentence it leans on
                    own = _joined(own, evidence_module.select(scored, relevant, 1, 0.0, follow=False))
                bests.append((scored[0].source, scored[0].start))
            answered = answered and self._answerable(part, scored, self._expected(part), headings) == "yes"
        apart = len(set(bests)) == 2
        return (own if answered and things and apart else chosen), answered

    @staticmethod
    def _names_each(things: tuple[str, str], scored: list[evidence_module.Scored]) -> bool:
        """Whether the best sentences stating the kind asked for name each thing compared, one or two of them."""
        close = [s for s in scored[: evidence_module.PAIRED] if s.fits]
        return all(any(evidence_module.names_any([thing], s) for s in close) for thing in things)

    def _in_turn(
        self, question: str, scored: list[evidence_module.Scored], relevant: list[Passage]
    ) -> tuple[evidence_module.Scored, evidence_module.Scored] | None:
        """Two neighbouring sentences answering the question together (`evidence.answered_in_turn`)."""
        terms, settings, wanted = evidence_module.key_terms(question), self.settings, self._expected(question)
        headings = [p.heading for p in relevant]
        stating = self._stating(question, terms, scored, headings, self._items_apart(wanted, terms, scored))
        return evidence_module.answered_in_turn(
            question,
            scored,
            stating,
            relevant,
            self.embedder,
            settings.answerable_coverage,
            settings.answerable_similarity,
            self.kin,
            needed=evidence_module.things_asked(question, wanted.kind),
            # a sentence between them only where the second states the kind asked for: any sentence "states" what a
            # question of no kind asks
            reach=IN_TURN_REACH if wanted.kind else 1,
        )

    @staticmethod
    def _related(passages: list[Passage], chosen: dict[int, list[Evidence]]) -> list[Source]:
        """The closest passages, offered as related reading when the material does not answer the question."""
        return [source(n, p, evidence=chosen.get(n - 1)) for n, p in enumerate(passages, 1)]

    def retrieve(self, question: Question, limit: int) -> list[Passage]:
        """The `limit` passages worth answering from: similar enough to the question, the selection first if any."""
        text, selected = question.text.strip(), question.selected_text.strip()
        asked = question.search_query or text
        query = f"{asked}\n{selected}" if selected else asked
        # The first pass's best passages are weighed too: a short question with a common word ("Where is the
        # assembly point?") can send the dense search, and the fused ranking with it, to another document's
        # "point" while the one page naming the assembly point ranks first by its words alone; and the feedback
        # pass can draw the search away from the page both retrievers first ranked high, or from the page the dense
        # search ranked first while its words ranked it low ("## Your budget" among pages saying "thesis" often).
        found = self.retriever.search(query, limit, courses=question.courses, first_best=FIRST_PASS_PASSAGES)
        # A long page about many things can sit below min_similarity as a whole while it holds every key term of
        # the question: its sentences, not its average, decide whether it answers.
        terms = evidence_module.key_terms(asked)
        least = self.settings.answerable_coverage
        relevant = [
            p
            for p in found
            if p.similarity >= self.settings.min_similarity
            or evidence_module.coverage(terms, f"{p.heading} {p.text}", kin=self.kin) >= least
        ]
        if selected:
            first = _selected_passage(selected, found, question.origin)
            others = [p for p in relevant if p.chunk_id != first.chunk_id]
            relevant = [first, *others[: limit - 1]]
        return relevant + self._spelling_out(question, relevant or found)

    def _spelling_out(self, question: Question, found: list[Passage]) -> list[Passage]:
        """For a question asking what an abbreviation stands for, the first passage of the documents found, or of
        those writing it in brackets, that spells it out, when none found does: a search for "ToF" never ranks the
        title slide's "Time-of-Flight", nor one for "OG" a handout's "original gravity (OG)" above code's "og."."""
        wanted = self._expected(question.focus or question.search_query or question.text.strip())
        if wanted.kind != "expansion" or any(wanted.fits(f"{p.heading}\n{p.text}") for p in found):
            return []
        documents = list(dict.fromkeys(p.document_id for p in found))[:SPELLED_OUT_DOCUMENTS]
        # A definition first: words with their abbreviation in brackets say what it stands for, where capitalised
        # words of a page found may spell it by chance ("Orientation | Gripper" for OG).
        passages = self.retriever.spelling_out(wanted.abbreviation, question.courses)
        passages += self.retriever.document_passages(documents, question.courses)
        # Read unranked, a whole document spells many short abbreviations in lower case by chance: the passage must
        # write the abbreviation too ("automated external defibrillator (AED)") or spell it in capitals.
        return next(
            (
                [p]
                for p in passages
                if wanted.fits(text := f"{p.heading}\n{p.text}")
                and (_names(wanted.abbreviation, text) or spells(wanted.abbreviation, text, capitalised=True))
            ),
            [],
        )

    def _answerable(
        self, question: str, scored: list[evidence_module.Scored], wanted: Expected, headings: list[str]
    ) -> Answerability:
        """Does the material answer it? (`_decision`'s answer.)"""
        return self._decision(question, scored, wanted, headings).answer

    def _decision(
        self, question: str, scored: list[evidence_module.Scored], wanted: Expected, headings: list[str]
    ) -> Decision:
        """Does the material answer it, and which sentence tells? "yes": a sentence stating the kind of answer asked for
        covers the question's key terms and means much the same (or means so nearly the same that a paraphrase's other
        words do not matter; or, when the question asks for a kind of answer such as a mass, is close and on its
        subject, or holds every key term whatever its similarity, as a table row or item labelled with one of the
        question's words does for any question, and any sentence for a question asking whether; or, for a comparison,
        two close sentences cover them together, and extractive quotes take the best two; `assess` also takes two
        neighbouring sentences answering together, `evidence.answered_in_turn`); "maybe": such a sentence is close, and
        only a verified generated sentence will tell (unless the key terms it lacks add too little to what is asked:
        "yes"); "no": none is.

        A question asking for a value (a mass, a date, a person) gets no "maybe": a sentence the model writes from
        a near-topic value (the maximum for a minimum, another device's mass) would pass the check as well. One of
        the kind asked for answers it when close as the typed rule asks and lacking only terms that add too little
        ("Supply current, all outputs enabled | 45 mA" under the IMU's heading for "how much current does the imu
        draw with everything on")."""
        settings = self.settings
        terms = evidence_module.key_terms(question)
        asking = _asking(wanted)
        stating = self._stating(question, terms, scored, headings, self._items_apart(wanted, terms, scored))
        codes = evidence_module.codes(question)
        when = not wanted.kind and bool(evidence_module.WHEN.match(question))
        # A sentence naming no thing of the kind a "which ...?" question picks cannot say which; nor one naming no
        # word of the property a question of no particular kind asks for ("the password for the lab network"), of
        # the thing a "how tall are the X" question measures, or of the thing whose property it asks (the spare
        # thrusters' part number is no propeller's).
        picked = evidence_module.which_thing(question)
        asked = evidence_module.things_asked(question, wanted.kind)
        # A sentence on another room or part than the one the question names by its code answers nothing of it:
        # "The TA holds office hours ... in room D-118" for "what are the opening hours of room B-114".
        # A question asking whether is answered by what holds of the thing it asks about, not by a sentence naming
        # the rest of it: a list of what the grant pays for says nothing of a visa.
        whether = evidence_module.asks_whether(question)

        def answers(s: evidence_module.Scored) -> bool:
            """Whether the sentence answers the question by itself."""
            return (
                (
                    s.coverage >= settings.answerable_coverage
                    and s.similarity >= settings.answerable_similarity
                    and (not whether or self._answers_whether(question, terms, s))
                )
                or s.similarity >= settings.answerable_paraphrase
                # the FAQ entry it answers asks what the student asks, in other words
                or s.faq >= settings.answerable_faq
                # every key term and the kind of value asked for: a place in a long list ("the fire exits and the
                # assembly point at the bike shelter") is far in meaning from the short question it answers
                or (wanted.precise and s.coverage >= 1.0)
                # or, asked whether, or answered by a table's row or a labelled item whose label the question names:
                # each is far in meaning from a short question ("A6 | Collect feedback ... | Yusra Okonjo" for "what is
                # action A6 and who owns it"), and one holding every word it asks about answers it
                or (
                    s.coverage >= 1.0
                    and (
                        evidence_module.asks_whether(question)
                        or evidence_module.coverage(terms, evidence_module.item_label(s), kin=self.kin) > 0
                    )
                )
                # and "when is ...?" of a sentence naming all it asks about with a date: a timetable's row ("7 | 24
                # May | Mid-term quiz") is far in meaning from "when's the midterm"
                or (when and s.coverage >= 1.0 and evidence_module.A_DATE.fits(s.text))
                # half the key terms and the kind asked for, of the thing the question names by its code: the Unitree
                # Z1's price covers "price" and "arm" of "What is the price of the Wren-7 arm?" and answers nothing;
                # nor one whose heading alone says what it is about ("The trip costs 42 euros" for a Kestmoor turbine)
                or (
                    wanted.precise
                    and s.coverage >= settings.maybe_coverage
                    and s.similarity >= settings.answerable_typed_similarity
                    and evidence_module.says_its_subject(terms, s, headings[s.source], asking, self.kin)
                )
            )

        deciding = next(
            (
                s
                for s in stating
                if evidence_module.names_all(codes, s)
                and not evidence_module.missing_terms(picked, s, self.kin)
                and not evidence_module.lacks_a_thing(asked, s, self.kin)
                and answers(s)
            ),
            None,
        )
        if deciding or evidence_module.answered_together(
            question, scored, settings.answerable_coverage, settings.answerable_similarity, self.kin
        ):
            return Decision("yes", deciding)
        close = [
            s for s in stating if s.similarity >= settings.maybe_similarity or s.coverage >= settings.maybe_coverage
        ]
        if wanted.kind:
            # Closer than an untyped question's sentence (a value of another condition lacks little of the words),
            # naming the thing a "which" question picks, and saying its subject as the typed rule above asks, unless
            # a table's row or a labelled item, which leaves its subject to its heading ("Supply current | 45 mA").
            # Such a row or item is terse, far in meaning from any question: its label naming a word of the question
            # stands for the closeness ("Argon flow for steel and aluminium (l/min) | 8-10" for "what argon flow do
            # i set"); a label naming none does not ("Length x width" for how far to stand from a rover).
            typed = [
                s
                for s in close
                if (
                    s.similarity >= settings.answerable_typed_similarity
                    or evidence_module.coverage(terms, evidence_module.item_label(s), kin=self.kin) > 0
                )
                and not evidence_module.missing_terms(picked, s, self.kin)
                and (
                    evidence_module.item_label(s)
                    or evidence_module.says_its_subject(terms, s, headings[s.source], asking, self.kin)
                )
            ]
            kept = self._lacking_little(question, terms, typed)
            return Decision("yes", kept) if kept else Decision("no")
        if not close:
            return Decision("no")
        kept = self._lacking_little(question, terms, close)
        return Decision("yes", kept) if kept else Decision("maybe")

    def _answers_whether(self, question: str, terms: list[str], *sentences: evidence_module.Scored) -> bool:
        """Whether sentences answer a question asking whether, together lacking none of its key terms, saying what
        alone holds, or lacking only terms that add too little to what is asked: a list of what the travel grant
        pays for says nothing of "does the travel grant pay for my visa", nor the exam's allowed items of a
        dictionary."""
        if any(evidence_module.ONLY.search(s.text) for s in sentences):
            return True
        lacking = [set(evidence_module.missing_terms(terms, s, self.kin)) for s in sentences]
        missing = [term for term in terms if all(term in lacks for lacks in lacking)]
        kept = evidence_module.meaning_kept(question, [missing], self.embedder) if missing else [1.0]
        return kept[0] >= self.settings.answerable_meaning_kept

    def _lacking_little(
        self, question: str, terms: list[str], close: list[evidence_module.Scored]
    ) -> evidence_module.Scored | None:
        """The first of the best close sentences whose lacking key terms add too little to what is asked to refuse it
        for them ("fail" in "What happens if I fail the induction quiz?", answered by what happens to those who do
        not pass it). Never a comparison's: each side is what it asks about, and the property compared ("is the V8
        more accurate than the V5" of sentences naming both arms); nor a day a question asking whether names."""
        if evidence_module.COMPARING.search(question) or compared(question):
            return None
        # Only a sentence near the question in meaning tells that what it lacks adds little: the coordinator's
        # "weekday mornings" names the day of "does the shuttle run on mondays" and says nothing of the shuttle.
        # A table row or a list's item is terse, far from any question: its label says what it is of.
        # Nor one on another room or part than the one the question names by its code: the makerspace's printers
        # (BH-0.09) lack only "1.30" of "Is there a printer in BH-1.30?", a little of its meaning and all of its
        # subject.
        codes = evidence_module.codes(question)
        near = [
            s
            for s in close
            if (s.similarity >= self.settings.answerable_similarity or evidence_module.item_label(s))
            and evidence_module.names_all(codes, s)
        ]
        # The property it asks for, and the thing it asks it of, are what it asks: a network's name gives no
        # password, nor the thrusters' part number a propeller's.
        asked = evidence_module.things_asked(question, "")
        lacking = [
            (s, evidence_module.missing_terms(terms, s, self.kin))
            for s in near[:KEPT_MEANING_SENTENCES]
            if not evidence_module.lacks_a_thing(asked, s, self.kin)
        ]
        # What the question's thing is of is what it asks about: the online test's time is no resit's.
        head = evidence_module.heads(question)
        lacking = [(s, m) for s, m in lacking if m and not set(head) & set(m)]
        # The day asked about is what a question asking whether asks ("does the shuttle run on mondays"), however
        # little the word weighs in its meaning; not one of its premises ("if i order on monday when can i ...").
        if evidence_module.asks_whether(question):
            lacking = [(s, m) for s, m in lacking if not evidence_module.days_asked(m)]
        kept = evidence_module.meaning_kept(question, [m for _, m in lacking], self.embedder)
        return next(
            (s for (s, _), share in zip(lacking, kept, strict=True) if share >= self.settings.answerable_meaning_kept),
            None,
        )

    def _expected(self, question: str) -> Expected:
        """What the question asks for, a thing it counts by any of its kin."""
        return expected(question, evidence_module.kin_of(self.kin))

    def _items_apart(self, wanted: Expected, terms: list[str], scored: list[evidence_module.Scored]) -> list[str]:
        """The key terms no passage names, when a list's items state the value asked for after their labels ("Mild
        steel: up to 12 mm"); none when the label may be the answer ("D18 | I²C SDA" for "which pin is the I2C data
        line", where "data" and "line" are the row's "SDA"), and then no passage is read for them."""
        if wanted.kind not in ("quantity", "date"):
            return []
        return evidence_module.named_nowhere(terms, scored, _asking(wanted), self.kin)

    def _stating(
        self,
        question: str,
        terms: list[str],
        scored: list[evidence_module.Scored],
        headings: list[str],
        nowhere: list[str],
    ) -> list[evidence_module.Scored]:
        """The sentences of the kind asked for (a mass for "how heavy", a time for "when is"), none a row of another
        thing, an item of a list that lacks the thing asked about, or another day, nor a sentence on its section's
        part of what the question asks about. `nowhere` are the key terms no passage names that tell a list's items
        apart (`_items_apart`)."""
        labels, listed = evidence_module.row_labels(scored), evidence_module.items(scored)
        timed = bool(evidence_module.WHEN_IS.match(question))
        return [
            s
            for s in scored
            if s.fits
            and (not timed or evidence_module.says_when(s))
            and not evidence_module.of_another_row(terms, s, labels)
            and not evidence_module.of_an_unnamed_item(terms, s, nowhere, listed)
            and not evidence_module.of_another_day(terms, s)
            and not evidence_module.of_its_own_subject(terms, s, headings[s.source], self.kin)
        ]

    def _not_covered(
        self, related: list[Source], mode: AnswerMode, timings: Timings, started: float, model_busy: bool = False
    ) -> Iterator[Event]:
        # Its time, as an answer's: a refusal decided before the model showed no "Answered in ..." line.
        timings.total_ms = timings.total_ms or round((time.perf_counter() - started) * 1000, 1)
        said = prompt.NOT_CHECKED if model_busy else prompt.NOT_COVERED
        yield "sources", related
        yield "token", said
        yield (
            "done",
            Done(
                answer=said,
                covered=False,
                mode=mode,
                model_busy=model_busy,
                model=self.model.name,
                sources=related,
                timings=timings,
            ),
        )

    def _names_every_term(self, subject: str, passages: list[Passage], chosen: dict[int, list[Evidence]]) -> bool:
        """Whether a chosen evidence sentence, with its heading, names every key term of the subject."""
        terms = evidence_module.key_terms(subject)
        return bool(terms) and any(
            evidence_module.coverage(terms, f"{passages[i].heading} {item.text}", kin=self.kin) >= 1.0
            for i, items in chosen.items()
            for item in items
        )

    def _extractive(
        self,
        passages: list[Passage],
        evidence: dict[int, list[Evidence]],
        timings: Timings,
        started: float,
        placed: bool = False,
        deciding: str = "",
    ) -> Iterator[Event]:
        """The best evidence, quoted with its source (and, `placed`, its place), and the `deciding` sentence: no model
        call at all."""
        sources = [source(n, p, evidence=evidence.get(n)) for n, p in enumerate(passages, 1)]
        yield "sources", sources
        yield from self._quoted(sources, evidence, timings, started, placed=placed, deciding=deciding)

    def _quoted(
        self,
        sources: list[Source],
        evidence: dict[int, list[Evidence]],
        timings: Timings,
        started: float,
        model_busy: bool = False,
        placed: bool = False,
        deciding: str = "",
    ) -> Iterator[Event]:
        """The answer as the best evidence quoted (`token`, `done`), with the sentence `deciding` the material
        answers: an extractive answer, or a grounded one whose model slot did not come in time; `placed`, each quote
        says where it is."""
        quotes = quoted(sources, evidence, self.settings.extractive_quotes, placed, deciding)
        answer = " ".join(q.shown for q in quotes)
        yield "token", answer
        timings.total_ms = round((time.perf_counter() - started) * 1000, 1)
        yield "done", self._done(answer, sources, quotes, timings, model_busy)

    def _grounded(
        self,
        question: Question,
        passages: list[Passage],
        evidence: dict[int, list[Evidence]],
        ticket: Ticket,
        cancel: threading.Event,
        clock: Clock,
        timings: Timings,
        started: float,
        sure: bool,
        deciding: str = "",
    ) -> Iterator[Event]:
        """Generate from the evidence alone, show each sentence only once it is verified; when `sure` the material
        answers, an unsupported sentence is replaced by the evidence quoted, else it is dropped. Quotes in place of
        the whole answer hold the `deciding` sentence."""
        sources = [source(n, p, evidence=evidence.get(n)) for n, p in enumerate(passages, 1)]
        facts = _facts(evidence)
        text_prompt = prompt.grounded(self.model, question.text.strip(), facts)
        timings.prompt_tokens = self.model.count_tokens(text_prompt)
        settings = self.settings
        # Verified against what the answer is judged on: a follow-up's own words and the subject it refers to.
        verifier = Verifier(
            question.focus or question.text.strip(),
            evidence,
            passages,
            self.embedder,
            settings.verify_similarity,
            settings.verify_relevance,
            settings.answerable_coverage,
            self.kin,
        )
        clock.mark("prompt_built")
        yield "sources", sources
        checked: list[Sentence] = []
        shown: set[tuple[int, int]] = set()  # (source, start) of evidence already quoted
        queued = time.perf_counter()
        patience = self.settings.model_wait_seconds if self.settings.quote_when_busy else None
        with ticket.hold(cancel.is_set, patience) as turn:
            if not turn:
                clock.mark("model_busy")
                if sure:
                    yield from self._quoted(sources, evidence, timings, started, model_busy=True, deciding=deciding)
                else:  # quotes cannot show they answer a doubtful question: nothing verified, so not covered
                    yield "done", self._done("", sources, [], timings, model_busy=True)
                return
            began = time.perf_counter()
            clock.mark("model_acquired")
            counter = _Counter()
            stream = self.model.stream(
                text_prompt,
                max_tokens=self.settings.max_answer_tokens,
                temperature=self.settings.temperature,
                stop=prompt.GROUNDED_STOP,
            )
            for sentence in sentences_of(_unlooped(counter.count(stream))):
                for verdict in self._judge(sentence, verifier, checked, shown, sure, deciding):
                    checked.append(verdict)
                    if verdict.shown:
                        first = "first_token" not in clock.at
                        if first:
                            clock.mark("first_token")
                            timings.first_token_ms = round((time.perf_counter() - began) * 1000, 1)
                        yield "token", ("" if first else " ") + verdict.shown
                if cancel.is_set():
                    stream.close()
                    return
            stream.close()  # cut off as a loop: free the model for the next answer
            ended = time.perf_counter()
        if sure and not any(s.shown for s in checked):
            fallback = self._best_quotes(
                evidence, shown, "nothing the model wrote was supported", wanted=verifier.wanted, deciding=deciding
            )
            if fallback:
                checked += fallback
                clock.mark("first_token")
                yield "token", " ".join(q.shown for q in fallback)
        elif sure and (asked := two_asked(question.focus or question.text)):
            rest = self._rest(asked, evidence, shown, checked, [p.heading for p in passages])
            checked += rest
            yield from (("token", f" {q.shown}") for q in rest)
        answer = " ".join(s.shown for s in checked if s.shown)
        self._time(timings, queued, began, ended, counter.tokens, started)
        metrics.answered(timings)
        yield "done", self._done(answer, sources, checked, timings)

    def _judge(
        self,
        sentence: str,
        verifier: Verifier,
        earlier: list[Sentence],
        shown: set[tuple[int, int]],
        sure: bool,
        deciding: str = "",
    ) -> list[Sentence]:
        """What the student reads for one generated sentence: itself if supported; until the question is answered,
        the best evidence quoted in its place, as an extractive answer quotes it with the `deciding` sentence (when
        `sure` the material answers it); after, nothing."""
        claim = _without_particle(sentence)
        plain = CITATION.sub("", claim).strip()
        if any(_repeats_earlier(plain, s.text) or _in_quote(plain, s) for s in earlier):
            return [
                Sentence(
                    text=sentence,
                    shown="",
                    status="dropped",
                    stands_for="repeat",
                    reason="it repeats an earlier sentence",
                )
            ]
        verdict = verifier.check(claim)
        wanted = verifier.wanted
        answered = any(s.status == "quoted" or (s.shown and verifier.answers(s.text)) for s in earlier)
        if verdict.source is not None and (answered or verifier.answers(plain)):
            # A table row the model copies ("ABS | 1.5 | 85 | 110") is bare numbers: the material's row, quoted, is
            # shown under its table's head. A sentence the model cut short says less than the material's, which is
            # shown whole, when the question asks for no value the short one is checked to state: "The data freeze
            # is the moment, at 17:00 on Friday of week 9" left out "after which the data set of each buoy is fixed",
            # what the freeze is; "Dr. Ilse Varga." names who designed the gripper. So is the run of evidence such a
            # sentence was chosen with: the step or reason after it, which the model left out.
            items = verifier.evidence[verdict.source]
            row = _row_of(plain, items)
            whole = (row.text, [row.start]) if row else None
            if not row and not wanted.kind:
                whole = _stood_for(plain, verdict.source, verifier.evidence)
            if whole:
                shown.update((verdict.source, start) for start in whole[1])
            return [
                Sentence(
                    text=sentence,
                    shown=QUOTE.format(text=whole[0], n=verdict.source) if whole else _cite(plain, verdict.source),
                    status="supported",
                    stands_for="material" if whole else "model",
                    source=verdict.source,
                )
            ]
        # A true sentence that does not state what was asked ("The gripper is pneumatic." for its mass) is no answer.
        reason = verdict.reason
        if verdict.source is not None and not wanted.kind:  # true, and not on what was asked
            reason = OFF_QUESTION
        elif verdict.source is not None:
            reason = (UNDECIDED if verifier.undecided else NOT_STATED).format(kind=wanted.kind)
        # When the best evidence gives two answers, the student must see both, whatever ranks above them.
        also = verifier.leading_at if verifier.undecided else frozenset()
        quotes = (
            self._best_quotes(verifier.evidence, shown, reason, also, wanted, deciding) if sure and not answered else []
        )
        if not quotes:
            return [Sentence(text=sentence, shown="", status="dropped", stands_for="model", reason=reason)]
        # The sentence's verdict carries the first quote; the others follow it as quotes of their own.
        return [msgspec.structs.replace(quotes[0], text=sentence, stands_for="model"), *quotes[1:]]

    def _rest(
        self,
        asked: tuple[str, str, str],
        evidence: dict[int, list[Evidence]],
        shown: set[tuple[int, int]],
        checked: list[Sentence],
        headings: list[str],
    ) -> list[Sentence]:
        """After an answer to a question asking two things, the evidence for the part it says least of, quoted: the
        run covering that part's own key terms best, the best run if it has none ("..., and when?"), unless the answer
        already says each of its sentences whole (the model copied it) or no run covers them with its heading (nothing
        answers it)."""
        said = " ".join(f" {_words(s.shown)} " for s in checked if s.shown)
        first, second = (evidence_module.key_terms(part) for part in asked[:2])
        # Each part by its own terms: "the gripper" of "... and when was the gripper painted?" is the first part's.
        own = ([t for t in first if t not in second], [t for t in second if t not in first])
        least = min(own, key=lambda terms: evidence_module.coverage(terms, said, kin=self.kin) if terms else 1.0)
        runs = [run for run in quotable(evidence) if not any((run[0], start) in shown for start in run[2])]
        if not runs:
            return []
        # best first, as quotable ranks them, among those covering as much of the part
        n, text, starts = min(runs, key=lambda run: -evidence_module.coverage(least, run[1], kin=self.kin))
        covered = evidence_module.coverage(least, f"{headings[n - 1]}\n{text}", kin=self.kin) if least else 1.0
        if covered < self.settings.answerable_coverage:
            return []  # the material does not say it: a quote on something else would read as its answer
        stated = [e for e in evidence[n] if e.start in starts and not e.context]
        if all(f" {_words(e.text)} " in said for e in stated):
            return []
        shown.update((n, start) for start in starts)
        quote = QUOTE.format(text=text, n=n)
        return [Sentence(text=text, shown=quote, status="quoted", stands_for="material", source=n, reason=asked[2])]

    def _best_quotes(
        self,
        evidence: dict[int, list[Evidence]],
        shown: set[tuple[int, int]],
        reason: str,
        also: Set[tuple[int, int]] = frozenset(),
        wanted: Expected | None = None,
        deciding: str = "",
    ) -> list[Sentence]:
        """The best evidence not yet quoted, as many runs as an extractive answer quotes, and the runs holding the
        sentences at `also` (source, start) however they rank, these first: what the student sees in place of what
        the model got wrong. A wrong sentence is no guide to which evidence answers the question, and the
        second-best sentence is often the one stating the fact (a table row giving the date). A run giving a value
        of another measure or bound than the one `wanted` is never it: beside "The Heron-4 weighs 7.3 kg." the
        gripper's "can hold at most 1.8 kg" was another mass to choose from. The run holding the sentence `deciding`
        the material answers is quoted too, in its place."""
        picked: list[tuple[int, str, bool]] = []
        for n, text, starts in quotable(evidence):
            held = any((n, start) in also for start in starts)
            telling = bool(deciding) and deciding in text and not any(deciding in quote for _, quote, _ in picked)
            if (
                (len(picked) >= self.settings.extractive_quotes and not held and not telling)
                or any((n, start) in shown for start in starts)
                or (wanted and wanted.kind == "quantity" and values(wanted, text) and not wanted.fits(text))
            ):
                continue
            shown.update((n, start) for start in starts)
            picked.append((n, text, held))
        # The sentences giving the answers first: a student choosing between two durations reads both before what
        # ranks above them and gives none ("cancel the slot in Hangarbook" for "how long is a slot").
        picked.sort(key=lambda quote: not quote[2])
        return [
            Sentence(
                text=text,
                shown=QUOTE.format(text=text, n=n),
                status="quoted",
                stands_for="material",
                source=n,
                reason=reason if not i else FOLLOWING_QUOTE,
            )
            for i, (n, text, _) in enumerate(picked)
        ]

    def _generative(
        self,
        question: Question,
        text: str,
        relevant: list[Passage],
        ticket: Ticket,
        cancel: threading.Event,
        clock: Clock,
        timings: Timings,
        started: float,
    ) -> Iterator[Event]:
        """The model's own words from whole passages, unverified: for strong instruct models only. A loop is still
        cut off."""
        built = prompt.build(self.model, text, relevant, self.settings.max_answer_tokens, question.levels)
        clock.mark("prompt_built")
        yield "sources", [source(n, p) for n, p in enumerate(built.sources, 1)]
        pieces: list[str] = []
        queued = time.perf_counter()
        with ticket.hold(cancel.is_set):
            began = time.perf_counter()
            clock.mark("model_acquired")
            stream = self.model.stream(
                built.text, max_tokens=self.settings.max_answer_tokens, temperature=self.settings.temperature
            )
            for piece in _unlooped(stream):
                if not pieces:
                    clock.mark("first_token")
                    timings.first_token_ms = round((time.perf_counter() - began) * 1000, 1)
                pieces.append(piece)
                yield "token", piece
                if cancel.is_set():
                    stream.close()
                    return
            stream.close()  # cut off as a loop: free the model for the next answer
            ended = time.perf_counter()
        generated = "".join(pieces).strip()
        cited = cited_sources(generated, built.sources)
        answer = generated or prompt.NO_ANSWER
        timings.prompt_tokens = built.tokens
        self._time(timings, queued, began, ended, len(pieces), started)
        metrics.answered(timings)
        sources = [source(n, p, cited=n in cited) for n, p in enumerate(built.sources, 1)]
        yield (
            "done",
            Done(
                answer=answer, covered=True, mode="generative", model=self.model.name, sources=sources, timings=timings
            ),
        )

    def _done(
        self, answer: str, sources: list[Source], sentences: list[Sentence], timings: Timings, model_busy: bool = False
    ) -> Done:
        """The finished answer; one quoted because the model was busy is an extractive answer, and says why."""
        cited = {s.source for s in sentences if s.shown and s.source is not None}
        for item in sources:
            item.cited = item.n in cited
        return Done(
            answer=answer,
            covered=True,
            mode="extractive" if model_busy else self.settings.answer_mode,
            model_busy=model_busy,
            model=self.model.name,
            sources=sources,
            sentences=sentences,
            timings=timings,
        )

    @staticmethod
    def _time(timings: Timings, queued: float, began: float, ended: float, tokens: int, started: float) -> None:
        first = began + (timings.first_token_ms or 0) / 1000
        generating = ended - first
        timings.queue_ms = round((began - queued) * 1000, 1)
        timings.first_token_ms = (
            timings.first_token_ms if timings.first_token_ms is not None else round((ended - began) * 1000, 1)
        )
        timings.generation_ms = round((ended - began) * 1000, 1)
        timings.tokens = tokens
        timings.tokens_per_second = round((tokens - 1) / generating, 2) if tokens > 1 and generating > 0 else None
        timings.total_ms = round((ended - started) * 1000, 1)


class _Counter:
    """Counts the pieces a stream yields (the model's tokens) as they pass."""

    def __init__(self):
        self.tokens = 0

    def count(self, stream: Iterator[str]) -> Iterator[str]:
        for piece in stream:
            self.tokens += 1
            yield piece


def _asking(wanted: Expected) -> frozenset[str]:
    """The content words of a question that ask for the kind of answer ("weigh", "thick")."""
    return frozenset(evidence_module.content_words(" ".join(wanted.asking)))


def _unlooped(stream: Iterator[str]) -> Iterator[str]:
    """Pass text on until it starts repeating itself, then stop: a small model's loops never reach a student."""
    text = ""
    for piece in stream:
        text += piece
        words = WORD.findall(text.lower())
        if len(words) >= 2 * LOOP_WORDS and _repeats(words):
            return
        yield piece


def _repeats(words: list[str]) -> bool:
    """The last LOOP_WORDS words already appeared in this order, ending earlier."""
    return f" {' '.join(words[-LOOP_WORDS:])} " in f" {' '.join(words[:-1])} "


def _focus(
    passages: list[Passage], chosen: dict[int, list[Evidence]], most: int
) -> tuple[list[Passage], dict[int, list[Evidence]]]:
    """The answer's sources: the passages holding evidence, in search order, with the evidence re-keyed to its
    passage's new place; the best `most` when none does. A passage none of whose sentences was chosen is no source
    of the answer: listed, it was reading on another subject (a German textbook page for an arm's weight)."""
    keep = sorted(chosen) or list(range(min(most, len(passages))))
    return [passages[i] for i in keep], {new: chosen[old] for new, old in enumerate(keep) if old in chosen}


def two_asked(question: str) -> tuple[str, str, str] | None:
    """The two things a question asks, split before the second's question word, if it asks two, or the question
    asked of each of the two things it compares (`compared`); and why the other's evidence is quoted after an answer
    saying little of it."""
    if two := TWO_ASKED.search(question):
        return question[: two.start("second")], question[two.start("second") :], REST_QUOTED
    return (*parts, COMPARED_QUOTED) if (parts := compared(question)) else None


def quoted(
    sources: list[Source], evidence: dict[int, list[Evidence]], most: int, placed: bool, deciding: str = ""
) -> list[Sentence]:
    """The best `most` quotes of the evidence as an answer's sentences, each saying where it is when `placed`, and
    after them the quote holding the sentence `deciding` the material answers, if none of them does."""
    runs = quotable(evidence, whole=True)
    return [
        Sentence(
            text=text,
            shown=PLACED_QUOTE.format(place=_capitalised(places.place(sources[n - 1])), text=text, n=n)
            if placed
            else QUOTE.format(text=text, n=n),
            status="supported",
            stands_for="material",
            source=n,
        )
        for n, text, _ in runs[:most] + _deciding_run(runs, most, deciding)
    ]


def _deciding_run(runs: list[tuple[int, str, list[int]]], most: int, deciding: str) -> list[tuple[int, str, list[int]]]:
    """The run holding the `deciding` sentence, when the best `most` runs do not: the quote a student needs to see
    the material answers, whatever ranks above it."""
    if not deciding or any(deciding in text for _, text, _ in runs[:most]):
        return []
    return [run for run in runs[most:] if deciding in run[1]][:1]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _where_asked(question: Question) -> str:
    """What a question asking where in the material something is said asks about ("the teach pendant" of "which
    slide is the teach pendant on?"), "" for any other; one pointing back takes the subject of the turn before."""
    subject = places.asked_where(question.text)
    if subject == "" and question.focus:
        return places.asked_where(question.focus) or ""
    return subject or ""


def quotable(
    evidence: dict[int, list[Evidence]], headed: bool = True, whole: bool = False
) -> list[tuple[int, str, list[int]]]:
    """(source, text, page starts) of each evidence sentence with the neighbours it brought, best first: a quote
    keeps the subject before it and the step after it, and a sentence leaning on the one before ("It was designed
    in 2019") is quoted after it when it ranks above it; when `headed`, a table row is quoted under its header.
    When `whole`, evidence sentences next to each other on their page are one quote, as an answer of quotes alone
    reads them: "Do not sit the exam. Send a medical certificate ..." (fresh8), the second chosen in its own right
    and quoted apart, after a third sentence ranked between them, or not at all."""
    runs: list[tuple[int, list[Evidence]]] = []
    for n, items in evidence.items():
        for item in items:  # page order
            last = runs[-1][1] if runs and runs[-1][0] == n else []
            # A neighbour, what it leads to, or a sentence reading on from it that would otherwise be quoted first,
            # alone ("It was designed in 2019 ..."); one ranked after it is read after it anyway, a quote of its own
            # that a sentence replaced may be quoted without ("Its gripper can hold at most 1.8 kg").
            leaning = bool(last) and bool(evidence_module.LEANING.match(item.text))
            brought = item.context or all(e.context for e in last) or (leaning and item.score > last[-1].score)
            if last and (brought or whole) and item.start - last[-1].end <= ADJACENT:
                last.append(item)
            else:
                runs.append((n, [item]))
    ranked = sorted(runs, key=lambda run: -max(e.score for e in run[1]))
    quotes, seen = [], set()
    for n, items in ranked:
        text = evidence_module.quote_of(items, headed)
        # The same words in two documents (a handout and the PDF made of it) are one quote, from the better.
        if (words := " ".join(text.split())) not in seen:
            seen.add(words)
            quotes.append((n, text, [e.start for e in items]))
    return quotes


def _joined(evidence: dict[int, list[Evidence]], more: dict[int, list[Evidence]]) -> dict[int, list[Evidence]]:
    """Two sets of evidence as one, each source's in page order, a sentence in both once."""
    joined = {n: {e.start: e for e in items} for n, items in evidence.items()}
    for n, items in more.items():
        for item in items:
            joined.setdefault(n, {}).setdefault(item.start, item)
    return {n: [group[k] for k in sorted(group)] for n, group in joined.items()}


def _names(word: str, text: str) -> bool:
    """Whether the text has the word as a word of its own, in any case."""
    return bool(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE))


def _first(evidence: dict[int, list[Evidence]], n: int) -> dict[int, list[Evidence]]:
    """The evidence with source n's ranked first, as high as the best: what the model is given first and what is
    quoted first (the selection asked about, which sentences closer to "why?" in other handouts outranked)."""
    if n not in evidence:
        return evidence
    best = max(e.score for items in evidence.values() for e in items)
    ranked = {n: [msgspec.structs.replace(e, score=max(e.score, best)) for e in evidence[n]]}
    return ranked | {k: items for k, items in evidence.items() if k != n}


def _with_extreme_row(
    evidence: dict[int, list[Evidence]], row: evidence_module.Scored, passages: list[Passage]
) -> dict[int, list[Evidence]]:
    """The evidence with the table row holding the most of what is asked ranked first, as high as the best, and its
    table's other rows left out: they give less."""
    others = {n: [e for e in items if "|" not in e.text or n != row.source] for n, items in evidence.items()}
    kept = evidence_module.with_sentence({n: items for n, items in others.items() if items}, row, passages)
    best = max(e.score for items in kept.values() for e in items)
    return {
        n: [msgspec.structs.replace(e, score=best) if (n, e.start) == (row.source, row.start) else e for e in items]
        for n, items in kept.items()
    }


def _facts(evidence: dict[int, list[Evidence]]) -> list[tuple[int, str]]:
    """The evidence as numbered facts, best first (a small model copies the first fact it is given), each with the
    neighbours it brought. A table row's header is left out, as the prompts were measured with (bench/answers.py):
    a header first is a line the model may copy as its answer."""
    return [(n, text) for n, text, _ in quotable(evidence, headed=False)]


def _row_of(sentence: str, items: list[Evidence]) -> Evidence | None:
    """The evidence table row whose first cells the sentence is, if it is a row ("ABS | 1.5 | 85")."""
    cells = _cells(sentence)
    if len(cells) < 2:
        return None
    return next((e for e in items if _cells(e.text)[: len(cells)] == cells), None)


def _cut_from(sentence: str, items: list[Evidence]) -> Evidence | None:
    """The evidence sentence the sentence restates only part of: one holding all its words and at least
    `CUT_SHORT` more (the nearest such), of which the model kept less than the material says."""
    words = set(evidence_module.content_words(sentence))
    more = [
        (len(held - words), e)
        for e in items
        if words <= (held := set(evidence_module.content_words(e.text))) and len(held - words) >= CUT_SHORT
    ]
    return min(more, key=lambda m: m[0])[1] if words and more else None


def _copied(sentence: str, items: list[Evidence]) -> Evidence | None:
    """The evidence sentence the sentence says word for word, if any."""
    return next((e for e in items if _words(e.text) == _words(sentence)), None)


def _stood_for(sentence: str, n: int, evidence: dict[int, list[Evidence]]) -> tuple[str, list[int]] | None:
    """The material's quote (text, page starts) a supported sentence is shown as when it says less than the material:
    the evidence sentence it cut short, or copied from a run bringing more (the step or reason after it), with its run,
    as an extractive answer quotes it."""
    cut = _cut_from(sentence, evidence[n])
    item = cut or _copied(sentence, evidence[n])
    if item is None:
        return None
    run = next(((text, starts) for m, text, starts in quotable(evidence) if m == n and item.start in starts), None)
    if run and (cut or len(run[1]) > 1):
        return run
    return (item.text, [item.start]) if cut else None


def _cells(text: str) -> list[str]:
    """A table row's cells, their spacing, the row's outer bars and a full stop after it left out ([] of a text that
    is no row)."""
    row = text.strip().removesuffix(".").strip("|")
    return [" ".join(cell.split()) for cell in row.split("|")] if "|" in text else []


def _cite(sentence: str, n: int) -> str:
    """The sentence with its source marker before the closing full stop: "… 42 newtons [1]." """
    if sentence[-1:] in ".!?":
        return f"{sentence[:-1]} [{n}]{sentence[-1]}"
    return f"{sentence} [{n}]"


def _without_particle(sentence: str) -> str:
    """The sentence without a "Yes," or "No," opening it, its next word capitalised."""
    sentence = sentence.strip()
    found = PARTICLE.match(sentence)
    return sentence[found.end()].upper() + sentence[found.end() + 1 :] if found else sentence


def _repeats_earlier(sentence: str, earlier: str) -> bool:
    """Whether the sentence says again what an earlier one said: the same words, or, unfinished (the loop cut it
    off, or the token limit), the start of them: "The Zorblax-7 gripper closes with a" is no claim of its own."""
    said, again = _words(earlier), _words(sentence)
    unfinished = not sentence.rstrip().endswith((".", "!", "?"))
    return again == said or (unfinished and bool(again) and said.startswith(f"{again} "))


def _in_quote(sentence: str, earlier: Sentence) -> bool:
    """Whether the sentence's words stand whole in the material an earlier sentence quoted: "It was built by Dr.
    Oksana Pereira in 2021." after a quote holding it (found in a walkthrough, shown twice)."""
    return earlier.status == "quoted" and f" {_words(sentence)} " in f" {_words(earlier.shown)} "


def _words(text: str) -> str:
    """A sentence's words, lowercased and spaced: what a repeat is judged on, its markers and punctuation aside."""
    return re.sub(r"\W+", " ", CITATION.sub("", text).lower()).strip()


def _selected_passage(selected: str, found: list[Passage], origin: dict) -> Passage:
    """The user's selection as source [1], cited at the document, page and place it came from when known."""
    match = next((p for p in found if selected[:200] in p.text), None)
    if match and (not origin or match.document_id == origin["document_id"]):
        start = match.start + match.text.find(selected[:200])
        return msgspec.structs.replace(
            match,
            text=selected,
            heading=match.heading or SELECTED,
            similarity=1.0,
            start=start,
            end=start + len(selected),
        )
    return Passage(
        chunk_id="",
        document_id=origin.get("document_id", ""),
        filename=origin.get("filename", SELECTED),
        page=origin.get("page"),
        page_label=origin.get("page_label"),
        heading=SELECTED if not origin else "",
        text=selected,
        start=origin.get("start", 0),
        end=origin.get("start", 0) + len(selected),
        score=1.0,
        similarity=1.0,
    )
