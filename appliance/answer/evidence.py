"""Evidence: the sentences of the retrieved passages that bear on the question, scored and located in their page."""

import math
import re
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType

from appliance.answer.events import Evidence
from appliance.answer.expect import (
    MONTH_NAME,
    NUMBER_WORDS,
    SUMS,
    THING_BY_PERSON,
    Expected,
    asked_for,
    expected,
    quantities,
)
from appliance.answer.expect import WHEN as TIME_STATED
from appliance.search.shapes import Passage
from appliance.store.text import STOPWORDS, TABLE_RULE, WORD, column_names, table_header

# A sentence ends at . ! ? (not inside 1.5 or e.g.) before a space, or at a line break that starts a new block
# (blank line, list item, heading, table row): course notes are full of lists and headings without full stops. A
# PDF's list items keep the bullet its maker drew ("•", "◦", "▪", "‣", "●", "■"): a slide's bullets, each a fact.
BULLETS = "\u2022\u25e6\u25aa\u2023\u25cf\u25a0\u25ba\u25b8\u25b6\u27a2\u27a4\u2756\u25c6\u2713\u2714"
SENTENCE_END = re.compile(
    rf"(?<=[.!?])[\"')\]*_]*\s+(?:>[ \t]*)*(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*+>#|{BULLETS}]|\d+[.)]\s))"
)
# A line of a quote box ("> **Warning.** ... Never\n> reach under the heater.") wrapped onto the next: the ">" that
# opens it continues the sentence, unless the box's line is empty or starts an item, a heading or a table row.
QUOTE_LINE = re.compile(r"[ \t]*>[ \t]*[^\s>]")
QUOTE_MARK = re.compile(r"\s*>[ \t]*(?=[-*+#|\d])")
QUOTE_GOES_ON = re.compile(rf"[ \t]*>[ \t]*(?![\s>]|[-*+#|{BULLETS}]|\d+[.)]\s)")
ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|Prof|No|Fig|approx|cf|St)|\b[A-Z])\.$")
# A slide's "max. 250 mm/s" or "incl. gripper": the abbreviation goes on with its value, but "It takes 6 min. Then
# ..." ends a sentence.
ABBREVIATED_BOUND = re.compile(r"\b(?:max|min|incl|excl|ca|typ|avg|nom)\.$", re.IGNORECASE)
VALUE_START = re.compile(r"[\d±+\-\u2212]")
WORDED = re.compile(r"\w")
# A whole |---| rule line, its cells spaced or not ("| --- | --- |", as a slide's or a Word table is written).
RULE_LINE = re.compile(r"[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)*[ \t]*:?-{3,}:?[ \t]*\|?[ \t]*")
# A list's "1." is markup; a clause's "5.1" is the material's own words, and half of it would be a number it never
# gave ("1 A match lasts 150 seconds").
MARKUP = re.compile(rf"^\s*(?:[-*+>{BULLETS}]|#+|\d+[.)](?!\d)|\|)\s*|\*\*|__|`")
# The endings of contractions ("we're", "don't", "they'll"): without them their pieces ("re", "don", "ll") would be
# terms no answer holds. The same words typed without an apostrophe, and what "can't" and "won't" leave, are none.
CONTRACTION = re.compile(r"(?:n['\u2019]t|['\u2019](?:re|ll|ve|d|m|s))\b", re.IGNORECASE)
UNAPOSTROPHED = frozenset(
    "whats wheres whos hows whens whys thats theres heres dont doesnt didnt isnt arent wasnt werent cant wont ca wo "
    "im ive youre theyre".split()
)
# The same in chat spelling ("pls how do u carry it without breaking smth", "can i leave it in teh tank"): "pls",
# "smth" and "teh" were terms no handout holds, and the question was refused; so was "when do u guys meet".
CHATTED = frozenset("u ur r ya pls plz thx smth sth teh guys".split())
# A person pointed at is no word the answer holds: "what's his extension?" is answered by "Tavish Hollin (extension
# 4452)" (the search's stopwords keep "it" and "they" out, not these).
PERSONAL = frozenset("he she him his her hers theirs".split())
# A hedge says how the student asks, not what about: "what even is a sensing buoy", "how exactly do I ...", "our
# tile just went red"; the material says none of them.
HEDGES = frozenset("even actually really just exactly basically literally anyway honestly".split())
NO_TERMS = STOPWORDS | UNAPOSTROPHED | CHATTED | PERSONAL | HEDGES
# Words a question uses to ask, not to say what about: they need not appear in the answer.
ASKING = frozenset(
    "what which who whom whose when where why how much many long often does do did am is are was were can could "
    "should would will tell explain describe give list name mean means meaning define definition kind type "
    "please there any difference differences differ between compare compared comparison versus vs".split()
)
# The verbs of asking and wanting, and the asker's own self ("who do I ask to borrow a key", "do I need a resistor",
# "can I buy it myself", "i wanted to ask how many labs i can miss"): no key terms the evidence must cover, as the
# answer says what, not how it was asked. A sentence the model writes is still held to them (verify.py): "You do not
# need a resistor" is a claim of its own.
# Not "get" (measured: "how do I get my print off the bed" then counted as answered by the pickup shelf, and a
# near-topic question as answered).
WANTING = frozenset("ask need needs want wants wanted myself ourselves yourself".split())
# A preposition the stopwords lack: "per" of "how many people per team" is no term ("60 per cent" has it).
PREPOSITIONS = frozenset({"per"})
# Someone, anything: the question leaves out who or what, and the material names it or says nothing of it ("if a
# card is lent" for "if i lend my card to someone"); "ones" stands for a thing the question has named ("swapped for
# clean ones"); "thing" and "stuff" stand for what it asks about ("the heaviest thing i can put on the turntable");
# a "different" course is an "other" one, a stopword ("students from other courses"); not "another" (measured: a
# near-topic question was answered).
INDEFINITE = frozenset(
    "someone somebody anyone anybody everyone everybody something anything somewhere anywhere ones thing things "
    "stuff different same".split()
)
# The course the student asks in, which all its material is of: "What's the set book for this module?" is answered by
# "The set book is Robots in the Orchard", which names no module.
THIS_COURSE = re.compile(r"\b(?:this|my|our)\s+(?:module|course|class|unit|subject)\b", re.IGNORECASE)
# Who is "in charge" of a thing asks who runs it, in the words of no charge: "The bay supervisor, Hamish Marchbank" is
# in charge of the bay, while "charged" is said of batteries.
IN_CHARGE = re.compile(r"\bin\s+charge\b", re.IGNORECASE)
# The words saying who is: a sentence naming none of them names someone who does something else for the thing ("A
# thruster is swapped by the technician only." for "who is in charge of kr739?"). Not "run" or "charge", whose kin
# are said of machines ("remotely operated vehicle") and batteries.
IN_CHARGE_SAID = (
    "lead leader supervisor supervise coordinator coordinate convenor organiser organizer organise organize manager "
    "manage head director chair responsible keeper owner officer lecturer teach oversee"
)
# A conjunction tying the asker's case to what is asked, and "done" (whose "do" asks): "Can I get an extension
# because my laptop died?", "... once I've done the printer induction?" are answered by a rule saying neither; "till"
# and "til" are "until" as students type it ("til when are the loos open").
LINKING = frozenset("because since once already although though while until till til unless done".split())
# When the asker asks: "i lost my bottle yesterday", "and now it's cracked" say when it happened to them, which no
# handout can say.
DEICTIC = frozenset("yesterday today tonight tomorrow now".split())
# What a rule says one may or must do it allows, in a stopword: "You may miss at most two of the ten sessions"
# answers "how many labs am i allowed to miss", "the mean calibration error must be below 0.5 mm" the error allowed
# (WordNet gives "permit" for "allow", never the modal).
PERMITTING, ALLOWED = re.compile(r"\b(?:may|must)\b", re.IGNORECASE), "allow"
# What a time asked for is the time of: "how long does a flat battery take to cool down" is not answered by "A flat
# battery needs ninety minutes on the charger", however much it says of the battery.
PROCESS_TIMED = re.compile(r"^\W*how long\b.*?\b(?:take|takes|took)\b(?:\s+\w+)?\s+to\s+(\w+)", re.IGNORECASE)
# Nor is what a thing can carry its own mass: "Mass with battery | 1.9 kg" answers nothing of "the maximum weight the
# hexapod can carry".
CARRIED = re.compile(
    r"\b(?:can|could|may|will)\s+(?:[\w-]+\s+){0,3}?(carry|lift|hold|pull|tow|support)\b", re.IGNORECASE
)
# "What happens if it goes above 13 bar?" asks for a consequence, which the material states without either verb
# ("the relief valve opens at 13 bar"): a walkthrough's question was refused beside that sentence.
HAPPENING = frozenset("happen happens happened happening go goes going gone went".split())
# A phrasal verb's particle ("thrown away", "goes down", "get my print off the bed") is no term of its own: "up" and
# "over" are stopwords, "down" and "away" say as little, and the material says the verb in other words ("put it in
# the yellow bin", "an outage").
PARTICLES = frozenset("away off out back down".split())
# Where a thing is kept, stored or found asks only where it is, which the material says with any verb or none ("the
# heat-resistant gloves, which hang on hook H2" for "where are the heat proof gloves kept"), and where it is handed
# in, where it goes ("put it in the orange club mailbox" for "where do i hand in the membership form"); how long it
# is kept, left or waited asks only for a time ("Cool the burn under running water for twenty minutes" for "how long
# do i keep a burn under water"), as does how long one gets ("The test lasts 40 minutes" for "how long do we get for
# the online test"), and so does what it takes ("a flat battery needs ninety minutes on the charger" for
# "how long does a battery take to charge", though "How long does the charger take?" asks of its "take"); where to
# look for a thing asks where it is.
RESTATING = (
    (
        re.compile(r"^\W*where\b", re.IGNORECASE),
        frozenset("kept keep keeps stored store stores located locate find found hand handed look looking".split()),
    ),
    (
        re.compile(r"^\W*how long\b", re.IGNORECASE),
        frozenset("keep keeps kept leave leaves left stay stays remain wait get gets got".split()),
    ),
    (PROCESS_TIMED, frozenset("take takes took".split())),
    # The penalty for a deed is what happens after it, which the material states in its own words ("Work handed in
    # late loses 10 % of its mark" for "whats the penalty for handing in late" or "report late penalty").
    (
        re.compile(
            r"^.*?\b(?:(?:penalty|penalties|punishment|consequences?)\s+(?:for|if|of|when)|late\s+penalt(?:y|ies))\b",
            re.IGNORECASE,
        ),
        frozenset("penalty penalties punishment consequence consequences".split()),
    ),
    # What a thing takes is what it is fed or fitted with: "what input voltage does the lx16 take" asks only the
    # voltage, which a datasheet states without the verb ("Supply voltage | 9–32 V DC").
    (re.compile(r"^\W*(?:what|which)\b", re.IGNORECASE), frozenset("take takes".split())),
    # How many things fit in a place is its room for them, which the material states with any verb ("It holds 64
    # bicycles" for "how many bikes fit in the bike shelter").
    (re.compile(r"^\W*how many\b", re.IGNORECASE), frozenset("fit fits".split())),
    # What a thing is worth is how much or how many of the thing asked it has: "how many credits is RB264 worth" is
    # answered by "RB264 is a 15-credit module".
    (re.compile(r"^\W*how (?:many|much)\b", re.IGNORECASE), frozenset("worth".split())),
    # And how many there are in all is how many there are: "how many servos does the M3 have in total" is answered
    # by "Legs | 6, three servos each (18 servos)".
    (
        re.compile(r"^\W*how (?:many|much)\b.*\b(?:in total|altogether|all together|in all|combined)\b", re.I),
        frozenset("total altogether combined".split()),
    ),
    # The point of a thing is what it is for, which the material says in its own words: "what's the point of the week
    # 9 session" is answered by its "What it is for" cell, "to find and flag bad readings". (Not its "aim" or
    # "purpose": a lab sheet labels them so, "Aim:".)
    (re.compile(r"^.*?\bthe\s+point\s+of\b", re.IGNORECASE), frozenset({"point"})),
    # The steps of a task are what its procedure lists, under any heading: "what is the procedure for charging the
    # battery" is answered by the steps under "Charging the battery".
    (
        re.compile(r"^.*?\b(?:steps?|procedures?|process|instructions?)\s+(?:to|for|of)\b", re.IGNORECASE),
        frozenset("step steps procedure procedures process instruction instructions".split()),
    ),
)
# A greeting, thanks or an apology is said to the reader, not asked about ("hey, which week is the pid lecture?",
# "sorry to bother, but where do i hand in the membership form? thanks"): no term the answer holds. Not the "hi" of
# "hi-vis".
COURTESY = re.compile(
    r"^\W*(?:hi|hey|hello|hiya|good\s+(?:morning|afternoon|evening))(?:\s+there)?(?=[\s,!.]|$)|"
    r"\b(?:(?:many\s+)?thanks?(?:\s+(?:you|a\s+lot|so\s+much|in\s+advance))?|thx|cheers|quick\s+question|"
    r"sorry(?:\s+to\s+(?:bother|ask|trouble)(?:\s+you)?)?)(?=[\s,!.:?]|$)",
    re.IGNORECASE,
)
# Doing a thing on one's own is doing it alone, as the material says ("Nobody flies alone."): "can i fly on my own"
# and "can i fly by myself" lost the words to "own" and to the dropped "myself", and were answered with who may fly.
ALONE = re.compile(
    r"\b(?:on\s+(?:my|your|his|her|our|their|its)\s+own|"
    r"by\s+(?:myself|yourself|yourselves|himself|herself|ourselves|themselves|itself))\b",
    re.IGNORECASE,
)
# A why-question is answered by a reason: a sentence giving one ("..., because ...", "so that", "to avoid", "which
# means") ranks as one stating the kind of answer asked for does. It is no kind of its own: a why-question's
# answer may give its reason in any words, and its decision stays that of a question of no kind.
WHY = re.compile(r"\bwhy\b", re.IGNORECASE)
# A question whether one may or must ("Do I have to go on the field trial?", "can we eat at the bench?") is
# answered by a rule: of the sentences on its subject, one saying what is allowed, needed or forbidden states it
# ("Attendance is compulsory for every KD346 student", not "The trial is led by Fenwick Tarrant").
ASKS_RULE = re.compile(
    r"^\W*(?:(?:can|could|may|must|should)\s+(?:i|we|you|students?|they)|"
    r"(?:do|does|will)\s+(?:i|we|you|students?|they)\s+(?:have|need|get)\s+to|do\s+(?:i|we|you)\s+need|"
    r"is\s+it\s+(?:ok|okay|alright|allowed|possible|fine|compulsory|mandatory|required|necessary)|"
    r"(?:am\s+i|are\s+(?:we|you|students))\s+(?:allowed|permitted|required|supposed))\b",
    re.IGNORECASE,
)
RULE = re.compile(
    r"\b(?:must|may|can|cannot|can't|allowed|permitted|prohibited|forbidden|banned|not|never|no|nobody|only|compulsory|"
    r"mandatory|required?|requires|needs?|optional|welcome|entitled|should|always|unless|provided)\b",
    re.IGNORECASE,
)
# A how-to question ("how do I set up ROS the first time I log in", "what are the steps to charge the battery?"):
# its answer may be a procedure from step 1.
HOW_TO = re.compile(
    r"^\W*(?:how\s+(?:do|can|should|must|would|to)\b(?:\s+(?:i|we|you|one)\b)?|"
    r"(?:what(?:\s+are|\s+is|'s)|describe|explain|list|give\s+me|tell\s+me)\s+(?:the\s+)?"
    r"(?:steps|procedure|process|instructions)\b)",
    re.IGNORECASE,
)
# Who a student asks as, and the words before a thing's name, in the patterns reading what a question asks.
ASKER = r"(?:i|we|you|one|students?|teams?|people)"
ARTICLE = r"(?:the|a|an|my|our|your|its|their|this|that|these|those)"
# The action a how-to question asks the way of: "how do I change ...", "how can we safely unplug ...", "how to book
# ...". The doer is a person: "how does the data get from the buoy to us" asks how a thing works.
ACTION_ASKED = re.compile(
    rf"^\W*how\s+(?:(?:do|can|should|must|would|could|will|am|are)\s+{ASKER}\s+"
    r"|to\s+)(?:\w+ly\s+|just\s+|even\s+|actually\s+|still\s+)?([a-z]+)\b",
    re.IGNORECASE,
)
# Actions every procedure is, whatever it does: "how do I get my print off the bed" is answered by "lift the sheet".
ANY_ACTION = frozenset("get go do make be have use know see tell find work deal handle manage sort fix start".split())
# What a where-question seeks no place of (stems): an action any procedure is, or looking for the thing, which it
# asks as often as where the thing is.
NOT_SOUGHT = ANY_ACTION | {"look", "locat"}
CAUSE = re.compile(
    r"\b(?:because|since|so that|so|otherwise|or else|in order to|to (?:avoid|prevent|keep|protect|stop|make sure|"
    r"ensure)|which (?:means|is why)|(?:that|this) is why|as a result|due to|caused by|reason)\b",
    re.IGNORECASE,
)
REASON_AFTER = 4  # sentences after a step looked at for its reason
# A question comparing two things ("What is the difference between A and B?") is answered by a sentence on each.
COMPARING = re.compile(r"\b(?:difference|differences|differ|compare|compared|comparison|versus|vs)\b", re.I)
# Sentences looked at for such a pair: the best few.
PAIRED = 6
# Sentences that lean on the one before: "It weighs 2 kg." is only evidence with its subject, and so are "Charge
# them in a bag." and "When it is pressed, ..." (a pronoun as the second word; "that" only first: "Check that ...").
# Sentences a chain of leaning ones goes back for the name they all lean on.
LEAN_BACK = 2
LEANING = re.compile(
    r"^(?:\w+,?\s+)?(?:it|its|this|these|those|they|their|them|he|she|his|her)\b"
    r"|^(?:that|such|both|here|there)\b",
    re.I,
)
# An FAQ's question line ("**Q: Can we work in groups?**") and answer line ("A: For the final project, yes").
QUESTION_LINE = re.compile(r"[\s*_#]*(?:Q|Question)\s*[:.]\s*(.+?\?)[\s*_]*$", re.I)
# A paragraph opening with a question its own sentences answer: "**Can I pay myself and claim the money back?** Only
# up to €40 ..." (no sentence end before the question mark, so it is the paragraph's first sentence).
OPENING_QUESTION = re.compile(r"[\s*_#>-]*([^\s*_#>-][^.!?]{4,200}\?)[*_]*\s")
ANSWER_LINE = re.compile(r"[\s*_]*(?:A|Answer)\s*[:.]", re.I)
ANSWER_MARK = re.compile(r"(?:A|Answer)\s*:[*_\s]*", re.I)
# A table cell that is only a number, and the units its table gives apart from it: "Weight (%)" in a header,
# "Altitude above floor (m)" as a row's label, or a column headed "Unit".
BARE_NUMBER = re.compile(r"[±~≈<>≤≥+-]?\s*\d+(?:[.,]\d+)?(?:\s*(?:to|-|–|\u00d7|x)\s*\d+(?:[.,]\d+)?)*")
# Engineering tables write it in square brackets as often: "Mass [kg]".
UNIT_IN_LABEL = re.compile(r"[(\[]([^()\[\]\d]{1,20})[)\]]\s*$")
SNAKE_UNIT = re.compile(r"^[a-z]+(?:_[a-z]+)*_([a-z]{1,8})$", re.IGNORECASE)
# A column of intervals: its "100" under "Change interval (operating hours)" is every 100 operating hours.
INTERVAL_HEADER = re.compile(r"\b(?:interval|every)\b", re.I)
UNIT_HEADER = re.compile(r"units?", re.I)
# A table cell saying a thing has none of what its column holds.
NONE_CELL = re.compile(r"none|nil|n/?a|no|free|-|\u2013|\u2014", re.I)
# A column header of a few words and no unit says what its numbers count or measure: "1600" under "Pulses per
# revolution" is 1600 pulses per revolution, "16" under "Turntable steps" 16 steps.
LABEL_HEADER = re.compile(r"[^\W\d_]+(?:[ /-][^\W\d_]+){0,3}")
# A column of the course's weeks or sessions places its numbers in the course, as a name before them: "1-3" under
# "Weeks" is weeks 1-3 (when), not three weeks (how long, which "Duration (weeks)" says with its unit).
PLACE_HEADER = re.compile(r"(?:teaching |lab )?(?:weeks?|sessions?|lectures?|semesters?|terms?)", re.I)
NAME_TOKEN = re.compile(r"\w+(?:-\w+)*")  # a word, hyphenated ones whole ("Marten-SMD")
DIGIT = re.compile(r"\d")
# A code of a few letters and a number, with or without a hyphen: TQ-50, SD56, CAM-04, a room's BH-1.30 whole.
CODE_SPELLED = re.compile(r"\b([A-Za-z]{1,5})-?(\d{1,5}(?:\.\d{1,3}(?![.\d]))?)\b")
# A decimal (or an hour of the clock, "10.30" as "10:30"), which a question's decimal is read whole against.
DECIMAL = re.compile(r"\b\d+[.:]\d+\b")
DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
# Units' powers as students type them: "mm2" for "mm²".
SUPERSCRIPTS = str.maketrans("²³", "23")
# A question asking whether: a day it names is then what it asks about, not a premise ("if i order on monday ...").
WHETHER = re.compile(r"^\W*(?:is|are|can|could|may|might|do|does|did|will|would|should|must|has|have)\b", re.I)
# A sentence saying what alone holds answers whether anything else does: "The Kestrin K2 lidar works with the R3
# only" for the R1.
ONLY = re.compile(r"(?<!not )\bonly\b", re.I)
# Two words side by side, each of three letters or more (overlapping: "monthly flat rate" gives both pairs).
WORD_PAIR = re.compile(r"\b([^\W\d_]{3,})[ \t]+(?=([^\W\d_]{3,})\b)")
# A list item's label before its value: "Mild steel: up to 12 mm" (not a time, "09:00").
LABEL_FIRST = re.compile(r"([^\W\d_][^:|\n]{0,40}?):\s")
# Labels that open a box or a FAQ's pair, not an item of a list.
# The stems of words naming a measure rather than a thing, as a table row's label does ("Charge time").
MEASURES = frozenset(
    {"tim", "duration", "period", "weight", "mass", "length", "width", "height", "siz", "spe", "rat", "capaciti"}
    | {"rang", "limit", "valu", "number", "amount", "count", "cost", "pric", "fee"}
)
# A place a thing is kept or done in, by its kind or its room's code ("cabinet", "B-203"), or a table's column of them.
A_PLACE = re.compile(
    r"\b(?:rooms?|cabinets?|cupboards?|drawers?|shelf|shelves|lockers?|offices?|buildings?|desks?|bins?|drums?|racks?|"
    r"counters?|reception|foyer|car park|hall|corridor|basement|floor|bench|benches|location)\b|"
    r"\b[A-Z]{1,3}-?\d{1,2}(?:\.\d{1,3}|\d{2})\b",
)
NOT_ITEMS = frozenset({"note", "warning", "caution", "tip", "important", "danger", "notice", "q", "a", "example"})
# A word and its number, which students shorten to the word's first letters as they write a code: "ch3" or "ch 3"
# for "Channel 3", "rm204" for "Room 204".
NUMBERED = re.compile(r"\b([^\W\d_]{2,}) (\d{1,5})\b")
# A thing named by a letter ("group B", "Plan C"): one term, its noun and letter ("groupb"); in a table, the letter
# in the column its noun heads ("Group | Day ..." over "B | Thursday ..."). Any "I" is the asker ("is the lab I
# booked free"), and a student's lower-case "a" an article ("is there a lab a week") but where no noun can follow.
LETTER_NOUNS = (
    r"group|team|section|lab|option|plan|type|class|level|zone|area|bay|block|wing|stage|phase|part|track|kit|set|"
    r"grade|lane|route|form|stream|cohort|shift|slot|session"
)
# A student's "a" is the letter where no noun can follow an article: before a preposition, a verb of a timetable
# or the question's end ("what time does group a start", "is group a on thursday", "which room is zone a in?").
LETTER_A = r"a(?=\s*(?:[?.!,]|$)|\s+(?:on|in|at|for|with|to|from|start|starts|begin|begins|end|ends|meet|meets)\b)"
LETTERED = re.compile(rf"\b(?i:({LETTER_NOUNS}))\s+([A-HJ-Z]|[b-hj-z]|{LETTER_A})(?![\w-])")
LETTERED_TEXT = re.compile(rf"\b(?i:({LETTER_NOUNS}))\s+([A-HJ-Z])(?![\w-])")
LETTER_CELL = re.compile(r"[A-HJ-Z]")
# "at the same time" says how many at once, no time a sentence must name: "how many rovs can be in the tank at the
# same time" is answered by "At most three ROVs may be in the water at once".
AT_ONCE = re.compile(r"\b(?:at\s+(?:the\s+same|any\s+one|one|a)\s+time|at\s+once|simultaneously)\b", re.IGNORECASE)
# "every time" says always, no time or count a sentence must name: "why do we rinse the buoy every time it comes
# out" is answered by "Rinse the hull ... after every recovery: salt left to dry forms crystals".
EVERY_TIME = re.compile(r"\b(?:every|each)\s+time\b", re.IGNORECASE)
# A count of a unit of time in the asker's case: "2 days late", "for three weeks".
COUNTED_UNIT = re.compile(
    rf"\b(\d+|{NUMBER_WORDS})\s+(?:working\s+|calendar\s+|school\s+|whole\s+)?(day|week|hour|minute|month)s?\b",
    re.IGNORECASE,
)
# "the one about ..." points at what it says after: "one" there is no number ("which lecture was the one about the
# time of flight sensor").
# "as well" and a last "too" add a thing to what was asked, not a word the material must say: "is there a written
# exam as well?" is answered by "there is no written exam".
ALSO = re.compile(r"\bas\s+well\b|\btoo(?=\W*$)", re.IGNORECASE)
THE_ONE = re.compile(
    r"\b(the|this|that|which) one\b(?=\s+(?:about|with|that|which|where|who|for|on|of)\b|\s*\W*$)", re.I
)
# "which of the two arms" asks which one, not of two. (But "this semester" is no asker's own time, as "yesterday"
# is: a course's handout is written for this semester, and says so.)
OF_THE_FEW = re.compile(r"\b(which\s+of\s+the)\s+(?:two|three|four|five|\d)\b", re.IGNORECASE)
# "When are the two quizzes" asks of the quizzes, which the material names one by one ("Quiz 1 (Friday 4 February)"),
# not of two: a count before a plural is how many there are, not a word the answer says.
# Not after a preposition: "how many arms are there in the two labs" asks of two labs.
THE_FEW = re.compile(
    r"\b((?:are|were|do|did|about)\s+(?:the|all|both))\s+(?:two|three|four|five|six)\b(?=\s+[^\W\d_]+s\b)",
    re.IGNORECASE,
)
WHEN, A_DATE = re.compile(r"^\W*when\b", re.IGNORECASE), Expected("date")
# "when is the next first aid course?" asks for a time, as "when do i wear goggles?" (answered by a condition) does
# not: a sentence stating no day, date, year or hour ("Students are welcome to join the course") does not answer it.
WHEN_IS = re.compile(r"^\W*when(?:['\u2019]?s|\s+is|\s+are|\s+was|\s+were)\b", re.IGNORECASE)
# A course's first quiz is its Quiz 1: "Wk 5 (Tue 10 Nov): Quiz 1" says when "the first quiz" is, and "the second
# lab" is one word with "Lab 2" (as NUMBERED spells it), not "second" anywhere ("Lab 1 is in week 2").
ORDINALS = {
    word: n for n, word in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)
}
ORDINAL_THING = re.compile(
    rf"\b({'|'.join(ORDINALS)})\s+(quiz|lab|lecture|session|week|exam|test|assignment|homework|project|milestone|"
    r"deliverable|report|sheet|exercise|tutorial|seminar|workshop|semester|term|round|stage|phase|task|module|unit|"
    r"chapter|problem|practical|meeting|demo|presentation|review)\b",
    re.IGNORECASE,
)
# A whole number and the unit after it, with a space or without: "24 V" and "24V", "300 mm" and "300mm".
QUANTITY_SPELLED = re.compile(r"(?<![\w.])(\d{1,6}) ?([^\W\d_]{1,3})\b")
SHORT_VERB = re.compile(r"([aiouy][b-df-hj-np-tv-z])(?:ed|ing)")  # "us" of "used", "ag" of "aging"
# A word ending in a doubled consonant, not l, s or z: "sett" of "setting" (`stem`).
CONSONANT_Y = re.compile(r"..[^aeiouy]y$")
DOUBLED = re.compile(r"([b-df-hj-kmnp-rtv-y])\1$")
# A word written with hyphens, as students write it as one: "Wi-Fi" and "wifi", "pre-filter" and "prefilter".
HYPHENATED = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+)+\b")
# A symbol a slide or a page defines in words ("Ts = sample time", "d1 = base height", "e = error"): a letter, a
# letter and a lower-case one, or a letter and digits, then one to four lower-case words ending the statement.
SYMBOL_DEFINED = re.compile(
    r"(?<![\w.·])(?P<symbol>[A-Za-z](?:[a-z]|\d{1,2})?)[ \t]*:?=[ \t]*(?P<words>[a-z]+(?:[ -][a-z]+){0,3})[ \t]*"
    r"(?=$|[,;)]|\.(?:\s|$))",  # not code's "M = np.array(x)"
    re.MULTILINE,
)
# A name in code written in camel case ("sampleRateHz", "MaxDepthMetres"), whose words a notebook's constant states
# its value by: "what sample rate does the logger use" asks for `sampleRateHz = 50`.
CAMEL_CASE = re.compile(r"\b[A-Za-z][a-z]+(?:[A-Z][a-z]+)+[A-Z]?[a-z]*\b")
CAMEL_HUMP = re.compile(r"[A-Z]?[a-z]+")
# And in snake case, as a table's exported header names its columns too ("deposit_eur", "TANK_DEPTH_M").
SNAKE_CASE = re.compile(r"\b[^\W\d_]+(?:_[^\W_]+)+\b")
# The days a text names together: "Monday to Thursday" names Wednesday, "at weekends" Saturday; and "on Saturdays and
# Sundays" names the weekend a question asks about.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\.?"
DAY_RANGE = re.compile(rf"\b({DAY})\s*(?:to|through|thru|till|until|-|\u2013|\u2014)\s*({DAY})(?!\w)", re.IGNORECASE)
DAYS_NAMED = {"weekend": WEEKDAYS[5:], "weekday": WEEKDAYS[:5], "working day": WEEKDAYS[:5]}
DAYS_WORD = re.compile(r"\b(weekend|weekday|working day)s?\b", re.IGNORECASE)
# A sentence naming days (or holidays) gives what holds on those; one saying "every day" or "daily" holds on each.
NAMES_DAYS = re.compile(rf"\b(?:{DAY}|weekends?|weekdays?|working days?|(?:public |bank )?holidays?)(?!\w)", re.I)
# Times of the year a question may ask about, which a week's hours do not cover (as stems).
PERIODS = frozenset("break holiday vacation summer winter christma easter".split())
EVERY_DAY = re.compile(r"\b(?:every day|daily|all week|seven days a week|7 days a week)\b", re.IGNORECASE)
# A student's slip of one letter in a word this long or longer still names the material's word ("repeatabilty"); not
# in shorter ones, where it is as likely another word ("maker" and "marker", "trial" and "trail").
SLIPPED = 6
# A letter typed for another is a slip only in a word this long or longer ("extention" for "extension", "seperate"):
# in shorter ones it is as likely another word ("rotor" and "motor", "marker" and "market").
SUBSTITUTED = 8
# "The store": a thing the passage named before, by its last word.
DEFINITE = re.compile(r"\b[Tt]he[ \t]+([^\W\d_]{3,})\b(?:[ \t]+([^\W\d_]+))?")
# A proper name in mid-question: capitalised words after a lower-case word ("at Tollgate Farm", "on my MacBook").
# Not an abbreviation in mixed case ("what does ToF stand for"), which the page spelling it out need not write.
NAMED_WORD = r"[A-Z][a-z]{2,}(?:[A-Z][a-z]+)*(?:-\w+)?"
NAMED = re.compile(rf"(?<=[a-z0-9,;:'\u2019)] ){NAMED_WORD}(?:[ -]{NAMED_WORD})*")
CALENDAR = re.compile(rf"\b(?i:{MONTH_NAME}|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b")
# The thing a question asks about by what it is of: "the resit of the online test".
DETERMINER = r"(?:the|a|an|my|our|your|its|their|this|that)"
HEAD_OF = re.compile(rf"\b{DETERMINER}\s+([^\W\d_]{{3,}})\s+of\s+{DETERMINER}\b", re.I)
# and by its kind: "what kind of fire extinguisher is in B-203" asks of an extinguisher, not of the room's fire rules.
KIND_OF = re.compile(
    r"\b(?:what|which)\s+(?:kind|type|sort|make|brand)s?\s+of\s+((?:[\w-]+\s+){0,2}?[\w-]+)\s+"
    r"(?:is|are|was|were|do|does|did|should|must|can|could|will|would|has|have)\b",
    re.I,
)
# "which bus goes ...": the noun that says what kind of thing is picked.
WHICH_THING = re.compile(r"^\W*which\s+(?!(?:one|ones|of)\b)([^\W\d_]{3,})\b", re.IGNORECASE)
# "where can i park my car at the hall": what a "where ...?" question seeks the place of, a verb with its particle
# ("hand in my report") and its object, up to the place or time it is sought at; not its article, nor "nearest".
PLACE_SOUGHT = re.compile(
    r"^\W*where(?:'s|\s+(?:is|are|was|were|can|could|do|does|did|should|shall|will|would|may|must)\b)\s+"
    rf"(?:{ASKER}\s+)?(?:(?:{ARTICLE}|nearest|closest)\s+)*"
    r"([^\W\d_]+(?:\s+(?:in|up|off|out|down|back|away)\b)?(?:\s+.+?)??)"
    r"(?=\s+(?:on|in|at|of|for|with|from|to|near|inside|outside|around|when|while|during|after|before|if|by|nearest|"
    r"closest)\b|\s*[?.!]|\s*$)",
    re.IGNORECASE,
)
# "how do we wake the buoy if we've lost the magnet key": a mishap a question supposes after what it asks, which
# the material's usual way says nothing of; not one it opens with ("If our rover breaks, how long will the repair
# take?" asks of the repair), nor failing a test, which the material words as not passing.
SUPPOSING = re.compile(r"\b(?:if|when|once|in case)\b", re.IGNORECASE)
MISHAP = re.compile(
    r"\b(lost|lose|loses|losing|broken|broke|breaks|snapped|snaps|missed|miss|forgot|forgotten|forget|died|dead|"
    r"stolen|shut|closed|crash(?:es|ed)?|stuck|(?:isn't|is not|not|doesn't|does not|won't|will not|stopped|stops) "
    r"work(?:ing|s)?)\b",
    re.IGNORECASE,
)
# "how tall are the traffic cones on the course": the thing a "how <measure> is X" question measures, up to a place,
# time or case; not "how much" or "how many", which count or price what follows.
MEASURED_THING = re.compile(
    r"^\W*how\s+(?!much\b|many\b|often\b|soon\b|come\b)[^\W\d_]+\s+(?:is|are|was|were)\s+"
    rf"(?:{ARTICLE}\s+)?(.+?)"
    r"(?=\s+(?:on|in|at|of|for|with|from|when|while|during|after|before|if|by|under|over)\b|\s*[?.!]|\s*$)",
    re.IGNORECASE,
)
# "what's the password for the lab network": the property a "what is the X of Y?" question asks for, which a sentence
# naming Y alone does not give ("The lab's wireless network, HX-LAB, is for the internet only"). Not a word for what
# is said rather than for a property named ("the penalty for a late report" is "Late work loses 10 marks a day", "the
# aim of lab 3" what the lab does).
# The same property asked as "what X is the Y" ("what resolution are the monitors on the thesis desks").
PROPERTY_ASKED = (
    re.compile(
        r"^\W*what(?:['\u2019]?s|\s+is|\s+are|\s+was)\s+(?:the|a|an|its|my|our|your)\s+((?:[^\W\d_]+\s+)?"
        r"([^\W\d_]{3,}))\s+(?:of|for|on|in|at)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*what\s+((?:[^\W\d_]+\s+)?([^\W\d_]{3,}))\s+(?:is|are|was|were)\s+(?:the|a|an|its|my|our|your)\b",
        re.IGNORECASE,
    ),
)
# Where the thing a property is asked of ends: at a place, a time or a case ("a spare propeller in the wet store").
THING_ENDS = re.compile(r"\b(?:at|in|on|during|when|if|for|with|from)\b|[?.!,]", re.IGNORECASE)
# A thing ending in a verb's form is something done, not a thing named ("getting your fingers trapped", "handing",
# "students allowed"): a sentence may say it in other words ("Fingers pinched in the gripper"). Not one a determiner
# names: "the building", "our mooring", "the wiring" are things.
DONE_NOT_NAMED = re.compile(
    r"(?<!\bthe )(?<!\ba )(?<!\ban )(?<!\bour )(?<!\byour )(?<!\bmy )(?<!\bits )(?<!\btheir )(?<!\bthis )"
    r"(?<!\bthat )\b[^\W\d_]{2,}(?:[^\We]ed|ing)\W*$",
    re.IGNORECASE,
)
SAID_NOT_NAMED = frozenset(
    "penalty penalties aim aims purpose goal goals point topic topics subject idea plan rule rules procedure process "
    "step steps task tasks date dates code name difference reason role use function meaning content contents format "
    "structure outcome result results consequence consequences requirement requirements policy advice status "
    "schedule timetable arrangement arrangements option options way ways thing things type types kind kinds sort "
    "sorts".split()
)
# A short form a student types for what the material spells out ("lipo" for its "lithium-polymer", "imu" for
# "inertial measurement unit"): of three to six letters, standing for two to four words.
SHORT_FORM = re.compile(r"\b[^\W\d_]{3,6}\b")
LETTERS = re.compile(r"[^\W\d_]+")
SPELLED_OUT = range(2, 5)
SPELL_GAP = re.compile(r"[ \t-]+")  # what may stand between the words spelled out: a space or hyphen, no line break
# What a sentence names only to leave it out: "The Corvid-3 weighs 23.5 kg without its controller" gives no mass of
# the controller, "open every day except Sunday" no hours on Sunday. The phrase ends at its clause's end, a
# conjunction ("... without its controller and costs ...") or its clause's verb before a number ("Work handed in late
# without an agreed extension loses 5 percentage points": the loss is stated).
LEAVING_OUT = re.compile(
    r"\b(?:without|excluding|except(?:\s+for)?|not\s+including|apart\s+from|other\s+than)\s+"
    r"((?:(?!\b(?:and|or|but|which|that|while|whereas|because|so|if|when|unless)\b)"
    r"(?!\s[^\W\d_]{2,}(?:s|ed)\s+\d)[^,;:.!?()])+)",
    re.IGNORECASE,
)
# After a negation in its clause it says the opposite: "never run it without a guard", "no one other than the
# safety officer may open it" name what must be there.
NEGATED_CLAUSE = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot)\b|n['\u2019]t\b", re.I)
CLAUSE_START = re.compile(r"[,;:.!?()\n][^,;:.!?()\n]*$")
# A line stands alone when it is shorter than this share of the text's wrapped lines (the longest but a tenth, or
# the longest of a text of fewer lines), ends in no mark that it goes on and the next starts as a sentence does.
LONE_LINE = 0.6
LONE_LINES_AMONG = 4
# A text whose line breaks within a statement mostly go on to a line starting anew is points, as a slide's are:
# prose wraps onto its next word, mostly in lower case.
POINTS = 0.75
POINT_BREAKS = 2  # line breaks a text needs for its share to tell points from prose
FULL_LINE = 0.9  # of the widest line's length: a line this long may have been wrapped
GOES_ON = re.compile(r"[,;:(/&+=\-\u2010-\u2014]\s*$")
# Words no heading or statement ends in: a line ending in one goes on ("open Tuesday and Friday 12:00 to", where OCR
# put "14:00" on a line of its own). Not "for" or "with": "What it is for" is a heading; nor a capital "A": "Lab
# group A" is a label's value.
DANGLING = re.compile(r"\b(?:a|an|the|to|of|and|or|nor|than|via|per|into)\s*$")
CELLS = re.compile(r"\S(?: *\| *| {3,}|\t)(?=\S)")  # a table line's cell separators: "a | b", "a    b"
STARTS = re.compile(r"\s*[\"'(\[]?[A-Z0-9]")
# A label and its value with a colon, as the points under a lead-in give them without marks in a PDF ("Cutting
# capacity (material thickness):" over "Mild steel: up to 12 mm" and "Aluminium: up to 6 mm").
LABELLED = re.compile(r"[^\W\d_][^:\n]{0,40}:[ \t]+\S[^\n]*")
# A label and its value on a line of their own: "Instructor: Dr. Maya Lindqvist", "Weight 1.4 kg".
LABEL_VALUE = re.compile(r"[^\W\d_][^:\n]{0,40}:\s+\S.*|[^\W\d_]{2,}[^\n]*?\d[\d.,]*\s*[^\W\d_]{0,5}")
# An ordered list's item number before a sentence, past the emphasis it may open with: "4. **Close** the valve".
STEP_MARK = re.compile(r"[ \t]*(\d{1,2})[.)][ \t]+[*_`]*")
# A list item's marker before its words on its line ("- **", "2. "), and the most of a page a list brought whole as
# the best evidence's may take: a short list under a lead-in line is one answer, a long one is many.
ITEM_MARKER = re.compile(rf"[ \t]*(?:[-*+{BULLETS}]|\d+[.)])[ \t]+[*_`]*")
# A list item's label: its emphasised opening words ("- **RoboNet-Guest** (5 GHz): ...") or its few words before a
# colon ("- Screen frozen: press ...").
ITEM_LABEL = re.compile(
    rf"[ \t]*(?:[-*+{BULLETS}]|\d+[.)])[ \t]+"
    r"(?:\*\*([^*\n]+)\*\*|__([^_\n]+)__|([^\W\d_](?:[^:.\n]|\.(?=\S)){0,40}):\s)"
)
# A blank line followed by a line that is neither indented nor numbered: a paragraph of prose between two lines.
PROSE_AFTER = re.compile(r"\n\s*\n(?![ \t]|\d+[.)])")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LIST_CHARS = 600
# A thing named by its number ("valve number 12", "valve 12", "pin #3") and the numbers a sentence may give it
# ("valves 4 and 12", "weeks 1-3").
NUMBERED_THING = re.compile(
    r"\b([^\W\d_]{3,})\s+(?:number\s+|no\.?\s*|#\s*)?(\d{1,4}(?:\s*(?:-|\u2013|to|,|and|or)\s*\d{1,4})*)\b(?![.,]\d)",
    re.IGNORECASE,
)
NUMBERS_GIVEN = re.compile(r"(\d+)(?:\s*(?:-|\u2013|to)\s*(\d+))?")
# A bound before a numbered thing: "after week 4" holds in week 6 too.
BOUND_BEFORE = re.compile(
    r"\b(?:after|before|until|till|by|from|since|through|up to|beyond|past|end of|start of|beginning of)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# The most of a page a procedure brought whole may take: a how-to question's answer is all its steps.
PROCEDURE_CHARS = 1200
# Sentence vectors kept by SentenceVectors: 384 float32 each, about 1.6 KB, so some 30 MB.
KEPT_SENTENCES = 20_000
READINGS = 2048  # passage texts whose reading is kept: a few MB
MIN_CHARS = 12
ADJACENT_GAP = 3  # characters between two pieces of one paragraph: a space or two
POINT_GAP = 2  # characters between a point and the line before it at least: a line break and a list marker
SLIDES = (".pptx", ".odp")  # a deck's slide titles are passages' headings, and say what the slide holds
MIN_WORDS = 5
ITEM_WORDS = 3  # a list item's: its marker says it is a point of its own
HEADING_WORDS = 12  # at most, in a heading line over points
# A key term's kin by stem ("shut" and "clos"): words the material may say it with (appliance/answer/kin.py).
Kin = Mapping[str, tuple[str, ...]]
NO_KIN: Kin = MappingProxyType({})


class SentenceVectors:
    """The embedder, keeping the vectors of the sentences it embeds: a class asks about the same pages again and
    again, and embedding their sentences is most of the time before the model starts."""

    def __init__(self, embedder, most: int = KEPT_SENTENCES):
        self.embedder = embedder
        self.most = most
        self._kept: OrderedDict[str, array] = OrderedDict()
        self._lock = threading.Lock()

    def embed_query(self, text: str):
        return self.embedder.embed_query(text)

    def embed(self, texts: list[str]) -> list[array]:
        """The vectors of `texts`, embedding only those not kept; the least recently used are forgotten."""
        with self._lock:
            found = {t: self._kept[t] for t in texts if t in self._kept}
            for text in found:
                self._kept.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found |= {t: array("f", v) for t, v in zip(missing, self.embedder.embed(missing), strict=True)}
            with self._lock:
                self._kept.update((t, found[t]) for t in missing)
                while len(self._kept) > self.most:
                    self._kept.popitem(last=False)
        return [found[t] for t in texts]


@dataclass(frozen=True)
class Candidate:
    """One sentence of one passage, as `candidates` reads it."""

    source: int  # index into the passages, from 0
    start: int  # page offsets
    end: int
    text: str
    context: str  # the text its words are matched in: its heading and, for a leaning sentence, the one before
    labels: str = ""  # its table's header row, for a table row
    asked: str = ""  # the question of the FAQ entry it answers, if it answers one
    deck: str = ""  # a slide's deck title, which opens its context: its words count, its meaning would drown the line

    @property
    def meant(self) -> str:
        """The text its meaning is read from: its context without its deck's title."""
        return self.context.removeprefix(self.deck).lstrip()


@dataclass(frozen=True, kw_only=True)
class Scored(Candidate):
    """A candidate sentence with its scores against the question."""

    similarity: float
    coverage: float
    fits: bool  # it states the kind of answer the question asks for (a mass, a name...)
    score: float
    faq: float = 0.0  # similarity to the question of the FAQ entry it answers, if it answers one


# A thousands separator is no break in a number: "3,000 words" holds the 3000 a student types.
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# An acronym's plural is the acronym: "TAs do not check solutions" is said of the TA a student asks about, "PCs" of a
# PC.
ACRONYM_PLURAL = re.compile(r"\b[A-Z]{2,}s\b")
LONG_ADJECTIVE = 9  # letters an adjective in -ive has more than, for its stem to drop the -ive
# Plurals and singulars the rules below would part: "quizzes" doubles its z ("When are the two quizzes" found no
# "Quiz 1"), "lens" ends in an s of its own.
IRREGULAR_STEMS = {"quizzes": "quiz", "lens": "lens", "lenses": "lens"}


def stem(word: str) -> str:
    """A crude English stem, enough to match close/closes/closed/closing, set/setting, accurate/accuracy,
    thesis/theses and measure/measurement's kin."""
    if word in IRREGULAR_STEMS:
        return IRREGULAR_STEMS[word]
    # An adjective's noun in -acy is its -ate's: "how accurate is it" asks for "the stated accuracy", "private" for
    # "privacy".
    if len(word) > 5 and word.endswith("acy"):
        return f"{word[:-2]}t"
    # A long adjective's -ive is its verb's word: "protective equipment" is what "protection" asks for (its kin
    # "protect"); not a shorter one's ("objective" is no object, "positive" no position).
    if len(word) > LONG_ADJECTIVE and word.endswith("ive"):
        return word[:-3]
    # A Greek noun's -is is its plural's -es: thesis and theses, analysis and analyses.
    if len(word) > 4 and word.endswith("is"):
        return word[:-2]
    # A short verb's -ed and -ing take its e: "used" and "using" are "use", "aged" is "age" (not "need" or "bring").
    if short := SHORT_VERB.fullmatch(word):
        return f"{short.group(1)}e"
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix) and not word.endswith(("ss", "us", "is")):
            word = word[: -len(suffix)]
            # The consonant doubled before -ing and -ed goes with them, as Porter's stemmer drops it: "sett" of
            # "setting" is "set", "unplugg" "unplug"; not an l, s or z ("fall" of "falling").
            if suffix in ("ing", "ed") and DOUBLED.search(word):
                word = word[:-1]
            break
    # A consonant's y is the i of its -ies and -ied: "battery" and "batteries", "copy" and "copied", one stem.
    if CONSONANT_Y.search(word):
        return f"{word[:-1]}i"
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def content_words(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """Stemmed words that carry meaning: no stopwords, no asking words, no single letters."""
    # A stopword written in capitals in text that is not all capitals is an acronym: the "CAN" of "the default
    # CAN ID", the "IT" of "IT support", the "OR" of an operating room.
    acronyms = text != text.upper()
    words = (
        w.lower()
        for w in WORD.findall(CONTRACTION.sub("", THOUSANDS.sub("", text)))
        if (w.lower() not in NO_TERMS and w.lower() not in drop) or (acronyms and len(w) > 1 and w.isupper())
    )
    return [stem(w) for w in words if len(w) > 1 or w.isdigit()]


def text_words(text: str) -> set[str]:
    """The content words a text offers a question's key terms, its codes, quantities and hyphenated words in every
    spelling: "TQ-50" and "TQ50" each give tq50, tq and 50, "24 V" and "24V" each 24v and 24, "Wi-Fi" wi, fi and
    wifi, as students type them either way; an acronym's plural its singular too ("TAs" gives ta)."""
    text = text.translate(SUPERSCRIPTS)
    words = set(content_words(text)) | {joined.replace(".", "_").replace(":", "_") for joined in DECIMAL.findall(text)}
    words.update(plural[:-1].lower() for plural in ACRONYM_PLURAL.findall(text))
    for letters, digits in CODE_SPELLED.findall(text):
        spellings = (f"{letters}{digits}".lower(), stem(letters.lower()), digits)
        words.update(w for w in spellings if len(w) > 1 or w.isdigit())
    for word, digits in NUMBERED.findall(text):
        short = [word[:n].lower() for n in range(2, len(word) + 1)]
        words.update(short + [f"{letters}{digits}" for letters in short])
    words.update(f"{thing.lower()}{ORDINALS[nth.lower()]}" for nth, thing in ORDINAL_THING.findall(text))
    for digits, unit in QUANTITY_SPELLED.findall(text):
        words.update((f"{digits}{unit}".lower(), digits))
    words.update(stem(joined.replace("-", "").lower()) for joined in HYPHENATED.findall(text))
    words.update(w for name in CAMEL_CASE.findall(text) for w in content_words(" ".join(CAMEL_HUMP.findall(name))))
    words.update(w for name in SNAKE_CASE.findall(text) for w in content_words(name.replace("_", " ")))
    words.update(f"{noun}{letter}".lower() for noun, letter in LETTERED_TEXT.findall(text))
    # Two words a student may write as one: "flatrate" for the "flat rate", "timetable" for a "time table".
    pairs = ((a.lower(), b.lower()) for a, b in WORD_PAIR.findall(text))
    words.update(stem(a + b) for a, b in pairs if a not in STOPWORDS and b not in STOPWORDS)
    if PERMITTING.search(text):
        words.add(ALLOWED)
    return words | days(text, words)


def days(text: str, words: set[str]) -> set[str]:
    """The days a text names by a range or a word for them, and the words for days it names each of."""
    named = {day for found in DAYS_WORD.finditer(text) for day in DAYS_NAMED[found.group(1).lower()]}
    if EVERY_DAY.search(text):  # "open daily" is open on Saturdays
        named.update(WEEKDAYS)
    for first, last in DAY_RANGE.findall(text):
        a, b = (next(i for i, day in enumerate(WEEKDAYS) if day.startswith(d[:3].lower())) for d in (first, last))
        named.update(WEEKDAYS[a : b + 1] if a <= b else WEEKDAYS[a:] + WEEKDAYS[: b + 1])
    have = words | named
    named.update(word for word, its in DAYS_NAMED.items() if " " not in word and set(its) <= have)
    return named


def left_out(text: str) -> frozenset[str]:
    """The content words a text names only to leave them out ("controller" of "23.5 kg without its controller")."""
    phrases = _leaving_out(text)
    named = {word for found in phrases for word in content_words(found.group(1))}
    return frozenset(named - set(content_words(_without(text, phrases)))) if named else frozenset()


def stated(text: str) -> str:
    """The text without what it names only to leave it out: what it states."""
    return _without(text, _leaving_out(text))


def _leaving_out(text: str) -> list[re.Match]:
    """The phrases of a text that leave something out, not those a negation turns round."""
    return [found for found in LEAVING_OUT.finditer(text) if not _negated_before(text, found.start())]


def _without(text: str, phrases: list[re.Match]) -> str:
    for found in reversed(phrases):
        text = f"{text[: found.start()]} {text[found.end() :]}"
    return text


def _negated_before(text: str, at: int) -> bool:
    """Whether a negation stands before `at` in its clause."""
    clause = CLAUSE_START.search(text, 0, at)
    return bool(NEGATED_CLAUSE.search(text, clause.start() if clause else 0, at))


def spelled_out(question: str, passages: Sequence[Passage], kin: Kin = NO_KIN) -> dict[str, re.Pattern]:
    """The question's short forms the passages spell out, by stem, each with the words they spell it in: "lipo" of
    "can we use lipo batteries" with "lithium-polymer" where they say "Lithium-polymer packs are banned". Not an
    English word (one with synonyms in `kin`) unless written in capitals: "arm" stands for no "anti-roll mount"."""
    texts = [f"{p.heading}\n{p.text}" for p in passages]
    found = {}
    for short in dict.fromkeys(SHORT_FORM.findall(question)):
        word = short.lower()
        bare = word[:-1] if word.endswith("s") and len(word) > 3 else word  # "lipos"
        if word in STOPWORDS or (stem(word) in kin and not short.isupper()):
            continue
        words = next((spelled for text in texts if (spelled := _spelling(bare, text))), None)
        if words:
            found[stem(word)] = re.compile(r"\b" + SPELL_GAP.pattern.join(map(re.escape, words)) + r"\b", re.I)
    return found


def _spelling(short: str, text: str) -> list[str]:
    """The first run of two to four words in `text` that `short` stands for: their initials ("imu"), or the first
    two letters or more of each ("lipo" for "lithium-polymer")."""
    words = list(LETTERS.finditer(text))
    for i in range(len(words)):
        for size in SPELLED_OUT:
            run = words[i : i + size]
            if len(run) < size or any(not SPELL_GAP.fullmatch(text, a.end(), b.start()) for a, b in pairwise(run)):
                break
            spelled = [w.group().lower() for w in run]
            if any(w in STOPWORDS or len(w) < 2 for w in spelled):
                break
            initials = len(short) == size > 2 and all(w[0] == c for w, c in zip(spelled, short, strict=True))
            if initials or _syllables(short, spelled):
                return spelled
    return []


def _syllables(short: str, words: list[str]) -> bool:
    """Whether `short` is the first two letters or more of each of the words, in turn."""
    if not words:
        return not short
    first = words[0]
    return any(
        short[:n] == first[:n] and _syllables(short[n:], words[1:]) for n in range(2, min(len(first), len(short)) + 1)
    )


def key_terms(question: str) -> list[str]:
    """The question's distinct content words: what an answer must be about."""
    drop = ASKING | WANTING | PARTICLES | HAPPENING | INDEFINITE | DEICTIC | PREPOSITIONS | LINKING
    drop = drop.union(*(verbs for asks, verbs in RESTATING if asks.match(question)))
    # A decimal is one term: "0.5 mm2 wire" is not answered by the row of 2.5 mm² and 7.0 mm.
    question = THE_ONE.sub(r"\1", THE_FEW.sub(r"\1", OF_THE_FEW.sub(r"\1", question)))
    question = ORDINAL_THING.sub(lambda m: f"{m[2]}{ORDINALS[m[1].lower()]}", ALONE.sub("alone", question))
    # What says how or when the student asks, or of what course, is no term.
    for said in (EVERY_TIME, AT_ONCE, COURTESY, THIS_COURSE, IN_CHARGE, ALSO):
        question = said.sub(" ", question)
    lettered = [f"{noun}{letter}".lower() for noun, letter in LETTERED.findall(question)]
    return list(dict.fromkeys([*content_words(DECIMAL_POINT.sub("_", question), drop), *lettered]))


def names(question: str) -> list[list[str]]:
    """The words of each thing a question calls by its proper name, capitalised in mid-question ("Tollgate Farm" of
    "What's the speed limit for rovers at Tollgate Farm?"): a sentence on another place or thing answers nothing of
    it. Not a day or a month, which a range or a "weekday" names as well."""
    found = (content_words(CALENDAR.sub(" ", name)) for name in NAMED.findall(question))
    return [words for words in found if words]


def names_them(named: Sequence[Sequence[str]], passage: Passage, kin: Kin = NO_KIN) -> bool:
    """Whether the passage, with its heading, holds every word of one of the names (`names`): a question asking of
    two things ("the Brindle-5 pump and the Quorra soil probe") is answered from each one's page."""
    held = text_words(f"{passage.heading} {passage.text}")
    return not named or any(_share(words, held, kin) >= 1.0 for words in named)


def heads(question: str) -> list[str]:
    """The thing a question asks about by what it is of ("resit" of "when is the resit of the online test"), or of
    which it asks the kind ("fire extinguisher"): a sentence lacking it speaks of another thing ("the online test
    opens at 10:00"), however little the word weighs in the question's meaning."""
    found = HEAD_OF.findall(question) + KIND_OF.findall(question)
    return [word for thing in found for word in content_words(thing)]


def measured_thing(question: str) -> list[str]:
    """The thing a "how tall are the X ...?" question measures ("traffic cones" of "How tall are the traffic cones on
    the navigation course?"): a sentence naming none of it measures something else (the course's "6 m by 4 m")."""
    found = MEASURED_THING.match(question)
    return content_words(found[1]) if found else []


def place_sought(question: str) -> list[str]:
    """What a "where ...?" question seeks the place of ("park" and "car" of "where can i park my car at Ludgrove
    Marine Hall"): a sentence naming none of it gives the place of something else (the hall's own address). Not an
    action any procedure is ("where can I get Echolark": Echolark), nor looking ("where should i look?" after the
    story of a lost bottle seeks the bottle's place, which "Lost property ... is collected at the porter's desk"
    gives)."""
    found = PLACE_SOUGHT.match(question)
    return [word for word in content_words(found[1]) if word not in NOT_SOUGHT] if found else []


def mishap_supposed(question: str) -> list[str]:
    """The mishap a question supposes after what it asks ("lost" of "how do we wake the buoy if we've lost the magnet
    key"): a sentence naming none of it gives the usual way, which the mishap rules out."""
    # Searched clause by clause, each once: a pattern spanning the question took seconds on "if if if ...".
    opening = next((i for i, c in enumerate(question) if c.isalnum()), len(question)) + 1
    start = 0
    for clause in question.split("?"):
        supposing = SUPPOSING.search(clause, max(0, opening - start))
        found = MISHAP.search(clause, supposing.end()) if supposing else None
        if found:
            return content_words(found[1])
        start += len(clause) + 1
    return []


def who_is_in_charge(question: str) -> list[str]:
    """The words saying who is in charge, when the question asks who is: a sentence naming none of them names someone
    doing something else."""
    return content_words(IN_CHARGE_SAID) if IN_CHARGE.search(question) else []


def which_thing(question: str) -> list[str]:
    """The thing a "which ...?" question asks to pick ("bus" of "which bus goes to the hall"): a sentence naming no
    such thing cannot say which."""
    found = WHICH_THING.match(question)
    return content_words(found[1]) if found else []


def property_asked(question: str) -> list[str]:
    """The words of the property a "what is the X of Y?" question asks for ("password" of "what's the password for
    the lab network", "opening" and "time" of "the opening time of the porter's desk"), when it is named rather than
    said (see SAID_NOT_NAMED): a sentence naming none of them cannot give it."""
    found = next((m for m in (pattern.match(question) for pattern in PROPERTY_ASKED) if m), None)
    return content_words(found[1]) if found and found[2].lower() not in SAID_NOT_NAMED else []


def property_of(question: str) -> list[str]:
    """The thing a "what is the X of the Y?" question asks the property of, by its last word ("propeller" of "what's
    the part number for a spare propeller"): a sentence naming none of it gives another thing's X."""
    found = PROPERTY_ASKED[0].match(question)
    if not found:
        return []
    # The course asked in is no thing of its own ("the set book for this module").
    thing = THING_ENDS.split(THIS_COURSE.sub(" ", question[found.end() :]))[0]
    return [] if DONE_NOT_NAMED.search(thing) else content_words(thing)[-1:]


def action_asked(question: str) -> list[str]:
    """The action a "how do I ...?" question asks the way of ("change" of "how do I change how often the buoy sends
    its heartbeat"): a sentence naming none of it, with its heading, tells another thing done to what it names (how
    often the buoy sends it). Not an action any procedure is ("get", "use", "find")."""
    found = ACTION_ASKED.match(question)
    return content_words(found[1]) if found and found[1].lower() not in ANY_ACTION else []


def things_asked(question: str, kind: str) -> list[list[str]]:
    """What the question names as what it asks, each as the words a sentence must name one of to answer it: the
    property asked for, in a question of no particular kind (`property_asked`), the thing a quantity is measured of
    (`measured_thing`), the thing a property is asked of (`property_of`), the action a how-to question asks the way
    of (`action_asked`), what a where-question seeks the place of (`place_sought`) and the mishap a question
    supposes (`mishap_supposed`); or, asked who is in charge, a word saying who is (`who_is_in_charge`)."""
    groups = [
        [] if kind else property_asked(question),
        measured_thing(question) if kind == "quantity" else [],
        property_of(question),
        action_asked(question),
        place_sought(question),
        mishap_supposed(question),
        who_is_in_charge(question),
    ]
    return [words for words in groups if words]


def codes(question: str) -> frozenset[str]:
    """The codes a question names, each in one spelling: "wren7" for "Wren-7", "tq50" for "TQ-50" or "tq50"."""
    return frozenset(f"{letters}{digits}".lower() for letters, digits in CODE_SPELLED.findall(question))


def names_all(codes: frozenset[str], sentence: Scored) -> bool:
    """Whether the sentence, with its heading and table labels, names every one of the codes, in whichever
    spelling (the "mm2" of "0.5 mm2 wire" in a header's "Wire cross-section (mm²)")."""
    return not codes or codes <= text_words(f"{sentence.labels} {sentence.context}")


def coverage(terms: Sequence[str], text: str, said: frozenset[str] = frozenset(), kin: Kin = NO_KIN) -> float:
    """Share of the terms found in the text (after stemming), itself or as one of its `kin`, or in `said`, the
    terms it answers otherwise."""
    return _share(terms, text_words(text) | said, kin)


def _share(terms: Sequence[str], found: set[str] | frozenset[str], kin: Kin = NO_KIN) -> float:
    """Share of the terms among the `found` words, itself, as one of its `kin` or misspelt by a slip of one letter."""
    if not terms:
        return 0.0
    return sum(
        term in found or any(k in found for k in kin.get(term, ())) or _misspelt(term, found) for term in terms
    ) / len(terms)


def _misspelt(term: str, found: set[str] | frozenset[str]) -> bool:
    """Whether the term is one of the words misspelt as students type: a letter left out or in ("repeatabilty") or
    two swapped ("lenght"), in words long enough that no other word is that close."""
    return len(term) >= SLIPPED and not term.isdigit() and any(_slip(term, word) for word in found)


def _slip(a: str, b: str) -> bool:
    """Whether two words differ by one letter left out or in, two side by side swapped, or, in a long word, one
    letter for another."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < SLIPPED or a == b:
        return False
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if len(a) != len(b):
        short, long = (a, b) if len(a) < len(b) else (b, a)
        return short[at:] == long[at + 1 :]
    swapped = a[at + 2 :] == b[at + 2 :] and a[at : at + 2] == b[at : at + 2][::-1]
    return swapped or (len(a) >= SUBSTITUTED and a[at + 1 :] == b[at + 1 :])


@dataclass(frozen=True)
class Reading:
    """How a text reads: the spans of its statements, of its lists under their lead-ins and the title of its points."""

    sentences: tuple[tuple[int, int], ...]
    lists: tuple[tuple[tuple[int, int], ...], ...]
    title: str  # its first line, when the text is points ("Wren-7 arm" over "Payload 2.5 kg") stating nothing


@lru_cache(maxsize=READINGS)
def read(text: str) -> Reading:
    """The text's reading, made once: a question reads its passages' texts for their sentences, lists and titles
    again and again (the candidates, the lists the best brings, each chosen sentence's neighbours)."""
    lines = text.split("\n")
    points = pointed(lines)
    pieces = _pieces(text, _lone(text, lines, points))
    opening = len(text) - len(text.lstrip())  # the first line of points is their title, as a slide's is
    spans = tuple((a, b) for a, b, lone in pieces if _states(text, a, b, lone, points and a > opening))
    titled = points and not (spans and spans[0][0] == opening)
    return Reading(spans, _lists(text, pieces), text.strip().split("\n", 1)[0].strip() if titled else "")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of `text`, markup and surrounding space excluded."""
    return list(read(text).sentences)


def lists(text: str) -> list[list[tuple[int, int]]]:
    """The spans of each list of `text` under a lead-in line ending in ":" ("The course grade is made up of:") or a
    heading line over marked points, the lead-in first, then each piece of its items, whether or not a sentence
    ("Lab reports: 30%"): an item says what it says only under its lead-in, and the lead-in says nothing without its
    items."""
    return [list(block) for block in read(text).lists]


def _pieces(text: str, lone: set[int]) -> list[tuple[int, int, bool]]:
    """(start, end, whether a line standing alone) of every piece of `text` between two sentence ends, trimmed."""
    found = {
        (m.start(), m.end(), "\n" in m.group())
        for m in SENTENCE_END.finditer(text)
        if not (m.group() == "\n" and _quote_goes_on(text, m.start()))
    }
    spans, begin = [], 0
    for start, end, lined in sorted(found | {(at, at + 1, True) for at in lone if at < len(text)}):
        piece = text[begin:start]
        if start < begin or (ABBREVIATION.search(piece.rstrip("\"')]")) and not lined):
            continue
        if not lined and ABBREVIATED_BOUND.search(piece) and VALUE_START.match(text, end):
            continue
        spans.append((*_trim(text, begin, start), start in lone))
        begin = end
    return [*spans, (*_trim(text, begin, len(text)), len(text) in lone)]


def _quote_goes_on(text: str, at: int) -> bool:
    """Whether the line after the newline at `at` goes on with the quote box's line before it."""
    return bool(QUOTE_LINE.match(text, text.rfind("\n", 0, at) + 1) and QUOTE_GOES_ON.match(text, at + 1))


def _lists(text: str, found: list[tuple[int, int, bool]]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The lists among the text's pieces, each its lead-in's span and then its items'."""
    pieces = [(a, b) for a, b, _ in found if a < b]  # a numbered item's "1." leaves an empty piece
    blocks = []
    for i, (a, b) in enumerate(pieces[:-1]):
        # A PDF's heading line over points leads into them as a lead-in does ("What to bring to the exam" over "-
        # your student card"), and the points end where a line of its own starts, a PDF keeping no blank lines.
        headed = _heading_line(text, a, b) and _marked(text, pieces[i + 1][0])
        if not (text[a:b].endswith(":") or headed) or _marked(text, a):
            continue
        # Points without marks are labels with their values, each a line of its own.
        unmarked = not _marked(text, pieces[i + 1][0])
        if unmarked and not _labelled(text, *pieces[i + 1]):
            continue
        block = [(a, b)]
        for start, end in pieces[i + 1 :]:
            # An item's own later sentences follow it on its lines; a piece after a blank line is past the list.
            between = text[block[-1][1] : start]
            joined = "\n\n" not in between if not headed else "\n" not in between or between.endswith((" ", "\t"))
            if not ((_labelled(text, start, end) and joined) if unmarked else (_marked(text, start) or joined)):
                break
            block.append((start, end))
        blocks.append(tuple(block))
    return tuple(blocks)


def _heading_line(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a line of its own of a few words ending in no full stop: a heading."""
    line_start, line_end = text.rfind("\n", 0, start) + 1, _line_end(text, end)
    piece = text[start:end]
    return (
        not text[line_start:start].strip()
        and not text[end:line_end].strip()
        and "\n" not in piece
        and not piece.endswith((".", "!", "?"))
        and len(piece.split()) <= HEADING_WORDS
    )


def _labelled(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a line of its own giving a label and its value ("Aluminium: up to 6 mm")."""
    line_end = text.find("\n", end)
    before, after = text[text.rfind("\n", 0, start) + 1 : start], text[end : line_end if line_end >= 0 else len(text)]
    return bool(LABELLED.fullmatch(text[start:end])) and not before.strip() and not after.strip()


def _marked(text: str, at: int) -> bool:
    """Whether the piece at `at` opens a list item: only a list marker is before it on its line."""
    return bool(ITEM_MARKER.fullmatch(text, text.rfind("\n", 0, at) + 1, at))


def _states(text: str, start: int, end: int, lone: bool, points: bool = False) -> bool:
    """Whether text[start:end] states something: a sentence, a table row, a list item of a few words, or a line
    standing alone that gives a label's value ("Weight 1.4 kg"), or is a point of a few words; a line standing
    alone that does neither is a heading, however many its words."""
    piece = text[start:end]
    # A sentence wrapped over lines is judged as one, however short its last; a point as a point, its line alone.
    if lone and "\n" not in piece and not _marked(text, start):
        point = points and len(piece.split()) >= ITEM_WORDS
        return len(piece) >= MIN_CHARS and (point or bool(LABEL_VALUE.fullmatch(piece)))
    if _is_header(text, end) or RULE_LINE.fullmatch(text, text.rfind("\n", 0, start) + 1, _line_end(text, end)):
        return False
    return _is_sentence(piece) or _is_row(text, start, end) or _is_item(text, start, piece)


def _line_end(text: str, at: int) -> int:
    """Where the line holding `at` ends."""
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _is_item(text: str, start: int, piece: str) -> bool:
    """Whether the piece is a point of a list stating something in a few words ("Midterm quiz: 20 percent", "Uses
    the DH parameters"), where as few words outside a list are a heading. A numbered item is a step of a procedure,
    read as a sentence is ("set the CAN ID;" says nothing of its own)."""
    if not _marked(text, start) or len(piece) < MIN_CHARS or _numbered(text, start):
        return False
    return len(piece.split()) >= ITEM_WORDS or bool(LABEL_VALUE.fullmatch(piece))


def lone_lines(text: str) -> list[int]:
    """The ends (a line break, or the text's end) of the lines that stand alone: a PDF keeps its layout's lines, so
    a heading, a title or a "Weight 1.4 kg" line runs into the next sentence unless a line much shorter than the
    text's wrapped lines, without a mark that it goes on, ends where it ends; in points, every such line does."""
    lines = text.split("\n")
    return sorted(_lone(text, lines, pointed(lines)))


def _lone(text: str, lines: list[str], points: bool) -> set[int]:
    """The ends of the text's lines standing alone (lone_lines), its `lines` known to be points or not."""
    widths = sorted(len(line.strip()) for line in lines if line.strip())
    # Among a few lines the widest stands for the wrapped ones: a short page's title ("Marlow Lab Rules") is a line
    # of its own, not the start of its first sentence.
    wrapped = widths[-1] if len(widths) < LONE_LINES_AMONG else widths[(len(widths) - 1) * 9 // 10]
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    found, at = set(), 0
    for i, (line, after) in enumerate(pairwise([*lines, ""])):
        at += len(line) + 1
        width = len(line.strip())
        short = bool(width) and (points or width < LONE_LINE * wrapped) and not line.rstrip().endswith((".", "!", "?"))
        # A table's rows are as long as their cells: one no wider than the rest is one of them, not a heading.
        short = short and len(CELLS.findall(line)) < 2
        # A lead-in ending in ":" stands alone over points it leads into: it goes on in each of them, not the first.
        goes_on = (GOES_ON.search(line) or DANGLING.search(line)) and not (
            line.rstrip().endswith(":") and LABELLED.fullmatch(after.strip())
        )
        if short and not goes_on and (STARTS.match(after) or i == last):
            found.add(min(at - 1, len(text)))
    return found


def pointed(lines: list[str]) -> bool:
    """Whether the lines are points without marks, as a PDF of slides gives them ("Payload 2.5 kg", "Reach 700
    mm"): most breaks within a statement come after a line ending short of the widest and go on to a line starting
    anew, where prose wraps onto its next word, in lower case or after "the". A break after a line as wide as the
    widest before a capital ("on the test bench\nH-3") tells nothing, nor one after a sentence's end, a list item,
    a table row or a Markdown heading."""
    widest = max((len(line.strip()) for line in lines), default=0)
    anew = runs_on = 0
    for line, after in pairwise(lines):
        if not (_open(line) and _joins(after)):
            continue
        if _runs_on(line, after):
            runs_on += 1
        elif len(line.strip()) < FULL_LINE * widest:
            anew += 1
    return anew >= POINT_BREAKS and anew >= POINTS * (anew + runs_on)


def _runs_on(line: str, after: str) -> bool:
    """Whether a line's statement runs on into the next line: that line starts with no capital or digit, or the
    line ends in a word such as "the" or "of"."""
    last = WORD.findall(line)[-1:]
    return not STARTS.match(after) or bool(last and last[0].lower() in STOPWORDS)


def _open(line: str) -> bool:
    """Whether a line may run on into the next: it is not blank, and ends no sentence and says it goes on no more
    than it is a piece of its own."""
    stripped = line.strip()
    return _joins(line) and not (stripped.endswith((".", "!", "?")) or GOES_ON.search(stripped))


def _joins(line: str) -> bool:
    """Whether a line may be part of a statement: not blank, nor by its marks a piece of its own (a list item, a
    table row, a Markdown heading)."""
    stripped = line.strip()
    return bool(stripped) and not (stripped.startswith("#") or ITEM_MARKER.match(line) or len(CELLS.findall(line)) >= 2)


def _is_sentence(text: str) -> bool:
    """Long enough to state something: a heading ("Vexmoor bracket") or a label is context, not evidence."""
    return len(text) >= MIN_CHARS and (len(text.split()) >= MIN_WORDS or text[-1] in ".!?")


def _is_row(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a table row pairing a label with its values ("Weight (g) | 72"): a fact however
    short."""
    cells = [cell for cell in text[start:end].split("|") if WORDED.search(cell)]  # not the |---| rule
    return len(cells) >= 2


def _is_header(text: str, end: int) -> bool:
    """Whether the line ending at `end` is a table's header row ("Pin(s) | Function | Notes"), which the |---|
    rule follows: it names what the cells below are and states nothing, however many its words."""
    after = text.find("\n", end)
    return after >= 0 and bool(TABLE_RULE.match(text, after + 1))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span to its words: no list marker, heading hashes, emphasis marks or FAQ "A:" at its edges."""
    quoted = QUOTE_MARK.match(text, start, end)  # a quote box's ">" before an item's own marker: "> - Offcuts ..."
    start = quoted.end() if quoted else start
    lead = MARKUP.match(text[start:end])
    start += lead.end() if lead else 0
    while start < end and (text[start].isspace() or text[start] in "*_`"):
        start += 1
    # An FAQ's "A:" says where the answer starts, not what it says: a quote begins after it.
    answer = ANSWER_MARK.match(text, start, end)
    start = answer.end() if answer and answer.end() < end else start
    while end > start and (text[end - 1].isspace() or text[end - 1] in "*_`|"):
        end -= 1
    return start, end


# An entry of a reference list cites a work and states nothing: its title, "Robot Operating System 2: Design,
# architecture, and uses in the wild.", was quoted as what the material says of "robot?" (a walkthrough). Authors
# as surnames with initials, then the year in brackets: "2. Macenski, S., Foote, T., ... & Woodall, W. (2022)."
REFERENCE = re.compile(r"[ \t]*(?:\d+\.[ \t]*)?[A-Z][\w'\u2019-]+,[ \t]+(?:[A-Z]\.[ \t]*)+[^\n]*?\(\d{4}[a-z]?\)\.")


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every sentence of every passage, with what it is read with.

    The context is the sentence with its heading, its step's number in an ordered list, the question of the FAQ
    entry it answers, a list item's lead-in ("The course grade is made up of:" over "Midterm quiz: 20 percent"),
    and, for a sentence leaning on the one before ("It lasts 12 minutes."), that sentence: it names the subject.
    A sentence that is a
    question states nothing and is no candidate. Any other sentence is judged on its own words, not its
    neighbour's. A table row's labels are its table's header row, which names what each cell is ("Main weakness"
    for "Glass and mirrors"): words the row says, though not what it means on its own.
    """
    found = []
    for index, passage in enumerate(passages):
        reading = read(passage.text)
        spans = reading.sentences
        # A point's lead-in says what it is a part of, as the title of points does; a procedure's steps are read
        # as sentences are.
        leads = {
            start: passage.text[block[0][0] : block[0][1]]
            for block in reading.lists
            for start, _ in block[1:]
            if not _steps(passage.text, block)
        }
        if reading.title:
            leads = {a: leads.get(a, reading.title) for a, _ in spans}
        # A Markdown section's text opens with its own heading, which states nothing: "How to book a lane" was
        # quoted for the steps under it. A slide's title is its own: "Lecture 4 – Time-of-Flight Ranging" says
        # which lecture it is.
        titled = passage.filename.lower().endswith(SLIDES)
        own_heading = "" if titled else passage.heading.rsplit(" > ", 1)[-1].strip()
        # A slide's heading is its own title, not its deck's as a Markdown section's path holds its page's: every
        # slide of "Lecture 7 – Serial Manipulators: the Ravensworth RA-5" is on the RA-5 ("Limit switches, approx.
        # 40 s total" under "Homing" answers how long the arm takes to home).
        deck = passage.title if titled and passage.title not in passage.heading else ""
        # Nor does any sentence of it: "Our buoy's tile has gone red." of "## Our buoy's tile has gone red. What do
        # we do?" is the question an FAQ's section answers.
        heading_ends = len(own_heading) if passage.text.lower().startswith(own_heading.lower()) else 0
        for i, (a, b) in enumerate(spans):
            text = passage.text[a:b]
            if text.endswith("?") or REFERENCE.match(passage.text, passage.text.rfind("\n", 0, a) + 1):
                continue
            if (own_heading and text.strip().lower() == own_heading.lower()) or b <= heading_ends:
                continue
            before = " ".join(passage.text[a:b] for a, b in _leaned_on(passage.text, spans, i))
            asked = _asked(passage.text, a)
            label = _item_label(passage.text, a)
            meant = _referred_to(passage.text[:a], text)
            parts = [passage.heading, _step(passage.text, a), asked, leads.get(a, ""), label, before, meant, text]
            context = " ".join(filter(None, parts))
            # A table row is read with the rows naming its columns' things: "glycol chiller" for the "Thewlis GC-3".
            header, names = _table_header(passage, a)
            context = " ".join(filter(None, [deck, *names.split("\n"), context]))
            found.append(Candidate(index, passage.start + a, passage.start + b, text, context, header, asked, deck))
    return found


def names_any(names: Collection[str], sentence: Scored) -> bool:
    """Whether the sentence, with its context and labels, names one of the names ("V8", "Wren-7")."""
    text = f"{sentence.labels} {sentence.context}"
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) for name in names)


def _leaned_on(text: str, spans: Sequence[tuple[int, int]], at: int, start: int = 0) -> list[tuple[int, int]]:
    """The sentences before the one at `at` (`spans` into `text`, which begins at `start`) that it leans on: the one
    before, and the one before that when that one leans too ("Dr Maren Ostergaard leads the module. Ask her about
    marks. Her office is AM-3.15.")."""
    back: list[tuple[int, int]] = []
    while at and len(back) < LEAN_BACK and LEANING.match(text[spans[at][0] - start : spans[at][1] - start]):
        at -= 1
        back.insert(0, spans[at])
    return back


def _referred_to(earlier: str, sentence: str) -> str:
    """The names earlier in the passage that the sentence's definite nouns stand for: "equipment store" for "The
    store is open ..." after "collect it from the equipment store"."""
    named = []
    # The noun ends its phrase: "the next step" is a step.
    nouns = [m[1] for m in DEFINITE.finditer(sentence) if m[2] is None or m[2].lower() in NO_TERMS]
    for noun in dict.fromkeys(nouns):
        found = re.finditer(rf"\b([^\W\d_]{{3,}})[ \t]+{re.escape(noun)}\b", earlier, re.IGNORECASE)
        named += [m.group() for m in [m for m in found if m[1].lower() not in NO_TERMS][-1:]]
    return " ".join(named)


def _step(text: str, at: int) -> str:
    """ "Step 4" when the sentence at `at` opens the item an ordered list numbers 4: "What is step 4?" asks for it,
    and its own words say neither (the number is markup to them). Not "the fourth": measured, "first" then
    answered "how do I set up ROS the first time I log in" with step 1."""
    mark = STEP_MARK.fullmatch(text, text.rfind("\n", 0, at) + 1, at)
    return f"Step {int(mark.group(1))}" if mark else ""


def _item_label(text: str, at: int) -> str:
    """The label of the list item the sentence at `at` is a later sentence of: "RoboNet-Guest" names what "The
    password changes every Monday." is about, as a table row's label names its cells. A first sentence says it."""
    line = _item_line(text, at)
    if line is None:
        return ""
    marker, label = ITEM_MARKER.match(text, line), ITEM_LABEL.match(text, line)
    if not marker or not label or marker.end() >= at - 2:
        return ""
    return next(group for group in label.groups() if group)


def _item_line(text: str, at: int) -> int | None:
    """Where the line opening the list item that holds `at` starts (its marker's line), if a list item does."""
    line = text.rfind("\n", 0, at) + 1
    # Up the item's indented continuation lines to the line its marker opens.
    while not ITEM_MARKER.match(text, line):
        if not line or not text[line : line + 1].isspace() or (line < at and not text[line:at].strip()):
            return None
        line = text.rfind("\n", 0, line - 1) + 1
    return line


def _asked(text: str, at: int) -> str:
    """The question of the FAQ entry the sentence at `at` answers: its paragraph's first line when that is a
    "Q: ...?" line ("Q: Who do I ask for an extension?" then "A: Only the course coordinator ... can grant
    extensions."), the question its paragraph opens with ("**Can I pay myself?** Only up to €40."), or the last
    line of the paragraph before when its own begins "A:"."""
    start = text.rfind("\n\n", 0, at)
    start = start + 2 if start >= 0 else 0
    if ANSWER_LINE.match(text, start) and start >= 2:
        start = text.rfind("\n", 0, text.rfind("\n", 0, start - 1)) + 1
    line = text[start : text.find("\n", start) if "\n" in text[start:at] else at]
    asked = QUESTION_LINE.match(line) or OPENING_QUESTION.match(text, start, at)
    return " ".join(asked.group(1).split()) if asked and not text[start:at].endswith(asked.group(1)) else ""


def _table_header(passage: Passage, at: int) -> tuple[str, str]:
    """The header row of the Markdown table whose row starts at `at`, if it is a row of one below its header, and
    the rows naming its columns (see text.column_names); of a passage starting inside a table below its header,
    those its chunk was stored with (`Passage.lead`)."""
    text = passage.text
    line = text.rfind("\n", 0, at) + 1
    if text[line:at].strip() != "|":
        return "", ""
    if header := table_header(text, at):
        return header, column_names(text, at)
    # Its first line is the table's however it begins: a chunk may start inside a row ("rinse it ... |").
    if all(row.lstrip().startswith("|") for row in text[:line].splitlines()[1:]):
        header, _, names = passage.lead.partition("\n")
        return header, names
    return "", ""


def _whole_table(passage: Passage, start: int, header: str) -> bool:
    """Whether the Markdown table holding the row at page offset `start` lies whole in the passage: its header row
    is there, and a line of something else follows its last row."""
    text, at = passage.text, start - passage.start
    lines = text.split("\n")
    row = text.count("\n", 0, at)
    first = row
    while first and lines[first - 1].lstrip().startswith("|"):
        first -= 1
    last = row
    while last + 1 < len(lines) and lines[last + 1].lstrip().startswith("|"):
        last += 1
    follows = any(line.strip() for line in lines[last + 1 :])
    return follows and _cells(lines[first].strip().strip("|")) == _cells(header)


def read_with_units(text: str, labels: str) -> str:
    """A sentence as its values read: a table row's bare numbers followed by their units (`labels` is its header),
    and a line break as a space ("500 kilobits per\nsecond" of a PDF's wrapped line is a rate)."""
    text = " ".join(text.split())
    return _with_units(text, labels) if labels else text


def _with_units(row: str, header: str) -> str:
    """A table row with each bare number followed by the unit its table gives apart: in its column's header
    ("Weight (%)"), its row's label ("Altitude above floor (m) | 2.5") or a "Unit" column ("±2000 | °/s"), else by
    its column's header when that is a few words ("Pulses per revolution"); under a header of intervals, after
    "every"; under the course's weeks or sessions, after their name ("Weeks 1-3")."""
    cells, heads = _cells(row), _cells(header)
    if len(heads) != len(cells):
        return row
    own = _unit(cells[0]) or next((cells[i] for i, h in enumerate(heads) if UNIT_HEADER.fullmatch(h)), "")
    return " | ".join(
        _read_cell(cell, heads[i], own) if i and BARE_NUMBER.fullmatch(cell) else cell for i, cell in enumerate(cells)
    )


def _read_cell(number: str, head: str, own: str) -> str:
    """A bare number as its table reads: after the weeks or sessions its column names, else with its column's unit,
    else its row's, else its column's label."""
    if PLACE_HEADER.fullmatch(head):
        return f"{head} {number}"
    every = "every " if INTERVAL_HEADER.search(head) else ""
    return f"{every}{number} {_unit(head) or own or _label(head)}".strip()


# A question asking which thing has the most or least of a measure, the header words of the column giving it, and
# whether the most: "Which lane is the deepest?" is answered by the row with the greatest "Depth".
SUPERLATIVES = [
    (r"\bdeepest\b", r"depth|deep", True),
    (r"\bshallowest\b", r"depth|deep", False),
    (r"\bheaviest\b", r"weight|mass|weigh", True),
    (r"\blightest\b", r"weight|mass|weigh", False),
    (r"\bcheapest\b", r"price|cost|eur|euro|usd|gbp", False),
    (r"\b(?:most\s+expensive|priciest|dearest)\b", r"price|cost|eur|euro|usd|gbp", True),
    (r"\blongest\b", r"length|long|range|reach|duration", True),
    (r"\bshortest\b", r"length|long|range|reach|duration", False),
    (r"\b(?:fastest|quickest)\b", r"speed|fast", True),
    (r"\bslowest\b", r"speed|fast", False),
    (r"\btallest\b", r"height|high|tall", True),
    (r"\bwidest\b", r"width|wide", True),
    (r"\bnarrowest\b", r"width|wide", False),
    # what counts most towards a mark: its share ("Written exam | 40%" under "Component | Weight")
    (r"\b(?:counts?|worth|weighs?|carr(?:y|ies))\s+(?:the\s+)?most\b", r"weight|share|percent|%", True),
    (r"\b(?:counts?|worth|weighs?|carr(?:y|ies))\s+(?:the\s+)?least\b", r"weight|share|percent|%", False),
]
SUPERLATIVE_WORDS = re.compile("|".join(word for word, _, _ in SUPERLATIVES), re.IGNORECASE)
# A cell's value: a number and what follows it ("3 m", "64.00 EUR", "12.5 kg"); a cell holding more is no value.
CELL_VALUE = re.compile(r"[~≈€£$]?\s*(\d[\d,]*(?:\.\d+)?)\s*([^\W\d_]{0,6}|%)\s*$")


def _cells(line: str) -> list[str]:
    """A table line's cells, stripped."""
    return [cell.strip() for cell in line.split("|")]


def extreme_row(
    question: str, scored: Sequence[Scored], passages: Sequence[Passage], kin: Kin = NO_KIN
) -> Scored | None:
    """The table row holding the most (or least) of what a question asks which thing has the most (or least) of,
    in the column its header names ("Lane A | 3 m" under "Lane | Depth" for "Which lane is the deepest?"), when the
    rows of that table found on what the question asks about (naming one of its other key terms) all give it in one
    unit and one of them has it alone; else None. Only a table whole in its passage, from its header row to a line
    after its last: the deepest of the rows found is no deepest lane when a row was cut off into another chunk."""
    asked = next(((columns, most) for word, columns, most in SUPERLATIVES if re.search(word, question, re.I)), None)
    if not asked:
        return None
    columns, most = asked
    others = [t for t in key_terms(SUPERLATIVE_WORDS.sub(" ", question)) if not re.fullmatch(columns, t, re.I)]
    tables: dict[tuple[int, str], list[tuple[float, str, Scored]]] = {}
    for row in scored:
        heads, cells = _cells(row.labels), _cells(row.text)
        column = next((i for i, head in enumerate(heads) if i and re.search(rf"\b(?:{columns})", head, re.I)), None)
        if column is None or len(cells) != len(heads) or not (value := CELL_VALUE.match(cells[column])):
            continue
        number = float(value.group(1).replace(",", ""))
        tables.setdefault((row.source, row.labels), []).append((number, value.group(2).lower(), row))
    for rows in sorted(tables.values(), key=lambda rows: -max(r.score for _, _, r in rows)):
        if not _whole_table(passages[rows[0][2].source], rows[0][2].start, rows[0][2].labels):
            continue
        # Among the rows on what is asked: the cheapest filament, not the cheapest thing on the price list.
        rows = [r for r in rows if not others or coverage(others, f"{r[2].labels} {r[2].context}", kin=kin) > 0]
        if len(rows) < 2 or len({unit for _, unit, _ in rows}) > 1:
            continue
        ranked = sorted(rows, key=lambda r: -r[0] if most else r[0])
        if ranked[0][0] != ranked[1][0]:
            return ranked[0][2]
    return None


def blank_under(row: str, header: str, terms: Sequence[str]) -> bool:
    """Whether a table row leaves blank a column the question names: a risk table's "Lone working | Students staying
    after the session |  |" says no control measures for lone working."""
    cells, heads = _cells(row), _cells(header)
    if len(cells) < 2 or len(cells) > len(heads):
        return False
    cells += [""] * (len(heads) - len(cells))  # the row's blank cells at its end, trimmed with the line
    return any(not cell and set(content_words(head)) & set(terms) for head, cell in zip(heads, cells, strict=True))


def none_under(row: str, header: str, terms: Sequence[str]) -> bool:
    """Whether a table row says there is none ("none", "n/a", "-") in a column the question names: "USB-C cable |
    CAB-C | 2 | none" under "Item | Code | Quantity | Deposit" answers "is there a deposit on the cables"."""
    cells, heads = _cells(row), _cells(header)
    return len(heads) == len(cells) and any(
        i and NONE_CELL.fullmatch(cell) and set(content_words(heads[i])) & set(terms) for i, cell in enumerate(cells)
    )


def _label(header: str) -> str:
    """A column header read after its numbers: a few words, not a header of intervals (read before them)."""
    return header if LABEL_HEADER.fullmatch(header) and not INTERVAL_HEADER.search(header) else ""


def _unit(label: str) -> str:
    """The unit a table label gives in brackets at its end ("%" of "Weight (%)", "kg" of "Mass [kg]"), or as the
    last part of a name in snake case, as exported tables write it ("eur" of "deposit_eur", "kg" of "mass_kg")."""
    if found := UNIT_IN_LABEL.search(label):
        return found.group(1)
    snake = SNAKE_UNIT.search(label)
    return snake.group(1) if snake and quantities(f"1 {snake.group(1)}") else ""


def score(
    question: str, passages: Sequence[Passage], embedder, lexical_weight: float, type_weight: float, kin: Kin = NO_KIN
) -> list[Scored]:
    """Every sentence scored against the question: embedder similarity blended with coverage of the question's
    own key terms, plus `type_weight` when it states the kind of answer asked for. Its `coverage`, which decides
    whether it answers, also counts a term's kin."""
    found = candidates(passages)
    if not found:
        return []
    query = embedder.embed_query(question)
    vectors = embedder.embed([c.meant for c in found])
    faq = _asked_similarities(query, found, embedder)
    terms, wanted, why = key_terms(question), expected(question, kin_of(kin)), bool(WHY.search(question))
    ruled = not wanted.kind and bool(ASKS_RULE.match(question))
    # "when is the first quiz?" is no date's question to decide on ("when do i wear goggles?" is answered by a
    # condition), but of two sentences on the quiz the one giving a date or a time says when it is.
    when = not wanted.kind and bool(WHEN.match(question))
    # A sentence stating a mass says what "How much does it weigh?" asked, in whatever words.
    # Not a sum of its own ("deposit", "fine"): a price states no deposit, so a sentence must name it.
    asking = frozenset(content_words(" ".join(wanted.asking - SUMS)))
    # A value given without something is not that thing's: "23.5 kg without its controller" states no mass of the
    # controller, unless the question leaves it out too.
    unasked = left_out(question)
    spelled = spelled_out(question, passages, kin)
    named, numbered = asked_names(question), things_numbered(question)
    # What the question asks for is named by its answer, whatever the name: "Mossgrave MC-2 board" is no other
    # thing's of "what controller board is in the M3", as the "Marten-SMD kit" is of the Kestrel-3's kit.
    answered_by_name = set(content_words(asked_for(question)))
    subject = [term for term in terms if term not in answered_by_name]
    # What the time or mass asked for is of: the cooling of "how long does it take to cool down", the carrying of
    # "how much can it carry".
    doing = [term for term in content_words(" ".join(PROCESS_TIMED.findall(question))) if term in terms]
    doing += [term for term in content_words(" ".join(CARRIED.findall(question))) if term in terms]
    symbols = defined_symbols(passages)
    rated = counts_rated(question)
    duty = content_words(wanted.duty) if wanted.kind == "person" else []
    scored = []
    for sentence, vector in zip(found, vectors, strict=True):
        similarity = _cosine(query, vector)
        text = f"{sentence.labels} {sentence.context}"
        held = text_words(text) | symbols_said(sentence.text, symbols.get(passages[sentence.source].document_id, {}))
        held |= lettered_cells(sentence.labels, sentence.text)
        excluded = left_out(text) - unasked if wanted.kind else frozenset()
        # Another valve's sentence names no valve 12, whatever 12 it states: "Valve number 4 opens at 12 kPa".
        if numbered and of_another_numbered(numbered, text):
            excluded |= {f"{word}" for noun, number in numbered for word in (noun, str(number))}
        fits = wanted.fits(read_with_units(sentence.text, sentence.labels)) or wanted.heads(sentence.labels)
        fits = fits or (wanted.kind == "quantity" and none_under(sentence.text, sentence.labels, terms))
        fits = fits and not blank_under(sentence.text, sentence.labels, terms)
        fits = fits and not excluded & set(terms) and (not doing or _share(doing, held, kin) > 0)
        # A value of the thing with what the question leaves out is none of the thing's without it: "Keep 2 metres
        # from a rover moving with its gripper fitted" for "a rover moving without its gripper".
        fits = fits and not (unasked and unasked & text_words(sentence.text) and not _leaving_out(sentence.text))
        # The name asked about, given by the heading only, is not of a sentence naming another thing of its kind:
        # "Weeks four and five use the Marten-SMD kit." on the "Kestrel-3 Bench Card" is no Kestrel-3 kit's.
        if named and names_another(sentence.text, subject, named):
            excluded |= named - text_words(sentence.text)
        words = (held - excluded) | (asking if fits and wanted.kind else frozenset())
        words |= {short for short, long in spelled.items() if long.search(text)}
        words |= {count for count, rate in rated if rate.search(text)}
        words |= set(duty) if duty and fits and _done_by(sentence.text, terms) else set()
        covered = _share(terms, words, kin)
        # Ranked on the question's own words: a kin word ("fast" for "fastest") is weaker evidence than the word.
        exact = _share(terms, words) if kin else covered
        typed = bool(CAUSE.search(sentence.text)) if why else fits and (not when or A_DATE.fits(sentence.text))
        typed = typed and (not ruled or bool(RULE.search(sentence.text)))
        blended = (1 - lexical_weight) * similarity + lexical_weight * exact + (type_weight if typed else 0.0)
        # Of two sentences of the kind, a range or a bound answers what a thing can do; a rule's threshold does not.
        blended += type_weight / 3 if fits and wanted.states_limit(text) else 0.0
        # And one naming a thing of the kind by its number says which: "Lecture 4 – Time-of-Flight Ranging" for
        # "which lecture was about the ToF sensor", not the "MX317, week 4" under it.
        blended += type_weight / 3 if fits and wanted.numbered and wanted.numbered.search(sentence.text) else 0.0
        # And one placing it in a room, a cabinet or on a shelf says where it is kept: "in the fireproof battery
        # cabinet "Vault 2" in room B-203", not the textbook's "Charge them in a fire-resistant bag".
        blended += type_weight / 3 if fits and wanted.kind == "place" and A_PLACE.search(text) else 0.0
        faq_similarity = faq.get(sentence.asked, 0.0)
        scored.append(
            Scored(
                **vars(sentence), similarity=similarity, coverage=covered, fits=fits, score=blended, faq=faq_similarity
            )
        )
    return sorted(scored, key=lambda s: s.score, reverse=True)


def _done_by(text: str, terms: Sequence[str]) -> bool:
    """Whether the text names a thing the question asks about as done by a person ("guest lecture by Halvor")."""
    return any(stem(found[1].lower()) in terms for found in THING_BY_PERSON.finditer(text))


def defined_symbols(passages: Sequence[Passage]) -> dict[str, dict[str, frozenset[str]]]:
    """By document, the symbols its passages define in words, each with the content words of its definition."""
    defined: dict[str, dict[str, frozenset[str]]] = {}
    for passage in passages:
        for found in SYMBOL_DEFINED.finditer(passage.text):
            symbol, words = found["symbol"], frozenset(content_words(found["words"]))
            if words and symbol.lower() not in STOPWORDS:
                defined.setdefault(passage.document_id, {})[symbol] = words
    return defined


def symbols_said(text: str, symbols: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The words of the defined symbols the text writes: "Ts = 20 ms on the PB-1" says the sample time's."""
    return frozenset().union(*(words for symbol, words in symbols.items() if _writes(text, symbol)))


def _writes(text: str, symbol: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(symbol)}(?![\w])", text) is not None


def counts_rated(question: str) -> list[tuple[str, re.Pattern]]:
    """Each count of days, weeks, hours, minutes or months the asker's case states ("2 days late"), as its key term,
    with what says a rate of its unit ("for each working day", "per day"): a rate answers for any count of it ("Work
    handed in late loses 5 marks for each working day" for "im handing the report in 2 days late, how many marks do i
    lose"). Not "a day", which is as often one day ("within a day") as a rate."""
    return [
        (count.lower(), re.compile(rf"\b(?:per|each|every)\s+(?:[a-z]+\s+)?{unit}\b", re.IGNORECASE))
        for count, unit in COUNTED_UNIT.findall(question)
    ]


def kin_of(kin: Kin) -> Callable[[str], Sequence[str]]:
    """The stems of a word's kin, for what a question counts: "bicycl" for "bikes"."""
    return lambda word: kin.get(stem(word), ())


def without_terms(question: str, terms: Collection[str]) -> str:
    """The question without the words that are the given key terms ("What happens if I fail the quiz?" without
    "fail": "What happens if I the quiz?")."""
    return " ".join(word for word in question.split() if not set(content_words(word)) & set(terms))


def missing_terms(terms: Sequence[str], sentence: Scored, kin: Kin = NO_KIN) -> list[str]:
    """The key terms the sentence, with its heading and table labels, does not hold."""
    found = text_words(f"{sentence.labels} {sentence.context}") | lettered_cells(sentence.labels, sentence.text)
    return [term for term in terms if not _share([term], found, kin)]


def says_when(sentence: Scored) -> bool:
    """Whether the sentence, read with its table's labels, states a day, a date, a year or an hour."""
    return bool(TIME_STATED.search(read_with_units(sentence.text, sentence.labels)))


def lacks_all(terms: Sequence[str], sentence: Scored, kin: Kin = NO_KIN) -> bool:
    """Whether the sentence, with its heading and table labels, holds none of the terms (and there are some): the
    "opening hours" of a desk give its "opening time", a residual risk its "risk rating", but a network's name no
    password."""
    return bool(terms) and len(missing_terms(terms, sentence, kin)) == len(terms)


def lacks_a_thing(things: Sequence[Sequence[str]], sentence: Scored, kin: Kin = NO_KIN) -> bool:
    """Whether the sentence names no word of one of the things a question asks (`things_asked`)."""
    return any(lacks_all(words, sentence, kin) for words in things)


def lettered_cells(labels: str, row: str) -> set[str]:
    """A table row's things named by a letter: "groupb" for the row "B | Thursday | ..." under "Group | Day | ..."."""
    if not labels:
        return set()
    cells = zip(labels.split(" | "), row.split(" | "), strict=False)
    return {f"{head.split()[-1]}{cell.strip()}".lower() for head, cell in cells if _lettered(head, cell.strip())}


def _lettered(head: str, cell: str) -> bool:
    """Whether a column's cell is a letter naming a thing of the column's noun."""
    return bool(head.split() and LETTER_CELL.fullmatch(cell) and LETTERED.fullmatch(f"{head.split()[-1]} {cell}"))


def meaning_kept(question: str, missing: Sequence[Sequence[str]], embedder) -> list[float]:
    """For each set of `missing` terms, the cosine of the question with the question left without them: near 1.0
    when the terms add little to what it asks. One embedding call, the question and each shortened form once."""
    rests = list(dict.fromkeys(without_terms(question, terms) for terms in missing))
    if not rests:
        return []
    whole, *vectors = embedder.embed([question, *rests])
    kept = {rest: _cosine(whole, vector) for rest, vector in zip(rests, vectors, strict=True)}
    return [kept[without_terms(question, terms)] for terms in missing]


def asked_names(question: str) -> frozenset[str]:
    """The words of the names a question asks about, as `text_words` gives them: a word with a digit or a capital
    after its first ("Kestrel-3", "RBT-305"), not its opening word."""
    tokens = NAME_TOKEN.findall(question)[1:]
    return frozenset(w for token in tokens if token[0].isupper() or DIGIT.search(token) for w in text_words(token))


def things_numbered(question: str) -> list[tuple[str, int]]:
    """The things a question names by their number ("When does valve number 12 open?"): each its noun's stem and
    its number. A number with a unit is a quantity ("valve 12 mm"), not a thing's."""
    found = []
    for thing in NUMBERED_THING.finditer(question):
        noun, number = thing.group(1).lower(), thing.group(2)
        asked = question[thing.start(2) : thing.end(2) + 20]
        if number.isdigit() and noun not in STOPWORDS and not any(n == number for n, _ in quantities(asked)):
            found.append((stem(noun), int(number)))
    return found


def of_another_numbered(things: Sequence[tuple[str, int]], text: str) -> bool:
    """Whether the text names a thing asked about by number only by other numbers: "Valve number 4 opens at 12
    kilopascals" is valve 4's, not valve 12's, though it says 12; "Valves 4 and 12", "Weeks 10-14" and "until
    the end of week 4" (a bound) name them."""
    given: dict[str, list[str]] = {}
    for found in NUMBERED_THING.finditer(text):
        bound = BOUND_BEFORE.search(text, 0, found.start())  # "After week 4 the teams are fixed": week 6's too
        given.setdefault(stem(found.group(1).lower()), []).append("0-9999" if bound else found.group(2))
    return any(noun in given and not any(_gives(n, number) for n in given[noun]) for noun, number in things)


def _gives(numbers: str, number: int) -> bool:
    """Whether "4 and 12", "10-14" or "3" gives the number."""
    return any(int(low) <= number <= int(high or low) for low, high in NUMBERS_GIVEN.findall(numbers))


def names_another(sentence: str, terms: Sequence[str], named: frozenset[str]) -> bool:
    """Whether the sentence puts another name than the question's before one of its key terms: "the Marten-SMD
    kit" for a question on the Kestrel-3 kit. Not the sentence's opening word, capitalised as every first word,
    nor a key term within a longer name ("Cressbrook Lecture Theatre" for "the QV614 lecture")."""
    tokens = list(NAME_TOKEN.finditer(sentence))[1:]
    return any(
        sentence[a.end() : b.start()].isspace()  # side by side: not across a table's cells ("A0–A5 | analogue")
        and a.group()[0].isupper()
        and not text_words(a.group()) & named
        and stem(b.group().lower()) in terms
        and not _name_goes_on(sentence, b, after)
        for a, b, after in zip(tokens, tokens[1:], [*tokens[2:], None], strict=False)
    )


def _name_goes_on(sentence: str, word: re.Match, after: re.Match | None) -> bool:
    """Whether a name goes on past the word: "Cressbrook Lecture Theatre" is a theatre, no other lecture."""
    return bool(after and sentence[word.end() : after.start()].isspace() and after.group()[0].isupper())


def _asked_similarities(query, found: list[Candidate], embedder) -> dict[str, float]:
    """The similarity to the question of each FAQ entry's question the sentences answer: a student asking "can i get
    reimbursed if i buy a part myself" asks the FAQ's "Can I pay myself and claim the money back?", which the
    sentence's own words, with the question in its context, are far from."""
    questions = list(dict.fromkeys(c.asked for c in found if c.asked))
    vectors = embedder.embed(questions) if questions else []
    return {question: _cosine(query, vector) for question, vector in zip(questions, vectors, strict=True)}


def row_labels(scored: Sequence[Scored]) -> dict[tuple[int, int], set[str]]:
    """The content words of each table row's label (its first cell), by (source, page start)."""
    return {(s.source, s.start): set(content_words(s.text.split("|", 1)[0])) for s in scored if "|" in s.text}


def of_another_row(terms: Sequence[str], sentence: Scored, labels: dict[tuple[int, int], set[str]]) -> bool:
    """Whether a table row is another thing's than the one asked about: a key term its context lacks labels
    another row of the same passage ("Gyroscope noise density | 0.007" for the accelerometer's noise density,
    beside "Accelerometer full-scale range | ±16"). Not a row whose label names what the question asks about and
    nothing else but a measure: "Charge time | 90 minutes" is the battery's, for "how long does it take to charge
    an M3 battery" beside "Battery | 7.4 V" (a bare "Weight" is the whole thing's, not the battery's).
    `labels` are the rows' labels (`row_labels`)."""
    own = labels.get((sentence.source, sentence.start))
    if own is None or (own & set(terms) and not own - set(terms) - MEASURES):
        return False
    have = text_words(sentence.context)
    missing = {t for t in terms if t not in have}
    return bool(missing) and any(
        missing & label
        for (source, start), label in labels.items()
        if source == sentence.source and start != sentence.start
    )


def item_label(sentence: Candidate) -> str:
    """The label of a labelled item, a table row's first cell or the "Mild steel" of "Mild steel: up to 12 mm";
    "" for a sentence, a box's "Warning:" or a FAQ's "Q:"."""
    if "|" in sentence.text:
        return sentence.text.split("|", 1)[0]
    found = LABEL_FIRST.match(sentence.text)
    return "" if not found or found.group(1).strip().lower() in NOT_ITEMS else found.group(1)


def items(scored: Sequence[Scored]) -> dict[int, int]:
    """How many labelled items (`item_label`) each source's sentences hold."""
    return Counter(s.source for s in scored if item_label(s))


def of_an_unnamed_item(terms: Sequence[str], sentence: Scored, nowhere: Sequence[str], listed: dict[int, int]) -> bool:
    """Whether a labelled item of a list gives another item's value than the one asked about: the question names a
    thing no passage names (`nowhere`, `named_nowhere`), and the item's label none of the question's words
    ("Aluminium: up to 6 mm" beside "Mild steel: up to 12 mm" for "how thick copper can the pt-1530 cut").
    `listed` counts each source's items (`items`)."""
    label = item_label(sentence)
    return (
        bool(nowhere)
        and bool(content_words(label))
        and listed.get(sentence.source, 0) > 1
        and not coverage(terms, label)
    )


def named_nowhere(
    terms: Sequence[str], scored: Sequence[Scored], asking: frozenset[str], kin: Kin = NO_KIN
) -> list[str]:
    """The key terms no sentence of the passages names, itself or as one of its kin, but for those asking for the
    kind of value: "copper" of "how thick copper can the pt-1530 cut" where the table lists steel and aluminium."""
    named = set().union(*(text_words(f"{s.labels} {s.context}") for s in scored))
    return [t for t in terms if t not in asking and not _share([t], named, kin)]


def asks_whether(question: str) -> bool:
    """Whether the question asks whether something is or holds ("does the shuttle run on mondays"), not when."""
    return bool(WHETHER.match(question))


def days_asked(terms: Iterable[str]) -> set[str]:
    """The terms naming days or times of the year: "monday", "weekend", "break"."""
    return {term for term in terms if term in WEEKDAYS or term in DAYS_NAMED or term in PERIODS}


def of_another_day(terms: Sequence[str], sentence: Scored) -> bool:
    """Whether the sentence gives what holds on other days than the ones the question names: "On public holidays
    the studio is closed." or "Friday | 08:00-14:00" for "is the studio open on saturdays", a week's hours for the
    semester break."""
    asked = days_asked(terms)
    if not asked:
        return False
    # A weekend's hours are its Saturday's and Sunday's ("Saturday | 10:00 to 16:00" for "at the weekend").
    asked |= {stem(day) for term in asked for day in DAYS_NAMED.get(term, ())}
    text = f"{sentence.labels} {sentence.context}"
    return not asked & text_words(text) and bool(NAMES_DAYS.search(text)) and not EVERY_DAY.search(text)


def of_its_own_subject(terms: Sequence[str], sentence: Scored, heading: str, kin: Kin = NO_KIN) -> bool:
    """Whether the sentence is about its section's subject, a part of what the headings above name, and not about
    what the question asks: "A torn bumper strip is replaced by the workshop for €85" in the section "Bumper" of
    the handout on the Tarrow M2 base gives the strip's price, not the base's. It names its section and none of
    the question's key terms; the question names nothing of the section. "The complete unit has a mass of 740
    grams" under "Key figures" names no part: the title's subject is its own."""
    *above, section = heading.split(" > ")
    named = set(content_words(section))
    return (
        bool(above)
        and bool(named & set(content_words(sentence.text)))
        and coverage(terms, section, kin=kin) == 0.0
        and coverage(terms, sentence.text, kin=kin) == 0.0
    )


def says_its_subject(
    terms: Sequence[str], sentence: Scored, heading: str, asking: frozenset[str], kin: Kin = NO_KIN
) -> bool:
    """Whether the sentence says a key term that does not ask for the kind of answer, or its heading says them all:
    "The trip costs 42 euros per student." under "Field Trip to the Kestmoor Wind Farm" says a price, of no turbine;
    "Speed range | 0.1 to 4.2 m/s" under "Treadmill" is the treadmill's."""
    subject, own = [t for t in terms if t not in asking], f"{sentence.labels} {sentence.context.removeprefix(heading)}"
    return coverage(subject, own, kin=kin) > 0 or coverage(subject, f"{heading} {own}", kin=kin) >= 1.0


def answered_together(
    question: str, scored: list[Scored], least_coverage: float, least_similarity: float, kin: Kin = NO_KIN
) -> bool:
    """Whether two of the best sentences, each close to a comparing question, cover its key terms together though
    neither does alone: "Proprioceptive sensors measure the robot itself." and "Exteroceptive sensors measure the
    outside world." answer "What is the difference between proprioceptive and exteroceptive sensors?"."""
    if not COMPARING.search(question):
        return False
    terms = key_terms(question)
    close = [s for s in scored[:PAIRED] if s.fits and s.similarity >= least_similarity]
    return any(
        coverage(terms, f"{a.context} {b.context}", kin=kin) >= least_coverage
        for i, a in enumerate(close)
        for b in close[i + 1 :]
    )


def answered_in_turn(
    question: str,
    scored: list[Scored],
    stating: list[Scored],
    passages: Sequence[Passage],
    embedder,
    least_coverage: float,
    least_similarity: float,
    kin: Kin = NO_KIN,
    needed: Sequence[Sequence[str]] = (),
    reach: int = 1,
) -> tuple[Scored, Scored] | None:
    """Two neighbouring sentences of one paragraph that cover the question's key terms together and, read together,
    are close to it, the first close on its own and the second `stating` the kind of answer asked for about what
    the first names: "Before a thesis deadline you may reserve whole nodes. Ask the cluster coordinator, Dr.
    Quarrow, ..." answers "who do i ask to reserve whole nodes", which neither does alone. The first may be up to
    `reach` sentences before the second: a procedure's steps go on about its case ("If a propeller breaks during a
    test, press the emergency stop ... Collect all pieces ... tell Dr. Nneka Marstrand the same day"). Never two
    table rows: the next row is another thing's; never two naming no word of one of the `needed` things
    (`things_asked`), nor two not naming every code the question does ("Stop button: Reset to initial state" of a
    simulator is no BX-4's reset button)."""
    terms, at = key_terms(question), {(s.source, s.start): s for s in scored}
    asked = codes(question)
    pairs = []
    for second in stating:
        passage = passages[second.source]
        spans = _spans(passage)
        i = next((i for i, (a, _) in enumerate(spans) if a == second.start), 0)
        # Only prose goes on over a sentence: a list's next item is another thing's ("Metrics (7 points)").
        for back in range(1, min(reach if not item_label(second) else 1, i) + 1):
            first = at.get((second.source, spans[i - back][0]))
            if (
                first
                and (back == 1 or not _points_between(_text(passage, first.end, second.start)))
                and not first.labels
                and not second.labels
                and first.similarity >= least_similarity
                and not PARAGRAPH_BREAK.search(_text(passage, first.end, second.start))
                and coverage(terms, f"{first.context} {second.context}", kin=kin) >= least_coverage
                and all(coverage(words, f"{first.context} {second.context}", kin=kin) > 0 for words in needed)
                and asked <= text_words(f"{first.labels} {first.context} {second.labels} {second.context}")
            ):
                pairs.append((first, second))
                break
    if not pairs:
        return None
    query = embedder.embed_query(question)
    together = embedder.embed([f"{first.context} {second.text}" for first, second in pairs])
    return next(
        (pair for pair, vector in zip(pairs, together, strict=True) if _cosine(query, vector) >= least_similarity), None
    )


def _points_between(text: str) -> bool:
    """Whether a list's point starts in the text between two sentences."""
    return any(ITEM_MARKER.match(line) for line in text.splitlines()[1:])


def with_pair(
    chosen: dict[int, list[Evidence]], pair: tuple[Scored, Scored], passages: Sequence[Passage]
) -> dict[int, list[Evidence]]:
    """`chosen` with both sentences of an `answered_in_turn` pair, quoted as one: the first as the context of the
    second, which is the evidence (each with its score, if chosen; one not chosen is brought)."""
    first, second = pair
    chosen = with_sentence(chosen, second, passages)
    taken = {_place(passages[n], e.start) for n, items in chosen.items() for e in items}
    group = {e.start: e for e in chosen.get(first.source, [])}
    had = group.get(first.start)
    if had or _place(passages[first.source], first.start) not in taken:
        score = had.score if had else 0.0
        header = _header_over(first.labels, first.text)
        group[first.start] = Evidence(first.start, first.end, first.text, score, context=True, header=header)
    return {**chosen, first.source: [group[k] for k in sorted(group)]}


def with_sentence(
    chosen: dict[int, list[Evidence]], sentence: Scored, passages: Sequence[Passage]
) -> dict[int, list[Evidence]]:
    """`chosen` with the sentence as evidence too, with its score, unless its page sentence is chosen already."""
    taken = {_place(passages[n], e.start) for n, items in chosen.items() for e in items}
    if _place(passages[sentence.source], sentence.start) in taken:
        return chosen
    group = {e.start: e for e in chosen.get(sentence.source, [])}
    group[sentence.start] = _chosen(sentence)
    return {**chosen, sentence.source: [group[k] for k in sorted(group)]}


def select(
    scored: list[Scored],
    passages: Sequence[Passage],
    most: int,
    within: float,
    follow: bool = True,
    reason: bool = False,
    task: Sequence[str] = (),
    numbered: Sequence[tuple[str, int]] = (),
    asked: Sequence[str] = (),
) -> dict[int, list[Evidence]]:
    """The best sentences (those within `within` of the best score, at most `most`) grouped by source, in page order.

    Each brings the sentence before it when it leans on it ("It weighs 2 kg.": the one before names "it"), and,
    when `follow`, the best one also brings the sentence after it (the next step of a procedure, the rest of a
    thought; a question asking for a value is answered within one sentence), or, when it is the lead-in of a short
    list or an item of one not numbered (`_listed`: under a heading line, one holding less of the question's key
    terms, `asked`, than the heading), the whole list: "How is the course grade made up?" is answered by all three
    parts; and another list chosen is brought whole too. When a `reason` is asked for and the best gives none, the
    first sentence a few after it that gives one is evidence too: "why?" after a step is answered by the reason the
    page gives below it, not by the step. No sentence is chosen or brought that names only other numbers of a thing
    asked by its `numbered` one (`things_numbered`), unless every one does.
    """
    if not scored:
        return {}
    # Nor is the best: "Lab report 1 due -> Fri 31 Oct" was quoted first for "when is lab report 2 due".
    scored = [
        s for s in scored if not (numbered and of_another_numbered(numbered, f"{s.labels} {s.context}"))
    ] or scored
    chosen = _unique([s for s in scored if s.score >= scored[0].score - within], passages, most)
    # A sentence both further in meaning from the question and covering less of it than the best adds nothing the
    # best does not: "Cancel bookings you will not use" beside how long one booking may be; unless it states the
    # kind of answer asked for and the best does not ("A slot is 90 minutes long" beside "cancel the slot").
    best = chosen[0]
    chosen = [
        best,
        *(
            s
            for s in chosen[1:]
            if (s.similarity >= best.similarity or s.coverage >= best.coverage or (s.fits and not best.fits))
            and not (numbered and of_another_numbered(numbered, f"{s.labels} {s.context}"))
        ),
    ]
    # A how-to question's answer is its procedure, from step 1, ranked as the step it was found by.
    first = _first_step(best, scored, passages, task) if follow else None
    if first:
        best = replace(first, score=best.score)
        chosen = [
            best,
            *(s for s in chosen if _place(passages[s.source], s.start) != _place(passages[best.source], best.start)),
        ][:most]
    if reason and not CAUSE.search(best.text):
        chosen += _reason_after(best, scored, chosen)
    # The list the best brings is quoted whole, in one piece: its items, evidence of their own too, are not chosen
    # apart from it. So is the procedure a how-to question is answered by from step 1, lead-in or none.
    listed = _listed(passages[best.source], best.start, asked) if follow else []
    if follow and not listed and _procedure_asked(best, passages[best.source], task):
        listed = _procedure(passages[best.source], best.start)
    if follow and not listed:
        listed = _led(passages[best.source], best.end)
    in_list = {_place(passages[best.source], a) for a, _ in listed}
    chosen = [best, *(s for s in chosen[1:] if _place(passages[s.source], s.start) not in in_list)]
    # The page sentences already evidence: none is brought again as a neighbour.
    taken = {_place(passages[s.source], s.start) for s in chosen}
    by_source: dict[int, dict[int, Evidence]] = {}
    for rank, s in enumerate(chosen):
        group = by_source.setdefault(s.source, {})
        group[s.start] = _chosen(s)
        spans = _spans(passages[s.source])
        at = next(i for i, (a, _) in enumerate(spans) if a == s.start)
        near = _leaned_on(passages[s.source].text, spans, at, passages[s.source].start)
        if rank == 0 and follow:
            # Nor a question: the next FAQ entry's ("Can we start coding before Friday?" after "Your own parts are
            # yours."), which says nothing of this one.
            after = [
                span
                for span in spans[at + 1 : at + 2]
                if not _another_point(passages[s.source], span) and not _text(passages[s.source], *span).endswith("?")
            ]
            near += listed or after
        elif follow and listed:
            # An answer of points: another list chosen is quoted whole too ("What to bring to the exam" with its
            # points, beside "What not to bring").
            near += _listed(passages[s.source], s.start, listing=True)
        for a, b in near:
            if numbered and of_another_numbered(numbered, _text(passages[s.source], a, b)):
                continue  # "Valve number 9 is the exhaust" after the valve 12 asked about
            if a not in group and _place(passages[s.source], a) not in taken:
                taken.add(_place(passages[s.source], a))
                group[a] = _brought(passages[s.source], a, b)
    return {source: [group[k] for k in sorted(group)] for source, group in by_source.items()}


def _chosen(sentence: Scored) -> Evidence:
    """A chosen sentence as evidence, with its score and, of a table row, its table's header."""
    header = _header_over(sentence.labels, sentence.text)
    return Evidence(sentence.start, sentence.end, sentence.text, round(sentence.score, 4), header=header)


def _brought(passage: Passage, start: int, end: int) -> Evidence:
    """The passage's sentence at page offsets [start, end) as evidence brought for a chosen one's sake."""
    text = _text(passage, start, end)
    header = _header_over(_table_header(passage, start - passage.start)[0], text)
    return Evidence(start, end, text, 0.0, context=True, header=header)


def _header_over(header: str, row: str) -> str:
    """A table's header as a quote shows it over the row: with the empty first cell of a table whose columns are
    things, which its cells lost, so that "MV-4" stands over the MV-4's "6.8 kg", not over "14.2 kg", when the row
    is "Mass in air | 14.2 kg | 6.8 kg"."""
    return f"| {header}" if header and row.count("|") == header.count("|") + 1 else header


def quote_of(items: Sequence[Evidence], headed: bool = True) -> str:
    """Evidence sentences of one run as a quote joins them: with spaces, but table rows and a list's points each on a
    line of their own ("Single-shot accuracy (mm) | 0.04", then the next row; "The notebook must contain:", then
    "a dated entry for every lab session"), as more than a space apart on their page. When `headed`, a table's rows
    follow its header row, once: the cells of "Doctoral student or staff | 250 | 2000 | 30" say what they are only
    under "Status | Home (GB) | Scratch (GB) | Snapshots kept (days)"."""
    parts: list[str] = []
    for i, item in enumerate(items):
        header = headed and item.header and item.header not in {e.header for e in items[:i]}
        if i:
            before = items[i - 1]
            apart = ("|" in before.text and "|" in item.text) or item.start - before.end > POINT_GAP or header
            parts.append("\n" if apart else " ")
        parts += [f"{item.header}\n" if header else "", item.text]
    return "".join(parts)


def _another_point(passage: Passage, span: tuple[int, int]) -> bool:
    """Whether the sentence at `span` opens a line of its own that is a table row or a point not numbered: another
    thing's, not the rest of the thought before it (a slide's "Final project = 35%" after "Late: -8%/day", a grading
    table's next row). A numbered point is the next step of a procedure, and is brought."""
    at = span[0] - passage.start
    line = passage.text.rfind("\n", 0, at) + 1
    lead = passage.text[line:at]
    return lead.lstrip().startswith("|") or bool(ITEM_MARKER.fullmatch(lead) and not STEP_MARK.fullmatch(lead))


def _procedure_asked(best: Scored, passage: Passage, task: Sequence[str]) -> bool:
    """Whether a how-to question whose `task` its headings name as much of as the best sentence does is answered by
    the procedure the best sentence opens: "How do I charge the rover?" by all of "Charging the battery", not by
    "Switch the rover off" and the one step after it; "How do I switch the rover off?" by that step."""
    if not task or coverage(task, passage.heading) < coverage(task, best.text):
        return False
    return _step(passage.text, best.start - passage.start) == "Step 1"


def _procedure(passage: Passage, start: int) -> list[tuple[int, int]]:
    """The page spans of the numbered procedure whose step 1 opens at `start`, to its last step, when it is short
    enough to quote whole; else none. Its steps' lines follow each other, numbered on, with no prose between."""
    text, spans = passage.text, read(passage.text).sentences
    at = next(i for i, (a, _) in enumerate(spans) if a == start - passage.start)
    steps, number = [spans[at]], 1
    for a, b in spans[at + 1 :]:
        between = text[steps[-1][1] : a]
        if "\n" in between:  # a new line: the next step's, or the procedure is over
            mark = STEP_MARK.fullmatch(text, text.rfind("\n", 0, a) + 1, a)
            if not mark or int(mark.group(1)) != number + 1 or PROSE_AFTER.search(between):
                break
            number += 1
        steps.append((a, b))
    if number < 2 or steps[-1][1] - steps[0][0] > PROCEDURE_CHARS:
        return []
    return [(passage.start + a, passage.start + b) for a, b in steps]


def _first_step(best: Scored, scored: list[Scored], passages: Sequence[Passage], task: Sequence[str]) -> Scored | None:
    """The first step of the procedure a later step of which is the best evidence for a how-to question whose `task`
    (key terms) the procedure's headings name more of than that step does: the procedure is the answer, from step 1
    ("Open a terminal and run lab-setup" under "Setting up ... for ROS 2 > First login" for "how do I set up ROS
    the first time I log in", not its step 2). A step naming as much of the task is its own answer ("how do I set
    my domain ID"; "To remove a tube, ..." in a list of ways to make and change connections)."""
    text, offset = passages[best.source].text, passages[best.source].start
    if not task or coverage(task, passages[best.source].heading) <= coverage(task, best.text):
        return None
    line = _item_line(text, best.start - offset)
    mark = STEP_MARK.match(text, line) if line is not None else None
    if not mark or int(mark.group(1)) < 2:
        return None
    # Step 1 of the same list: above it, with only list items and their lines between (no paragraph of prose).
    firsts = [
        s
        for s in scored
        if s.source == best.source and s.start < best.start and _step(text, s.start - offset) == "Step 1"
    ]
    first = max(firsts, key=lambda s: s.start, default=None)
    between = text[first.start - offset : line] if first else ""
    return first if first and not PROSE_AFTER.search(between) else None


def _place(passage: Passage, start: int) -> tuple[str, int | None, int]:
    """Where on its page a sentence of the passage starts (chunks of a page overlap: one place, two passages)."""
    return passage.document_id, passage.page, start


def _reason_after(best: Scored, scored: list[Scored], chosen: list[Scored]) -> list[Scored]:
    """The first sentence giving a reason among the few after the best one in its passage, if not chosen yet."""
    after = sorted((s for s in scored if s.source == best.source and s.start > best.start), key=lambda s: s.start)
    found = next((s for s in after[:REASON_AFTER] if CAUSE.search(s.text)), None)
    return [found] if found and found not in chosen else []


def _unique(best: list[Scored], passages: Sequence[Passage], most: int) -> list[Scored]:
    """The first `most` distinct page sentences of `best`, each with its best score. Chunks of a page overlap: a
    sentence two passages hold is one sentence of the page, chosen once, as the passage holding more of it and of
    the page after it has it (a chunk may cut it, or the next step, short)."""
    seen: dict[tuple[str, int | None, int], int] = {}
    chosen: list[Scored] = []
    for s in best:
        where = _place(passages[s.source], s.start)
        if where in seen:
            i = seen[where]
            if (s.end, passages[s.source].end) > (chosen[i].end, passages[chosen[i].source].end):
                chosen[i] = replace(s, score=chosen[i].score)
        elif len(chosen) < most and not any(_overlap(s, c, passages) for c in chosen):
            seen[where] = len(chosen)
            chosen.append(s)
    return chosen


def _overlap(one: Scored, other: Scored, passages: Sequence[Passage]) -> bool:
    """Whether two sentences share text of one page: two chunks may cut a block of lines at different lines ("09:30
    arrival ... 12:30 lunch" and "12:30 lunch ... 13:15 tour"), and a line is quoted once."""
    first, second = passages[one.source], passages[other.source]
    same = (first.document_id, first.page) == (second.document_id, second.page)
    return same and one.start < other.end and other.start < one.end


def _listed(passage: Passage, start: int, terms: Sequence[str] = (), listing: bool = False) -> list[tuple[int, int]]:
    """The page spans of the list under a lead-in that the sentence at `start` leads into, or is an item of, when it
    is short enough to quote whole; else none. A numbered list is a procedure: one of its steps brings the step
    after it, as a sentence does ("what comes right after connecting the air hose?" is answered by the next). A
    point under a heading line is a thing of its own ("Late: -8%/day" under a slide's "Summary"), unless the heading
    holds more of the question's key `terms` than it does ("your student card" under "What to bring to the exam")
    or the answer is `listing` points already."""
    at = start - passage.start
    block = next((spans for spans in read(passage.text).lists if any(a == at for a, _ in spans)), ())
    if not block:
        return []
    numbered = _steps(passage.text, block)
    lead, item = (passage.text[a:b] for a, b in (block[0], next(span for span in block if span[0] == at)))
    headed = not lead.endswith(":") and not listing and coverage(terms, lead) <= coverage(terms, item)
    # A procedure its lead-in leads into is quoted whole, as one from its step 1 is.
    if at != block[0][0] and (numbered or headed):
        return []
    if block[-1][1] - block[0][0] > (PROCEDURE_CHARS if numbered else LIST_CHARS):
        return []
    return [(passage.start + a, passage.start + b) for a, b in block]


def _led(passage: Passage, end: int) -> list[tuple[int, int]]:
    """The list whose lead-in follows the sentence ending at `end` in its paragraph, with its lead-in ("The notebook
    must contain:" after the best, or "For any other time, book a lane yourself:", and the points under it); else
    none."""
    at = end - passage.start
    block = next((b for b in read(passage.text).lists if 0 <= b[0][0] - at <= ADJACENT_GAP), ())
    return _listed(passage, passage.start + block[0][0]) if block and "\n" not in passage.text[at : block[0][0]] else []


def _steps(text: str, block: Sequence[tuple[int, int]]) -> bool:
    """Whether a list (its lead-in's span, then its items') is a procedure: numbered points, most of them sentences
    ("1. Sign in to TankBook."), not things counted off ("1. the tether on its reel")."""
    items = block[1:]
    return _numbered(text, items[0][0]) and 2 * sum(text[b - 1] in ".!?" for _, b in items) >= len(items)


def _numbered(text: str, at: int) -> bool:
    """Whether the list item whose words start at `at` is numbered ("1. Check the gripper's seat")."""
    return text[text.rfind("\n", 0, at) + 1 : at].lstrip()[:1].isdigit()


def _spans(passage: Passage) -> list[tuple[int, int]]:
    """The passage's sentences as page offsets."""
    return [(passage.start + a, passage.start + b) for a, b in read(passage.text).sentences]


def _text(passage: Passage, start: int, end: int) -> str:
    return passage.text[start - passage.start : end - passage.start]


def _cosine(a, b) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
