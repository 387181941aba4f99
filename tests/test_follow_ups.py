"""Follow-ups on the deterministic fakes: searched with the question before them, judged on what they ask."""

import threading

import msgspec
import pytest

from appliance import services as services_module
from appliance.answer.chat import Ask
from appliance.answer.conversations import asked, focused, follows, searched, set_aside, standalone
from tests.chatscript import ScriptedAnswerer, quoted_answer
from tests.conftest import FakeModel

# A robotics lab handout's arm: three measures of one arm, each a follow-up away from the others.
ARM = (
    b"# The Wren-7 robot arm\n\n"
    b"Each bench has one Wren-7 robot arm.\n"
    b"The max payload of the arm is 3.2 kg.\n"
    b"It has six joints and a reach of 820 mm.\n"
    b"The arm has a weight of 14.5 kg, so at least two people lift it.\n\n"
    b"# Booking\n\n"
    b"Benches are booked through the Kestrel booking portal up to 7 days in advance.\n"
)
PAYLOAD = "What is the max payload of the Wren-7?"


@pytest.fixture(params=["extractive", "grounded"])
def lab(request, settings, fakes):
    """The chat service on the fakes in one answer mode, the handout ingested, and a student of its course."""
    built = services_module.build(msgspec.structs.replace(settings, answer_mode=request.param), **fakes)
    built.ingestor.ingest(ARM, "handout.md")
    student = built.accounts.add("student1", "correct horse battery", "student")
    built.courses.add_member(1, student)
    yield built, student
    built.close()


def conversation(lab, *questions: str) -> list:
    """Each question asked in turn in one conversation; the answers as shown."""
    built, student = lab
    answers, talk = [], None
    for question in questions:
        events = list(built.chat.start(student, Ask(question, conversation_id=talk))(threading.Event()))
        answers.append(events[-1][1])
        talk = answers[-1].conversation_id
    return answers


def _first_quote(done) -> str:
    return next(s.shown for s in done.sentences if s.shown)


PEOPLE = (
    b"# Arm swaps\n\n"
    b"Swapping arms between two teams is decided by Dr Ilse Ostergaard, the course leader.\n\n"
    b"# Contacts\n\n"
    b"Dr Ilse Ostergaard answers email at ilse.ostergaard@hx.example within two working days.\n"
    b"The store is run by Tomas Reyes, who answers the phone on extension 4471.\n"
)


def test_her_after_a_who_question_is_the_person_its_answer_named(lab):
    """ "how do I contact her?" after "Who decides if two teams can swap arms?" was searched and judged with the
    swap question's words, and the contact line, which names only the person, was refused."""
    lab[0].ingestor.ingest(PEOPLE, "people.md")
    who, contact = conversation(lab, "Who decides if two teams can swap arms?", "how do I contact her?")
    assert "Ostergaard" in _first_quote(who)
    assert contact.covered is True
    assert "ilse.ostergaard@hx.example" in _first_quote(contact)


def test_a_person_named_by_an_answer_is_not_what_it_refers_to_unless_asked_who(lab):
    built = lab[0]
    built.ingestor.ingest(PEOPLE, "people.md")
    _, after = conversation(lab, "How is swapping arms between two teams decided?", "how do I contact her?")
    asked = built.database.interactions(after.conversation_id)[-1]["search_query"]
    assert asked.startswith("How is swapping arms between two teams decided?")


TWO_ARMS = (
    b"# The arms\n\n"
    b"The Tarn-8 is the new arm, on benches 1 to 4.\n"
    b"The Tarn-8 has six joints and uses the tarn_driver package.\n\n"
    b"# The old arm\n\n"
    b"The Tarn-5 is the old arm, on benches 5 and 6.\n"
    b"The Tarn-5 has five joints and uses the tarn_legacy package.\n"
)


def test_the_other_one_is_the_question_before_asked_of_a_thing_it_did_not_name(lab):
    """ "and the other arm?" after "How many joints does the Tarn-8 have?" was searched and judged with the Tarn-8,
    and answered with the Tarn-8's six joints."""
    lab[0].ingestor.ingest(TWO_ARMS, "arms.md")
    _, other = conversation(lab, "How many joints does the Tarn-8 have?", "and the other arm?")
    assert other.covered is True
    assert "five joints" in _first_quote(other)
    assert not any("Tarn-8" in s.shown for s in other.sentences if s.shown)


