"""Whether the material answers, decided on the packaged embedder: questions a handout of invented facts answers
in two neighbouring sentences, and a near-topic one it does not answer.

Extractive answers: what is quoted is the evidence the answerer chose, with no model to word it otherwise.
"""

from collections.abc import Iterator

import pytest

from appliance.answer.answerer import Answerer, Question
from tests.filemaker import make_pptx
from tests.realserver import quoting

pytestmark = pytest.mark.real

HANDOUT = b"""# Harrowmere compute cluster and test basin

## Reservations

Before a paper or thesis deadline you may reserve whole nodes. Ask the cluster coordinator, Dr. Quarrow, at least
ten days ahead; a reservation lasts at most 48 hours.

## Before your vehicle goes in

Every vehicle with a sealed enclosure passes a vacuum leak test first, in the preparation room B-112.
Pump the enclosure down to -0.3 bar and hold it for 15 minutes; the loss must be below 0.01 bar.

## Basin water

The basin is filled with fresh water and filtered every night.
"""


def _answering(tmp_path_factory, filename: str, body: bytes) -> Iterator[Answerer]:
    """The answerer quoting from one file on the packaged embedder, for a module's fixture to yield from."""
    with quoting(str(tmp_path_factory.mktemp(filename.split(".")[0])), filename, body) as built:
        assert built.answerer is not None
        yield built.answerer


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    """The answerer quoting from the handout, on the packaged embedder."""
    yield from _answering(tmp_path_factory, "harrowmere.md", HANDOUT)


@pytest.mark.parametrize(
    "question, subject, value",
    [
        ("who do i ask to reserve whole nodes before my thesis deadline", "reserve whole nodes", "Dr. Quarrow"),
        ("how long does the leak test have to hold", "vacuum leak test", "15 minutes"),
    ],
)
def test_a_value_stated_after_the_sentence_naming_its_subject_is_quoted_with_it(answerer, question, subject, value):
    done = answerer.answer(Question(question))
    assert done.covered, done.answer
    quote = done.sentences[0].shown
    assert subject in quote and value in quote
    evidence = [e.text for s in done.sources if s.cited for e in s.evidence]
    assert any(subject in text for text in evidence) and any(value in text for text in evidence)


def test_a_near_topic_question_is_still_refused(answerer):
    """The basin's water is named, and the sentence after it states a time: no temperature is given."""
    done = answerer.answer(Question("What temperature is the basin water kept at?"))
    assert not done.covered, done.answer


INDUCTION = b"""# Workshop induction

## The induction quiz

Every new student takes the induction quiz before using the workshop. Students who do not pass the quiz repeat it
after one week and may not use the machines until then.

## Opening hours

The workshop is open from 9:00 to 17:00 on weekdays.
"""


@pytest.fixture(scope="module")
def induction(tmp_path_factory):
    yield from _answering(tmp_path_factory, "induction.md", INDUCTION)


def test_a_key_term_that_adds_little_to_what_is_asked_does_not_refuse_the_sentence_answering_it(induction):
    """No sentence says "fail" ("do not pass" does). Without the word the question asks much the same, so the
    sentence answers; "topics" and "cover", which it also lacks, ask something else, and refuse it."""
    done = induction.answer(Question("What happens if I fail the induction quiz?"))
    assert done.covered, done.answer
    assert "after one week" in done.sentences[0].shown
    refused = induction.answer(Question("What topics does the induction quiz cover?"))
    assert not refused.covered, refused.answer


def test_how_long_a_thing_lasts_is_not_answered_by_a_time_counted_from_something_else(induction):
    """The handout says when a failed quiz is repeated ("after one week"), never how long the quiz takes; a student
    asking how long to wait before the retake is answered by that sentence."""
    for question in ("How long does the induction quiz take?", "How long is the induction quiz?"):
        refused = induction.answer(Question(question))
        assert not refused.covered, refused.answer
    done = induction.answer(Question("How long until I can retake the induction quiz?"))
    assert done.covered, done.answer
    assert "after one week" in done.answer


BATTERIES = b"""# Robot lab kit

## Batteries

Every robot comes with two batteries. A flat battery needs ninety minutes on the charger in the lab.
"""


@pytest.fixture(scope="module")
def batteries(tmp_path_factory):
    yield from _answering(tmp_path_factory, "kit.md", BATTERIES)


