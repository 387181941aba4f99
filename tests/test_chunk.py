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


def test_a_chunk_starting_inside_a_table_below_its_header_keeps_the_header_as_its_lead():
    """A loan list's later rows were stored without the header naming their columns, so "deposit for the
    multimeter?" found a row of bare numbers: each chunk starting below a table's header carries it."""
    rows = "\n".join(f"Item {i},CODE-{i},{i + 10},Drawer D{i} in the store room,{i * 5},one week" for i in range(40))
    parsed = parse(f"item,code,quantity,location,deposit_eur,loan_period\n{rows}\n".encode(), "loans.csv")
    chunks = chunk(parsed, count, budget=60, overlap=20)
    text = parsed.pages[0].text
    assert len(chunks) > 3
    header = "item | code | quantity | location | deposit_eur | loan_period"
    for c in chunks:
        holds = c.text.lstrip().startswith(f"| {header}")
        assert c.lead == ("" if holds or not c.text.lstrip().startswith("|") else header), c.text[:80]
        assert text[c.start : c.end] == c.text
    assert any(c.lead == header for c in chunks)
    prose = chunk(parse(_doc(12), "notes.md"), count, budget=80, overlap=35)
    assert all(c.lead == "" for c in prose)


def test_a_chunk_inside_a_table_of_things_keeps_the_rows_naming_its_columns_in_its_lead():
    """ "How heavy is the glycol chiller" asks of the weight row by the "What it is" row's words, not the header's
    model names: a chunk starting below that row keeps both; a row naming no thing (numbers, a dash) is no name."""
    rows = "\n".join(f"| Measure {i} | {i} kg | {i + 1} kg |" for i in range(30))
    table = "| | HK-60 | GC-3 |\n|---|---|---|\n| What it is | kettle | glycol chiller |\n| Reads to | ±1 °C | — |\n"
    parsed = parse(f"# Kit\n\n{table}{rows}\n".encode(), "kit.md")
    later = [c for c in chunk(parsed, count, budget=60, overlap=0) if c.text.lstrip().startswith("| Measure")]
    assert later
    assert all(c.lead == "HK-60 | GC-3\n| What it is | kettle | glycol chiller |" for c in later)