def test_the_other_one_sets_the_names_before_aside_and_keeps_what_was_asked():
    earlier = ["Which driver does the Tarn-8 use?"]
    assert set_aside("and the other arm?", earlier) == ["Tarn-8"]
    assert standalone("and the other arm?", earlier) == "Which driver does the use? and the other arm?"
    assert focused("and the other arm?", earlier).split()[-2:] == ["driver", "use"]
    # a name of its own, or no "other", sets nothing aside
    assert set_aside("and the other Tarn-5 arm?", earlier) == set_aside("and its weight?", earlier) == []


def test_a_follow_up_asking_another_measure_is_answered_by_its_sentence(lab):
    """ "and its reach?" after the payload was searched with the payload question, and once was judged by it too."""
    _, reach = conversation(lab, PAYLOAD, "and its reach?")
    assert reach.covered is True
    assert "820 mm" in _first_quote(reach)


def test_a_follow_up_asking_the_weight_is_answered_by_the_weight_not_the_payload(lab):
    """The payload in kilograms is the mass the previous question asked for; the weight is the one this asks, and
    the previous question's "max" does not make the weight sentence's "at least two people" a wrong bound."""
    answers = conversation(lab, PAYLOAD, "and its reach?", "and what about its weight?")
    assert "14.5 kg" in _first_quote(answers[-1])
    assert "3.2 kg" not in _first_quote(answers[-1])


def test_a_follow_up_of_a_refused_question_is_answered_when_the_material_answers_it(lab):
    """A temperature the handout never gives is refused; asking for the weight next does not ask for it again."""
    refused, weight = conversation(lab, "What is the operating temperature of the Wren-7?", "and its weight?")
    assert refused.covered is False
    assert weight.covered is True
    assert "14.5 kg" in _first_quote(weight)


def test_a_question_that_stands_alone_is_judged_on_its_own_words(settings, fakes):
    built = services_module.build(settings, **fakes)
    built.chat.answerer = scripted = ScriptedAnswerer(quoted_answer())
    student = built.accounts.add("student1", "correct horse battery", "student")
    built.courses.add_member(1, student)
    try:
        first = built.chat.start(student, Ask(PAYLOAD))(threading.Event())
        conversation = list(first)[-1][1].conversation_id
        alone = "What is the reach of the Wren-7 robot arm?"
        list(built.chat.start(student, Ask(alone, conversation_id=conversation))(threading.Event()))
        list(built.chat.start(student, Ask("and its weight?", conversation_id=conversation))(threading.Event()))
        list(built.chat.ask(Ask(alone)))  # the CLI's question
    finally:
        built.close()
    asked = [(q.text, q.search_query, q.focus) for q in scripted.questions]
    assert asked == [
        (PAYLOAD, PAYLOAD, PAYLOAD),
        (alone, alone, alone),
        ("and its weight?", f"{alone} and its weight?", "and its weight? Wren-7 robot arm"),
        (alone, alone, alone),
    ]


def test_a_question_about_a_selection_refers_to_it_not_to_the_question_before(settings, fakes):
    """ "How often does it measure?" asked of a selected passage: its "it" is the selection, so the question before
    neither joins its search nor its judging, and the teacher's lists count it as asked."""
    built = services_module.build(settings, **fakes)
    built.chat.answerer = scripted = ScriptedAnswerer(quoted_answer())
    student = built.accounts.add("student1", "correct horse battery", "student")
    built.courses.add_member(1, student)
    selection = "The Quorra probe reads soil moisture every 90 seconds."
    try:
        first = built.chat.start(student, Ask(PAYLOAD))(threading.Event())
        conversation = list(first)[-1][1].conversation_id
        about = Ask("How often does it measure?", conversation_id=conversation, selected_text=selection)
        list(built.chat.start(student, about)(threading.Event()))
        listed = built.database.course_activity(1)[1]
    finally:
        built.close()
    asked = scripted.questions[-1]
    assert (asked.text, asked.search_query, asked.focus, asked.selected_text) == (
        "How often does it measure?",
        "How often does it measure?",
        "How often does it measure?",
        selection,
    )
    assert "How often does it measure?" in [row[0] for row in listed]


