"""Markdown to safe nodes on the server, and those nodes built into the page by static/js/rich.js in Chromium."""

import time

import httpx
import playwright.sync_api as playwright_api
import pytest

from appliance.answer.answerer import quotable
from appliance.answer.events import Done, Evidence, Sentence, Source
from appliance.ingest.parse import parse
from appliance.services import build
from appliance.settings import load_settings
from appliance.web.rich import clip, has_blocks, inline, page_nodes, to_nodes
from appliance.web.shown import Shown
from tests.conftest import sign_in
from tests.filemaker import QUILLON_CODE, QUILLON_EQUATION, QUILLON_NOTES, QUILLON_TABLE, make_docx
from tests.pdfmaker import make_pdf
from tests.realserver import no_network, serve, serving_document
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

SAMPLE = (
    "Energy is $E=mc^2$ and it costs $5 to $10.\n\n"
    "$$\n\\frac{1}{2}\n$$\n\n"
    "| metal | density |\n|---|---|\n| iron | 7.87 |\n\n"
    "```python\nx = $HOME\n```\n\n"
    "<script>alert(1)</script> [bad](javascript:alert(1)) ![logo](http://example.com/x.png)\n"
)


@pytest.fixture(scope="module")
def nodes():
    return to_nodes(SAMPLE)


def _tags(tree) -> list[str]:
    found = []
    for node in tree:
        if isinstance(node, list):
            found.append(node[0])
            found += _tags(node[2:])
    return found


def _texts(tree) -> str:
    return "".join(node if isinstance(node, str) else _texts(node[2:]) for node in tree)


def test_inline_equation_is_mathml(nodes):
    assert nodes[0][3][:2] == ["math", {"display": "inline"}]


def test_money_stays_text(nodes):
    assert "it costs $5 to $10." in nodes[0][4]


def test_display_equation_is_block_mathml(nodes):
    assert nodes[1][:2] == ["math", {"display": "block"}]


def test_table_is_a_table(nodes):
    assert _tags([nodes[2]])[:5] == ["table", "thead", "tr", "th", "th"]


def test_code_block_keeps_its_dollars_as_code(nodes):
    assert nodes[3] == ["pre", {}, ["code", {"class": "language-python"}, "x = $HOME\n"]]


def test_raw_html_stays_text(nodes):
    assert "<script>alert(1)</script>" in _texts([nodes[4]])


def test_no_script_element_anywhere(nodes):
    assert "script" not in _tags(nodes)


def test_javascript_link_is_not_a_link(nodes):
    assert "a" not in _tags([nodes[4]])


def test_image_is_not_loaded(nodes):
    assert "[image: logo]" in _texts([nodes[4]])


def test_pdf_page_text_is_left_plain_as_one_span_at_its_start():
    assert page_nodes("pdf", "1. not a list *really*") == [["span", {"data-at": 0}, "1. not a list *really*"]]


# A PDF's page keeps its layout's lines: headings and a label's line stand alone, a paragraph is wrapped.
PDF_PAGE = (
    "Chapter 1: Pumps\n"
    "The Brindle-5 pump has a maximum flow rate of 18 litres per minute when\n"
    "it is driven from the 24 V bench supply through its own fuse holder.\n"
    "Weight 2 kg\n"
    "Mounting\n"
    "The pump is bolted to the frame with four M4 screws through its\n"
    "rubber feet, which keep its hum out of the bench.\n"
)


def _line_ends(tree) -> list[int]:
    """Where the line breaks shown as breaks are (the rest of a page's line breaks read as spaces)."""
    found: list[int] = []
    for node in tree:
        if isinstance(node, list):
            found += [node[1]["data-at"]] if node[1].get("class") == "line-end" else _line_ends(node[2:])
    return found


def test_a_pdf_line_standing_alone_is_a_line_of_its_own_and_wrapped_lines_run_on():
    tree = page_nodes("pdf", PDF_PAGE)
    texts = [(at, text) for at, _, text in _placed(tree)]
    assert [(at, PDF_PAGE[at : at + len(text)]) for at, text in texts] == texts
    assert "".join(text for _, text in texts) == PDF_PAGE
    assert [PDF_PAGE[:at].split("\n")[-1] for at in _line_ends(tree)] == [
        "Chapter 1: Pumps",
        "it is driven from the 24 V bench supply through its own fuse holder.",  # the line before "Weight 2 kg"
        "Weight 2 kg",
        "Mounting",
    ]


