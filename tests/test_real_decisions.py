"""Whether the material answers, decided on the packaged embedder: questions a handout of invented facts answers
in two neighbouring sentences, and a near-topic one it does not answer.

Extractive answers: what is quoted is the evidence the answerer chose, with no model to word it otherwise.
"""

import pytest

from appliance.answer.answerer import Question
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


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    """The answerer quoting from the handout, on the packaged embedder."""
    with quoting(str(tmp_path_factory.mktemp("decisions")), "harrowmere.md", HANDOUT) as built:
        yield built.answerer


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