@pytest.mark.parametrize(
    ("question", "before", "judged"),
    [
        # a measure of its own: the subject's name, not the measure asked before it, nor its "max"
        ("and its reach?", PAYLOAD, "and its reach? Wren-7"),
        ("and what about its weight?", f"{PAYLOAD} and its reach?", "and what about its weight? Wren-7"),
        # the words naming the measure before its "of" are the measure's: "operating" is no subject
        ("and its weight?", "What is the operating temperature of the Wren-7?", "and its weight? Wren-7"),
        # a long question naming its subject: the name and the words running on from it, not the rest of its words
        (
            "and how heavy is it?",
            "I am new to the course and we use a rover called the Kestrel-9 in the labs, who made it?",
            "and how heavy is it? Kestrel-9",
        ),
        ("and its weight?", "Can you describe the Wren-7 robot arm for me?", "and its weight? Wren-7 robot arm"),
        # and the subject a preposition joins to its name (fresh17-tune: "extension" was dropped)
        (
            "where do I send it?",
            "How do I ask for an extension on HX429 work?",
            "where do I send it? extension HX429 work",
        ),
        # no name before: the subject's own words
        ("how long does that take?", "How do I charge the battery?", "how long does that take? charge battery"),
        # a subject of its own: the measure asked before
        ("and the Wren-9?", PAYLOAD, "and the Wren-9? payload"),
        # a subject of its own in a word, not a name: the name before (which names none), not the subject before
        ("and the washers?", "How many M3 nuts are there?", "and the washers? M3"),
        # neither: what the question before was about; "the other one" not its name, as another thing is meant
        ("and the other one?", PAYLOAD, "and the other one? max payload"),
        ("and that one?", PAYLOAD, "and that one? payload Wren-7"),
        ("why?", "Should I wear goggles when soldering?", "why? wear goggles soldering"),
        # no follow-up, or nothing before it: itself
        ("What is the reach of the Wren-7?", PAYLOAD, "What is the reach of the Wren-7?"),
        ("and its reach?", None, "and its reach?"),
    ],
)
def test_a_follow_up_is_judged_on_its_own_words_and_what_it_refers_to(question, before, judged):
    assert focused(question, searched([before]) if before else []) == judged


def test_a_follow_ups_generated_sentence_is_verified_against_what_it_asks(settings, fakes):
    """ "and the Wren-9?" after the payload asks the Wren-9's payload: a true sentence giving its weight answers
    nothing asked, so it is not shown as the answer; the payload's sentence is quoted instead."""
    arms = b"# Arms\n\nThe max payload of the Wren-7 is 3.2 kg.\nThe Wren-9 weighs 21 kg.\n"
    arms += b"The max payload of the Wren-9 is 6 kg.\n"
    fakes["model"] = FakeModel(script="The Wren-9 weighs 21 kg [1].")
    built = services_module.build(msgspec.structs.replace(settings, answer_mode="grounded"), **fakes)
    built.ingestor.ingest(arms, "arms.md")
    student = built.accounts.add("student1", "correct horse battery", "student")
    built.courses.add_member(1, student)
    try:
        _, other = conversation((built, student), PAYLOAD, "and the Wren-9?")
    finally:
        built.close()
    assert not any(s.status == "supported" and "21 kg" in s.text for s in other.sentences)
    assert "6 kg" in " ".join(s.shown for s in other.sentences)


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        # going on from the question before, with no subject of its own besides a name
        ("and its reach?", True),
        ("What about the Wren-9?", True),
        ("and the other one?", True),
        ("and its wavelength range?", True),
        ("and what comes after that?", True),
        ("What is her extension?", True),
        # pointing back before naming anything
        ("How much does it cost?", True),
        ("What voltage does its charger need?", True),
        ("how long does that take?", True),
        # asked of "it", whatever it asks before the pronoun (a fresh17 tuning question)
        ("what air pressure does it run on?", True),
        ("which operating system does it need?", True),
        # too short to stand alone
        ("why?", True),
        ("Weight?", True),
        # a subject of its own, whatever comes after it: these were searched and judged with the Wren-7's payload
        ("What is the late penalty if I hand it in two days late?", False),
        ("Does the Wren-7 need calibration before I use it?", False),
        ("Is the lab open on Saturday and who do I ask about it?", False),
        ("And what is the deadline for the final report?", False),
        ("Lab opening hours?", False),
        ("how long does the battery last when it is cold?", False),
        ("Where is the lab held?", False),
    ],
)
def test_a_question_naming_its_own_subject_stands_alone_in_a_conversation(question, follow_up):
    assert follows(question, [PAYLOAD]) is follow_up
    assert follows(question, []) is False


