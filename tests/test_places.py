"""Where in the material: which questions ask on which slide or page something is said, and how a place reads."""

import pytest

from appliance.answer.places import asked_where, place
from appliance.search.shapes import Passage


@pytest.mark.parametrize(
    "question, subject",
    [
        ("which slide is the teach pendant on?", "the teach pendant"),
        ("On what page does it say how long the homing takes?", "how long the homing takes"),
        ("which slide has the DH parameters?", "the DH parameters"),
        ("what page of the motor driver notes gives the current limit?", "the motor driver the current limit"),
        ("where can I read about the e-stop?", "the e-stop"),
        ("where do the notes mention the deadline", "the deadline"),
        ("where in the slides does it say when quiz 1 is?", "when quiz 1 is"),
        ("where can i read about the course rules", "the course rules"),
        # pointing back at the answer before
        ("what slide is that on?", ""),
        ("which page is it on, then?", ""),
        ("where does it say that?", ""),
        ("where did you get that?", ""),
        ("where is that written?", ""),
        ("where is that on the slides?", ""),
        ("what's the source?", ""),
        ("which page?", ""),
    ],
)
def test_a_question_asking_where_the_material_says_something_gives_what_it_asks_about(question, subject):
    assert asked_where(question) == subject


@pytest.mark.parametrize(
    "question",
    [
        "where can I find the first aid kit?",  # a place in the lab, which the material may name
        "where is the lab?",
        "which lecture covers homing?",  # the material says which lecture covers what: a fact, not a place
        "how fast can I jog the arm?",
        "what is on the last page of the lab report?",
        "which file format is the thrust data saved in?",  # a file, document or sheet asked for is no place
        "what files do i need to send for a pcb order",
        "which sheet do I fill in?",
        "what pages do I need to read for the quiz?",  # asked of the student, not of the page
    ],
)
def test_other_questions_ask_no_place_in_the_material(question):
    assert asked_where(question) is None


def _passage(page: int | None, label: str | None, heading: str, filename: str) -> Passage:
    return Passage("c", "d", filename, page, label, heading, "text", 0, 4, 1.0, 0.9)


@pytest.mark.parametrize(
    "passage, said",
    [
        (_passage(8, "slide 8", "Teach pendant > Speaker notes", "arm.pptx"), "slide 8 (“Teach pendant”) of arm.pptx"),
        (_passage(3, None, "MDB-2 Motor Driver", "driver.pdf"), "page 3 of driver.pdf"),
        (_passage(5, "iv", "Preface", "book.pdf"), "page iv of book.pdf"),
        (_passage(None, None, "Basics > 4. Kinematics > Inverse", "basics.md"), "the section “Inverse” of basics.md"),
        (_passage(None, None, "", "notes.txt"), "notes.txt"),
    ],
)
def test_a_place_reads_as_a_student_finds_it(passage, said):
    assert place(passage) == said
