import pytest

from appliance.errors import InvalidInput, NotFound
from appliance.ingest.pipeline import clean_source
from appliance.ops import consistency as repair
from tests.pdfmaker import make_pdf

NOTES = b"# Grippers\n\nThe Zorblax-7 gripper closes with 42 newtons of force.\n"


def _state(services):
    return services.database.documents(), services.database.chunk_ids(), services.vectors.ids()


def test_add_then_identical_is_noop_then_changed_replaces(services):
    first = services.ingestor.ingest(NOTES, "grippers.md")
    assert first.outcome == "added"
    assert first.document["chunks"] >= 1
    before = _state(services)
    again = services.ingestor.ingest(NOTES, "grippers.md")
    assert again.outcome == "unchanged"
    assert again.document["id"] == first.document["id"]
    assert _state(services) == before
    changed = services.ingestor.ingest(NOTES.replace(b"42", b"55"), "grippers.md")
    assert changed.outcome == "replaced"
    docs, chunk_ids, vector_ids = _state(services)
    assert [d["id"] for d in docs] == [changed.document["id"]]
    assert chunk_ids == vector_ids
    assert all(i.startswith(changed.document["id"]) for i in chunk_ids)
    assert "55 newtons" in services.retriever.search("Zorblax force", 1)[0].text


def test_a_pdf_handout_s_title_heads_every_passage_of_it(services):
    """Its department's name comes first on its first page; its /Title names the device, so does every passage."""
    first = "Department of Applied Optics\nKestrel Spectrometer: user guide\nIt covers 350 to 1050 nm."
    pdf = make_pdf([first, "It weighs 9 kg."], title="Kestrel Spectrometer: user guide")
    assert services.ingestor.ingest(pdf, "handout3.pdf").document["title"] == "Kestrel Spectrometer: user guide"
    found = services.retriever.search("How much does the Kestrel Spectrometer weigh?", 2)
    weight = next(p for p in found if p.text == "It weighs 9 kg.")
    assert weight.heading == "Kestrel Spectrometer: user guide"


def test_delete_removes_everywhere(services):
    doc = services.ingestor.ingest(NOTES, "grippers.md").document
    services.ingestor.delete(doc["id"])
    assert _state(services) == ([], set(), set())
    assert services.retriever.search("Zorblax", 5) == []
    with pytest.raises(NotFound):
        services.ingestor.delete(doc["id"])


def test_failure_midway_leaves_both_stores_unchanged(services, monkeypatch):
    services.ingestor.ingest(b"Other notes about wheels.", "wheels.txt")
    before = _state(services)
    calls = {"n": 0}
    real_embed = services.embedder.embed

    def flaky(texts, batch_size=32):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("embedder crashed")
        return real_embed(texts)

    monkeypatch.setattr(services.embedder, "embed", flaky)
    big = "\n\n".join(f"Paragraph {i} " + "about motors " * 60 for i in range(40)).encode()
    with pytest.raises(RuntimeError):
        services.ingestor.ingest(big, "motors.txt")
    assert _state(services) == before


def test_bad_file_changes_nothing(services):
    before = _state(services)
    with pytest.raises(InvalidInput):
        services.ingestor.ingest(b"", "empty.md")
    assert _state(services) == before


def test_clean_source_never_escapes():
    assert clean_source("../../etc/passwd") == "etc/passwd"
    assert clean_source("C:\\docs\\a.md") == "C:/docs/a.md"
    with pytest.raises(InvalidInput):
        clean_source("../")


def test_repair_drops_stray_and_restores_missing_vectors(services):
    doc = services.ingestor.ingest(NOTES, "grippers.md").document
    chunk_id = f"{doc['id']}:0"
    services.vectors.delete([chunk_id])
    services.vectors.add(["ghost:0"], [[0.0] * 64], [("ghost", 1)])
    report = repair.check(services.database, services.vectors, services.embedder, repair=False)
    assert (report.stray_vectors, report.missing_vectors, report.consistent) == (1, 1, False)
    assert repair.check(services.database, services.vectors, services.embedder).repaired
    assert services.vectors.ids() == services.database.chunk_ids()
    assert repair.check(services.database, services.vectors, services.embedder).consistent


def test_a_word_a_pdf_broke_across_lines_is_found_whole(services):
    """A search for "manipulator" finds the handout that typeset it "manipu-\nlator"."""
    pdf = make_pdf(["Wren-7 arm handout\nThe Wren-7 manipu-\nlator lifts 4 kg at full reach."])
    services.ingestor.ingest(pdf, "wren.pdf")
    found = services.retriever.search("manipulator", 1)
    assert found and "manipulator\nlifts 4 kg" in found[0].text
