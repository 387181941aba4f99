"""Kin: the words the material may use for a question's word ("shut" for "closed"), by stem, from the table of
WordNet synonyms exported at install (appliance/inference/wordnet.py)."""

import sys
from collections.abc import Iterable
from pathlib import Path

from appliance.answer.evidence import NO_KIN, Kin, stem
from appliance.store.text import STOPWORDS

# The two sides of one exchange, which WordNet keeps apart: a student borrows what the lab lends ("who do i ask to
# borrow an hg14 unit", answered by "units are lent for one semester"), buys what it sells, pays what it charges
# ("Do we have to pay for a print that failed?", "Failed prints caused by the printer are not charged").
CONVERSES = [
    ["borrow", "lend lent lending loan loaned"],
    ["lend", "borrow borrowed borrowing"],
    ["loan", "borrow borrowed borrowing"],
    ["buy", "sell sold selling"],
    ["sell", "buy bought buying"],
    ["pay", "charge charged"],
]

# A slide's abbreviations, which WordNet does not know, and the words a student asks in (or the other way round):
# "TA office hrs: Thu 10:00" answers "when are the TA office hours", "Min. 2 ppl on the pier" "how many people",
# "Lab 4 (wk 9, Thu & Fri)" which week the lab is.
# A student's "min" is no minute: it asks for a minimum.
ABBREVIATED = [
    ["week", "wk wks"],
    ["wk", "week"],
    ["hour", "hr hrs"],
    ["hr", "hour"],
    ["hrs", "hours"],
    ["minute", "min mins"],
    ["mins", "minutes"],
    ["people", "ppl"],
    ["ppl", "people"],
    ["average", "avg"],
    ["avg", "average"],
    ["diameter", "dia"],
    ["dia", "diameter"],
    ["quantity", "qty"],
    ["qty", "quantity"],
    ["approximately", "approx"],
    ["approx", "approximately"],
    ["temperature", "temp"],
]