def test_a_time_is_the_time_of_what_the_question_says_it_takes(batteries):
    """The charging time answers how long a battery takes to charge, never how long it takes to cool down."""
    done = batteries.answer(Question("how long does a flat battery take to charge"))
    assert done.covered and "ninety minutes" in done.sentences[0].shown, done.answer
    refused = batteries.answer(Question("how long does a flat battery take to cool down"))
    assert not refused.covered, refused.answer


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    """A lecture's slides, on the packaged embedder."""
    from tests.filemaker import make_pptx

    deck = make_pptx(
        [
            ("Lecture 4 – Time-of-Flight Ranging: the Vantrel TF-9", ["MX317, week 4", "Dr. L. Brannock"], ""),
            ("ToF principle", ["Emit light → measure return time", "d = c · t / 2"], ""),
            ("TF-9 key specs", ["Range 0.05–4.2 m", "Resolution 1 mm"], ""),
        ]
    )
    yield from _answering(tmp_path_factory, "lecture-04.pptx", deck)


def test_which_lecture_is_answered_by_the_title_numbering_it(lecture):
    """fresh13-tune: the title slide's "MX317, week 4" was quoted for which lecture it was, not its title."""
    done = lecture.answer(Question("which lecture was the one about the time of flight sensor?"))
    assert done.covered, done.answer
    assert "Lecture 4" in done.sentences[0].shown


def _deck() -> bytes:
    return make_pptx(
        [
            ("Lecture 7 – the Quenbury QA-4 arm", ["Five joints, 11.4 kg", "Reach 640 mm"], ""),
            ("Homing & e-stop", ["Homing after every power-up", "Red e-stop on the bench and on the pendant"], ""),
            ("Teach pendant", ["Jog modes: joint / Cartesian", "Reduced speed: max. 250 mm/s"], "Always jog slowly."),
        ]
    )


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    yield from _answering(tmp_path_factory, "qa4-arm.pptx", _deck())


@pytest.mark.parametrize(
    "question, place",
    [
        ("which slide is the teach pendant on?", "Slide 3 (“Teach pendant”) of qa4-arm.pptx says:"),
        ("where can I read about the e-stop?", "Slide 2 (“Homing & e-stop”) of qa4-arm.pptx says:"),
    ],
)
def test_where_a_deck_says_something_is_its_slide_quoted(deck, question, place):
    done = deck.answer(Question(question))
    assert done.covered and done.answer.startswith(place), done.answer


def test_where_a_deck_says_what_it_never_says_is_refused(deck):
    done = deck.answer(Question("which slide gives the gripper's maximum operating temperature?"))
    assert not done.covered, done.answer


# Long notes: six rows are more than a chunk holds, so later rows' chunks start below the header.
NOTES = "sign the loan sheet first; rinse it in fresh water and dry it on the rack; report any damage at once"
LOANS = "item,code,quantity,location,deposit_eur,loan_period,notes\n" + "".join(
    f"{thing},{code},{n},Drawer D{n % 5} in the tank hall store,{deposit},one week,{NOTES}\n"
    for n, (thing, code, deposit) in enumerate(
        [
            ("Brassfin thruster", "TH-55", 40),
            ("Kelpmoor speed controller", "ESC-30", 15),
            ("Tether reel", "TET-25", 30),
            ("Depth sensor", "DS-30", 25),
            ("Topside box", "TOP-5", 60),
            ("Battery pack", "BAT-148", 35),
            ("Battery charger", "CHG-4", 20),
            ("Waterproof camera", "CAM-W2", 45),
            ("Sounding line", "SL-2", 5),
            ("Digital multimeter", "MM-7", 12),
            ("Grease tube", "GR-1", 0),
            ("Hex key set", "HK-9", 8),
        ],
        1,
    )
)


@pytest.fixture(scope="module")
def loans(tmp_path_factory):
    with quoting(str(tmp_path_factory.mktemp("loans")), "tank-loans.csv", LOANS.encode()) as built:
        yield built


def test_a_row_far_below_its_tables_header_is_read_with_it(loans):
    """The multimeter's row sits in a chunk that starts below the header: its deposit is still the deposit."""
    table = next(d["id"] for d in loans.database.documents() if d["filename"] == "tank-loans.csv")
    lead = [row["lead"] for row in loans.database.document_chunks([table])]
    assert any(lead), "no chunk of the long table starts below its header"
    done = loans.answerer.answer(Question("how much is the deposit for the digital multimeter?"))
    assert done.covered and "MM-7" in done.answer and "12" in done.answer, done.answer