def test_a_clip_of_a_pdf_page_keeps_the_line_ends_it_spans():
    tree = page_nodes("pdf", PDF_PAGE)
    start, end = PDF_PAGE.index("Weight"), PDF_PAGE.index(" through its\nrubber")
    cut = clip(tree, start, end)
    assert _texts(cut) == PDF_PAGE[start:end]
    assert _line_ends(cut) == [PDF_PAGE.index("\nMounting"), PDF_PAGE.index("\nThe pump is")]
    assert _line_ends(clip(tree, PDF_PAGE.index("Mounting"), PDF_PAGE.index("\nThe pump is"))) == []


def test_a_markdown_paragraphs_line_standing_alone_is_a_line_of_its_own():
    page = "# Pumps\n\n" + PDF_PAGE
    tree = page_nodes("markdown", page)
    assert [tag for tag in _tags(tree) if tag != "span"] == ["h1", "p"]
    assert [page[:at].split("\n")[-1] for at in _line_ends(tree)] == [
        "Chapter 1: Pumps",
        "it is driven from the 24 V bench supply through its own fuse holder.",
        "Weight 2 kg",
        "Mounting",
    ]


def test_a_clip_keeps_a_hard_line_break_between_kept_lines():
    page = "Lab office\\\nRoom 4, Hall B\n"
    assert [node[0] for node in inline(clip(page_nodes("markdown", page), 0, page.index("Hall")))] == [
        "span",
        "br",
        "span",
    ]


# ---------- a page's nodes placed in its text: for highlights, selections and quoted passages ----------

PAGE = (
    "Notes\r\n\nEnergy is $E=mc^2$, a &amp; b \\*not emphasis\\* and **bold**.\n"
    "Second line with `code` and \\(x^2\\).\n\n"
    "| metal | density |\n|---|---|\n| iron | 7.87 |\n| gold | 19.3 |\n\n"
    "    indented\n    code\n\n"
    "$$\n\\frac{1}{2}\n$$\n"
)


def _placed(tree) -> list[tuple[int, int | None, str]]:
    """(data-at, data-to, text) of every placed span."""
    found = []
    for node in tree:
        if isinstance(node, list):
            attrs = node[1]
            if "data-at" in attrs:
                found.append((attrs["data-at"], attrs.get("data-to"), _texts(node[2:])))
            else:
                found += _placed(node[2:])
    return found


@pytest.fixture(scope="module")
def page_tree():
    return page_nodes("markdown", PAGE)


def test_every_placed_text_is_the_page_text_at_its_offset(page_tree):
    texts = [(at, text) for at, to, text in _placed(page_tree) if to is None]
    assert len(texts) >= 12
    assert [(at, PAGE[at : at + len(text)]) for at, text in texts] == texts


def test_placed_texts_follow_the_page_in_order(page_tree):
    offsets = [at for at, _, _ in _placed(page_tree)]
    assert offsets == sorted(offsets)


def test_equations_are_placed_with_their_delimiters(page_tree):
    equations = [PAGE[at:to] for at, to, _ in _placed(page_tree) if to is not None]
    assert equations == ["$E=mc^2$", "\\(x^2\\)", "$$\n\\frac{1}{2}\n$$"]


def test_an_entity_and_escapes_are_placed_around_what_the_markup_made(page_tree):
    texts = {text: at for at, to, text in _placed(page_tree) if to is None}
    assert PAGE[texts[", a &"] :].startswith(", a &amp;")
    assert PAGE[texts["*not emphasis"] - 1] == "\\"


def test_de_indented_code_is_placed_line_by_line(page_tree):
    assert [PAGE[at : at + len(t)] for at, to, t in _placed(page_tree) if t.startswith(("indented", "code\n"))] == [
        "indented\n",
        "code\n",
    ]


def test_a_table_row_clipped_keeps_its_table_head(page_tree):
    start = PAGE.index("gold")
    table = clip(page_tree, start, start + len("gold | 19.3"))
    shown = [tag for tag in _tags(table) if tag != "span"]
    assert shown == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]


def test_a_table_row_clipped_is_that_row_only(page_tree):
    start = PAGE.index("gold")
    assert _texts(clip(page_tree, start, start + len("gold | 19.3"))) == "metaldensitygold19.3"


