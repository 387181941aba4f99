"""Follow-ups through the chat service on the packaged embedder and Chroma: the walkthrough's robot arm questions.

Extractive answers: what is quoted is the evidence the answerer chose, with no model to word it otherwise.
"""

import pytest

from tests.realserver import quoting
from tests.test_follow_ups import conversation

pytestmark = pytest.mark.real

HANDOUT = b"""# Robotics Lab B12: Student Handout

## Opening hours

The Robotics Lab (room B12, Kestrel Building) is open Monday to Thursday from 09:30 to 18:00.

## The Wren-7 robot arm

Each bench has one Wren-7 robot arm.
The Wren-7 has a maximum payload of 3.2 kg.
It has six joints and a reach of 820 mm.
The arm itself weighs 14.5 kg and is bolted to the bench.
Its gripper is the Talon-2 parallel gripper, with a maximum opening of 85 mm.

## Booking

Benches are booked through the Kestrel booking portal up to 7 days in advance.
Each booking lasts at most 2 hours, and each student may hold at most 3 bookings per week.
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The services quoting from the handout, on the packaged embedder; a student of its course."""
    with quoting(str(tmp_path_factory.mktemp("follow-ups")), "robotics-lab-handout.md", HANDOUT) as built:
        student = built.accounts.add("student1", "correct horse battery", "student")
        built.courses.add_member(1, student)
        yield built, student


def test_each_follow_up_about_the_arm_quotes_the_measure_it_asks_for_first(lab):
    payload, reach, weight = conversation(
        lab, "What is the max payload of the Wren-7?", "and its reach?", "and what about its weight?"
    )
    assert "3.2 kg" in payload.sentences[0].shown
    assert "820 mm" in reach.sentences[0].shown
    assert "14.5 kg" in weight.sentences[0].shown and "3.2 kg" not in weight.sentences[0].shown


def test_a_follow_up_of_a_refused_question_is_answered_from_the_material(lab):
    refused, weight = conversation(lab, "What is the operating temperature of the Wren-7?", "and its weight?")
    assert refused.covered is False
    assert weight.covered is True
    assert "14.5 kg" in weight.sentences[0].shown


def test_a_question_after_a_story_is_judged_on_what_it_asks(lab):
    """A student often says why before asking: the sentence asking is what the material must answer, and "it" in
    it is the subject said before."""
    story, pointing = conversation(
        lab,
        "I have to carry the robot arm to another room for our project demo next week and I have a bad back. "
        "How heavy is the Wren-7?",
    ) + conversation(lab, "Our group was given the Wren-7 for the demo on Friday. How far can it reach?")
    # the walkthrough's pasted ramble: one sentence of some 2,300 characters, its question in the last clause
    ramble = "I have been reading the handbook for our robotics lab very carefully and I am confused, " * 25
    (rambling,) = conversation(lab, f"{ramble}so, in the end, how heavy is the Wren-7 arm?")
    assert story.covered is True
    assert "14.5 kg" in story.sentences[0].shown
    assert pointing.covered is True
    assert "820 mm" in pointing.sentences[0].shown
    assert rambling.covered is True
    assert "14.5 kg" in rambling.sentences[0].shown


def test_a_follow_up_after_a_long_question_naming_its_subject_is_answered(lab):
    """ "and how heavy is it?" after a long question about the arm was refused: judged on every word of the question
    before ("new", "course", "labs", "made"), no sentence covered enough of it."""
    _, weight = conversation(
        lab,
        "I am new to the course and our group will use a robot called the Wren-7 in the labs, can you tell me a bit "
        "about what it is and who looks after it?",
        "and how heavy is it?",
    )
    assert weight.covered is True
    assert "14.5 kg" in weight.sentences[0].shown


def test_a_question_opened_with_a_greeting_and_a_follow_up_opened_with_thanks_are_answered(lab):
    """ "Hi there, quick question: how heavy is the Wren-7?" and "Thanks! And its reach?" were refused: judged on
    "hi", "quick", "question" and "thank" too, words no sentence of the material has."""
    weight, reach = conversation(lab, "Hi there, quick question: how heavy is the Wren-7?", "Thanks! And its reach?")
    assert weight.covered is True and "14.5 kg" in weight.sentences[0].shown
    assert reach.covered is True and "820 mm" in reach.sentences[0].shown


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("any idea how heavy the Wren-7 is?", "14.5 kg"),
        ("I want to know when the lab opens", "09:30"),
        ("pls tell me the opening hours of the lab", "09:30"),
    ],
)
def test_a_question_in_polite_wrapping_is_answered(lab, question, fact):
    """Judged on "idea", "know" and "pls" as well, words no sentence of the material has, these were refused."""
    (answer,) = conversation(lab, question)
    assert answer.covered is True and fact in answer.sentences[0].shown
