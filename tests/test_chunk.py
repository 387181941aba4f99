from appliance.ingest.chunk import chunk
from appliance.ingest.parse import parse
from tests.conftest import FakeEmbedder

count = FakeEmbedder().count_tokens


def _doc(paragraphs: int, words: int = 30) -> bytes:
    body = "\n\n".join(" ".join(f"w{p}x{i}" for i in range(words)) + "." for p in range(paragraphs))
    return f"# Title\n\n{body}\n\n## Next\n\nShort tail.".encode()


def test_chunks_respect_budget_overlap_and_point_at_their_text():
    parsed = parse(_doc(12), "notes.md")
    chunks = chunk(parsed, count, budget=80, overlap=35)
    text = parsed.pages[0].text
    assert len(chunks) > 4
    for c in chunks:
        assert c.tokens <= 80
        assert text[c.start : c.end] == c.text
    # Consecutive chunks of one section share a paragraph (overlap), and together cover the section.
    first, second = chunks[0], chunks[1]
    assert second.start < first.end
    assert chunks[-1].heading == "Title > Next"
    assert chunks[-1].text.endswith("Short tail.")


def test_oversized_paragraph_is_split_at_sentences_then_words():
    sentences = " ".join(f"Sentence {i} " + "word " * 20 + "end." for i in range(6))
    run_on = " ".join(f"t{i}" for i in range(500))
    parsed = parse(f"{sentences}\n\n{run_on}".encode(), "long.txt")
    chunks = chunk(parsed, count, budget=60, overlap=0)
    assert all(c.tokens <= 60 for c in chunks)
    assert any(c.text.startswith("Sentence 2") for c in chunks)
    joined = " ".join(c.text for c in chunks)
    assert "t0" in joined
    assert "t499" in joined


def test_pdf_chunks_keep_page_and_label():
    from tests.pdfmaker import make_pdf

    data = make_pdf(
        ["Front matter words", "Body words here"], page_labels=[{"start": 0, "style": "r"}, {"start": 1, "style": "D"}]
    )
    chunks = chunk(parse(data, "b.pdf"), count, budget=50, overlap=10)
    assert [(c.page, c.page_label) for c in chunks] == [(1, "i"), (2, "1")]