def test_a_clip_cuts_text_at_its_edges_and_keeps_an_equation_whole(page_tree):
    start = PAGE.index("is $E")
    cut = clip(page_tree, start, start + 6)
    assert cut[0][0] == "p"
    assert _texts(cut[0][2:3]) == "is "
    assert cut[0][3][1]["class"] == "math"


def test_a_clip_keeps_the_line_break_between_two_kept_lines(page_tree):
    start = PAGE.index("bold")
    cut = inline(clip(page_tree, start, PAGE.index("Second") + 6))
    assert _texts(cut) == "bold.\nSecond"


def test_blocks_are_told_from_inline_text(page_tree):
    start = PAGE.index("gold")
    assert has_blocks(clip(page_tree, start, start + 4))
    assert not has_blocks(inline(clip(page_tree, PAGE.index("bold"), PAGE.index("bold") + 4)))


def test_a_code_file_is_one_placed_code_block():
    assert page_nodes("code", "x = 1\n") == [["pre", {}, ["code", {}, ["span", {"data-at": 0}, "x = 1\n"]]]]


def _seconds(render, text: str) -> float:
    """CPU seconds of this process (other load on the box does not count), the better of two runs."""
    times = []
    for _ in range(2):
        started = time.process_time()
        render(text)
        times.append(time.process_time() - started)
    return min(times)


@pytest.mark.parametrize("page", ["&copy;" * 20_000, "a &amp; b\n" * 10_000], ids=["one-line", "many-lines"])
def test_placing_text_the_page_does_not_have_costs_little_beyond_parsing(page):
    """Entities rewritten by the parser on every line: each character is looked for nearby, never page-wide."""
    # Placing costs 1.2-1.8x parsing; a page-wide search per character costs hundreds of times more. The margin
    # is wide because a loaded box once stretched one CPU-time measurement 3.5x (CI runs beside other jobs).
    assert _seconds(lambda text: page_nodes("markdown", text), page) < 4 * _seconds(to_nodes, page) + 0.5


@pytest.mark.real
def test_chromium_builds_code_table_and_equation_with_nothing_leaving_the_box(tmp_path):
    settings = load_settings(environ={}, data_dir=str(tmp_path), ingest_sample=False)
    with no_network() as attempts, serve(settings, services=build(settings, with_llm=False)) as running:
        with httpx.Client(base_url=running.base_url) as client:
            token = sign_in(client, running.services, "reader", "student")["Authorization"]
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(running.base_url + "/")
            shown = page.evaluate(
                """async ([token, text]) => {
                    const { renderRich } = await import("/static/js/rich.js");
                    const response = await fetch("/api/v1/render", {
                        method: "POST",
                        headers: { Authorization: token, "Content-Type": "application/json" },
                        body: JSON.stringify({ text }),
                    });
                    const box = document.createElement("div");
                    box.append(renderRich((await response.json()).nodes));
                    document.body.append(box);
                    const math = box.querySelector("math");
                    return {
                        code: getComputedStyle(box.querySelector("pre code")).fontFamily,
                        cells: box.querySelectorAll("table td").length,
                        math: math && math.namespaceURI,
                        scripts: box.querySelectorAll("script").length,
                    };
                }""",
                [token, SAMPLE],
            )
            browser.close()
    assert shown["cells"] == 2
    assert shown["math"] == "http://www.w3.org/1998/Math/MathML"
    assert shown["scripts"] == 0
    assert "monospace" in shown["code"]
    assert [url for url in requests if not url.startswith(running.base_url)] == []
    assert attempts == []


def test_a_word_page_reaches_the_reader_with_its_table():
    parsed = parse(
        make_docx("Metals", [("Data", ["Densities below."])], [["metal", "density"], ["iron", "7.87"]]), "m.docx"
    )
    assert "table" in _tags(page_nodes("docx", parsed.pages[0].text))


# ---------- answers, sources, conversations and search results carry their rich text (real appliance) ----------


@pytest.fixture(scope="module")
def quillon(tmp_path_factory):
    """The real appliance answering by quoting evidence, with the Quillon notes (equation, table, code) ingested."""
    settings = load_settings(
        environ={},
        data_dir=str(tmp_path_factory.mktemp("quillon")),
        ingest_sample=False,
        answer_mode="extractive",
        extractive_quotes=3,
    )
    with serving_document(settings, "quillon.md", QUILLON_NOTES.encode()) as served:
        yield served


