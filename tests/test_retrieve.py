import os

import msgspec

from appliance.search.retriever import Retriever, document_of, fuse
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


def test_a_code_typed_run_together_finds_the_material_writing_it_with_a_hyphen(services):
    """fresh21-judged: "how deep can an mv9 dive" found no passage of the datasheet of the MV-9, which FTS5 indexes
    as "mv" and "9": the run-together code is also searched as the phrase of its letters and its number, in memory
    and in SQLite alike."""
    services.ingestor.ingest(b"The MV-9 is rated to a depth of 150 m.", "a.txt")
    services.ingestor.ingest(b"Nine MV units and 9 spare thrusters are in the store.", "b.txt")
    services.ingestor.ingest(b"The MV9 tether is 100 m long.", "c.txt")
    assert fts_query("mv9 depth") == '"mv9" OR "depth" OR "mv 9"'
    found = [p.filename for p in services.retriever.search("mv9", 5, "keyword")]
    assert sorted(found) == ["a.txt", "c.txt"]
    in_sqlite = services.database.keyword_search("mv9", 5)
    assert sorted(services.database.chunks([cid])[cid]["filename"] for cid, _ in in_sqlite) == ["a.txt", "c.txt"]


def test_document_of_a_chunk_id():
    assert document_of("0d40395b63ed4bd984cacf03cd722e03:13") == "0d40395b63ed4bd984cacf03cd722e03"


LIBRARY = {
    "a.txt": b"servo servo servo servo",
    "b.txt": b"Servo calibration table with many more words here and there.",
    "c.txt": b"The flux capacitor needs 1.21 gigawatts.",
    "d.txt": b"Launch files start nodes with parameters.",
    "e.txt": b"Topics carry messages between publishers and subscribers.",
}


def feedback_passes(services, monkeypatch, query: str, when: str) -> tuple[int, list]:
    """How many keyword searches one hybrid search makes with `feedback_when = when` (2: it made the feedback
    pass), and the expansion words each was given."""
    retriever = Retriever(
        msgspec.structs.replace(services.settings, feedback_when=when),
        services.database,
        services.vectors,
        services.embedder,
        services.retriever.keywords,
    )
    calls = []
    search = retriever.keywords.keyword_search

    def recorded(*args, **kw):
        calls.append(kw.get("expansion", ()))
        return search(*args, **kw)

    monkeypatch.setattr(retriever.keywords, "keyword_search", recorded)
    retriever.search(query, 5)
    return len(calls), calls


def first_documents(services, query: str) -> tuple[str, str]:
    """The documents dense and keyword search (heading weight as shipped) rank first for `query`."""
    n, heading = services.settings.candidates, services.settings.heading_weight
    dense = services.vectors.query(services.embedder.embed_query(query), n)
    keyword = services.retriever.keywords.keyword_search(query, n, heading_weight=heading)
    return document_of(dense[0][0]), document_of(keyword[0][0])


def test_feedback_only_when_dense_and_keyword_disagree_on_the_first_document(services, monkeypatch):
    for name, text in LIBRARY.items():
        services.ingestor.ingest(text, name)
    assert services.settings.feedback_when == "disagree"  # the default
    # Both retrievers put the capacitor's document first: the first pass stands, one keyword search.
    agreed = first_documents(services, "flux capacitor gigawatts")
    assert agreed[0] == agreed[1]
    assert feedback_passes(services, monkeypatch, "flux capacitor gigawatts", "disagree")[0] == 1
    assert feedback_passes(services, monkeypatch, "flux capacitor gigawatts", "always")[0] == 2
    # Dense prefers the short all-servo text, keyword the one that also says "calibration": feedback runs,
    # its second keyword search widened with the first pass's words.
    disagreed = first_documents(services, "servo calibration")
    assert disagreed[0] != disagreed[1]
    count, expansions = feedback_passes(services, monkeypatch, "servo calibration", "disagree")
    assert count == 2 and not expansions[0] and expansions[1]
    assert feedback_passes(services, monkeypatch, "servo calibration", "always")[0] == 2


def test_the_first_keyword_passs_best_passages_follow_the_top_k_when_asked(services, monkeypatch):
    """A page ranked first by its words alone, which the fused ranking leaves out (the dense search went to another
    document's "point"), is offered after the top k, once, when `first_best` asks for it."""
    safety = services.ingestor.ingest(b"The assembly point is at the bike shelter.", "safety.txt").document["id"]
    for n in range(6):
        services.ingestor.ingest(f"Point {n}: the zero moment point keeps a walker upright.".encode(), f"zmp{n}.txt")
    query = services.vectors.query
    monkeypatch.setattr(
        services.vectors, "query", lambda *a, **kw: [(c, s) for c, s in query(*a, **kw) if document_of(c) != safety]
    )
    asked = "Where is the assembly point?"
    plain = services.retriever.search(asked, 1)
    assert plain[0].filename != "safety.txt"
    kept = services.retriever.search(asked, 1, first_best=2)
    assert kept[0].chunk_id == plain[0].chunk_id
    assert "safety.txt" in [p.filename for p in kept[1:]]
    # top k, best two by words, by meaning and fused
    assert len({p.chunk_id for p in kept}) == len(kept) <= 1 + 2 + 2 + 2


