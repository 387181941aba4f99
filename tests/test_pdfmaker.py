"""Check that tests/pdfmaker.py writes PDFs pypdf can read."""

import io
import logging

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from tests.pdfmaker import encrypt_pdf, make_pdf, truncate

PAGES = [
    "Preface\nHow to use this course",
    "Contents\n1 Sensors (encoders, IMU)",
    "Chapter 1\nA PID controller has three terms.\nPath C:\\robots\\arm",
    "Chapter 2\nForward kinematics",
]


def read(data: bytes) -> PdfReader:
    """Open PDF bytes strictly, so sloppy structure fails the test."""
    return PdfReader(io.BytesIO(data), strict=True)


def test_text_is_extractable_per_page(caplog):
    caplog.set_level(logging.WARNING, logger="pypdf")
    data = make_pdf(PAGES)
    assert data.startswith(b"%PDF-1.4")
    assert data.rstrip().endswith(b"%%EOF")
    reader = read(data)
    assert len(reader.pages) == len(PAGES)
    for page, text in zip(reader.pages, PAGES, strict=True):
        extracted = page.extract_text()
        for line in text.split("\n"):
            assert line in extracted
    assert not caplog.records  # a wrong xref offset would make pypdf warn and repair


def test_xref_offsets_point_at_objects():
    data = make_pdf(PAGES)
    xref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[xref:].startswith(b"xref")
    rows = data[xref:].split(b"\n")[3:]
    for number, row in enumerate(rows[: 3 + 2 * len(PAGES)], start=1):
        offset = int(row[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number)


def test_page_labels():
    labels = [
        {"start": 0, "style": "r", "prefix": None, "first": None},
        {"start": 2, "style": "D", "prefix": None, "first": 1},
    ]
    assert read(make_pdf(PAGES, labels)).page_labels == ["i", "ii", "1", "2"]


def test_page_labels_with_prefix_and_start():
    labels = [{"start": 0, "style": "D", "prefix": "A-", "first": 5}]
    assert read(make_pdf(["one", "two"], labels)).page_labels == ["A-5", "A-6"]


def test_no_page_labels_means_plain_numbers():
    assert read(make_pdf(["one", "two"])).page_labels == ["1", "2"]


def test_encrypted_copy_needs_password():
    data = encrypt_pdf(make_pdf(PAGES), "s3cret")
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong")
    assert reader.decrypt("s3cret")
    assert "three terms" in reader.pages[2].extract_text()


def test_truncated_copy_is_unreadable():
    data = make_pdf(PAGES)
    cut = truncate(data, 0.5)
    assert cut == data[: len(data) // 2]
    with pytest.raises(PdfReadError):
        read(cut)
