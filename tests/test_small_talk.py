"""Small talk: messages of greetings, thanks, goodbyes or "ok" alone, told apart from questions."""

import pytest

from appliance.answer.small_talk import REPLIES, reply, without


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi", "greeting"),
        ("Hiii!!", "greeting"),
        ("hey ragbot :)", "greeting"),
        ("Good morning!", "greeting"),
        ("How are you?", "greeting"),
        ("I have a question", "greeting"),
        ("what can you do?", "greeting"),
        ("Bonjour", "greeting"),
        ("thanks!", "thanks"),
        ("Thank you so much \U0001f64f", "thanks"),
        ("ok thanks", "thanks"),
        ("thanks, bye", "thanks"),
        ("Merci beaucoup", "thanks"),
        ("bye", "goodbye"),
        ("See you tomorrow!", "goodbye"),
        ("Good night", "goodbye"),
        ("ok", "ok"),
        ("Got it.", "ok"),
        ("cool", "ok"),
    ],
)
def test_small_talk_alone_gets_its_kinds_reply(message, kind):
    assert reply(message) == REPLIES[kind]


@pytest.mark.parametrize(
    "message",
    [
        "Hi, what is a lidar?",
        "thanks, but what about the M3 bolts?",
        "help me charge the rover",
        "What is good torque for an M3 bolt?",
        "ok so how heavy is it?",
        "and",
        "please",
        "the",
        "Hola, ¿qué es un lidar?",
        "",
        "!!!",
    ],
)
def test_a_question_or_anything_else_is_no_small_talk(message):
    assert reply(message) is None


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("Hi, how heavy is the P-9 pump?", "how heavy is the P-9 pump?"),
        ("Hi there, quick question: when is the lab open?", "when is the lab open?"),
        ("hey ragbot, when is the lab open? thanks!", "when is the lab open?"),
        ("Thanks! And how heavy is it?", "And how heavy is it?"),
        ("hi what is a lidar", "what is a lidar"),
        ("Good morning, where is the lab?", "where is the lab?"),
        # no small talk: a question's own words, whatever they open with
        ("Who are you supposed to ask for the key?", "Who are you supposed to ask for the key?"),
        ("Good practice for soldering?", "Good practice for soldering?"),
        ("Help me understand PID tuning, please.", "Help me understand PID tuning"),
        ("How heavy is the 2.5 kg version, ok?", "How heavy is the 2.5 kg version"),
        # a question's polite wrapping: its "know", "wonder" and "idea" are no terms of it
        ("Can you tell me how heavy the Kestrel-9 is?", "how heavy the Kestrel-9 is?"),
        ("Do you know who the lab technician is?", "who the lab technician is?"),
        ("I was wondering what the top speed of the Kestrel-9 is", "what the top speed of the Kestrel-9 is"),
        ("any idea how heavy the kestrel-9 is?", "how heavy the kestrel-9 is?"),
        ("whats the top speed of the kestrel 9 btw", "whats the top speed of the kestrel 9"),
        ("sorry to bother, but where do i hand in the form? thanks", "where do i hand in the form?"),
        ("Excuse me, where is room B-114?", "where is room B-114?"),
        ("i wanted to ask how many labs i can miss", "how many labs i can miss"),
        ("Please explain how to charge the battery", "Please explain how to charge the battery"),
        ("Do you know?", "Do you know?"),
        # small talk alone is kept whole (and answered as such), and so is a question with none, as typed (the
        # answer cache takes only a question searched as typed)
        ("Hi!", "Hi!"),
        ("  how STRONG is the zorblax-7 gripper ", "  how STRONG is the zorblax-7 gripper "),
    ],
)
def test_the_small_talk_around_a_question_is_left_out_of_what_it_asks(message, asked):
    """ "Hi, how heavy is the P-9 pump?" was judged on "hi" as well, a word no sentence of the material has: refused."""
    assert without(message) == asked
