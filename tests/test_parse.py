import pytest

from appliance.answer import evidence
from appliance.errors import InvalidInput, UnsupportedFile
from appliance.ingest import parse as parse_module
from appliance.ingest.document import Caps
from appliance.ingest.parse import parse, precheck, text_title
from appliance.ingest.pdf import read_pdf
from tests.filemaker import scanned_pdf
from tests.pdfmaker import SYMBOL_BULLET, encrypt_pdf, make_pdf, truncate

MDX = b"""---
title: Sensors 101
sidebar_position: 2
---
import Tabs from '@theme/Tabs';

# Sensors

Intro text with a [link](https://example.org) and **bold**.

<Tabs groupId="x">
<TabItem value="a" label="A">
Lidar measures distance with light.
</TabItem>
</Tabs>

## IMU

An IMU reports acceleration.

```python
# not a heading
x = 1
```

### Drift
Gyros drift over time.
"""

RST = b"""=========
ROS Guide
=========

Intro paragraph about :doc:`nodes <Nodes>` and ``ros2 run``.

Topics
------

Topics carry messages.

.. note:: Topics are many-to-many.

.. toctree::
   :maxdepth: 2

Services
~~~~~~~~

Services answer requests.
"""


def test_mdx_strips_front_matter_imports_and_tags_and_keeps_heading_paths():
    parsed = parse(MDX, "sensors.mdx")
    text = parsed.pages[0].text
    assert parsed.kind == "markdown"
    assert parsed.title == "Sensors 101"
    assert "sidebar_position" not in text
    assert "import Tabs" not in text
    assert "<Tab" not in text
    assert "Lidar measures distance with light." in text
    assert "a link and bold" in text
    headings = [s.heading for s in parsed.pages[0].sections]
    assert headings == ["Sensors", "Sensors > IMU", "Sensors > IMU > Drift"]
    code_section = parsed.pages[0].sections[1]
    assert "# not a heading" in code_section.text
    for section in parsed.pages[0].sections:
        assert text[section.start : section.start + len(section.text)] == section.text


def test_rst_headings_by_adornment_and_markup_removed():
    parsed = parse(RST, "guide.rst")
    text = parsed.pages[0].text
    assert parsed.title == "ROS Guide"
    assert [s.heading for s in parsed.pages[0].sections] == [
        "ROS Guide",
        "ROS Guide > Topics",
        "ROS Guide > Topics > Services",
    ]
    assert "about nodes and ros2 run" in text
    assert "Topics are many-to-many." in text
    assert "toctree" not in text
    assert "maxdepth" not in text


def test_a_heading_with_nothing_under_it_is_no_section():
    """A walkthrough's sources listed "tidewell-handout.md — The Tidewell Pressure Rig", the title alone, as a
    passage: a heading with nothing before the next is none; its title stays in the headings under it."""
    parsed = parse(b"# The Tidewell Pressure Rig\n\n## Overview\n\nIt holds 40 litres.\n", "rig.md")
    assert parsed.title == "The Tidewell Pressure Rig"
    assert [s.heading for s in parsed.pages[0].sections] == ["The Tidewell Pressure Rig > Overview"]
    with pytest.raises(InvalidInput, match="no text"):
        parse(b"# Only a title\n", "title.md")


def test_code_and_text():
    code = parse(b"def pid(e):\n    return 2 * e\n", "control/pid.py")
    assert code.kind == "code"
    assert code.pages[0].sections[0].heading == "pid.py"
    plain = parse("Caf\u00e9 notes\n".encode("utf-8"), "notes.txt")
    assert plain.kind == "text"
    assert "Café" in plain.pages[0].text
    assert plain.title == "notes"
    assert plain.pages[0].sections[0].heading == ""


def test_csv_and_tsv_are_tables_under_their_header_whatever_the_delimiter():
    """Commas, Excel's semicolons or tabs; a quoted cell keeps its comma and its line break becomes a space."""
    comma = parse(b'Day,Topic,Room\r\nMon,"Gears, belts",B12\r\nTue,"PID\ntuning",B14\r\n', "rota.csv")
    assert comma.kind == "csv"
    assert comma.pages[0].text == (
        "| Day | Topic | Room |\n| --- | --- | --- |\n| Mon | Gears, belts | B12 |\n| Tue | PID tuning | B14 |"
    )
    assert (comma.title, comma.pages[0].number, comma.pages[0].sections[0].heading) == ("rota", None, "rota")
    semicolons = parse("Teil;Preis\nServo;38,90 €\n".encode(), "teile.csv")
    assert semicolons.pages[0].text.endswith("| Servo | 38,90 € |")
    tabs = parse(b"Part\tQty\nM3 bolt, 10 mm\t40\n", "bolts.tsv")
    assert tabs.pages[0].text.endswith("| M3 bolt, 10 mm | 40 |")


