"""Where in the material: questions asking on which slide or page something is said, and each source's place."""

import re

from appliance.search.shapes import Passage

# The parts of the material a student names when asking where something is said. Not a lecture, week or lab: the
# material states which lecture covers what ("Lecture 7: homing"), and that is a fact to quote, not a place.
# Nor a file, document or sheet: "which file format is the data saved in", "what documents do I need to send".
PARTS = r"slides?|pages?|sections?|chapters?|paragraphs?|handouts?|decks?"
# "which slide is the teach pendant on?", "on what page does it say how long the homing takes?"
WHICH_PART = re.compile(
    rf"^\s*(?:(?:on|in|at|from)\s+)?(?:what|which)\s+(?:{PARTS})\b\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# What the student asks the part to do: "is ... on", "has", "talks about", "does it say"; after the document it is
# part of, if named ("what page of the motor driver notes gives the current limit").
PART_DOES = re.compile(
    r"\b(?:(?:is|are|was|were|has|have|had|shows?|covers?|talks?\s+about|mentions?|explains?|says?|describes?|"
    r"discuss(?:es)?|gives?|lists?|deals?\s+with|tells?\s+(?:me\s+|us\s+)?about)\b|"
    r"(?:do|does|did|can|could|will|would|should)\s+(?:i|we|you|it|they|the\s+\w+)\s+"
    r"(?:find|see|read|look\s+up|say|mention|cover|explain|get)\b(?:\s+about)?)\s*",
    re.IGNORECASE,
)
# "where does it say that?", "where can I read about the e-stop?", "where do the notes mention the deadline?";
# never "where can I find the first aid kit?", a place in the lab the material may name.
WHERE_SAID = re.compile(
    r"^\s*where\s+(?:(?:in|on)\s+(?:the\s+)?(?:course\s+)?(?:material|notes|slides|handouts?|docs|documents?|pdf)\s+)?"
    r"(?:does|do|did|is|are|was|were|can|could|should|would|will|might)\s+"
    r"(?:(?:it|they|you|i|we|the\s+(?:course\s+)?(?:material|notes|slides|handouts?|docs|documents?|teacher|"
    r"lecturer|course))\s+)?"
    r"(?:say|said|mention(?:ed)?|talk\s+about|explain(?:ed)?|cover(?:ed)?|state[ds]?|written|described|discussed|"
    r"read(?:\s+more)?(?:\s+(?:about|on))?|learn(?:\s+more)?\s+about|look\s+(?:it\s+)?up|"
    r"find\s+(?:out\s+)?(?:more\s+)?(?:info(?:rmation)?\s+|details\s+)?(?:about|on))\b\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# "where did you get that?", "where is that written?", "what's the source?": of the answer just given.
REFERS_BACK = re.compile(
    r"^\s*(?:where\s+(?:is|was|did|does)\s+(?:that|this|it)\s+(?:written|said|mentioned|stated|from|come\s+from|"
    r"(?:on|in)\s+the\s+(?:slides?|notes|material|handouts?|pdf|documents?))|"
    r"where\s+did\s+you\s+(?:get|read|find|see|take)\s+(?:that|this|it)|"
    r"(?:what(?:'s|\s+is|\s+was)|which\s+is)\s+(?:the|your|its)\s+source|sources?)\s*(?:from\s*)?[?.!]*\s*$",
    re.IGNORECASE,
)
# Words that point back at what was said rather than name a subject, or name the material, not what it says; and
# the little words left around them.
POINTING = frozenset(
    "that this it them those these there of material slide slides page pages section sections chapter chapters "
    "paragraph paragraphs handout handouts document documents file files deck decks sheet sheets notes pdf".split()
)
LITTLE = frozenset("the a an so on in at from about then again please exactly".split())
TRAILING = re.compile(r"(?:\s+(?:on|in|at|from|about))?\s*[?.!]*\s*$", re.IGNORECASE)


def asked_where(question: str) -> str | None:
    """None unless the question asks where in the material something is said; then what it asks about, "" when it
    points back at the answer before ("what slide is that on?")."""
    if REFERS_BACK.match(question):
        return ""
    found = WHICH_PART.match(question) or WHERE_SAID.match(question)
    if not found:
        return None
    rest = found["rest"]
    if found.re is WHICH_PART:
        # Asked of the part ("which slide has ..."), not of the student ("what pages do I need to read?").
        does = PART_DOES.search(rest)
        if does is None and _names_something(rest):
            return None
        rest = f"{rest[: does.start()]} {rest[does.end() :]}" if does else rest
    words = [w for w in TRAILING.sub("", rest).replace("?", " ").split() if w.lower().strip(",;:") not in POINTING]
    return " ".join(words) if _names_something(" ".join(words)) else ""


def _names_something(text: str) -> bool:
    """Whether the words name something: more than pointing and little words."""
    words = [w.lower().strip(",;:?.!") for w in text.split()]
    return any(w and w not in POINTING and w not in LITTLE for w in words)


def place(passage: Passage) -> str:
    """Where a passage is, as a student finds it: "slide 9 (“Teach pendant”) of arm.pptx", "page 3 of notes.pdf",
    "the section “Inverse Kinematics” of basics.md"."""
    label = passage.page_label or (str(passage.page) if passage.page else "")
    parts = [part.strip() for part in passage.heading.split(">") if part.strip()]
    if label and " " in label:  # a slide's or a notebook cell's own label ("slide 9", "cell 3"), under its title
        return f"{label} (“{parts[0]}”) of {passage.filename}" if parts else f"{label} of {passage.filename}"
    if label:
        return f"page {label} of {passage.filename}"
    return f"the section “{parts[-1]}” of {passage.filename}" if parts else passage.filename