@pytest.mark.parametrize(
    ("message", "question", "said"),
    [
        # a story, then the question: judged on the question, the story the turn it follows
        (
            "I have a bad back. How heavy is the Wren-7?",
            "How heavy is the Wren-7?",
            ["I have a bad back."],
        ),
        (
            "Dr. Quarrow sent me here. Tell me when the lab opens",
            "Tell me when the lab opens",
            ["Quarrow"],
        ),
        # a long sentence's last clause asking, after a story of its own
        (
            "I have been reading the handbook for our lab very carefully and I am confused about several things, "
            "so, in the end, where are the spare grippers for the Heron-4 kept?",
            "where are the spare grippers for the Heron-4 kept?",
            [
                "I have been reading the handbook for our lab very carefully and I am confused about several things, "
                "so, in the end"
            ],
        ),
        ("Can you tell me, please, where the lab is?", "Can you tell me, please, where the lab is?", []),
        # a story naming nothing: all of it
        (
            "I missed the lab because I was ill. What do I do now?",
            "What do I do now?",
            ["I missed the lab because I was ill."],
        ),
        # a story typed in lower case, then the question
        (
            "we broke a propeller yesterday during the test. who do we tell?",
            "who do we tell?",
            ["we broke a propeller yesterday during the test."],
        ),
        # a subject told in a clause before a question naming none
        (
            "we crashed into the barrier and now it's cracked, who do we tell?",
            "who do we tell?",
            ["we crashed into the barrier and now it's cracked"],
        ),
        # a story naming a thing, before a question naming and pointing at nothing: all of it (fresh17-tune)
        (
            "I'm stuck installing the V5 driver, who can help?",
            "who can help?",
            ["I'm stuck installing the V5 driver"],
        ),
        # one sentence, several questions, or a story with nothing asked last: all one question
        ("How heavy is the Wren-7?", "How heavy is the Wren-7?", []),
        ("Is the lab open? Where is it?", "Is the lab open? Where is it?", []),
        ("How heavy is the Wren-7? I have a bad back.", "How heavy is the Wren-7? I have a bad back.", []),
        ("The Wren-7 weighs 14.5 kg. That is heavy.", "The Wren-7 weighs 14.5 kg. That is heavy.", []),
        # a decimal's point or a title's full stop parts nothing
        ("What is the 3.2 kg payload of Dr. Quarrow's arm?", "What is the 3.2 kg payload of Dr. Quarrow's arm?", []),
    ],
)
def test_a_message_is_asked_in_its_last_sentence_after_a_story(message, question, said):
    assert asked(message) == (question, said)


def test_a_question_after_a_story_is_searched_with_the_subject_the_story_names(lab):
    """ "How far can it reach?" after "We were given the Wren-7." is the Wren-7's reach, as a follow-up would be."""
    built, _ = lab
    (done,) = conversation(lab, "Our group was given the Wren-7 for the demo on Friday. How far can it reach?")
    (row,) = built.database.interactions(done.conversation_id)
    assert row["question"].startswith("Our group was given")
    assert row["search_query"] == "Wren-7 How far can it reach?"
    assert done.covered is True
    assert "820 mm" in _first_quote(done)


STORY = "i lost my water bottle in the lab yesterday."


def test_a_question_after_a_story_in_the_same_message_asks_of_the_story_when_it_names_nothing():
    """ "where should i look?" after the story of a lost bottle asks where the bottle is, and "do we still have to
    report it?" after one naming the Q4 asks of the Q4; a question naming its own subject stands alone. Between two
    questions of a conversation the four words of "where should i look?" would stand alone."""
    assert follows("where should i look?", [STORY], told=True)
    assert not follows("where should i look?", [STORY])
    assert focused("where should i look?", [STORY], told=True).split()[-3:] == ["water", "bottle", "lab"]
    assert follows("do we still have to report it?", ["q4"], told=True)
    assert not follows("How heavy is the Wren-7?", ["I have a bad back."], told=True)