def test_plain_text_first_line_is_its_title():
    titled = parse(b"PID tuning notes\n\nRaise the gain until it oscillates.\n\nThen halve it.\n", "week3.txt")
    assert titled.title == "PID tuning notes"
    assert {s.heading for s in titled.pages[0].sections} == {"PID tuning notes"}
    assert titled.pages[0].text.startswith("PID tuning notes\n\nRaise")  # the title line stays in the text
    prose = parse(b"Raise the gain until it oscillates,\nthen halve it.\n\nThat is all.\n", "tips.txt")
    assert prose.title == "tips"
    assert prose.pages[0].sections[0].heading == ""
    long_line = ("word " * 60).encode() + b"\n\nMore text.\n"
    assert text_title(long_line.decode()) == ""


def test_pdf_pages_and_printed_labels():
    data = make_pdf(
        ["Preface text", "Contents", "Chapter one text", "Chapter two text"],
        page_labels=[{"start": 0, "style": "r"}, {"start": 2, "style": "D"}],
    )
    parsed = parse(data, "book.pdf")
    assert parsed.kind == "pdf"
    assert [(p.number, p.label) for p in parsed.pages] == [(1, "i"), (2, "ii"), (3, "1"), (4, "2")]
    assert "Chapter two text" in parsed.pages[3].text
    assert precheck(data, "book.pdf") == ("pdf", 4)


def test_a_pdf_pages_printed_number_is_no_part_of_its_text():
    """A LaTeX book's footer number ended its page's last sentence: a quote read "... it should be written\n3"."""
    pages = ["A blind text like this gives\nno information.\n1", "- 2 -\nThe text goes on.\n\nPage 2 of 3", "Steps:\n7"]
    parsed = parse(make_pdf(pages), "book.pdf")
    assert [p.text for p in parsed.pages] == [
        "A blind text like this gives\nno information.",
        "The text goes on.",
        "Steps:\n7",  # not this page's number: the text's own
    ]
    labelled = parse(
        make_pdf(
            ["Preface text\ni", "Body text\n1"], page_labels=[{"start": 0, "style": "r"}, {"start": 1, "style": "D"}]
        ),
        "b.pdf",
    )
    assert [p.text for p in labelled.pages] == ["Preface text", "Body text"]


def test_a_pdf_fonts_control_characters_are_no_part_of_its_text():
    """A TeX book's math fonts map glyphs to control characters ("\x0f", "\x14"): the reader showed empty boxes."""
    parsed = parse(make_pdf(["A set \x0fS\x12 T is open.\tTabs stay."]), "topo.pdf")
    assert parsed.pages[0].text == "A set S T is open.\tTabs stay."


def test_a_pdf_fonts_ligatures_are_spelt_out():
    """pdfTeX sets "ffi" as one glyph, which a text layer gives as "\ufb03": a table's "Oﬃcial Language" was found by
    no search for "official language", nor the question "What is the official language of Finland?" beside it."""
    parsed = parse(make_pdf(["Oﬃcial Language: Finnish. The ﬁle ﬂows; staﬀ baﬄe."]), "eu.pdf")
    assert parsed.pages[0].text == "Official Language: Finnish. The file flows; staff baffle."


def test_a_word_a_pdf_hyphenated_at_a_line_s_end_is_whole_again():
    """A typeset handout breaks words at its lines' ends: "manipu-\nlator" was quoted to a student as "manipu- lator"
    and found by no search for "manipulator". A compound broken at its own hyphen keeps it, as the rest of the
    document spells it ("real-time"), or as a capital after it shows ("Schwarz-Weiß"); every line stays a line."""
    text = (
        "The manipu-\nlator reaches 2 m.\nIt runs a real-\ntime loop; real-time control is hard.\n"
        "Print it Schwarz-\nWeiß.\nThe gripper's high-\nspeed mode is fast at high speed."
    )
    page = parse(make_pdf([text]), "arm.pdf").pages[0].text
    assert page == (
        "The manipulator\nreaches 2 m.\nIt runs a real-time\nloop; real-time control is hard.\n"
        "Print it Schwarz-Weiß.\nThe gripper's high-speed\nmode is fast at high speed."
    )
    assert next(page[a:b] for a, b in evidence.sentences(page)) == "The manipulator\nreaches 2 m."


