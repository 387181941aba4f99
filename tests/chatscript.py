"""A scripted answerer and typed answers for chat tests: the chat contract without any retrieval or model."""

import msgspec

from appliance.answer.answerer import FOLLOWING_QUOTE, QUOTE, Question
from appliance.answer.events import Done, Evidence, Sentence, Source
from appliance.answer.model_queue import ModelGate

PAGE = "Pumps move water. The P-9 pump weighs 2 kilograms. It runs on 12 volts."


def source(n: int = 1, cited: bool = True) -> Source:
    """A source whose evidence is the second sentence of PAGE."""
    start = PAGE.index("The P-9")
    end = PAGE.index(" It runs")
    return Source(
        n=n,
        chunk_id="c1",
        document_id="d1",
        filename="pump.md",
        page=1,
        page_label="1",
        heading="Pumps",
        text=PAGE,
        start=0,
        end=len(PAGE),
        score=1.0,
        similarity=0.9,
        snippet=PAGE,
        cited=cited,
        evidence=[Evidence(start, end, PAGE[start:end], 0.8)],
    )


def quoted_answer() -> Done:
    """An answer whose invented number was replaced by the quoted evidence."""
    evidence = source().evidence[0].text
    return Done(
        answer=f"The pump weighs 2 kilograms. {evidence}",
        covered=True,
        mode="grounded",
        model="scripted",
        sources=[source()],
        sentences=[
            Sentence(
                text="The pump weighs 2 kilograms.",
                shown="The pump weighs 2 kilograms.",
                status="supported",
                stands_for="model",
                source=1,
            ),
            Sentence(
                text="It weighs 7 tonnes.",
                shown=evidence,
                status="quoted",
                stands_for="model",
                source=1,
                reason="7 is in no source",
            ),
        ],
    )


def twice_quoted_answer() -> Done:
    """One invented sentence replaced by two quotes of the material, then that sentence written again and dropped as
    a repeat, as the answerer gives them: one unconfirmed sentence replaced, none removed."""
    invented = "The P-9 pump weighs 7 tonnes [1]."
    weight, voltage = "The P-9 pump weighs 2 kilograms.", "It runs on 12 volts."
    quotes = [QUOTE.format(text=weight, n=1), QUOTE.format(text=voltage, n=1)]
    start = PAGE.index(voltage)
    cited = source()
    evidence = [*cited.evidence, Evidence(start, start + len(voltage), voltage, 0.7)]
    return Done(
        answer=" ".join(quotes),
        covered=True,
        mode="grounded",
        model="scripted",
        sources=[msgspec.structs.replace(cited, evidence=evidence)],
        sentences=[
            Sentence(
                text=invented,
                shown=quotes[0],
                status="quoted",
                stands_for="model",
                source=1,
                reason="the number 7 appears in no source",
            ),
            Sentence(
                text=voltage, shown=quotes[1], status="quoted", stands_for="material", source=1, reason=FOLLOWING_QUOTE
            ),
            Sentence(
                text=invented, shown="", status="dropped", stands_for="repeat", reason="it repeats an earlier sentence"
            ),
        ],
    )


def cited_list_item(item: str) -> Done:
    """An answer of one checked sentence that is a Markdown list item ("- ..."), citing source 1."""
    shown = f"- {item} [1]"
    return Done(
        answer=shown,
        covered=True,
        mode="grounded",
        model="scripted",
        sources=[source()],
        sentences=[Sentence(text=shown, shown=shown, status="supported", stands_for="model", source=1)],
    )


def not_covered() -> Done:
    return Done(
        answer="No answer to this question was found in the course material.",
        covered=False,
        mode="grounded",
        model="scripted",
        sources=[source(cited=False)],
    )


class ScriptedAnswerer:
    """Answers every question with the given `Done`, streamed as the real Answerer does; keeps the questions."""

    def __init__(self, done: Done, max_queue: int = 4):
        self.done = done
        self.gate = ModelGate(max_queue)
        self.questions: list[Question] = []

    def reserve(self, user: str = ""):
        return self.gate.reserve(user)

    def events(self, question, ticket, cancel):
        try:
            self.questions.append(question)
            yield "sources", self.done.sources
            for sentence in self.done.answer.split(". "):
                yield "token", sentence
            yield "done", self.done
        finally:
            ticket.leave()
