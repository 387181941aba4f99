"""Words a typeset PDF hyphenated at a line's end, made whole again."""

import re
import unicodedata

# A word broken at a line's end ("manipu-\nlator"), with what follows it up to its line's next space: the
# rest of the word moves up to the first line, so a line's count and a paragraph's breaks stay as they were.
# Both patterns start only at a word's start, so a page of one long run of letters is read once, not per letter.
BROKEN = re.compile(r"(?<![^\W\d_])([^\W\d_]+)-\n([^\W\d_]+)(\S*)[ \t]*")
HYPHENATED = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:-[^\W\d_]+)+")
WORD = re.compile(r"[^\W\d_]+")
COMPOUND_PART = 3  # letters each half of a compound ("real-time") has at least: "in-", "re-" and "co-" break words


def rejoin(pages: list[str]) -> list[str]:
    """Each page's text with the words its lines broke made whole: "manipulator", not "manipu- lator" that no
    search for "manipulator" finds; a compound broken at its own hyphen ("real-\ntime") keeps it."""
    whole = BROKEN.sub(" ", "\n".join(pages))
    words = set(WORD.findall(_folded(whole)))
    compounds = set(HYPHENATED.findall(_folded(whole)))
    return [BROKEN.sub(lambda found: _rejoined(found, words, compounds), page) for page in pages]


def _rejoined(found: re.Match[str], words: set[str], compounds: set[str]) -> str:
    """One broken word made whole, with the rest of its line's first word and the line break after it."""
    first, second, rest = found.groups()
    hyphen = "-" if _compound(first, second, words, compounds) else ""
    following = found.string[found.end() : found.end() + 1]
    return f"{first}{hyphen}{second}{rest}" + ("" if following in ("", "\n") else "\n")


def _compound(first: str, second: str, words: set[str], compounds: set[str]) -> bool:
    """Whether a word broken at a hyphen is a compound that keeps it: a capital after it ("Schwarz-Weiß"), or the
    rest of the document spells it so ("real-time"), or, spelt neither way, both halves are its words."""
    if second[:1].isupper():
        return True
    joined, hyphened = _folded(first + second), _folded(f"{first}-{second}")
    if joined in words or hyphened in compounds:
        return hyphened in compounds and joined not in words
    halves = (_folded(first), _folded(second))
    return all(len(half) >= COMPOUND_PART and half in words for half in halves)


def _folded(text: str) -> str:
    """A text in one case, its ligatures spelt out."""
    return unicodedata.normalize("NFKC", text).casefold()