def _handout_among(services, text: bytes, name: str, other: str) -> tuple[str, Retriever]:
    """A handout among four other pages (`other` with {n} in it), and a retriever that always runs the feedback
    pass."""
    handout_id = services.ingestor.ingest(text, name).document["id"]
    for n in range(4):
        services.ingestor.ingest(other.format(n=n).encode(), f"other{n}.txt")
    settings = msgspec.structs.replace(services.settings, feedback_when="always")
    keywords = services.retriever.keywords
    return handout_id, Retriever(settings, services.database, services.vectors, services.embedder, keywords)


def _drifting(services, monkeypatch, retriever: Retriever, handout_id: str, dense_first, keyword_first) -> None:
    """Searches whose feedback pass leaves the handout out, and whose first pass ranks as `dense_first` and
    `keyword_first` rank the real rankings (rows of chunk id and score)."""
    query, keyword_search = services.vectors.query, retriever.keywords.keyword_search

    def first(*a, **kw):
        return dense_first(query(*a, **kw))

    vectors = iter([first, lambda *a, **kw: _without(handout_id, query(*a, **kw))] * 2)
    monkeypatch.setattr(services.vectors, "query", lambda *a, **kw: next(vectors)(*a, **kw))

    def keywords(*a, **kw):
        rows = keyword_search(*a, **kw)
        return _without(handout_id, rows) if kw.get("expansion") else keyword_first(rows)

    monkeypatch.setattr(retriever.keywords, "keyword_search", keywords)


def _without(document_id: str, rows: list) -> list:
    """The rankings' rows of other documents than this one."""
    return [(c, s) for c, s in rows if document_of(c) != document_id]


def test_the_first_passs_best_fused_passage_survives_a_feedback_pass_that_drifts_away(services, monkeypatch):
    """The feedback pass can draw both searches away from the page the first pass ranked best (the textbook's URDF
    cylinders for a question about the handout's pneumatic cylinder): asked for, that page still follows the top k,
    though the keyword search alone ranked another page first."""
    handout_id, retriever = _handout_among(
        services,
        b"The cylinder push is hard: about 125 N at 4 bar.",
        "pneumatics.txt",
        "A cylinder element {n} of a URDF link has a radius.",
    )
    asked = "How hard does the cylinder push?"
    assert document_of(services.vectors.query(services.embedder.embed_query(asked), 10)[0][0]) == handout_id

    def second(rows):  # the first keyword pass, with the handout second
        mine = [r for r in rows if document_of(r[0]) == handout_id]
        others = _without(handout_id, rows)
        return others[:1] + mine + others[1:]

    _drifting(services, monkeypatch, retriever, handout_id, lambda rows: rows, second)
    assert "pneumatics.txt" not in [p.filename for p in retriever.search(asked, 2)]
    assert "pneumatics.txt" in [p.filename for p in retriever.search(asked, 2, first_best=1)[2:]]


def test_the_first_passs_best_passage_by_meaning_survives_a_feedback_pass_when_its_words_rank_it_low(
    services, monkeypatch
):
    """The page the dense search ranks first ("## Your budget" for "how much budget do i get for my thesis") can
    rank low by its words (other pages say "thesis" more often) and fall out of the fused top k once the feedback
    pass drifts away: asked for, it still follows the top k."""
    handout_id, retriever = _handout_among(
        services,
        b"Bachelor and master theses get a parts budget of 250 euros.",
        "parts.txt",
        "Thesis {n}: submit the thesis as one PDF of the thesis.",
    )
    asked = "How much budget do I get for parts for my thesis?"

    def first(rows):  # the first dense pass, with the handout first
        return [r for r in rows if document_of(r[0]) == handout_id] + _without(handout_id, rows)

    _drifting(services, monkeypatch, retriever, handout_id, first, lambda rows: _without(handout_id, rows))
    assert "parts.txt" not in [p.filename for p in retriever.search(asked, 2)]
    assert "parts.txt" in [p.filename for p in retriever.search(asked, 2, first_best=1)[2:]]


