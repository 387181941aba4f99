"""Spaces put back into English words that OCR ran together, with SymSpell's frequency dictionary (in its wheel)."""

import functools
import itertools
import re
from importlib import resources

# A run of letters and digits; the pieces of one run: letters, or digits.
RUN = re.compile(r"[A-Za-z0-9]+")
PIECE = re.compile(r"[A-Za-z]+|[0-9]+")
# The short words that join others in a line; not "over", "up" or "out", which make words ("overcurrent", "setup").
JOINING = frozenset(
    "a an the of in on at to for with within without from by into onto and or but if while when as than so not no "
    "do does did is are was were be been am can could will would shall should may might must have has had "
    "i you we he she it they me us him her them my your our his its their this that these those there here "
    "what which who how why where".split()
)


@functools.cache
def _segmenter():
    # Imported here, not at the top: only OCR'd pages need it, and loading the dictionaries takes a second.
    from symspellpy import SymSpell

    # Edit distance 0: the segmenter only inserts spaces. Allowing one edit turned "Priya" into "Oriya",
    # "a" vanished from "a fault card" and "Kestrabel" became "Yes travel".
    segmenter = SymSpell(max_dictionary_edit_distance=0)
    data = resources.files("symspellpy")
    segmenter.load_dictionary(str(data / "frequency_dictionary_en_82_765.txt"), term_index=0, count_index=1)
    segmenter.load_bigram_dictionary(
        str(data / "frequency_bigramdictionary_en_243_342.txt"), term_index=0, count_index=2
    )
    return segmenter


def split_words(text: str) -> str:
    """The text with run-together words and numbers spaced apart; punctuation, codes and line breaks as they were."""
    return RUN.sub(lambda run: _split_run(run.group()), text)


def _split_run(run: str) -> str:
    """One run of letters and digits, spaced where a word meets a number and inside glued words."""
    pieces = PIECE.findall(run)
    out = [_split_letters(pieces[0])]
    for before, piece in itertools.pairwise(pieces):
        out.append(" " if _apart(before, piece) else "")
        out.append(_split_letters(piece))
    return "".join(out)


def _apart(before: str, after: str) -> bool:
    """Whether a letters piece and a digits piece that touch are two words: "within48", "16February", not "RS417"."""
    letters = after if before.isdigit() else before
    if len(letters) < 3:  # "2nd", "10cm", "v2", "mp3": a unit, an ordinal or a short code
        return False
    # Capitals then digits is a code ("RS417", "MG3"); digits then a word is a number and a word.
    return before.isdigit() or not before.isupper()


def _split_letters(piece: str) -> str:
    """A piece of letters the dictionary does not know, as the known words it is made of, else as it was."""
    if piece.isdigit() or piece.isupper() or len(piece) < 4:
        return piece
    if piece.lower() in _segmenter().words:
        return piece
    # The recogniser reads a capital I as a small l: "Q:lsthereatextbook?" is "Is there a textbook?".
    for read in (piece, f"I{piece[1:]}") if piece.startswith("l") else (piece,):
        if words := _run_together(read):
            return " ".join(words)
    return piece


def _run_together(piece: str) -> list[str] | None:
    """The known words the piece is made of, when it reads as words run together rather than as one word."""
    segmenter = _segmenter()
    words = segmenter.word_segmentation(piece).corrected_string.split()
    if len(words) < 2 or not all(word.lower() in segmenter.words for word in words):
        return None
    # A capitalised piece may be a name made of known words ("Tronbury", "Mossgrave", "Quellin"): it is split only
    # where two of its words are a known pair ("Fill in", "Frequently Asked"), which names' pieces never were.
    paired = bool({f"{a} {b}".lower() for a, b in itertools.pairwise(words)} & segmenter.bigrams.keys())
    if piece[0].isupper():
        return words if paired else None
    # Nor is a piece of content words alone run together: a subject's own word is as often made of known ones
    # ("dataset", "costmap", "colcon", "matplotlib", "microcontroller"), while the recogniser's lines lose the
    # spaces around the short words that join them ("andleaveitwith", "afaultcard", "demonstratorwithin"); and
    # short pieces beside such a word, in no known pair, are a code's ("ifconfig", "stdin", "atmega").
    content = [word for word in words if word.lower() not in JOINING]
    joined = len(content) < len(words)
    return words if joined and (paired or all(len(word) >= 5 for word in content)) else None