def _ask(client, question: str) -> dict:
    response = client.post("/api/v1/chat", json={"message": question, "course_id": 1})
    assert response.status_code == 200, response.text
    return response.json()


def _quoted_tags(done: dict) -> list[str]:
    return [tag for sentence in done["sentences"] for tag in _tags(sentence["nodes"])]


@pytest.mark.real
def test_a_quoted_table_row_is_a_row_of_its_table_under_its_head(quillon):
    client, _, _ = quillon
    done = _ask(client, QUILLON_TABLE)
    row = next(s["nodes"] for s in done["sentences"] if "td" in _tags(s["nodes"]))
    assert "Quillon spring size" in _texts(row)
    # The answer's text says what the cells are too: the rows quoted follow their table's header, which the web app
    # shows once, as the table's head, and no cell as bare text.
    header, row_text = "Quillon spring size | stiffness k\n", "large Quillon spring | 480 N/m"
    assert header in done["answer"] and done["answer"].index(header) < done["answer"].index(row_text)
    assert _texts(row).count("stiffness k") == 1 and "|" not in _texts(row)


@pytest.mark.real
def test_a_quoted_code_block_stays_a_code_block(quillon):
    client, _, _ = quillon
    assert "pre" in _quoted_tags(_ask(client, QUILLON_CODE))


@pytest.mark.real
def test_a_quoted_equation_is_mathml(quillon):
    client, _, _ = quillon
    assert "math" in _quoted_tags(_ask(client, QUILLON_EQUATION))


@pytest.mark.real
def test_sources_and_their_evidence_carry_their_page_rendering(quillon):
    client, _, _ = quillon
    source = _ask(client, QUILLON_EQUATION)["sources"][0]
    tags = _tags(source["nodes"]) + [tag for e in source["evidence"] for tag in _tags(e["nodes"])]
    assert {"table", "pre", "math"} <= set(tags)


@pytest.mark.real
def test_raw_html_and_money_in_material_stay_text(quillon):
    client, _, _ = quillon
    source = _ask(client, QUILLON_EQUATION)["sources"][0]
    assert "$5 to $10" in _texts(source["nodes"])


@pytest.mark.real
def test_a_reopened_conversation_shows_the_same_rich_text(quillon):
    client, _, _ = quillon
    done = _ask(client, QUILLON_EQUATION)
    stored = client.get(f"/api/v1/conversations/{done['conversation_id']}").json()["messages"][-1]
    assert [s["nodes"] for s in stored["sentences"]] == [s["nodes"] for s in done["sentences"]]


@pytest.mark.real
def test_search_results_carry_their_rich_text(quillon):
    client, _, _ = quillon
    hit = client.post("/api/v1/search", json={"query": QUILLON_EQUATION, "k": 1}).json()["results"][0]
    assert "math" in _tags(hit["nodes"])


@pytest.mark.real
def test_the_reader_page_is_placed_in_its_text(quillon):
    client, _, document_id = quillon
    page = client.get(f"/api/v1/documents/{document_id}/pages/1").json()
    texts = [(at, text) for at, to, text in _placed(page["nodes"]) if to is None]
    assert [(at, page["text"][at : at + len(text)]) for at, text in texts] == texts


# ---------- a quote of several evidence sentences (a sentence and the neighbours it brought) ----------


def _shown_quote(
    services,
    rows: list[str],
    filename: str = "quillon.md",
    body: bytes = QUILLON_NOTES.encode(),
    shown: str = "The material says: “{quote}” [1]",
) -> Done:
    """An answer quoting `rows` of a document's first page (the Quillon notes'), the first the evidence and the rest
    the neighbours it brought, joined as the answerer joins them (table rows each on a line), as the web app is
    sent it; its sentence `shown` as given."""
    document = services.ingestor.ingest(body, filename, course_id=1).document
    text = services.database.page(document["id"], 1)["text"]
    evidence = [
        Evidence(text.index(row), text.index(row) + len(row), row, 0.5, context=i > 0) for i, row in enumerate(rows)
    ]
    source = Source(
        n=1,
        chunk_id="c",
        document_id=document["id"],
        filename=filename,
        page=None,
        page_label=None,
        heading="",
        text=text,
        start=0,
        end=len(text),
        score=1.0,
        similarity=1.0,
        snippet="",
        evidence=evidence,
    )
    [(_, quote, _)] = quotable({1: evidence})
    sentence = Sentence(
        text=quote, shown=shown.format(quote=quote), status="supported", stands_for="material", source=1
    )
    done = Done(
        answer=sentence.shown, covered=True, mode="extractive", model="m", sources=[source], sentences=[sentence]
    )
    return Shown(services.database).answer(done)