def test_whether_a_broken_word_joins_is_read_off_the_whole_document():
    """ "grip-\nper" joins as "gripper" stands whole on page 2; "In-\nformation" too, "in" too short to be a half."""
    pages = parse(make_pdf(["The grip-\nper closes.", "The gripper opens at 3 bar.\nIn-\nformation: none."]), "g.pdf")
    assert [page.text for page in pages.pages] == [
        "The gripper\ncloses.",
        "The gripper opens at 3 bar.\nInformation:\nnone.",
    ]


def test_a_pdf_titled_on_its_first_line_carries_the_title_on_every_page():
    titled = parse(make_pdf(["TC-90 Thermal Chamber\nIt holds 64 litres.", "The shelf takes 4 kg."]), "t1.pdf")
    assert titled.title == "TC-90 Thermal Chamber"
    assert [s.heading for p in titled.pages for s in p.sections] == ["TC-90 Thermal Chamber"] * 2
    prose = parse(make_pdf(["The chamber holds 64 litres of air.", "The shelf takes 4 kg."]), "t1.pdf")
    assert prose.title == "t1"
    assert [s.heading for p in prose.pages for s in p.sections] == ["", ""]


def test_a_pdf_s_bullets_set_in_a_symbol_font_are_bullets():
    """PowerPoint and Word set bullets in the Symbol font, whose text comes out as a private-use character: a box on
    the student's screen, and no mark of a list, so a slide's points ran into one "sentence"."""
    slide = f"Charging LiPo packs\n{SYMBOL_BULLET} Charge only on the safe mat\n{SYMBOL_BULLET}Never leave a pack alone"
    page = parse(make_pdf([slide, "Next slide"]), "slides.pdf").pages[0].text
    assert page == "Charging LiPo packs\n\u2022 Charge only on the safe mat\n\u2022 Never leave a pack alone"
    assert [page[a:b] for a, b in evidence.sentences(page)] == [
        "Charge only on the safe mat",
        "Never leave a pack alone",
    ]


HANDOUT = [
    "Course OPT-214, autumn term\nKestrel Spectrometer: user guide\nWarm the lamp for ten minutes.",
    "It weighs 9 kg.",
]


def test_a_pdf_given_a_title_is_titled_by_it_not_by_its_first_line():
    """A word processor's handout opens with its course above its title; the PDF's /Title names the device."""
    given = parse(make_pdf(HANDOUT, title="Kestrel Spectrometer: user guide"), "handout3.pdf")
    assert given.title == "Kestrel Spectrometer: user guide"
    assert [s.heading for p in given.pages for s in p.sections] == ["Kestrel Spectrometer: user guide"] * 2


@pytest.mark.parametrize(
    "junk",
    ["Microsoft Word - handout3.docx", "handout3.docx", "C:\\Users\\ana\\handout3", "/home/ana/handout3", "Untitled"],
)
def test_a_pdf_titled_by_its_file_name_or_a_placeholder_keeps_its_first_line(junk):
    assert parse(make_pdf(HANDOUT, title=junk), "handout3.pdf").title == "Course OPT-214, autumn term"


def test_a_pdf_title_not_printed_on_its_first_page_is_not_its_title():
    """A template's or an earlier version's /Title names another document."""
    stale = parse(make_pdf(HANDOUT, title="Osprey Spectrometer: user guide"), "handout3.pdf")
    assert stale.title == "Course OPT-214, autumn term"


def test_a_pdf_s_letterhead_is_not_its_title():
    """The walkthrough's handout: one font and size throughout, no /Title, its department's name above its title."""
    lines = "Department of Applied Optics\nLab Handout 3: The Kestrel LX-9 Spectral Bench\nThe LX-9 weighs 17.5 kg."
    assert parse(make_pdf([lines]), "handout3.pdf").title == "Lab Handout 3: The Kestrel LX-9 Spectral Bench"
    below = ["School of Physics\nThe lamp must warm up for ten minutes before use."]
    assert parse(make_pdf(below), "handout3.pdf").title == "School of Physics"  # no title under it