def test_a_question_after_a_story_asks_of_all_the_story_says_not_only_of_its_name():
    """ "what do i do" after "mill stopped and says E-07" asks of the mill stopping with that alarm, not of "says
    E-07" alone (a follow-up naming the Wren-7 is about the words around its name); "how do i submit" after "the
    portal crashed right before the deadline" asks of the deadline too, though "submit" is a property of its own."""
    assert focused("what do i do", ["mill stopped and says E-07"], told=True).split()[-4:] == [
        "mill",
        "stopped",
        "says",
        "E-07",
    ]
    portal = focused("how do i submit", ["the portal crashed right before the deadline"], told=True)
    assert {"portal", "crashed", "deadline"} <= set(portal.split())


SAFETY = (
    b"# Lab safety\n\nA dropped robot arm often has a loose joint and a cracked cover after the demo.\n"
    b"If a robot arm is dropped, tell the lab technician, Mr. Halloran, before the next session.\n"
)


def test_a_story_typed_in_lower_case_is_the_turn_its_question_follows(lab):
    """A student's "we dropped the robot arm during the demo, now a joint is loose. who do we tell?" asks for a
    person: judged on "who do we tell?" with the story's words, it is answered by the technician's sentence."""
    lab[0].ingestor.ingest(SAFETY, "safety.md")
    (done,) = conversation(lab, "we dropped the robot arm during the demo and now a joint is loose. who do we tell?")
    (row,) = lab[0].database.interactions(done.conversation_id)
    assert row["search_query"].endswith("who do we tell?") and "dropped" in row["search_query"]
    assert done.covered is True
    assert "Halloran" in _first_quote(done)


# A syllabus's grading table: each component's weight, a follow-up away from the others.
SYLLABUS = (
    b"# Syllabus\n\n## Grading\n\n| Component | Weight |\n|---|---|\n| Lab reports | 25% |\n| Robot project | 35% |\n"
    b"| Written exam | 30% |\n\n## Schedule\n\nThe robot competition is held in week 13 in the sports hall.\n"
)


def test_a_follow_up_naming_a_subject_and_asking_nothing_asks_what_was_asked_before(lab):
    """The thirteenth walkthrough: "and the robot project?" after the written exam's weight stood alone, and was
    answered by the robot competition's week, not the project's weight."""
    lab[0].ingestor.ingest(SYLLABUS, "syllabus.md")
    assert follows("and the robot project?", ["What weight does the written exam have?"])
    assert not follows("and who marks the robot project?", ["What weight does the written exam have?"])
    assert "weight" in focused("and the robot project?", ["What weight does the written exam have?"]).split()
    _, project = conversation(lab, "What weight does the written exam have?", "and the robot project?")
    assert project.covered is True
    assert "Robot project | 35%" in _first_quote(project)


def test_then_ending_a_question_points_at_the_time_the_question_before_named():
    """fresh17-tune: "is the store open then?" after "Is there a lab session in reading week?" was searched and
    judged without reading week, and answered with the store's usual hours; a "then" meaning "in that case" after a
    question naming no time carries nothing, and a follow-up keeps the time with the rest of the question before."""
    week = ["Is there a lab session in reading week?"]
    assert standalone("is the store open then?", week) == "is the store open then? reading week"
    assert focused("is the store open then?", week) == "is the store open then? reading week"
    assert standalone("who is on duty then?", ["Is the lab open on Saturday mornings?"]).endswith("Saturday mornings")
    borrow = ["Can I borrow the Veskar V5 arm?"]
    question = "can I take a depth camera home over the weekend then?"
    assert standalone(question, borrow) == question == focused(question, borrow)
    assert focused("is the store open?", week) == "is the store open?"
    # the modal "May" names no month; a day of May does
    assert focused("do I need a deposit then?", ["May I borrow a depth camera?"]) == "do I need a deposit then?"
    assert standalone("is the store open then?", ["Is there a lab on 3 May?"]).endswith("then? 3 May")