TIMETABLE = b"""# HY238 schedule

| Week | Date | Lecture | Lab |
| --- | --- | --- | --- |
| 6 | 17 May | Thrusters and propellers | Lab 4: depth sensor calibration |
| 7 | 24 May | Mid-term quiz, then depth control with PID | Lab 5 continued |
| 8 | 31 May | Navigation without GPS | Lab 6: dead reckoning in the tank |
"""


@pytest.fixture(scope="module")
def timetable(tmp_path_factory):
    yield from _answering(tmp_path_factory, "schedule.md", TIMETABLE)


def test_when_of_a_timetable_row_naming_all_it_asks_is_its_date(timetable):
    """A terse row is far in meaning from "when's the midterm": naming all it asks about with a date, it answers."""
    done = timetable.answer(Question("when's the midterm"))
    assert done.covered and "24 May" in done.answer, done.answer
    assert not timetable.answer(Question("when is the midterm resit?")).covered


MINUTES = b"""# Kelderby workshop committee: minutes of 9 March 2027

## Action items

| Action | What | Owner | Due |
|---|---|---|---|
| B4 | Order new soldering tips for bench 3 | Tamsin Orrell | 20 March 2027 |
| B5 | Book the atrium for the open day | Ferdy Quale | 2 April 2027 |

## Assessment

KD210 is a 15-credit module assessed by a lab logbook, two design reviews and a final demonstration of the team's
robot; there is no written exam.
"""


@pytest.fixture(scope="module")
def minutes(tmp_path_factory):
    yield from _answering(tmp_path_factory, "minutes.md", MINUTES)


@pytest.mark.parametrize(
    "question, stated",
    [
        ("What is action B4 and who owns it?", "Tamsin Orrell"),
        ("is there a written exam as well?", "there is no written exam"),
    ],
)
def test_a_sentence_holding_every_key_term_answers_however_far_its_words_are_from_the_question(
    minutes, question, stated
):
    """A table's row or a clause inside a longer sentence is far in meaning from a short question; holding every
    word it asks about, it answers it."""
    done = minutes.answer(Question(question))
    assert done.covered and stated in done.sentences[0].shown, done.answer


@pytest.mark.parametrize("question", ["Who owns action B7?", "is there an oral exam?"])
def test_a_sentence_lacking_a_key_term_is_still_refused(minutes, question):
    done = minutes.answer(Question(question))
    assert not done.covered, done.answer


NETWORKS = b"""# Lab computers and networks

## Networks

The lab's wireless network, HX-LAB, is for the internet only: the arms cannot be reached over it.
Each arm has its own wired network on its bench.

## Guests

Visitors use the network Quayside-Guest; its password is printed on the card at the lab door.
"""


@pytest.fixture(scope="module")
def networks(tmp_path_factory):
    yield from _answering(tmp_path_factory, "networks.md", NETWORKS)


def test_a_property_asked_for_is_not_given_by_a_sentence_naming_only_its_thing(networks):
    """fresh17-tune: the sentence naming HX-LAB gives no password, alone or with the sentence after it; the guest
    network's sentence naming its password answers."""
    refused = networks.answer(Question("What is the password of the HX-LAB wireless network?"))
    assert not refused.covered, refused.answer
    done = networks.answer(Question("What's the password for the Quayside-Guest network?"))
    assert done.covered and "card at the lab door" in done.answer, done.answer


DESKS = b"""# Desks for thesis students

Each desk has a monitor, a docking station with a USB-C cable and a lockable drawer.
The monitors and docking stations stay on the desks; do not take them home or to another room.

## Gearbox

Efficiency: 68 per cent at 2,000 rpm input and 25 degrees C housing temperature.
"""


@pytest.fixture(scope="module")
def desks(tmp_path_factory):
    yield from _answering(tmp_path_factory, "desks.md", DESKS)