def test_a_pdf_title_set_larger_than_its_text_is_its_title():
    first = [("Course OPT-214, autumn term", 12), ("Kestrel Spectrometer:", 20), ("user guide", 20)]
    first += [("Warm the lamp for ten minutes before you take a reference spectrum.", 11)] * 3
    first += [("Calibration steps", 16)]
    sized = parse(make_pdf([first, "It weighs 9 kg."], title="Microsoft Word - handout3.docx"), "handout3.pdf")
    assert sized.title == "Kestrel Spectrometer: user guide"  # the two lines it wraps onto
    assert [s.heading for p in sized.pages for s in p.sections] == ["Kestrel Spectrometer: user guide"] * 2
    # A line a little larger than the text is emphasis, not a title: the first line stays the title.
    bold = [("Course OPT-214, autumn term", 12), ("Kestrel Spectrometer", 13), ("Warm the lamp first.", 12)]
    assert parse(make_pdf([bold]), "handout3.pdf").title == "Course OPT-214, autumn term"


@pytest.mark.parametrize(
    "data, name, error, message",
    [
        (b"", "empty.md", InvalidInput, "empty"),
        (b"   \n\n", "blank.txt", InvalidInput, "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.pdf", UnsupportedFile, "not a PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png", UnsupportedFile, r"an image \(\.png\).*CSV or code files$"),
        # A teacher uploads a Word or PowerPoint file, not a "zip container".
        (b"PK\x03\x04" + b"\x00" * 64, "slides.pptx", InvalidInput, "damaged: it does not open as a Word, PowerPoint"),
        (b"plain words", "table.xlsx", UnsupportedFile, "extension"),
        (b"\x00\x01\x02binary", "data.txt", UnsupportedFile, r"binary data \(\.txt\), which cannot be read"),
    ],
)
def test_bad_files_are_refused_with_a_reason(data, name, error, message):
    with pytest.raises(error, match=message):
        precheck(data, name)
    with pytest.raises(error, match=message):
        parse(data, name)


def test_truncated_encrypted_and_imageonly_pdfs():
    good = make_pdf(["Some text on a page"] * 3)
    with pytest.raises(InvalidInput, match="truncated"):
        precheck(truncate(good), "cut.pdf")
    with pytest.raises(InvalidInput, match="encrypted"):
        precheck(encrypt_pdf(good, "secret"), "locked.pdf")
    with pytest.raises(InvalidInput, match="no text"):
        parse(make_pdf(["", ""]), "scan.pdf")
    # Pages with neither text nor an image have nothing for OCR either: refused at upload whether it is on or not.
    for ocr in (True, False):
        with pytest.raises(InvalidInput, match="no text to read"):
            precheck(make_pdf(["", ""]), "blank.pdf", Caps(ocr=ocr))


def test_a_scan_is_refused_at_upload_while_ocr_is_off_saying_so_and_who_can_turn_it_on():
    scan = scanned_pdf(["The Halvard valve opens at three bar."])
    with pytest.raises(UnsupportedFile, match=r"no text layer \(a scan\?\) and OCR is off.*setting ocr"):
        precheck(scan, "scan.pdf", Caps(ocr=False))
    with pytest.raises(InvalidInput, match="no text could be extracted"):
        parse(scan, "scan.pdf", Caps(ocr=False))  # what the upload spares the teacher from finding in a failed job


def test_a_scan_is_accepted_at_upload_while_ocr_is_on():
    assert precheck(scanned_pdf(["The Halvard valve opens at three bar."]), "scan.pdf", Caps(ocr=True)) == ("pdf", 1)


def test_ocr_text_gets_its_run_together_words_spaced_but_a_text_layer_is_left_as_written(monkeypatch):
    monkeypatch.setattr(parse_module, "recognise", lambda image: "Fillin afaultcard within48 hours")
    scanned = parse(scanned_pdf(["Anything"]), "scan.pdf", Caps(ocr=True)).pages[0].text
    assert scanned.endswith("Fill in a fault card within 48 hours")
    assert "Fillin afaultcard" in parse(make_pdf(["Fillin afaultcard within48 hours"]), "notes.pdf").pages[0].text


def test_a_pdf_with_text_is_accepted_at_upload_while_ocr_is_off_even_after_blank_pages():
    assert precheck(make_pdf(["Some text on a page"] * 2), "notes.pdf", Caps(ocr=False)) == ("pdf", 2)
    assert precheck(make_pdf(["", "", "Text on page three"]), "late.pdf", Caps(ocr=False)) == ("pdf", 3)


def test_reading_a_pdf_until_a_page_stops_after_it_and_still_counts_every_page():
    read = read_pdf(make_pdf(["", "Page two", "Page three"]), Caps(), until=lambda text: bool(text.strip()))
    assert [text for text, _, _ in read.pages] == ["", "Page two"]
    assert read.count == 3