def test_expansion_words_count_each_passage_once_and_an_edited_passage_afresh():
    from collections import Counter

    from appliance.search import retriever
    from appliance.store.text import STOPWORDS, WORD

    def uncached(query: str, texts: list[str], n: int) -> list[str]:  # the computation before the cache
        asked, weight = set(WORD.findall(query.lower())), dict[str, float]()
        for text in texts:
            words = [w for w in WORD.findall(text.lower()) if len(w) > 2 and not w.isdigit() and w not in STOPWORDS]
            for word, count in Counter(words).items():
                if word not in asked:
                    weight[word] = weight.get(word, 0.0) + count / len(words)
        return sorted(weight, key=weight.__getitem__, reverse=True)[:n]

    texts = [t.decode() for t in LIBRARY.values()] + ["Servo servo gearbox 2024 gearbox", ""]
    retriever.word_shares.cache_clear()
    for query in ("servo calibration", "flux", "nodes and topics"):
        for n in (1, 3, 20):
            assert retriever.expansion_words(query, texts, n) == uncached(query, texts, n)
    assert retriever.word_shares.cache_info().misses == len(set(texts))  # each passage split and counted once
    assert retriever.expansion_words("servo", ["gearbox gearbox motor"], 1) == ["gearbox"]
    assert retriever.expansion_words("servo", ["gearbox motor motor"], 1) == ["motor"]  # edited: counted afresh


def test_no_more_searches_at_once_than_cores(services, monkeypatch):
    import threading
    import time

    from appliance.search import retriever

    services.ingestor.ingest(b"Servo motors hold a commanded angle.", "b.txt")
    monkeypatch.setattr(retriever.os, "cpu_count", lambda: 2)
    gated = Retriever(services.settings, services.database, services.vectors, services.embedder)
    running, most, lock = [0], [0], threading.Lock()
    embed = services.embedder.embed_query

    def slow_embed(text):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return embed(text)

    monkeypatch.setattr(services.embedder, "embed_query", slow_embed)
    threads = [threading.Thread(target=gated.search, args=(f"servo angle {n}", 3)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 2


def test_a_search_at_once_is_the_search_or_nothing_when_it_would_wait(services, monkeypatch):
    """`search_at_once` (the web app runs it on its event loop) finds what `search` finds from the same vector, timed
    as a retrieval; with no slot free or the vector store not at hand it returns None at once, and times nothing."""
    from appliance import metrics

    services.ingestor.ingest(b"Servo motors hold a commanded angle.", "b.txt")
    services.ingestor.ingest(b"The flux capacitor needs 1.21 gigawatts.", "a.txt")
    retriever = services.retriever

    def timed() -> float:
        return metrics.REGISTRY.get_sample_value("ragbot_retrieval_seconds_count") or 0.0

    vector = services.embedder.embed_query("servo angle")
    before = timed()
    found = retriever.search("servo angle", 5, "hybrid", [1])
    assert found and retriever.search_at_once("servo angle", 5, "hybrid", [1], vector) == found
    assert timed() == before + 2
    taken = [retriever._slots.acquire(blocking=False) for _ in range(os.cpu_count() or 1)]
    assert all(taken)
    assert retriever.search_at_once("servo angle", 5, "hybrid", [1], vector) is None
    for _ in taken:
        retriever._slots.release()
    monkeypatch.setattr(services.vectors, "at_hand", lambda: False)
    assert retriever.search_at_once("servo angle", 5, "hybrid", [1], vector) is None
    monkeypatch.undo()
    by_sqlite = Retriever(
        msgspec.structs.replace(services.settings, keyword_backend="sqlite"),
        services.database,
        services.vectors,
        services.embedder,
    )
    assert by_sqlite.search_at_once("servo angle", 5, "hybrid", [1], vector) is None
    assert by_sqlite.search("servo angle", 5, "hybrid", [1]) == found
    assert timed() == before + 3


def test_fusion_adds_each_ranks_share_as_the_formula_did():
    import random

    def formula(rankings, rrf_k):  # fusion before the shares were kept
        scores: dict[str, float] = {}
        for weight, ids in rankings:
            for rank, cid in enumerate(ids, 1):
                scores[cid] = scores.get(cid, 0.0) + weight / (rrf_k + rank)
        return scores

    pick = random.Random(16)
    for _ in range(50):
        pool = [f"d:{n}" for n in range(60)]
        rankings = [(w, pick.sample(pool, pick.randint(0, 40))) for w in (pick.choice([0.0, 0.7, 1.0, 2.5]), 1.0)]
        rrf_k = pick.choice([1, 60])
        fused = fuse(rankings, rrf_k)
        assert list(fused.items()) == list(formula(rankings, rrf_k).items())  # same floats, same order