def test_a_property_asked_as_what_x_are_the_y_is_not_given_by_its_thing(desks):
    """fresh8-tune: "what resolution are the monitors" was answered by "Each desk has a monitor", which names no
    resolution. Named, a property answers."""
    refused = desks.answer(Question("what resolution are the monitors on the thesis desks"))
    assert not refused.covered, refused.answer
    done = desks.answer(Question("efficiency of the gearbox at 2000 rpm"))
    assert done.covered and "68 per cent" in done.answer, done.answer


COURSE = b"""# Navigation course

The course is marked out in the arena with white tape and measures 6 m by 4 m.
Between five and eight orange traffic cones are placed on the course at random before each timed run.
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    yield from _answering(tmp_path_factory, "course.md", COURSE)


def test_a_measure_of_another_thing_does_not_answer_how_tall_the_thing_is(course):
    """fresh15-tune: "How tall are the traffic cones" was answered by the course's "6 m by 4 m", which names no
    cone; the course's own size answers how big it is."""
    refused = course.answer(Question("How tall are the traffic cones on the navigation course?"))
    assert not refused.covered, refused.answer
    done = course.answer(Question("how big is the navigation course"))
    assert done.covered and "6 m by 4 m" in done.answer, done.answer


STORAGE = b"""# Batteries in the lab

Lithium polymer (LiPo) batteries store a lot of energy. Charge them in a fire-resistant bag and never leave them
charging unattended.

## Loan kits

| item | code | quantity | location | deposit (EUR) |
| --- | --- | --- | --- | --- |
| Li-ion battery pack 14.8 V | BAT-148 | 20 | Fire cabinet F1 (B-203) | 35 |
| Battery charger 4S | CHG-4 | 8 | Fire cabinet F1 (B-203) | 20 |
"""


@pytest.fixture(scope="module")
def storage(tmp_path_factory):
    yield from _answering(tmp_path_factory, "storage.md", STORAGE)


def test_a_where_question_is_answered_first_by_the_sentence_naming_a_room_or_cabinet(storage):
    """fresh11-tune, fresh14-tune: "where r the batteries kept" was answered first by the textbook's "LiPo batteries
    store a lot of energy", which places nothing; the loan table's row names the cabinet and its room."""
    done = storage.answer(Question("where r the batteries kept"))
    first = done.answer.split("\u201d")[0]
    assert done.covered and "B-203" in first, done.answer


SPARES = b"""# Spare parts for the ROVs

Spare thrusters are the Tethra TH-6, part number TH6-220, kept in the wet store.
Spare propellers and tether connectors are also stocked; ask the technician for them.
"""


@pytest.fixture(scope="module")
def spares(tmp_path_factory):
    yield from _answering(tmp_path_factory, "spares.md", SPARES)


def test_a_property_of_one_thing_is_not_another_things(spares):
    """fresh21-tune: "what's the part number for a spare propeller?" was answered by the spare thrusters' part
    number: a sentence naming none of the thing whose property is asked gives another thing's. The thruster's is
    answered."""
    refused = spares.answer(Question("what's the part number for a spare propeller?"))
    assert not refused.covered, refused.answer
    done = spares.answer(Question("what's the part number for a spare thruster?"))
    assert done.covered and "TH6-220" in done.answer, done.answer


STORE = b"""# Spare parts for the ROVs

Spare parts are kept in the wet store and signed out by the technician on duty.
The part number of the spare thrusters is TH6-220, and each costs 85 pounds.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    yield from _answering(tmp_path_factory, "store.md", STORE)


def test_two_sentences_in_turn_naming_none_of_the_thing_asked_of_do_not_answer(store):
    """A pair read in turn holds a property asked of a thing only when one of them names the thing: the spare parts'
    place and then the thrusters' part number give no propeller's. The thrusters' is answered."""
    refused = store.answer(Question("what's the part number for a spare propeller?"))
    assert not refused.covered, refused.answer
    done = store.answer(Question("what is the part number of the spare thrusters?"))
    assert done.covered and "TH6-220" in done.answer, done.answer


RISKS = b"""# Arena risk assessment

| Hazard | Who might be harmed | Control measures | Residual risk |
| --- | --- | --- | --- |
| Fingers pinched in the gripper | Student changing the gripper fingers | Press the emergency stop first | Low (3) |
| Tripping over cables | Anyone in the arena | Cables run under the rubber cable covers | Low (4) |
"""


@pytest.fixture(scope="module")
def risks(tmp_path_factory):
    yield from _answering(tmp_path_factory, "risks.md", RISKS)


