"""Every format read into pages and headings; hostile files refused with a reason; parsing isolated in a child."""

import io
import os
import subprocess
import sys
import zipfile

import docx
import pytest
from litestar.testing import TestClient

from appliance import services as services_module
from appliance.answer import evidence
from appliance.errors import InvalidInput, UnsupportedFile
from appliance.ingest import isolate
from appliance.ingest.document import Caps
from appliance.ingest.formats import ocr, words
from appliance.ingest.parse import parse, precheck
from appliance.settings import load_settings
from appliance.web.app import create_app
from appliance.web.rich import page_nodes
from tests.conftest import sign_in
from tests.filemaker import (
    EXCEL_TYPES,
    LAUGHS,
    as_macro_enabled,
    giant_page_pdf,
    make_docx,
    make_epub,
    make_html,
    make_notebook,
    make_odp,
    make_odt,
    make_pptx,
    pdf_bomb,
    zip_of,
)

LIMITS = isolate.Limits(seconds=20, memory_bytes=1 << 30)


def _parts(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def _headings(parsed) -> list[str]:
    return [section.heading for page in parsed.pages for section in page.sections]


@pytest.fixture(scope="module")
def slides():
    return parse(
        make_pptx(
            [
                ("Gear ratios", ["Torque doubles", "Speed halves"], "Mention the bicycle"),
                ("Friction", ["Static beats kinetic"], ""),
            ]
        ),
        "deck.pptx",
    )


def test_pptx_points_are_items_each_a_sentence_of_its_own_a_single_paragraph_is_plain_text():
    """A slide's points have no full stops: run together they read as one sentence, quoted whole; as list items each
    is evidence of its own."""
    points = ["Maps joint angles to a pose", "Uses the DH parameters", "Cheap: one product per joint"]
    parsed = parse(
        make_pptx([("Forward kinematics", points, ""), ("Summary", ["Kinematics is geometry only"], "")]), "k.pptx"
    )
    first, second = (page.sections[0].text for page in parsed.pages)
    assert (
        first
        == "Forward kinematics\n- Maps joint angles to a pose\n- Uses the DH parameters\n- Cheap: one product per joint"
    )
    assert [first[a:b] for a, b in evidence.sentences(first)] == points
    assert second == "Summary\nKinematics is geometry only"


def test_pptx_slide_number_is_the_page(slides):
    assert [(p.number, p.label) for p in slides.pages] == [(1, "slide 1"), (2, "slide 2")]


def test_pptx_slide_title_is_the_heading(slides):
    assert slides.pages[1].sections[0].heading == "Friction"


def test_pptx_speaker_notes_are_marked(slides):
    assert slides.pages[0].sections[1].heading == "Gear ratios > Speaker notes"


def test_pptx_notes_text_is_kept(slides):
    assert "Mention the bicycle" in slides.pages[0].sections[1].text


def test_pptx_title_is_the_first_slide_title(slides):
    assert slides.title == "Gear ratios"


@pytest.fixture(scope="module")
def word():
    table = [["Metal", "Density"], ["Iron", "7.87"]]
    return parse(make_docx("Lab sheet", [("Safety", ["Wear goggles."])], table), "lab.docx")


def test_docx_headings_come_from_heading_styles(word):
    # The title has nothing under it before "Safety": no section of its own, only the heading over Safety's.
    assert _headings(word) == ["Lab sheet > Safety"]
    assert word.title == "Lab sheet"


def test_docx_table_is_rows_of_text(word):
    assert "| Iron | 7.87 |" in word.pages[0].text


def test_docx_title_is_the_title_style(word):
    assert word.title == "Lab sheet"


def _texts(node) -> str:
    return node if isinstance(node, str) else "".join(_texts(child) for child in node[2:])


def _items(parsed) -> list[str]:
    """The text of each list item the reader shows of the first page."""
    found: list[str] = []

    def walk(nodes: list) -> None:
        for node in (n for n in nodes if isinstance(n, list)):
            if node[0] == "li":
                found.append(_texts(node))
            else:
                walk(node[2:])

    walk(page_nodes(parsed.kind, parsed.pages[0].text))
    return found


def test_a_list_ends_before_the_heading_paragraph_or_table_after_it():
    """A Word handout's list then its next heading, paragraph and table, and a slide's points then its speaker notes,
    read with no blank line between: the reader showed all that followed inside the list's last item, the table as
    bare "| Item | Quantity |" lines (a class walkthrough)."""
    document = docx.Document()
    document.add_heading("What to bring", level=1)
    for item in ("Safety boots", "Packed lunch"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Kit list", level=1)
    document.add_paragraph("Item one", style="List Bullet")
    document.add_paragraph("The kit is split across the teams.")
    document.add_paragraph("Item two", style="List Bullet")
    grid = document.add_table(rows=2, cols=2)
    for cell, value in zip(grid.rows[0].cells + grid.rows[1].cells, ["Item", "Quantity", "Kit", "2"], strict=True):
        cell.text = value
    out = io.BytesIO()
    document.save(out)
    word = parse(out.getvalue(), "kit.docx")
    assert _items(word) == ["Safety boots", "Packed lunch", "Item one", "Item two"]
    assert "table" in str(page_nodes("docx", word.pages[0].text))
    assert [s.heading.rsplit(" > ", 1)[-1] for s in word.pages[0].sections] == ["What to bring", "Kit list"]
    deck = parse(make_pptx([("Hardware", ["Dry mass 9.4 kg", "Tarn-M7 board"], "It runs at 180 MHz.")]), "d.pptx")
    assert _items(deck) == ["Dry mass 9.4 kg", "Tarn-M7 board"]
    assert deck.pages[0].sections[1].text.startswith("Speaker notes")


def test_macro_enabled_docm_is_read_as_text():
    parsed = parse(as_macro_enabled(make_docx("Macro doc", [("Part", ["Macro free text."])])), "macro.docm")
    assert "Macro free text." in parsed.pages[0].text


def test_password_protected_office_file_is_refused_clearly():
    locked = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(InvalidInput, match="password-protected"):
        precheck(locked, "locked.docx")


def test_old_binary_office_file_is_unsupported():
    with pytest.raises(UnsupportedFile, match=r"save it as \.docx"):
        precheck(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "old.doc")


def test_type_is_the_content_not_the_extension():
    assert parse(make_docx("Renamed", [("Part", ["Inside a zip."])]), "notes.txt").kind == "docx"


def test_a_text_file_named_docx_is_not_word():
    with pytest.raises(UnsupportedFile, match="extension"):
        precheck(b"just words", "fake.docx")


def test_other_zip_files_are_unsupported():
    sheet = zip_of({"[Content_Types].xml": EXCEL_TYPES, "xl/workbook.xml": b"<workbook/>"})
    with pytest.raises(UnsupportedFile, match="unsupported zip"):
        precheck(sheet, "marks.xlsx")


def test_odt_heading_and_text():
    parsed = parse(make_odt("Osmosis", ["Water moves across membranes."]), "bio.odt")
    assert parsed.pages[0].sections[0].heading == "Osmosis"


def test_odp_one_page_per_slide_under_its_title():
    parsed = parse(make_odp([("Cells", "Mitochondria make ATP."), ("DNA", "Double helix.")]), "bio.odp")
    assert [(p.number, p.sections[0].heading) for p in parsed.pages] == [(1, "Cells"), (2, "DNA")]


@pytest.fixture(scope="module")
def page():
    body = (
        "<h1>Volcanoes</h1><p>Magma rises.</p><h2>Types</h2><ul><li>Shield</li></ul>"
        "<pre class='language-python'>x = 1</pre>"
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    return parse(make_html("Volcanoes | Site", body), "saved.html")


def test_html_headings_are_sections(page):
    assert _headings(page) == ["Volcanoes", "Volcanoes > Types"]


def test_html_drops_scripts_styles_and_navigation(page):
    assert not {"tracking", "color", "menu", "copyright"} & set(page.pages[0].text.replace("'", " ").split())


def test_html_code_is_fenced(page):
    assert "```python\nx = 1\n```" in page.pages[0].text


def test_html_table_is_a_table(page):
    assert "| a | b |\n| --- | --- |\n| 1 | 2 |" in page.pages[0].text


def test_html_title_is_the_page_title(page):
    assert page.title == "Volcanoes | Site"


@pytest.fixture(scope="module")
def notebook():
    cells = [
        ("markdown", "# Fitting\n## Least squares\nWe fit a line.", ""),
        ("code", "print(2 + 2)", "4\n"),
        ("markdown", "", ""),
    ]
    return parse(make_notebook(cells), "lab.ipynb")


def test_notebook_cell_number_is_the_page(notebook):
    assert [(p.number, p.label) for p in notebook.pages] == [(1, "cell 1"), (2, "cell 2")]


def test_notebook_code_cell_sits_under_the_heading_before_it(notebook):
    assert notebook.pages[1].sections[0].heading == "Fitting > Least squares"


def test_notebook_code_is_fenced_with_its_language(notebook):
    assert notebook.pages[1].text.startswith("```python\nprint(2 + 2)\n```")


def test_notebook_text_output_is_kept(notebook):
    assert "Output:\n```\n4\n```" in notebook.pages[1].text


def test_epub_chapters_are_pages_under_their_titles():
    parsed = parse(make_epub("Rivers", [("Source", "Springs."), ("Delta", "The mouth.")]), "rivers.epub")
    assert [(p.number, p.sections[0].heading) for p in parsed.pages] == [(1, "Source"), (2, "Delta")]


def _docx_with(**extra: bytes) -> bytes:
    return zip_of({**_parts(make_docx("T", [("H", ["x"])])), **extra})


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("ratio.docx", _docx_with(**{"word/media/big.bin": b"\0" * (20 << 20)}), "zip bomb"),
        (
            "entries.docx",
            _docx_with(**{f"word/media/{n}.bin": b"x" for n in range(5100)}),
            "more than the limit of 5000",
        ),
        ("laughs.docx", _docx_with(**{"word/document.xml": LAUGHS}), "declares XML entities"),
        ("deep.html", b"<html><body>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000, "more than 256 deep"),
        ("big.ipynb", make_notebook([("code", "print('x' * 3_000_000)", "x" * 3_000_000)]), "cell 1 yields"),
        ("giant.pdf", giant_page_pdf(), "over the limit of 25000000 pixels"),
        ("bomb.pdf", pdf_bomb(), "page 1 yields 300000 characters"),
    ],
)
def test_hostile_file_is_refused_with_its_reason(name, data, message):
    with pytest.raises(InvalidInput, match=message):
        parse(data, name)


def test_unpacked_size_is_capped():
    random_part = os.urandom(2 << 20)  # does not compress: only the total size cap can catch it
    with pytest.raises(InvalidInput, match="unpacks to 2 MB"):
        parse(_docx_with(**{"word/media/noise.bin": random_part}), "noise.docx", Caps(unpacked_bytes=1 << 20))


def test_pdf_page_cap():
    with pytest.raises(InvalidInput, match="more than the limit of 10"):
        precheck(pdf_bomb(pages=11, chars=10), "long.pdf", Caps(pages=10))


def test_pdf_document_character_cap():
    with pytest.raises(InvalidInput, match="max_document_chars"):
        parse(pdf_bomb(pages=30, chars=5000), "many.pdf", Caps(document_chars=100_000))


@pytest.mark.parametrize(
    "target, message",
    [
        ("tests.runaways:hog", "needs more than 1024 MB"),
        ("tests.runaways:crash", "the reader stopped"),
        ("tests.runaways:slow_step", "OCR of page 7 took too long"),
    ],
)
def test_a_runaway_parser_ends_with_a_clear_message(target, message):
    with pytest.raises(InvalidInput, match=message):
        isolate.run(target, (), LIMITS)


def test_a_hung_parser_is_stopped_at_the_deadline():
    with pytest.raises(InvalidInput, match="took longer than 2 seconds"):
        isolate.run("tests.runaways:hang", (), isolate.Limits(seconds=2, memory_bytes=1 << 30))


def test_cpu_time_is_limited_in_the_child():
    with pytest.raises(InvalidInput, match="CPU seconds"):
        isolate.run("tests.runaways:spin", (), isolate.Limits(seconds=30, memory_bytes=1 << 30, cpu_seconds=1))


def test_the_child_result_and_progress_come_back():
    seen = []
    assert isolate.run("tests.runaways:double", (21,), LIMITS, lambda **fields: seen.append(fields)) == 42
    assert seen == [{"pages_done": 1}]


def test_teacher_with_too_many_queued_jobs_gets_429(tmp_path, fakes):
    settings = load_settings(environ={}, data_dir=str(tmp_path), ingest_sample=False, max_queued_jobs=2)
    built = services_module.build(settings, **fakes)
    with TestClient(app=create_app(settings, built)) as client:
        client.headers.update(sign_in(client, built, "teach", "teacher"))
        for n in range(2):
            built.database.create_job(f"held{n}", f"held{n}.txt", user_id=built.accounts.named("teach")["id"])
        response = client.post("/api/v1/documents", files=[("files", ("one.txt", b"one more file", "text/plain"))])
    assert response.status_code == 429


def test_the_service_never_loads_a_parser_itself():
    code = "import sys, appliance.services; print(sorted({'pypdf', 'lxml', 'cv2', 'pptx'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_each_granted_page_budget_extends_the_file_deadline():
    limits = isolate.Limits(seconds=2, memory_bytes=1 << 30)
    assert isolate.run("tests.runaways:two_slow_pages", (), limits) == "read"


def test_ocr_without_its_system_libraries_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # as when OpenCV cannot find libGL
    ocr._engine.cache_clear()
    with pytest.raises(InvalidInput, match="libgl1"):
        ocr.recognise(None)
    ocr._engine.cache_clear()


# Lines as RapidOCR read the scanned fresh16 handouts, and what they should have said.
GLUED_OCR = {
    "A:Fillin afaultcard andleaveitwith therobotonthe": "A:Fill in a fault card and leave it with the robot on the",
    "Dateout:16February2027": "Dateout:16 February 2027",
    "Email the demonstratorwithin48 hours": "Email the demonstrator within 48 hours",
    "Q: CanIwork alone?": "Q: Can I work alone?",
    "RS417FrequentlyAskedQuestions": "RS417 Frequently Asked Questions",
    "2.Keepyour hands clearof thelegswhile\na robot": "2.Keep your hands clear of the legs while\na robot",
    "if the robot drifts more than20centimetres": "if the robot drifts more than 20 centimetres",
    "Week8: balancecontrol": "Week 8: balancecontrol",  # two content words: as likely one word of the subject
    "Q:lsthereatextbook?": "Q:Is there a textbook?",  # a capital I read as a small l
    "putitinthebox": "put it in the box",
}


@pytest.mark.parametrize("read", GLUED_OCR)
def test_ocr_words_run_together_are_spaced_apart(read):
    assert words.split_words(read) == GLUED_OCR[read]


@pytest.mark.parametrize(
    "line",
    [
        "Name: Maelis Tronbury, Team Heron",  # names made of known words: "Tron bury", "Mae lis"
        "Mossgrave M3, Quellin arm, Vexmoor bracket, Penhallow, GaitBench",
        "Store room AD-0.22, serial MG3-0415, module RS417 or EN152, code SV-220",  # codes
        "the 2nd and 10th, 3D, 5kg, 7.4 V, v2, mp3, x86",  # units, ordinals, short codes
        "Hexapod servos and a gripper: 12:00 to 14:00.",  # known words and times
        # a subject's words made of known ones, and codes
        "the dataset, the costmap, colcon and matplotlib on the microcontroller; ifconfig, stdin, atmega, lidar",
    ],
)
def test_ocr_words_leave_names_codes_and_known_words_whole(line):
    assert words.split_words(line) == line


def test_html_inline_elements_stay_in_their_line():
    parsed = parse(make_html("Inline", "<div>Press <b>Start</b>, then <a href='#'>Stop</a>.</div>"), "inline.html")
    assert "Press Start, then Stop." in parsed.pages[0].text.split("\n")


def test_html_ordered_list_items_keep_their_numbers():
    """A lab page's steps lost their numbers ("- Zero the gauge."), so "what is step 2?" had nothing to go by."""
    body = (
        "<h2>Steps</h2><ol><li>Fill the tank.</li><li>Zero the <b>gauge</b>.</li></ol>"
        "<ol start='5'><li>Log the depth.</li><li value='9'>Drain it.</li><li>Rinse.</li></ol>"
        "<ol start='x'><li>Sign out.</li></ol><ul><li>Bring gloves.</li></ul>"
    )
    lines = parse(make_html("Lab 3", body), "lab3.html").pages[0].text.split("\n")
    for line in ("1. Fill the tank.", "2. Zero the gauge.", "5. Log the depth.", "9. Drain it.", "10. Rinse."):
        assert line in lines
    assert "1. Sign out." in lines and "- Bring gloves." in lines
