"""The vector store's in-memory copy: exact search, course scoping, and staying in step with Chroma's files."""

import math
import random

import pytest

from appliance.store.vector_index import VectorIndex, cosine, rocchio, token_batch
from appliance.store.vectors import ChromaStore


def unit(values):
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values]


def brute_force(vectors: dict, query, k, courses=None):
    """The reference: cosine against every vector, plain Python."""
    scored = [
        (cid, sum(a * b for a, b in zip(unit(v), unit(query), strict=True)))
        for cid, (v, course) in vectors.items()
        if courses is None or course in courses
    ]
    return sorted(scored, key=lambda pair: -pair[1])[:k]


@pytest.fixture
def data():
    rng = random.Random(7)
    return {f"d:{n}": ([rng.gauss(0, 1) for _ in range(16)], n % 3) for n in range(200)}


def test_index_matches_a_brute_force_search_in_every_course_scope(data):
    index = VectorIndex(list(data), [v for v, _ in data.values()], [c for _, c in data.values()])
    query = [random.Random(1).gauss(0, 1) for _ in range(16)]
    for courses in (None, [0], [1, 2], [9], []):
        got = index.nearest(query, 10, courses)
        want = brute_force(data, query, 10, courses)
        assert [cid for cid, _ in got] == [cid for cid, _ in want]
        assert all(abs(a - b) < 1e-5 for (_, a), (_, b) in zip(got, want, strict=True))
    assert len(index.nearest(query, 500, [0])) == sum(1 for _, c in data.values() if c == 0)


def test_index_changes_are_new_indexes(data):
    index = VectorIndex(list(data), [v for v, _ in data.values()], [c for _, c in data.values()])
    moved = index.plus(["d:0", "new"], [[1.0] + [0.0] * 15, [0.0, 1.0] + [0.0] * 14], [5, 5])
    assert len(index) == 200
    assert len(moved) == 201
    assert [cid for cid, _ in moved.nearest([1.0] + [0.0] * 15, 2, [5])] == ["d:0", "new"]
    smaller = moved.without(["d:0", "unknown"])
    assert "d:0" not in smaller.vectors(["d:0", "new"])
    assert len(smaller) == 200
    assert index.vectors(["d:0"])["d:0"] == pytest.approx(unit(data["d:0"][0]), abs=1e-6)


def test_token_batch_pads_to_the_longest_row():
    batch = token_batch([[101, 7, 102], [101, 102]], pad=0)
    assert batch["input_ids"].tolist() == [[101, 7, 102], [101, 102, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]
    assert batch["token_type_ids"].tolist() == [[0, 0, 0], [0, 0, 0]]


def test_store_answers_from_its_copy_and_sees_another_writer(tmp_path, data):
    store = ChromaStore(tmp_path / "chroma")
    ids = list(data)
    store.add(ids, [v for v, _ in data.values()], [("doc", c) for _, c in data.values()])
    query = data["d:5"][0]
    got, want = store.query(query, 5, [2]), brute_force(data, query, 5, [2])
    assert [cid for cid, _ in got] == [cid for cid, _ in want]
    assert [score for _, score in got] == pytest.approx([score for _, score in want], abs=1e-5)
    store.delete(["d:5"])
    assert "d:5" not in dict(store.query(query, 5, None))
    assert store.vectors(["d:5", "d:6"]).keys() == {"d:6"}
    # Another writer (in production, `ragbot ingest` in another process) changes Chroma's files.
    other = ChromaStore(tmp_path / "chroma")
    other.add(["x:0"], [query], [("x", 9)])
    assert store.query(query, 1, [9])[0][0] == "x:0"
    other.delete(["x:0"])
    assert store.query(query, 1, [9]) == []
    assert store.query(query, 0) == []
    assert store.query(query, 3, []) == []


def test_a_store_is_at_hand_only_with_its_copy_loaded_current_and_no_write_under_way(tmp_path, data):
    """What lets the web app query it on its event loop: nothing a query does can wait."""
    store = ChromaStore(tmp_path / "chroma")
    try:
        ids = list(data)
        store.add(ids, [v for v, _ in data.values()], [("doc", c) for _, c in data.values()])
        assert not store.at_hand()  # nothing loaded yet: the first query reads Chroma
        query = data["d:5"][0]
        store.query(query, 1)
        assert store.at_hand()
        store.add(["y:0"], [query], [("y", 8)])  # this process's write patches the copy
        assert store.at_hand()
        with store._index_lock:  # as while one of this process's writes is under way
            assert not store.at_hand()
        other = ChromaStore(tmp_path / "chroma")
        other.add(["x:0"], [query], [("x", 9)])
        assert not store.at_hand()  # another writer changed the files: the next query reloads
        assert store.query(query, 1, [9])[0][0] == "x:0"
        assert store.at_hand()
    finally:
        store.close()


def test_an_empty_library_searches_to_nothing_and_fills_again(tmp_path):
    store = ChromaStore(tmp_path / "chroma")
    try:
        assert store.query(unit([1.0, 0.5, 0.0]), 5) == []
        assert store.vectors(["a:0"]) == {}
        store.add(["a:0", "a:1"], [unit([1.0, 0.0, 0.0]), unit([0.0, 1.0, 0.0])], [("a", 1), ("a", 1)])
        assert [cid for cid, _ in store.query(unit([1.0, 0.1, 0.0]), 5)] == ["a:0", "a:1"]
        store.delete(["a:0", "a:1"])
        assert store.query(unit([1.0, 0.1, 0.0]), 5) == []
        store.add(["b:0"], [unit([0.0, 0.0, 1.0])], [("b", 2)])
        assert [cid for cid, _ in store.query(unit([0.0, 0.2, 1.0]), 5, [2])] == ["b:0"]
    finally:
        store.close()


def test_rocchio_moves_the_query_towards_the_feedback_mean_at_unit_length():
    assert rocchio([1.0, 0.0], []) == [1.0, 0.0]
    moved = rocchio([1.0, 0.0], [[0.0, 1.0], [0.0, 3.0]])  # mean (0, 2): (1, 2) / sqrt(5)
    assert moved == pytest.approx([1 / 5**0.5, 2 / 5**0.5])
    assert rocchio([1.0, 0.0], [[-1.0, 0.0]]) == [1.0, 0.0]  # cancelled out: the query as asked


def test_cosine():
    assert cosine([1.0, 0.0], [2.0, 0.0]) == pytest.approx(1.0)
    assert cosine([1.0, 1.0], [1.0, -1.0]) == pytest.approx(0.0)
    assert cosine([0.0, 0.0], [1.0, 0.0]) == 0.0


def test_stored_vectors_are_read_only_and_rocchio_gives_the_floats_it_gave_as_lists(data):
    import numpy as np

    def as_lists(vector, stored):  # rocchio before it returned an array
        moved = np.asarray(vector, dtype=np.float64) + np.mean(np.asarray(stored, dtype=np.float64), axis=0)
        return (moved / np.linalg.norm(moved)).tolist()

    ids = list(data)
    index = VectorIndex(ids, [v for v, _ in data.values()], [c for _, c in data.values()])
    stored = index.vectors(ids[:5])
    with pytest.raises(ValueError):
        stored[ids[0]][0] = 1.0  # a view of the index: it must not be changed through it
    query = tuple(index.vectors([ids[7]])[ids[7]].tolist())  # as the embedder hands it over
    listed = [v.tolist() for v in stored.values()]
    moved = rocchio(query, list(stored.values()))
    assert moved.tolist() == as_lists(query, listed)
    assert index.nearest(moved, 10) == index.nearest(as_lists(query, listed), 10)