def test_a_property_of_something_done_is_answered_in_other_words(risks):
    """fresh15-tune: "the risk rating for getting your fingers trapped" asks of something done, not of a thing a
    sentence must name: the row "Fingers pinched in the gripper" answers it."""
    done = risks.answer(Question("what's the risk rating for getting your fingers trapped in the gripper?"))
    assert done.covered and "Low (3)" in done.answer, done.answer


STAND = b"""# Thrust stand: user notes

## Broken propellers

If a propeller breaks during a test, press the emergency stop, disconnect the battery and wait two minutes before
you open the cage. Collect all pieces and put them in the red box by the door. Enter the break in the logbook and
tell Dr. Nneka Marstrand the same day, because a broken blade can damage the load cell.

## Opening hours

The test room is open from 8:00 to 18:00 on weekdays.
"""


@pytest.fixture(scope="module")
def stand(tmp_path_factory):
    yield from _answering(tmp_path_factory, "stand.md", STAND)


def test_a_question_after_what_happened_is_answered_by_the_step_of_its_case_that_says_it(stand):
    """fresh12-tune: "we broke a propeller yesterday during the test. who do we tell?" asked for nobody in particular
    (its "who" not first) and was answered by the steps without the name; whom to tell is two sentences after the
    one naming the break. A price is said nowhere."""
    done = stand.answer(Question("we broke a propeller yesterday during the test. who do we tell?"))
    assert done.covered and "Marstrand" in done.answer, done.answer
    refused = stand.answer(Question("we broke a propeller during a test. how much does a new one cost?"))
    assert not refused.covered, refused.answer


FIRST_AID = b"""# First aid in the lab

## First aid course

The institute runs a first aid course for its staff. Students are welcome to join the first aid course free of
charge; ask the safety officer for a place.

## Eye protection

Wear safety goggles whenever the laser cutter is running.
"""


@pytest.fixture(scope="module")
def first_aid(tmp_path_factory):
    yield from _answering(tmp_path_factory, "first-aid.md", FIRST_AID)


def test_when_a_thing_is_asks_for_a_time_and_when_to_do_a_thing_may_be_a_condition(first_aid):
    """fresh9-tune: "when is the next first aid course" was answered by "Students are welcome to join the course",
    which says no day, date or hour; when to wear goggles is answered by the condition."""
    refused = first_aid.answer(Question("when is the next first aid course i can join"))
    assert not refused.covered, refused.answer
    done = first_aid.answer(Question("when do i have to wear safety goggles?"))
    assert done.covered and "laser cutter is running" in done.answer, done.answer


BUOY = b"""# The buoy's radio

The buoy sends a heartbeat every hour, with its battery voltage, its position and the number of readings stored.

## Waking the buoy

To wake the buoy, hold the magnet key against the logger box for five seconds, until the green light flashes.
"""


@pytest.fixture(scope="module")
def buoy(tmp_path_factory):
    yield from _answering(tmp_path_factory, "buoy.md", BUOY)


def test_a_how_to_question_is_not_answered_by_a_sentence_naming_none_of_its_action(buoy):
    """fresh22-tune: "how do I change how often the buoy sends its heartbeat" was answered by how often it sends it,
    which tells no way to change it. The way to wake it is asked in other words and answered."""
    refused = buoy.answer(Question("how do I change how often the buoy sends its heartbeat"))
    assert not refused.covered, refused.answer
    done = buoy.answer(Question("how can we wake up the buoy?"))
    assert done.covered and "magnet key" in done.answer, done.answer


SIMULATOR = b"""# Chapter 6: Simulator basics

## 6.4.3 Simulation Controls

- **Play** button: Start simulation
- **Stop** button: Reset to initial state
- **Step** button: Advance 1 frame
"""


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    yield from _answering(tmp_path_factory, "simulator.md", SIMULATOR)


def test_two_sentences_in_turn_not_naming_the_code_asked_about_do_not_answer(simulator):
    """fresh23-tune: "where's the reset button on the BX-4" (a bat detector) was answered by a simulator's "Play button:
    Start simulation" and "Stop button: Reset to initial state" read in turn, which name no BX-4. Asked of no code,
    the simulator's reset button is found."""
    refused = simulator.answer(Question("where's the reset button on the BX-4"))
    assert not refused.covered, refused.answer
    done = simulator.answer(Question("where's the reset button"))
    assert done.covered and "Reset to initial state" in done.answer, done.answer