def _quote_of_rows(services, rows: list[str]) -> list:
    """The nodes of an answer sentence quoting `rows` of the Quillon notes."""
    return _shown_quote(services, rows).sentences[0].nodes or []


def test_a_quote_of_two_rows_is_one_table_of_both_under_its_head(services):
    nodes = _quote_of_rows(services, ["small Quillon spring | 120 N/m", "large Quillon spring | 480 N/m"])
    shown = [tag for tag in _tags(nodes) if tag in ("blockquote", "table", "th", "tr")]
    assert shown == ["blockquote", "table", "tr", "th", "th", "tr", "tr"]


def test_a_quote_of_two_rows_shows_no_row_as_bare_text(services):
    # A slide's grading table (a class walkthrough): "Quizzes (x3) | 15% | ..." then the next row, which showed as
    # "Lab reports | 30% | 3 reports”" in bars under the table, its closing quotation mark after it.
    nodes = _quote_of_rows(services, ["small Quillon spring | 120 N/m", "large Quillon spring | 480 N/m"])
    assert "|" not in _texts(nodes) and "”" not in _texts(nodes)
    assert "large Quillon spring" in _texts(nodes)


def test_a_model_sentence_copying_a_point_ends_with_it_not_with_its_full_stop_on_a_line_of_its_own(services):
    # "what's the lora range" (a class walkthrough): the model wrote a summary slide's point with a full stop,
    # "LoRa 868 MHz, ~7 km.", shown as the slide's point and then "." on a line of its own.
    slide = b"# Summary\n\n- Skerrow-6: 9.4 kg\n- LoRa 868 MHz, ~7 km\n"
    done = _shown_quote(services, ["LoRa 868 MHz, ~7 km"], "s.md", slide, shown="{quote} [1].")
    nodes = done.sentences[0].nodes or []
    assert "li" in _tags(nodes)
    assert _texts(nodes).strip().endswith("~7 km"), nodes


def test_a_quote_of_a_sentence_in_a_paragraph_stays_in_its_line(services):
    nodes = _quote_of_rows(services, ["It costs $5 to $10"])
    assert _texts(nodes).startswith("The material says: “It costs $5 to $10”")


def test_a_page_is_rendered_once_and_a_replaced_or_deleted_document_shows_only_its_own(services, monkeypatch):
    from appliance.search.shapes import view
    from appliance.web import shown as shown_module
    from appliance.web.schemas import SearchResult

    rendered: list[str] = []

    def counted(kind: str, text: str) -> list:
        rendered.append(text)
        return page_nodes(kind, text)

    monkeypatch.setattr(shown_module, "page_nodes", counted)
    shown_module.placed_page.cache_clear()

    def shown_hit() -> list:
        hit = services.retriever.search("gearbox stages", 1)[0]
        return Shown(services.database).passage(view(hit, SearchResult)).nodes or []

    first = services.ingestor.ingest(b"# Gearbox\n\nThe **old** gearbox has 3 stages.\n", "g.md").document
    old = shown_hit()
    assert "old" in _texts(old)
    assert shown_hit() == old and len(rendered) == 1  # the next search reuses the page's rendering
    second = services.ingestor.ingest(b"# Gearbox\n\nThe **new** gearbox has 3 stages.\n", "g.md").document
    assert second["id"] != first["id"]  # what the kept renderings rely on
    new = shown_hit()
    assert "new" in _texts(new) and "old" not in _texts(new) and len(rendered) == 2
    services.database.delete_document(second["id"])
    assert Shown(services.database)._page(second["id"], 1) is None  # gone, though its rendering is still kept


# ---------- a quote shows its line's marker: evidence starts after it ("3" is no number the material states) ----------

STEPS = "# Shutdown\n\n1. Close the inlet tap.\n2. Drain the tank into the floor drain.\n3. Turn off the main valve.\n"


