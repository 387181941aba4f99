"""Text of a page image with RapidOCR, whose ONNX models ship inside its wheel: nothing is downloaded."""

import functools
import logging

from rapidocr_onnxruntime import RapidOCR


@functools.cache
def _engine() -> RapidOCR:
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)  # it logs every model it loads
    return RapidOCR()


def recognise(image) -> str:
    """The lines of text the recogniser finds in a PIL image, top to bottom."""
    found, _ = _engine()(image)
    return "\n".join(text for _, text, _ in found or [])