# A textbook's code, full of "og" for OmniGraph, and a brewing lab sheet defining its OG (fresh24-tune).
GRAPHS = "".join(
    f"## Graph {n}\n\n```python\nimport omni.graph.core as og\nog.Controller.edit(og.Keys.NODES_{n})\n```\n\n"
    for n in range(1, 13)
).encode()
LAB_SHEET = b"""# Lab sheet 3: the first brew day

Fill the fermenter to 25 L and pitch the yeast at 19 degrees.

## Readings

The original gravity (OG) is the specific gravity of the cooled wort before the yeast goes in. Measure it with the
density meter and write it in the brewing log.
"""


@pytest.fixture(scope="module")
def brewing(tmp_path_factory):
    """The answerer quoting from the lab sheet beside a textbook's code, on the packaged embedder."""
    with quoting(str(tmp_path_factory.mktemp("brewing")), "lab-sheet-3.md", LAB_SHEET) as built:
        built.ingestor.ingest(GRAPHS, "isaac-graphs.md")
        assert built.answerer is not None
        yield built.answerer


def test_an_abbreviation_is_found_where_the_material_writes_it_in_brackets_beside_its_words(brewing):
    """ "what does OG mean" was searched among the code's "og." and never found the lab sheet's "The original
    gravity (OG) is ...": the passages writing it in brackets are read too, whichever documents the search found."""
    done = brewing.answer(Question("what does OG mean"))
    assert done.covered, done.answer
    assert "original gravity (OG)" in done.answer
    assert not brewing.answer(Question("what does FG mean")).covered


# A kit table whose columns are the things, named by model in its header and by kind in its first row (fresh24-tune).
KIT_GUIDE = b"""# Brewhouse kit guide

Each team brews on its own kettle and ferments in its own fermenter; the chiller cools every fermenter.

## The kit at a glance

| | Stallard HK-60 | Vessant CF-25 | Thewlis GC-3 |
|---|---|---|---|
| What it is | mash tun and kettle | conical fermenter | glycol chiller |
| How many | 6 | 12 | 1 |
| Power | 3 elements of 2.5 kW, 230 V | none | 230 V, 1.4 kW |
| Weight, empty | 41 kg | 9.5 kg | 62 kg |

## Cleaning

Rinse the kettle with hot water after every brew and leave its lid open to dry.
"""


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    yield from _answering(tmp_path_factory, "kit-guide.md", KIT_GUIDE)


def test_a_thing_is_asked_of_a_table_by_the_row_naming_its_column(kit):
    """ "how heavy is the glycol chiller" names no model of the header: the "What it is" row names the GC-3's column,
    so the weight row answers it; a property the table does not give (its noise) is still refused."""
    done = kit.answer(Question("how heavy is the glycol chiller thing"))
    assert done.covered and "62 kg" in done.answer, done.answer
    assert not kit.answer(Question("how loud is the glycol chiller")).covered


TRAVEL_FUND = b"""# Conference travel fund

## What the fund pays

Each student can receive one grant per academic year. The grant pays for travel, accommodation and the conference
registration fee; it does not pay for meals beyond the daily allowance.

## Borrowing

Only registered lab members may borrow the soldering stations.
"""


@pytest.fixture(scope="module")
def travel_fund(tmp_path_factory):
    yield from _answering(tmp_path_factory, "travel-fund.md", TRAVEL_FUND)


def test_whether_a_thing_not_named_is_paid_for_is_not_answered_by_what_is(travel_fund):
    """A list of what the grant pays for says nothing of a visa, alone or after the sentence before it; a thing it
    lists is answered, and so is whether someone the rule does not name may borrow what it allows some alone to."""
    assert not travel_fund.answer(Question("does the travel grant pay for my visa")).covered
    paid = travel_fund.answer(Question("does the travel grant pay for accommodation"))
    assert paid.covered and "accommodation" in paid.answer, paid.answer
    alone = travel_fund.answer(Question("Can my flatmate borrow the soldering station?"))
    assert alone.covered and "Only registered lab members" in alone.answer, alone.answer


