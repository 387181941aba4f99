"""Build the answer prompt: fixed instructions first, then numbered sources trimmed to fit, then the question."""

from dataclasses import dataclass

from appliance.errors import InvalidInput
from appliance.search.shapes import Passage

# What a refusal says: that no answer was found, not that the material has none. A refusal is not sure either, and
# often the answer is in the closest passages shown with it, in other words than the question's.
NOT_COVERED = "No answer to this question was found in the course material."
# What a doubtful question gets when the model was too busy to write (and so to check) an answer: it is no refusal.
NOT_CHECKED = (
    "The model was too busy to check whether the course material answers this. The closest passages are listed; "
    "ask again in a moment for a checked answer."
)
# What "where does it say that?" gets after an answer that found nothing: no page says it.
NOT_PLACED = (
    "The answer before found nothing in the course material on that, so no page says it. The closest passages "
    "are listed."
)
# What a generative model is told to reply when its sources hold no answer (its figures were measured with it).
DECLINE = "The course material does not cover this question."
# What a generative answer says when the model wrote nothing (its first token was a stop): never an empty answer.
NO_ANSWER = "The model gave no answer. The closest passages of the material are below."

# Kept identical across questions so llama.cpp can reuse its KV cache for this prefix.
INSTRUCTIONS = (
    "You are a teaching assistant. Answer the student's question using only the numbered sources. "
    "Cite each fact with its source number in brackets, like [1]. Keep the answer short. "
    f'If the sources do not contain the answer, reply: "{DECLINE}"'
)
MARGIN = 16
# Tokens a source may add where it joins its neighbours: the "\n\n" between blocks, merges across the seam.
SEAM = 3
# Placed after the fixed instructions so every level still shares their cached prefix.
LEVEL_GUIDANCE = {
    "beginner": "The student is a beginner: use plain words, explain any term, and give a simple example.",
    "intermediate": "The student knows the basics: be clear and reasonably brief.",
    "expert": "The student is an expert: be precise and technical, and skip the basics.",
}
HARDWARE_GUIDANCE = {
    "beginner": "They are new to electronics and mechanics, so explain hardware terms.",
    "intermediate": "They have built simple hardware.",
    "expert": "They are at home with electronics and mechanics.",
}
Levels = tuple[str, str]  # (software background, hardware background)

# The fixed, KV-cached prefix of a grounded prompt. A small base model continues patterns far more reliably
# than it follows instructions, so the instructions come with two worked examples (about made-up devices, so
# no example fact can leak into a real answer) in exactly the form of the request that follows.
GROUNDED_INSTRUCTIONS = """Answer each question in one or two short sentences, using only the facts given with it and \
copying their words. After each sentence, put the number of the fact it comes from in brackets.

Facts:
[1] The Tarnwell-3 pump weighs 4 kilograms.
[2] The Tarnwell-3 pump has a maximum flow rate of 12 litres per minute.
Question: How heavy is the Tarnwell-3 pump?
Answer: The Tarnwell-3 pump weighs 4 kilograms [1].

Facts:
[1] The Ossing rover uses two encoders, one on each rear wheel.
[2] Each encoder gives 600 counts per revolution, so the rover can measure how far it has driven.
[2] The encoders are cleaned every month.
Question: Why does the Ossing rover have encoders?
Answer: Each encoder gives 600 counts per revolution, so the rover can measure how far it has driven [2]."""
# Where a grounded answer ends: the model would go on to invent the next example.
GROUNDED_STOP = ["\n", "Question:", "Facts:"]


@dataclass
class Prompt:
    """The text sent to the model and the passages it cites, numbered from 1."""

    text: str
    sources: list[Passage]
    tokens: int


def source_title(n: int, passage: Passage) -> str:
    where = [passage.filename]
    if passage.page is not None:
        where.append(f"page {passage.page_label or passage.page}")
    if passage.heading:
        where.append(passage.heading)
    return f"[{n}] " + ", ".join(where)


def _block(n: int, passage: Passage, text: str) -> str:
    return f"{source_title(n, passage)}\n{text}"


def _request(sources: list[tuple[Passage, str]], question: str, levels: Levels) -> str:
    blocks = [_block(n, p, text) for n, (p, text) in enumerate(sources, 1)]
    guidance = f"{LEVEL_GUIDANCE[levels[0]]} {HARDWARE_GUIDANCE[levels[1]]}"
    return f"{guidance}\n\nSources:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}\nAnswer:"


def build(
    model, question: str, passages: list[Passage], answer_tokens: int, levels: Levels = ("intermediate", "intermediate")
) -> Prompt:
    """Fit as many sources as the context allows (cutting the last one short), never overflowing it."""
    budget = model.context_length - answer_tokens - MARGIN

    def render(sources) -> str:
        return model.render(INSTRUCTIONS, _request(sources, question, levels))

    def cost(n: int, passage: Passage, text: str) -> int:
        return model.count_tokens(_block(n, passage, text)) + SEAM

    # Tokenizing is the cost here (it sits before the first token): each source is counted alone, once,
    # not the whole prompt again for every source; the finished prompt is counted once to be sure.
    room = budget - model.count_tokens(render([]))
    if room < 0:
        raise InvalidInput("the question is too long for the model's context window")
    chosen: list[tuple[Passage, str]] = []
    for n, passage in enumerate(passages, 1):
        if (needed := cost(n, passage, passage.text)) <= room:
            chosen.append((passage, passage.text))
            room -= needed
            continue
        # Binary search the longest prefix of this passage that still fits, then stop.
        low, high = 0, len(passage.text)
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if cost(n, passage, passage.text[:mid]) <= room else (low, mid - 1)
        if low > 80:
            chosen.append((passage, passage.text[:low]))
        break
    while (tokens := model.count_tokens(text := render(chosen))) > budget:  # seams cost more than SEAM: rare
        passage, kept = chosen.pop()
        if len(kept) > 100:
            chosen.append((passage, kept[: len(kept) * 9 // 10]))
    return Prompt(text=text, sources=[p for p, _ in chosen], tokens=tokens)


def grounded(model, question: str, facts: list[tuple[int, str]]) -> Prompt | str:
    """The grounded prompt: numbered evidence sentences and the question, after the cached worked examples."""
    lines = "\n".join(f"[{n}] {' '.join(text.split())}" for n, text in facts)
    return model.render(GROUNDED_INSTRUCTIONS, f"Facts:\n{lines}\nQuestion: {' '.join(question.split())}\nAnswer:")
