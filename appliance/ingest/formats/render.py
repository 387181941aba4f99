"""PDF pages rendered to images with pypdfium2, for OCR."""

import pypdfium2 as pdfium

from appliance.errors import InvalidInput

DPI = 200  # small print stays legible to the recogniser; more only costs time
POINTS_PER_INCH = 72


def render_page(data: bytes, number: int, max_pixels: int):
    """Page `number` (from 1) as a PIL image, refused when it would exceed `max_pixels`."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[number - 1]
        scale = DPI / POINTS_PER_INCH
        width, height = (round(side * scale) for side in page.get_size())
        if width * height > max_pixels:
            raise InvalidInput(
                f"page {number} would be a {width}x{height} pixel image for OCR, over the limit of "
                f"{max_pixels} pixels (ocr_max_pixels)"
            )
        return page.render(scale=scale, grayscale=True).to_pil()
    except pdfium.PdfiumError as error:
        raise InvalidInput(f"page {number} of the PDF cannot be rendered for OCR ({error})") from None
    finally:
        document.close()