# Words a lab's handouts use for one another, which WordNet keeps apart: what a device is fed is its supply and its
# input alike ("what input voltage does the lx16 take", answered by "Supply voltage | 9–32 V DC"); what is heat or
# water proof is heat or water resistant ("the heat proof gloves", "the heat-resistant gloves"); a student's "temp"
# is a temperature (WordNet: a temporary worker), a "pcb" the handout's board; a session a student skips is one the
# handout says is missed ("You may miss at most two sessions"); where a class meets is where it gathers ("where do
# we meet if there is a fire", answered by "gather at the assembly point in car park B": WordNet keeps that sense of
# "meet" among its rarer ones); a battery a student calls dead the handout calls flat or empty, and a LiPo one a
# lithium battery; an AED is a defibrillator; a weekend is its Saturday and Sunday, a weekday any of the other days
# ("opening hours at the weekend", answered by "Saturday | 10:00 to 16:00"); a piece of coursework's resit is its
# resubmission ("The resubmission deadline is Friday 4 August" for "When's the resit deadline for the report?"); a
# student's goes are the handout's attempts, tries or runs ("Each team gets three timed runs" for "how many goes do
# we get"); the labs a student misses are the handout's sessions, an assignment its brief or coursework; a loan is
# extended by its renewal; a rover bumping into a cone touches or hits it; a school's kids are its pupils; a
# student's prereqs the course's prerequisites; what a thing can carry or lift is its payload, load or capacity; a
# student's software is the handout's program or application, and a wing's span its wingspan; a machine that runs
# operates ("Operating temperature: 5 to 40 °C" for the coldest the rover can run in), a bibliography is the
# references, the spanner for a nut a wrench or a socket, what a student eats (lunch, a snack) the rules' food, and
# a flatmate or roommate a friend; a sick note or a doctor's note is a medical certificate, and eye protection the
# safety glasses or goggles (protection any such gear: gloves too); what is swapped is replaced or exchanged. A LiPo
# is a battery as well; a sensor's lens is its optical window ("clean the optical window only with isopropyl
# alcohol"); data a student downloads the handout exports; a pose is a position; the bottom shelf is the lowest; a
# freezing room a cold one; what spins turns or rotates; the loos are the toilets. Not the ground for the floor: "flat
# floor" answered "What's the ground clearance of the Dromlyn D6?", which no handout gives. A light's orange is its
# amber; the Christmas break is the winter break; a limit is a cap; a laptop is a computer and a MacBook a Mac; a
# life jacket blown up is inflated; a caustic is a chemical; to look over work is to check it. Not a swap for a
# change: "do i need to find someone to swap with me to change group" was answered, which the handout does not say.
# What is cracked is damaged. Not rain for the weather, nor a submission for a hand (measured: a near-topic question
# answered, a wrong quote for a refusal).
ALSO_SAID = [
    ["weekend", "saturday saturdays sunday sundays"],
    ["weekday", "monday mondays tuesday tuesdays wednesday wednesdays thursday thursdays friday fridays"],
    ["meet", "gather gathered assemble assembled assembly"],
    ["input", "supply supplied"],
    ["supply", "input"],
    ["proof", "resistant resistance"],
    ["resistant", "proof"],
    ["temp", "temperature"],
    ["pcb", "board"],
    ["skip", "miss missed missing"],
    ["dead", "flat empty discharged"],
    ["lipo", "lithium battery batteries"],
    ["aed", "defibrillator"],
    ["resit", "resubmission resubmit resubmitted retake"],
    ["go", "attempt attempts try tries turn turns run runs"],
    ["goes", "attempts tries turns runs"],
    ["lab", "session sessions"],
    ["assignment", "brief coursework"],
    ["coursework", "assignment assignments"],
    ["extend", "renew renewal renewed"],
    ["bump", "touch touches touched hit hits"],
    ["kid", "pupil pupils child children"],
    ["prereq", "prerequisite prerequisites"],
    ["prereqs", "prerequisites"],
    ["carry", "payload load loads capacity"],
    ["lift", "payload load loads capacity"],
    ["software", "program programs programme programmes application applications app apps"],
    ["wingspan", "span"],
    ["run", "operate operates operating operation"],
    ["bibliography", "references reference"],
    ["spanner", "wrench socket"],
    ["eat", "food"],
    ["lunch", "food meal"],
    ["snack", "food"],
    ["flatmate", "friend friends"],
    ["roommate", "friend friends"],
    ["note", "certificate"],
    ["sick", "medical"],
    ["doctor", "medical"],
    ["eye", "glasses goggles"],
    ["protection", "glasses goggles gloves"],
    ["swap", "replace replaced exchange exchanged"],
    ["lens", "window"],
    ["download", "export"],
    ["position", "pose"],
    ["pose", "position"],
    ["bottom", "lowest"],
    ["freezing", "cold"],
    ["spin", "turn turns rotate rotates"],
    ["loo", "toilet toilets"],
    ["orange", "amber"],
    ["amber", "orange"],
    ["christmas", "winter"],
    ["limit", "cap"],
    ["cap", "limit"],
    ["laptop", "computer"],
    ["macbook", "mac macos"],
    ["blow", "inflate inflates inflated"],
    ["caustic", "chemical chemicals"],
    ["look", "check checks checked"],
    ["crack", "damage damaged"],
    *ABBREVIATED,
]


def read(path: Path | None) -> Kin:
    """The table at `path` (lines of a word, a tab and its kin) with the CONVERSES and ALSO_SAID, keyed by
    stem; none without a table."""
    if path is None:
        return NO_KIN
    with path.open(encoding="utf-8") as lines:
        return table([*(line.rstrip("\n").split("\t", 1) for line in lines), *CONVERSES, *ALSO_SAID])


def table(rows: Iterable[list[str]]) -> Kin:
    """Rows of (word, its kin separated by spaces) as stems, each stem's kin gathered from all its words."""
    # Tuples of interned stems: some 65,000 entries in ~20 MB, where sets would take over twice as much.
    found: dict[str, tuple[str, ...]] = {}
    known: dict[str, str] = {}  # a kin word comes back in many rows: its stem is made once

    def stem_of(word: str) -> str:
        if word not in known:
            known[word] = sys.intern(stem(word))
        return known[word]

    for word, kin in rows:
        new = tuple(stem_of(k) for k in kin.split() if k not in STOPWORDS)
        key = stem_of(word)
        found[key] = tuple(dict.fromkeys(found.get(key, ()) + new))
    return {key: others for key, kin in found.items() if (others := tuple(k for k in kin if k != key))}