IMU_BOARD = b"""# Vantor IMU board

## Electrical

| Property | Value |
|---|---|
| Supply voltage | 3.3 V |
| Supply current, all outputs enabled | 45 mA |
| Sleep current | 9 \xc2\xb5A |

## Mounting

Fix the board with two M2 screws on the frame's centre line.
"""


@pytest.fixture(scope="module")
def imu_board(tmp_path_factory):
    yield from _answering(tmp_path_factory, "imu-board.md", IMU_BOARD)


@pytest.mark.parametrize(
    "question",
    [
        "how much current does the vantor imu draw with everything on",
        "how much current does the imu draw with everything turned on",
    ],
)
def test_a_value_lacking_only_words_that_add_little_answers_a_question_asking_for_it(imu_board, question):
    """The IMU table's row holds "current" and, with its heading, "imu", not the question's "draw" or "everything":
    the question without them means nearly what it meant, and the row states the current asked for."""
    done = imu_board.answer(Question(question))
    assert done.covered, done.answer
    assert "45 mA" in done.sentences[0].shown, done.answer


@pytest.mark.parametrize(
    "question", ["how much current does the vantor gps draw", "how much current does the imu draw while charging"]
)
def test_a_value_of_another_thing_or_state_does_not_answer_a_question_asking_for_it(imu_board, question):
    """The GPS is another thing, charging another state: what the rows lack is much of what is asked."""
    assert not imu_board.answer(Question(question)).covered


COURSE_HOME = b"""# HY238 Marine Robotics: course home

## Where we meet

All lectures and labs of HY238 are in Ludgrove Marine Hall. Lectures are in room LM-104 on Mondays at 10:00; labs
are in the tank hall, LM-011.

Ludgrove Marine Hall opens at 07:30 on weekdays and is closed at weekends.

## Getting here

Ludgrove Marine Hall is on the harbour campus at Quayside Road 14, next to the ferry pier. Bus line 27 stops at
Ludgrove Quay, two minutes' walk away.

The tank hall is on the ground floor at the back of the building; use the side door with the blue railing.
"""


@pytest.fixture(scope="module")
def course_home(tmp_path_factory):
    """The answerer quoting from a course's home page, on the packaged embedder."""
    yield from _answering(tmp_path_factory, "hy238.md", COURSE_HOME)


def test_the_sentence_deciding_the_material_answers_is_quoted(course_home):
    """The bus line decides the page answers "which bus goes to ludgrove marine hall", and ranks below the hall's
    address and opening hours: it was not quoted, and the answer named no bus."""
    done = course_home.answer(Question("which bus goes to ludgrove marine hall"))
    assert done.covered, done.answer
    assert "Bus line 27 stops at Ludgrove Quay" in " ".join(done.answer.split())
    # quoted with the address it follows on the page, as one quote
    first = " ".join(done.sentences[0].text.split())
    assert first.startswith("Ludgrove Marine Hall is on") and "Bus line 27" in first, done.answer


@pytest.mark.parametrize(
    "question",
    ["where can i park my car at ludgrove marine hall", "where's the nearest defibrillator to the tank hall?"],
)
def test_the_place_of_another_thing_does_not_answer_where_something_is(course_home, question):
    """The hall's address was quoted for where to park at it, and the tank hall's door for its defibrillator."""
    done = course_home.answer(Question(question))
    assert not done.covered, done.answer


@pytest.mark.parametrize(
    "question, place", [("where is ludgrove marine hall", "Quayside Road 14"), ("where do i go for the labs", "LM-011")]
)
def test_where_something_is_is_still_answered(course_home, question, place):
    done = course_home.answer(Question(question))
    assert done.covered and place in done.answer, done.answer


FIELD_HANDBOOK = b"""# Sensing buoy: field handbook

## Waking the buoy

The buoy sleeps in the store to save its battery. To wake it, hold the red magnet key against the white dot on the
side of the logger box for three seconds; the green lamp flashes twice when it is awake.

Keep the magnet key away from the logger box in the store, or you may wake the buoy by accident.

## Calibrating the conductivity probe

Connect the CV-3 to the bench laptop and open Calvorne Link. Pour the 12.88 mS/cm standard into a clean beaker, deep
enough to cover the holes of the cell.

## Recovering the buoy

One of you hooks the pick-up line with the boathook and passes it forward to the bow; two of you lift the buoy
aboard by its handles.

If the pick-up line has snapped, do not lean out of the boat: radio the harbour launch on channel 12 and wait for it.
"""


