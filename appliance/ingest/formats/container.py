"""Office, OpenDocument and EPUB files: typed by what their zip container holds, opened only within caps."""

import io
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from appliance.errors import InvalidInput, UnsupportedFile
from appliance.ingest.document import Caps

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office format, also the wrapper of encrypted OOXML
ENCRYPTED = "the Office file is password-protected; remove the password and upload it again"
MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/epub+zip": "epub",
}
OOXML_MAIN = {"word/document.xml": "docx", "ppt/presentation.xml": "pptx"}
# A macro-enabled file is the plain format plus a macro part: declaring its main part plain lets the readers open
# it, and the macro part stays an opaque blob that nothing runs.
MACRO_TYPES = {
    b"application/vnd.ms-word.document.macroEnabled.main+xml": (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    ),
    b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": (
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    ),
}
XML_PARTS = (".xml", ".rels", ".opf", ".ncx", ".xhtml", ".htm", ".html", ".svg")
SMALL = 1 << 20  # below this, a high compression ratio is just a repetitive little XML file


def container_kind(data: bytes) -> str | None:
    """'docx', 'pptx', 'odt', 'odp' or 'epub' by the container's content; None if the file is no zip or OLE file."""
    if data.startswith(OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InvalidInput(ENCRYPTED)
        raise UnsupportedFile("old binary Office files (.doc, .ppt) are not supported; save it as .docx or .pptx")
    if not data.startswith(ZIP):
        return None
    archive = _archive(data)
    names = set(archive.namelist())
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        kind = MIMETYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
    else:
        kind = next((kind for name, kind in OOXML_MAIN.items() if name in names), None)
    if kind is None:
        raise UnsupportedFile("unsupported zip file; upload Word, PowerPoint, OpenDocument or EPUB files")
    return kind


def unpack(data: bytes, caps: Caps) -> bytes:
    """The container checked against the caps and for XML entity tricks, with any macros removed."""
    archive = _archive(data)
    entries = archive.infolist()
    if len(entries) > caps.archive_entries:
        raise InvalidInput(f"the file holds {len(entries)} parts, more than the limit of {caps.archive_entries}")
    total = sum(entry.file_size for entry in entries)
    if total > caps.unpacked_bytes:
        limit = caps.unpacked_bytes >> 20
        raise InvalidInput(f"the file unpacks to {total >> 20} MB, more than the limit of {limit} MB (a zip bomb?)")
    for entry in entries:
        _check_entry(entry, caps)
    parts = {entry.filename: _read(archive, entry) for entry in entries if not entry.is_dir()}
    types = parts.get("[Content_Types].xml", b"")
    if not any(macro in types for macro in MACRO_TYPES):
        return data
    return _declared_plain(parts)


def _archive(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        # Named as the teacher knows the file: that a Word file is a zip container is no part of it.
        raise InvalidInput(
            f"the file is damaged: it does not open as a Word, PowerPoint, OpenDocument or EPUB file ({error})"
        ) from None


def _check_entry(entry: zipfile.ZipInfo, caps: Caps) -> None:
    if entry.flag_bits & 0x1:
        raise InvalidInput(ENCRYPTED)
    ratio = entry.file_size / max(1, entry.compress_size)
    if entry.file_size > SMALL and ratio > caps.compression_ratio:
        raise InvalidInput(
            f"the part {entry.filename!r} unpacks {ratio:.0f} times its size, over the limit of "
            f"{caps.compression_ratio} (a zip bomb?)"
        )


def _read(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """One part's bytes (zipfile stops at the declared size and checks the CRC); XML parts must declare no entities."""
    try:
        raw = archive.read(entry)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise InvalidInput(f"the part {entry.filename!r} of the file is damaged ({error})") from None
    if entry.filename.lower().endswith(XML_PARTS):
        try:
            fromstring(raw)
        except DefusedXmlException:
            raise InvalidInput(
                f"the part {entry.filename!r} declares XML entities; documents never need them"
            ) from None
        except (ParseError, ValueError):
            pass  # not well-formed: the format's reader says what it makes of it
    return raw


def _declared_plain(parts: dict[str, bytes]) -> bytes:
    """The parts re-zipped with a macro-enabled main part declared as the plain format's."""
    for macro, plain in MACRO_TYPES.items():
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(macro, plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, raw in parts.items():
            archive.writestr(name, raw)
    return out.getvalue()