def test_a_list_item_clipped_keeps_its_number():
    page = STEPS + "\nThen, later:\n\n7. Unplug the pump.\n8. Lock the cabinet door.\n"
    tree = page_nodes("markdown", page)
    third, eighth = page.index("Turn off"), page.index("Lock")
    assert clip(tree, third, third + 8)[0][:2] == ["ol", {"start": 3}]
    assert clip(tree, eighth, eighth + 4)[0][:2] == ["ol", {"start": 8}]  # a list that itself starts at 7
    assert clip(tree, STEPS.index("Close"), third + 8)[0][:2] == ["ol", {}]  # from its first item: as the page


def test_a_quoted_markdown_list_item_is_shown_with_its_number(services):
    sentence = _shown_quote(services, ["Turn off the main valve."], "steps.md", STEPS.encode()).sentences[0]
    quoted = next(node for node in sentence.nodes or [] if isinstance(node, list))
    assert quoted[0] == "blockquote" and quoted[2][:2] == ["ol", {"start": 3}]


@pytest.mark.parametrize(
    ("line", "quoted"),
    [
        ("3. Turn off the main valve.", "Turn off the main valve."),
        ("2.1 Charging the Tollan pack takes ninety minutes.", "Charging the Tollan pack takes ninety minutes."),
        ("  - Wear gloves near the open tank.", "Wear gloves near the open tank."),
        ("\u2022 Wear gloves near the open tank.", "Wear gloves near the open tank."),
        ("a) Wear gloves near the open tank.", "Wear gloves near the open tank."),
    ],
)
def test_a_quote_of_a_pdf_line_begins_at_its_marker(services, line, quoted):
    body = make_pdf([f"Shutdown procedure\n{line}\nCall the technician afterwards."])
    done = _shown_quote(services, [quoted], "steps.pdf", body)
    marker = line.strip()[: -len(quoted)]
    expected = f"The material says: \u201c{marker}{quoted}\u201d"
    assert _texts(done.sentences[0].nodes or []) == expected
    assert _texts(done.sources[0].evidence[0].nodes or []) == f"{marker}{quoted}"  # listed under the answer too


def test_a_pdf_passage_shows_its_heading_on_a_line_of_its_own(services):
    page = "Battery care\nLook after the Tollan battery pack.\nThe Tollan battery pack charges fully in\n"
    page += "ninety minutes at the bench charger.\nStore it half charged over the summer."
    done = _shown_quote(services, ["Store it half charged over the summer."], "tollan.pdf", make_pdf([page]))
    assert done.sources[0].text.startswith("Battery care\n")
    assert _line_ends(done.sources[0].nodes or []) == [len("Battery care")]


def test_a_quote_of_a_sentence_after_another_on_its_line_begins_with_it(services):
    body = make_pdf(["Shutdown procedure\nClose the inlet tap. Turn off the main valve.\n"])
    done = _shown_quote(services, ["Turn off the main valve."], "steps.pdf", body)
    assert _texts(done.sentences[0].nodes or []) == "The material says: \u201cTurn off the main valve.\u201d"


def test_a_quoted_code_line_keeps_its_comment_mark(services):
    notes = "# Gain\n\n```python\n# set the gain to 5\namp.gain = 5\n```\n"
    done = _shown_quote(services, ["set the gain to 5"], "gain.md", notes.encode())
    assert "# set the gain to 5" in _texts(done.sentences[0].nodes or [])
    assert "pre" in _tags(done.sentences[0].nodes or [])


KIT = (
    "| | HK-60 | GC-3 |\n|---|---|---|\n| What it is | kettle | glycol chiller |\n| Power | 2 kW | none |\n"
    "| Weight | 41 kg | 62 kg |\n\n| metal | density |\n|---|---|\n| iron | 7.87 |\n"
)


def test_a_row_of_a_table_of_things_clipped_keeps_the_rows_naming_its_columns():
    """ "Weight | 41 kg | 62 kg" under a head of model names does not say which is the glycol chiller: the row
    naming each column's thing ("What it is") is shown with it, not a row of values; a table of another shape is
    clipped to its head and the row."""
    tree = page_nodes("markdown", KIT)
    start = KIT.index("Weight")
    assert _texts(clip(tree, start, start + len("Weight | 41 kg | 62 kg"))) == (
        "HK-60GC-3What it iskettleglycol chillerWeight41 kg62 kg"
    )
    start = KIT.index("iron")
    assert _texts(clip(tree, start, start + len("iron | 7.87"))) == "metaldensityiron7.87"
