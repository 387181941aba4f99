"""Text of a page image with RapidOCR, whose ONNX models ship inside its wheel: nothing is downloaded."""

import functools
import logging

from appliance.errors import InvalidInput


@functools.cache
def _engine():
    # Imported here, not at the top: RapidOCR pulls in OpenCV, which needs libGL and GLib from the system;
    # a box without them still reads every other file, and a scan gets a message saying what is missing.
    try:
        from rapidocr_onnxruntime import RapidOCR
    except (ImportError, OSError) as error:
        raise InvalidInput(
            f"this page needs OCR, which cannot run on this machine ({error}); install the system packages "
            "libgl1 and libglib2.0-0, or set ocr = false"
        ) from None
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)  # it logs every model it loads
    return RapidOCR()


def recognise(image) -> str:
    """The lines of text the recogniser finds in a PIL image, top to bottom."""
    found, _ = _engine()(image)
    return "\n".join(text for _, text, _ in found or [])
