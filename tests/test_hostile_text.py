"""Pathological uploads parse in linear time: no regex may freeze the server (issue 14, finding 2)."""

import time

import pytest

from appliance.answer import evidence
from appliance.ingest import markup
from appliance.ingest.hyphenation import rejoin
from appliance.ingest.parse import parse

# Each input took seconds to minutes with the old patterns (cubic or quadratic backtracking); the
# linear ones take milliseconds, so a generous bound still separates the two on a busy machine.
FAST = 0.5

MARKDOWN = {
    "heading padded with spaces (cubic)": "# a" + " " * 2000 + "b",
    "unclosed HTML comments": "<!--" * 20000,
    "unclosed MDX comments": "{/*" * 20000,
    "image openers without a close": "![" * 20000,
    "links without a closing parenthesis": "[a](" * 20000,
    "front-matter title padded with spaces": "---\ntitle: a" + " " * 20000 + "b\n---\ntext",
}
RST = {
    "a run of colon-separated words": "a:" * 20000,
    "role text padded with spaces": ":a:`" + " " * 20000 + "x",
    "link text padded with spaces": "`" + " " * 40000 + "x",
}


def _seconds(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize("source", MARKDOWN.values(), ids=MARKDOWN.keys())
def test_markdown_parses_hostile_lines_in_linear_time(source):
    assert _seconds(markup.markdown, source) < FAST


@pytest.mark.parametrize("source", RST.values(), ids=RST.keys())
def test_rst_parses_hostile_lines_in_linear_time(source):
    assert _seconds(markup.rst, source) < FAST


def test_trailing_spaces_without_a_newline_tidy_in_linear_time():
    assert _seconds(parse, b"a" + b" " * 60000, "notes.txt") < FAST


@pytest.mark.parametrize("page", ["a" * 60000, "a" * 60000 + "-b"], ids=["one word", "a compound"])
def test_a_pdf_page_of_one_long_word_rejoins_in_linear_time(page):
    assert _seconds(rejoin, [page]) < FAST


QUESTIONS = {
    "a question of conditions alone (quadratic)": "if " * 1333,
    "conditions and words": "a if b " * 571,
    "where-questions of conditions": "where if " * 444,
}


@pytest.mark.parametrize("question", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_what_a_question_asks_is_read_in_linear_time(question):
    """A question as long as the chat takes (4000 characters): the mishap it supposed took over a second."""
    assert _seconds(evidence.things_asked, question, "") < FAST


def test_heading_keeps_a_hash_that_is_part_of_the_word():
    assert markup.markdown("# Learning C#\nNotes.")[2][0].heading == "Learning C#"


def test_heading_drops_its_closing_hashes():
    assert markup.markdown("## Sensors ##\nNotes.")[2][0].heading == "Sensors"


def test_front_matter_title_loses_its_quotes():
    assert markup.markdown("---\ntitle: 'Sensors 101'  \n---\ntext")[0] == "Sensors 101"


def test_comments_are_removed():
    assert markup.markdown("a <!-- hidden --> b {/* gone */} c")[1] == "a  b  c"


def test_an_unclosed_comment_is_kept_as_text():
    assert markup.markdown("a <!-- open")[1] == "a <!-- open"


def test_link_target_with_parentheses_is_removed():
    assert markup.markdown("see [Foo](https://w.org/Foo_(bar)) now")[1] == "see Foo now"


def test_rst_role_and_link_show_their_text():
    assert markup.rst("Run :py:func:`len <builtins.len>` per `guide <http://x>`_.")[1] == "Run len per guide."
