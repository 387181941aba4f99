from appliance.search.retriever import fuse
from appliance.store.database import fts_query


def test_fts_query_is_safe_and_drops_stopwords():
    assert fts_query('What is the "PID" controller?') == '"pid" OR "controller"'
    assert fts_query("NEAR( AND OR * -x ^y") == '"near" OR "x" OR "y"'
    assert fts_query("the of and") == ""


def test_rrf_rewards_agreement():
    scores = fuse([(1.0, ["a", "b", "c"]), (1.0, ["c", "a"])], rrf_k=60)
    assert sorted(scores, key=scores.__getitem__, reverse=True) == ["a", "c", "b"]
    weighted = fuse([(0.0, ["a"]), (2.0, ["b"])], rrf_k=60)
    assert weighted["b"] > weighted["a"]


def test_hybrid_finds_keyword_only_and_dense_matches_and_skips_orphans(services):
    services.ingestor.ingest(b"The flux capacitor needs 1.21 gigawatts.", "a.txt")
    services.ingestor.ingest(b"Servo motors hold a commanded angle.", "b.txt")
    services.vectors.add(["orphan:0"], [list(services.embedder.embed_query("servo motors angle"))], [("orphan", 1)])
    top = services.retriever.search("servo angle", 5)
    assert top[0].filename == "b.txt"
    assert all(p.chunk_id != "orphan:0" for p in top)
    keyword = services.retriever.search("gigawatts", 5, "keyword")
    assert [p.filename for p in keyword] == ["a.txt"]
    assert keyword[0].similarity > 0  # computed from the stored vector even without a dense hit
    assert services.retriever.search("the of", 5, "keyword") == []


def test_heading_weight_ranks_a_passage_titled_with_the_word_first(services):
    services.ingestor.ingest(b"# Servo calibration\n\nCentre the horn, then trim the pulse width.\n", "a.md")
    services.ingestor.ingest(b"A servo holds an angle; a servo needs a pulse every 20 ms.\n", "b.txt")

    def order(weight):
        found = services.database.keyword_search("servo", 5, heading_weight=weight)
        return [services.database.chunks([cid])[cid]["filename"] for cid, _ in found]

    assert order(0.0) == ["b.txt", "a.md"]  # text alone: b says it twice, a once
    assert order(3.0) == ["a.md", "b.txt"]  # the heading's "servo" counts three times more
    assert [p.filename for p in services.retriever.search("servo", 5, "keyword")] == ["a.md", "b.txt"]
