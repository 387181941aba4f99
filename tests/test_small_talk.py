"""Small talk: messages of greetings, thanks, goodbyes or "ok" alone, told apart from questions."""

import pytest

from appliance.answer.small_talk import REPLIES, reply


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