@pytest.fixture(scope="module")
def field_handbook(tmp_path_factory):
    """The answerer quoting from the buoy's field handbook, on the packaged embedder."""
    yield from _answering(tmp_path_factory, "field-handbook.md", FIELD_HANDBOOK)


@pytest.mark.parametrize(
    "question, said",
    [
        ("how do we wake the buoy if we've lost the magnet key", None),
        ("how do I calibrate the CV-3 if the bench laptop isn't working", None),
        ("how do we get the buoy back if the pick-up line has snapped", "radio the harbour launch"),
        ("how do we wake the buoy", "magnet key against the white dot"),
        ("how do I calibrate the CV-3", "12.88 mS/cm"),
    ],
)
def test_the_usual_way_does_not_answer_what_to_do_after_a_mishap(field_handbook, question, said):
    """The magnet key's use was quoted for waking the buoy without it, the laptop's for calibrating without it; what
    to do after a mishap the material names, and the usual way asked for, are answered."""
    done = field_handbook.answer(Question(question))
    assert done.covered == bool(said) and (said or "") in " ".join(done.answer.split()), done.answer


DATASHEET = b"""# Marivane ROVs and accessories: datasheet for KR739

KR739 uses two models of remotely operated vehicle (ROV) from Marivane Subsea: the MV-9, a six-thruster inspection
vehicle that each team is given for the term, and the smaller MV-4, kept as a spare.

## Spare parts

Spare thrusters are the Tethra TH-6, part number TH6-220, kept in the wet store. A thruster is swapped by the
technician only. Spare propellers and tether connectors are also stocked; ask the technician for them.
"""
STAFF = b"""
## Staff

The module is led by Dr Seraphine Dunsmere, who sets the project and marks the reports.
"""


@pytest.fixture(scope="module")
def datasheet(tmp_path_factory):
    """The answerer quoting from the ROVs' datasheet, which names no one in charge."""
    yield from _answering(tmp_path_factory, "datasheet.md", DATASHEET)


@pytest.fixture(scope="module")
def staffed(tmp_path_factory):
    """The answerer quoting from the ROVs' datasheet with the module's staff."""
    yield from _answering(tmp_path_factory, "staffed.md", DATASHEET + STAFF)


def test_someone_doing_another_thing_is_not_who_is_in_charge(datasheet, staffed):
    """ "who is in charge of kr739?" was answered by the technician who swaps thrusters."""
    refused = datasheet.answer(Question("who is in charge of kr739?"))
    assert not refused.covered, refused.answer
    done = datasheet.answer(Question("who swaps a thruster?"))
    assert done.covered and "technician" in done.answer, done.answer
    led = staffed.answer(Question("who is in charge of kr739?"))
    assert led.covered and "Seraphine Dunsmere" in led.answer, led.answer


BAY = b"""# Welding bay W-02: settings and rules

## Settings for the MIG welders

| Setting | Value |
| --- | --- |
| Shielding gas flow for mild steel (l/min) | 12-14 |
| Wire feed speed for 0.8 mm wire (m/min) | 6 |

## The bay trolley

| Property | Value |
| --- | --- |
| Length x width | 1.20 m x 0.60 m |
| Mass, empty | 38 kg |

Keep the trolley's brakes on while you weld.
"""


@pytest.fixture(scope="module")
def bay(tmp_path_factory):
    """The answerer quoting from the welding bay's settings, on the packaged embedder."""
    yield from _answering(tmp_path_factory, "welding-bay.md", BAY)


def test_a_table_row_labelled_with_the_questions_words_answers_its_kind_however_terse(bay):
    """fresh11-judged: "what argon flow do i set" was refused beside "Argon flow for steel and aluminium (l/min) |
    8-10": a row of the value asked for, its label naming what is asked, is far in meaning from any question; it
    lacked only what adds too little ("use"), but a typed question wanted a similarity of 0.5 all the same. A
    row lacking what is asked still answers nothing ("Length x width" for how far to stand from the trolley)."""
    done = bay.answer(Question("what wire speed do i use"))
    assert done.covered, done.answer
    assert "Wire feed speed for 0.8 mm wire (m/min) | 6" in done.answer
    refused = bay.answer(Question("how far away do i stand from the trolley while someone welds?"))
    assert not refused.covered, refused.answer
