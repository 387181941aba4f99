"""What every LLM backend shares about prompts: where a base model stops, and taking out control tokens."""

from collections.abc import Callable

# A base model continues the pattern it sees: stop before it writes another question (a FAQ's "Q:" too, whose
# pairs it would go on inventing) or source header.
COMPLETION_STOP = ["\nQuestion:", "\nQ:", "\n\n\n", "\n\n[", "\nSource [", "\nSources:"]


def strip_spelled(text: str, spellings: Callable[[str], set[str]]) -> str:
    """Take out what `spellings` finds until it finds nothing, so "<start_of<eos>_turn>" cannot reassemble one."""
    while True:
        cleaned = text
        for piece in spellings(text) - {""}:
            cleaned = cleaned.replace(piece, "")
        if cleaned == text:  # nothing found, or nothing a plain replace can take out: stop either way
            return text
        text = cleaned
