"""The in-memory keyword index gives SQLite FTS5's own bm25() ranking, and follows the chunks as they change."""

import threading
import time

import msgspec
import pytest

from appliance.search.retriever import Retriever
from appliance.store.keywords import KeywordIndex, fts_tokens

DOCUMENTS = {
    "servo.md": "# Servo calibration\n\nCentre the horn, then trim the pulse width of the servo.\n",
    "build.md": "# Building\n\nSet the build type to ament_cmake in package.xml; colcon builds it.\n",
    "apart.md": "# Ament and CMake\n\nAment tools wrap CMake: cmake runs, then ament installs. Controllers too.\n",
    "cafe.txt": "Le café du robot: the controller pauses for coffee every hour, servo parked.\n",
    "long.txt": "A servo. " + "Nothing about the subject here, only filler words for length. " * 20,
}
QUERIES = ["servo", "ament_cmake", "CMake controllers", "cafe coffee", "the of", "horn pulse servo package"]


def wait_for(index: KeywordIndex) -> None:
    """Until the background rebuild (which a search starts when the chunks changed) has caught up."""
    for _ in range(200):
        if index._current() is not None:
            return
        time.sleep(0.02)
    raise AssertionError("the keyword index was not rebuilt")


@pytest.fixture
def library(services):
    other = services.database.add_course({"name": "other", "join_code": "OTHER1", "version": 0}, None)
    for n, (name, text) in enumerate(DOCUMENTS.items()):
        services.ingestor.ingest(text.encode(), name, course_id=other if n == 4 else 1)
    index = KeywordIndex(services.database)
    wait_for(index)
    return services, index, other


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("heading_weight", [0.0, 1.0, 3.0])
def test_memory_scores_are_fts5_scores(library, query, heading_weight):
    services, index, other = library
    for courses in (None, [1], [other], []):
        for expansion in ((), ["cmake", "horn", "coffee"]):
            sqlite = services.database.keyword_search(query, 10, courses, expansion, heading_weight)
            memory = index.keyword_search(query, 10, courses, expansion, heading_weight)
            assert [cid for cid, _ in memory] == [cid for cid, _ in sqlite]
            assert [score for _, score in memory] == pytest.approx([score for _, score in sqlite], rel=1e-9)


def test_a_split_word_matches_as_a_phrase(library):
    services, index, _ = library
    found = index.keyword_search("ament_cmake", 10)
    # apart.md has both words, never one after the other: FTS5 does not match it, nor does the copy.
    assert [services.database.chunks([cid])[cid]["filename"] for cid, _ in found] == ["build.md"]


def test_words_are_split_and_stemmed_as_fts5_does():
    assert fts_tokens(["ament_cmake", "Controllers", "café", "_"]) == [("ament", "cmake"), ("control",), ("cafe",), ()]


def test_words_tokenized_together_get_each_its_own_terms():
    words = ["zq_first_word", "_", "zqnodes", "zqrunning", "zq_first_word", "", "zqcafé_zqservo"]
    together = fts_tokens(words)  # none seen before: one pass through FTS5 for all of them
    assert together == [fts_tokens([word])[0] for word in words]
    first, cafe = ("zq", "first", "word"), ("zqcafe", "zqservo")
    assert together == [first, (), ("zqnode",), ("zqrun",), first, (), cafe]


def test_a_change_is_searched_at_once_and_copied_in_the_background(library):
    services, index, _ = library
    services.ingestor.ingest(b"Gigawatts for the flux capacitor.", "new.txt")
    found = index.keyword_search("gigawatts", 5)  # SQLite answers while the copy is rebuilt
    assert [services.database.chunks([cid])[cid]["filename"] for cid, _ in found] == ["new.txt"]
    wait_for(index)
    assert index.keyword_search("gigawatts", 5) == found
    services.database.delete_document(services.database.chunks([found[0][0]])[found[0][0]]["document_id"])
    wait_for(index)
    assert index.keyword_search("gigawatts", 5) == []


def test_retriever_ranks_keywords_where_the_setting_says(services):
    keywords = services.retriever.keywords
    assert isinstance(keywords, KeywordIndex)
    sqlite = msgspec.structs.replace(services.settings, keyword_backend="sqlite")
    retriever = Retriever(sqlite, services.database, services.vectors, services.embedder)
    shared = Retriever(services.settings, services.database, services.vectors, services.embedder, keywords)
    assert retriever.keywords is services.database
    assert shared.keywords is keywords


def test_reads_from_threads_that_come_and_go_reuse_their_connections(services):
    """Worker threads exit when idle and new ones start: a connection per thread kept every one of them open."""
    for _ in range(20):  # one short-lived thread after another, as a server's idle workers come and go
        thread = threading.Thread(target=services.database.keyword_state)
        thread.start()
        thread.join()
    assert len(services.database._reader_connections) == 1
    both = [threading.Thread(target=services.database.keyword_state) for _ in range(8)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()
    assert len(services.database._reader_connections) <= 8  # at most as many as read at once


def test_a_phrase_is_looked_up_and_scored_once_per_index_and_ranks_as_computed_afresh(library, monkeypatch):
    from appliance.store import vector_index

    _, index, _ = library
    queries = [(q, e) for q in QUERIES for e in ((), ["cmake", "horn", "coffee"])]
    fresh = [index.keyword_search(q, 10, None, e, 3.0) for q, e in queries]  # every phrase computed here
    postings = index._current()
    computed = []
    looked_up, scored = vector_index.TermPostings._phrase, vector_index.TermPostings._scored

    def phrase(self, tokens):
        computed.append(tokens)
        return looked_up(self, tokens)

    def score(self, phrase, heading_weight):
        computed.append(heading_weight)
        return scored(self, phrase, heading_weight)

    monkeypatch.setattr(vector_index.TermPostings, "_phrase", phrase)
    monkeypatch.setattr(vector_index.TermPostings, "_scored", score)
    assert [index.keyword_search(q, 10, None, e, 3.0) for q, e in queries] == fresh
    assert computed == []  # all kept from the first round
    index.keyword_search("servo", 10, None, (), 1.0)
    assert len(computed) == 2  # another heading weight scores the phrase afresh
    computed.clear()
    monkeypatch.setattr(vector_index, "PHRASES_KEPT", 2)
    postings._phrases.clear()
    for terms in (("servo",), ("horn",), ("ament", "cmake")):
        postings.scored(terms, 3.0)
    assert list(postings._phrases) == [(("ament", "cmake"), 3.0)]  # past the bound, all forgotten at once
    assert index.keyword_search("ament_cmake", 10, None, (), 3.0) == fresh[QUERIES.index("ament_cmake") * 2]
