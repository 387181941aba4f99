"""Markdown to safe nodes on the server, and those nodes built into the page by static/js/rich.js in Chromium."""

import httpx
import playwright.sync_api as playwright_api
import pytest

from appliance.ingest.parse import parse
from appliance.services import build
from appliance.settings import load_settings
from appliance.web.rich import page_nodes, to_nodes
from tests.conftest import sign_in
from tests.filemaker import make_docx
from tests.realserver import no_network, serve
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


def test_pdf_page_text_is_left_plain():
    assert page_nodes("pdf", "1. not a list *really*") is None


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
