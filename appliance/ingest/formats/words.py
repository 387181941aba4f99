"""Spaces put back into English words that OCR ran together, with SymSpell's frequency dictionary (in its wheel)."""

import functools
import itertools
import re
from importlib import resources

# A run of letters and digits; the pieces of one run: letters, or digits.
RUN = re.compile(r"[A-Za-z0-9]+")
PIECE = re.compile(r"[A-Za-z]+|[0-9]+")


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
    segmenter = _segmenter()
    if piece.lower() in segmenter.words:
        return piece
    words = segmenter.word_segmentation(piece).corrected_string.split()
    if len(words) < 2 or not all(word.lower() in segmenter.words for word in words):
        return piece
    # A capitalised piece may be a name made of known words ("Tronbury", "Mossgrave", "Quellin"): it is split only
    # where two of its words are a known pair ("Fill in", "Frequently Asked"), which names' pieces never were.
    pairs = {f"{a} {b}".lower() for a, b in itertools.pairwise(words)}
    if piece[0].isupper() and not pairs & segmenter.bigrams.keys():
        return piece
    return " ".join(words)
