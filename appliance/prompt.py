"""Build the answer prompt: fixed instructions first, then numbered sources trimmed to fit, then the question."""

from dataclasses import dataclass

from appliance.errors import InvalidInput
from appliance.retrieve import Passage

NOT_COVERED = "The course material does not cover this question."

# Kept identical across questions so llama.cpp can reuse its KV cache for this prefix.
INSTRUCTIONS = (
    "You are a teaching assistant. Answer the student's question using only the numbered sources. "
    "Cite each fact with its source number in brackets, like [1]. Keep the answer short. "
    f'If the sources do not contain the answer, reply: "{NOT_COVERED}"'
)
MARGIN = 16
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


def _request(sources: list[tuple[Passage, str]], question: str, levels: Levels) -> str:
    blocks = [f"{source_title(n, p)}\n{text}" for n, (p, text) in enumerate(sources, 1)]
    guidance = f"{LEVEL_GUIDANCE[levels[0]]} {HARDWARE_GUIDANCE[levels[1]]}"
    return f"{guidance}\n\nSources:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}\nAnswer:"


def build(model, question: str, passages: list[Passage], answer_tokens: int,
          levels: Levels = ("intermediate", "intermediate")) -> Prompt:
    """Fit as many sources as the context allows (cutting the last one short), never overflowing it."""
    budget = model.context_length - answer_tokens - MARGIN

    def size(sources) -> int:
        return model.count_tokens(model.render(INSTRUCTIONS, _request(sources, question, levels)))

    if size([]) > budget:
        raise InvalidInput("the question is too long for the model's context window")
    chosen: list[tuple[Passage, str]] = []
    for passage in passages:
        if size(chosen + [(passage, passage.text)]) <= budget:
            chosen.append((passage, passage.text))
            continue
        # Binary search the longest prefix of this passage that still fits, then stop.
        low, high = 0, len(passage.text)
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if size(chosen + [(passage, passage.text[:mid])]) <= budget else (low, mid - 1)
        if low > 80:
            chosen.append((passage, passage.text[:low]))
        break
    text = model.render(INSTRUCTIONS, _request(chosen, question, levels))
    return Prompt(text=text, sources=[p for p, _ in chosen], tokens=model.count_tokens(text))
