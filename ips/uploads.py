"""What an uploaded file really is, judged by its content (never by its name or the browser's claim).

Evidence, incoming correspondence and separate-consideration requests all pass their uploads through
:func:`checked_upload`, which either refuses the file with a specific message or returns the bytes to store:

- images (JPEG, PNG, GIF, WebP) are decoded and re-encoded from their pixels, so nothing but the picture
  survives: appended data, scripts, comments, XMP and EXIF (GPS position, camera) are gone. The EXIF
  orientation is applied first; the ICC colour profile is kept. EXIF may be kept on request (evidence
  photographs), still written from the decoded picture. Animated images and images of more than
  ``IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS`` are refused;
- PDFs are parsed with pypdf and stored as uploaded only when they are not encrypted and carry no active
  content (JavaScript, embedded files, launch actions, rich media, XFA forms, form submission or import)
  and are not also another kind of file (something before ``%PDF-``, data after the last ``%%EOF``, HTML
  outside the PDF's streams);
- Word and Excel files are refused with macros, with links to outside templates or files (hyperlinks are
  fine), or when they unpack to more than ``OFFICE_MAX_UNPACKED_BYTES``.

:class:`UploadField` is the form side: it refuses a file over ``IPS_UPLOAD_MAX_MB``, including one that
:mod:`ips.upload_handlers` stopped reading part-way.
"""

from __future__ import annotations

import enum
import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from xml.etree import ElementTree

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import cached_property, lazy

from ips.upload_handlers import RefusedUpload, max_upload_bytes

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WEBP"}  # Pillow's names
OFFICE_TYPES = (DOCX, XLSX)

PDF_HEADER_WINDOW = 1024  # PDF readers look for "%PDF-" this far into a file
PDF_MAX_OBJECTS = 200_000  # a PDF with more objects than this is refused rather than walked
OFFICE_MAX_UNPACKED_BYTES = 250 * 1024 * 1024  # a Word or Excel file unpacking to more is a zip bomb
OFFICE_MAX_PARTS = 10_000
OFFICE_MAX_XML_BYTES = 2 * 1024 * 1024  # the largest [Content_Types].xml or .rels part read
JPEG_WEBP_QUALITY = 92  # used when the original's quality cannot be carried over


class Refusal(enum.StrEnum):
    """Stable codes of the refusals (the ValidationError's ``code``)."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_ACCEPTED = "not_accepted"
    POLYGLOT = "polyglot"
    DAMAGED_IMAGE = "damaged_image"
    IMAGE_TOO_MANY_PIXELS = "image_too_many_pixels"
    ANIMATED_IMAGE = "animated_image"
    DAMAGED_PDF = "damaged_pdf"
    PDF_TRAILING_DATA = "pdf_trailing_data"
    PDF_HTML = "pdf_html"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_JAVASCRIPT = "pdf_javascript"
    PDF_EMBEDDED_FILE = "pdf_embedded_file"
    PDF_LAUNCH = "pdf_launch"
    PDF_RICH_MEDIA = "pdf_rich_media"
    PDF_XFA = "pdf_xfa"
    PDF_SUBMIT = "pdf_submit"
    PDF_TOO_COMPLEX = "pdf_too_complex"
    DAMAGED_DOCUMENT = "damaged_document"
    OFFICE_MACROS = "office_macros"
    OFFICE_EXTERNAL_LINK = "office_external_link"
    OFFICE_TOO_LARGE_UNPACKED = "office_too_large_unpacked"


MESSAGES = {
    Refusal.EMPTY: "The file is empty.",
    Refusal.POLYGLOT: "The file is a PDF hidden behind another kind of file, which is not allowed.",
    Refusal.DAMAGED_IMAGE: "The image is damaged or not really an image.",
    Refusal.ANIMATED_IMAGE: "Animated images are not accepted. Attach a still image (one frame) instead.",
    Refusal.DAMAGED_PDF: "The PDF is incomplete or damaged.",
    Refusal.PDF_TRAILING_DATA: "The PDF has other data after its end, which is not allowed.",
    Refusal.PDF_HTML: "This PDF also contains a web page or script (HTML), which is not allowed.",
    Refusal.PDF_ENCRYPTED: "This PDF is encrypted or password-protected. Remove the protection and attach it again.",
    Refusal.PDF_JAVASCRIPT: "This PDF contains JavaScript, which is not allowed.",
    Refusal.PDF_EMBEDDED_FILE: "This PDF contains embedded files (attachments), which are not allowed.",
    Refusal.PDF_LAUNCH: "This PDF contains an action that opens another program or file, which is not allowed.",
    Refusal.PDF_RICH_MEDIA: "This PDF contains embedded media (Flash, video or 3D), which is not allowed.",
    Refusal.PDF_XFA: "This PDF contains an XFA form, which is not allowed. Print it to a plain PDF first.",
    Refusal.PDF_SUBMIT: "This PDF contains a form action that sends or imports data, which is not allowed.",
    Refusal.PDF_TOO_COMPLEX: "The PDF is too complex to check. Print it to a simpler PDF and attach that.",
    Refusal.DAMAGED_DOCUMENT: "The document is damaged or not really a Word or Excel file.",
    Refusal.OFFICE_MACROS: "This document contains macros, which are not allowed. Save it as a plain .docx or "
                           ".xlsx file and attach that.",
    Refusal.OFFICE_EXTERNAL_LINK: "This document loads a template, picture or data from outside the file, which "
                                  "is not allowed.",
}


def _refuse(code: Refusal, message: str | None = None) -> ValidationError:
    return ValidationError(message or MESSAGES[code], code=code.value)


def max_upload_mb() -> int:
    return settings.IPS_UPLOAD_MAX_MB


def too_large_message() -> str:
    return f"The file is larger than the {max_upload_mb()} MB limit."


# --- what the bytes are -------------------------------------------------------------------------


def content_type_of(data: bytes) -> str | None:
    """The content type the bytes show, or None when they are none of the kinds the program accepts."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its type and the bytes to store (re-encoded for images)."""

    content_type: str
    data: bytes
    original_sha256: str  # of the bytes as uploaded

    @property
    def size(self) -> int:
        return len(self.data)

    @cached_property
    def sha256(self) -> str:
        """Of the stored bytes; the same as ``original_sha256`` unless an image was re-encoded."""
        return hashlib.sha256(self.data).hexdigest()


def checked_upload(upload, *, accept: Collection[str], not_accepted: str,
                   keep_metadata: bool = False) -> CheckedFile:
    """Read an uploaded file and check it (see :func:`checked_content`); refuses a file over the size limit."""
    size = getattr(upload, "size", None)
    if isinstance(upload, RefusedUpload) or size is None or size > max_upload_bytes():
        raise _refuse(Refusal.TOO_LARGE, too_large_message())
    if size == 0:
        raise _refuse(Refusal.EMPTY)
    upload.seek(0)
    return checked_content(upload.read(), accept=accept, not_accepted=not_accepted, keep_metadata=keep_metadata)


def checked_content(data: bytes, *, accept: Collection[str], not_accepted: str,
                    keep_metadata: bool = False) -> CheckedFile:
    """The bytes to store for an upload of one of the ``accept`` types, or a ValidationError saying why not.

    ``not_accepted`` is the message for a file of another type; ``keep_metadata`` keeps an image's EXIF.
    """
    if not data:
        raise _refuse(Refusal.EMPTY)
    if len(data) > max_upload_bytes():
        raise _refuse(Refusal.TOO_LARGE, too_large_message())
    if b"%PDF-" in data[1:PDF_HEADER_WINDOW]:
        raise _refuse(Refusal.POLYGLOT)
    content_type = content_type_of(data)
    if content_type not in accept:
        raise _refuse(Refusal.NOT_ACCEPTED, not_accepted)
    original_sha256 = hashlib.sha256(data).hexdigest()
    if content_type in IMAGE_FORMATS:
        stored = reencoded_image(data, content_type, keep_metadata=keep_metadata)
    elif content_type == PDF:
        check_pdf(data)
        stored = data
    else:
        check_office_document(data)
        stored = data
    return CheckedFile(content_type=content_type, data=stored, original_sha256=original_sha256)


# --- images -------------------------------------------------------------------------------------


def max_image_pixels() -> int:
    return settings.IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS * 1_000_000


def reencoded_image(data: bytes, content_type: str, *, keep_metadata: bool = False) -> bytes:
    """The image written anew from its decoded pixels, upright, with only its colour profile (and EXIF if
    ``keep_metadata``: then without the embedded thumbnail, which is a second, unchecked picture)."""
    from PIL import Image, ImageOps, JpegImagePlugin

    fmt = IMAGE_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as source:
            width, height = source.size
            if width * height > max_image_pixels():
                raise _too_many_pixels()
            if getattr(source, "is_animated", False):
                raise _refuse(Refusal.ANIMATED_IMAGE)
            source.load()
            icc_profile = source.info.get("icc_profile")
            transparency = source.info.get("transparency")
            options = {}
            if fmt == "JPEG":
                options = {"qtables": source.quantization, "subsampling": JpegImagePlugin.get_sampling(source)}
            upright = ImageOps.exif_transpose(source)  # a new image, with the orientation tag removed
            exif = upright.getexif() if keep_metadata else None
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except Exception:  # noqa: BLE001 - Pillow reports broken files with many exception types
        raise _refuse(Refusal.DAMAGED_IMAGE) from None

    upright.info = {}  # comments, XMP, EXIF and the rest of the original's extras are not written
    if icc_profile:
        options["icc_profile"] = icc_profile
    if exif:
        options["exif"] = exif.tobytes()
    if transparency is not None and fmt in ("PNG", "GIF"):
        options["transparency"] = transparency
    if fmt == "WEBP":
        options.update({"lossless": True} if _webp_is_lossless(data) else {"quality": JPEG_WEBP_QUALITY})
    if fmt == "JPEG" and upright.mode not in ("L", "RGB", "CMYK"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    try:
        upright.save(out, format=fmt, **options)
    except (OSError, ValueError):
        raise _refuse(Refusal.DAMAGED_IMAGE) from None
    return out.getvalue()


def _too_many_pixels() -> ValidationError:
    return _refuse(
        Refusal.IMAGE_TOO_MANY_PIXELS,
        f"The image has more than {settings.IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS} million pixels. "
        "Attach a smaller version of it.",
    )


def _webp_is_lossless(data: bytes) -> bool:
    """Whether the WebP picture is stored losslessly (its first image chunk is VP8L), so it stays so."""
    offset = 12
    while offset + 8 <= len(data):
        fourcc = data[offset:offset + 4]
        (length,) = struct.unpack("<I", data[offset + 4:offset + 8])
        if fourcc in (b"VP8 ", b"VP8L"):
            return fourcc == b"VP8L"
        offset += 8 + length + (length & 1)
    return False


# --- PDF ----------------------------------------------------------------------------------------

# The data of a stream object: after "stream" and its end of line, up to "endstream". Compressed
# streams may hold any bytes, so the HTML check below looks only at what lies outside them.
_STREAM_DATA = re.compile(rb"(?<=stream)(?<!endstream)(?:\r\n|\n|\r).*?endstream", re.S)
_HTML = re.compile(rb"<(?:!doctype\s+html|html|script|body|iframe|svg)[\s>/]", re.I)
_END_OF_FILE = b"%%EOF"
_ALLOWED_AFTER_END = b" \t\r\n\x00\x0c"

# Names that mean active content wherever they appear as a dictionary key...
_ACTIVE_KEYS = {
    "/JS": Refusal.PDF_JAVASCRIPT,
    "/JavaScript": Refusal.PDF_JAVASCRIPT,
    "/EmbeddedFiles": Refusal.PDF_EMBEDDED_FILE,
    "/EF": Refusal.PDF_EMBEDDED_FILE,
    "/RichMediaContent": Refusal.PDF_RICH_MEDIA,
    "/RichMediaSettings": Refusal.PDF_RICH_MEDIA,
    "/XFA": Refusal.PDF_XFA,
}
# ...and values of /S (action type), /Subtype or /Type that do.
_ACTIVE_VALUES = {
    "/JavaScript": Refusal.PDF_JAVASCRIPT,
    "/Launch": Refusal.PDF_LAUNCH,
    "/SubmitForm": Refusal.PDF_SUBMIT,
    "/ImportData": Refusal.PDF_SUBMIT,
    "/GoToE": Refusal.PDF_EMBEDDED_FILE,
    "/FileAttachment": Refusal.PDF_EMBEDDED_FILE,
    "/EmbeddedFile": Refusal.PDF_EMBEDDED_FILE,
    "/RichMedia": Refusal.PDF_RICH_MEDIA,
    "/RichMediaExecute": Refusal.PDF_RICH_MEDIA,
}
_TYPE_KEYS = ("/S", "/Subtype", "/Type")
# A second, byte-level look at the file outside its streams, for the same names written plainly.
_ACTIVE_NAMES = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)(?=[\s/<>\[\]()%]|$)"
)
_BYTE_NAMES = {
    b"JavaScript": Refusal.PDF_JAVASCRIPT, b"JS": Refusal.PDF_JAVASCRIPT, b"Launch": Refusal.PDF_LAUNCH,
    b"EmbeddedFile": Refusal.PDF_EMBEDDED_FILE, b"EmbeddedFiles": Refusal.PDF_EMBEDDED_FILE,
    b"RichMedia": Refusal.PDF_RICH_MEDIA, b"XFA": Refusal.PDF_XFA, b"SubmitForm": Refusal.PDF_SUBMIT,
    b"ImportData": Refusal.PDF_SUBMIT,
}


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that is damaged, encrypted, carries active content, or is also another kind of file.

    The polyglot rules: the file starts with ``%PDF-`` (checked by the caller's type test); after its last
    ``%%EOF`` only white space follows; and no HTML tag (``<html``, ``<script``, ...) appears outside its
    streams (the data of a compressed stream may hold any bytes by chance, so it is not searched). Active
    content is found by walking every object reachable from the trailer (the catalog with its name trees and
    open action, the pages with their annotations and actions, forms, outlines), then by a byte search
    outside streams.
    """
    end = data.rfind(_END_OF_FILE)
    if end < 0:
        raise _refuse(Refusal.DAMAGED_PDF)
    if data[end + len(_END_OF_FILE):].strip(_ALLOWED_AFTER_END):
        raise _refuse(Refusal.PDF_TRAILING_DATA)
    outside_streams = _STREAM_DATA.sub(b"", data)
    if _HTML.search(outside_streams):
        raise _refuse(Refusal.PDF_HTML)
    found = _pdf_active_content(data)
    if found is None:
        match = _ACTIVE_NAMES.search(outside_streams)
        found = _BYTE_NAMES[match.group(1)] if match else None
    if found is not None:
        raise _refuse(found)


def _pdf_active_content(data: bytes) -> Refusal | None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(Refusal.PDF_ENCRYPTED)
        if len(reader.pages) == 0:
            raise _refuse(Refusal.DAMAGED_PDF)
        seen: set[tuple[int, int]] = set()
        stack = [reader.trailer]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                if len(seen) > PDF_MAX_OBJECTS:
                    raise _refuse(Refusal.PDF_TOO_COMPLEX)
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):  # stream objects too: their dictionary, never their data
                for key, value in obj.items():
                    if key in _ACTIVE_KEYS:
                        return _ACTIVE_KEYS[key]
                    if key in _TYPE_KEYS and value in _ACTIVE_VALUES:
                        return _ACTIVE_VALUES[value]
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf reports broken files with many exception types
        raise _refuse(Refusal.DAMAGED_PDF) from None
    return None


# --- Word and Excel -----------------------------------------------------------------------------

_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK_TYPE = "/hyperlink"  # relationship types end so; a link the reader must click is fine


def check_office_document(data: bytes) -> None:
    """Refuse a .docx or .xlsx with macros, with parts loaded from outside the file, or that unpacks too big."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if len(parts) > OFFICE_MAX_PARTS or sum(part.file_size for part in parts) > OFFICE_MAX_UNPACKED_BYTES:
                raise _refuse(
                    Refusal.OFFICE_TOO_LARGE_UNPACKED,
                    f"The document unpacks to more than {OFFICE_MAX_UNPACKED_BYTES // (1024 * 1024)} MB "
                    "(or too many parts), which is not allowed.",
                )
            names = [part.filename.lower() for part in parts]
            if any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in names):
                raise _refuse(Refusal.OFFICE_MACROS)
            if b"macroenabled" in _read_part(archive, "[Content_Types].xml").lower():
                raise _refuse(Refusal.OFFICE_MACROS)
            for part in parts:
                if part.filename.lower().endswith(".rels") and _has_outside_target(_read_part(archive, part)):
                    raise _refuse(Refusal.OFFICE_EXTERNAL_LINK)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a broken archive or XML part fails in many ways
        raise _refuse(Refusal.DAMAGED_DOCUMENT) from None


def _read_part(archive: zipfile.ZipFile, part) -> bytes:
    with archive.open(part) as handle:
        content = handle.read(OFFICE_MAX_XML_BYTES + 1)
    if len(content) > OFFICE_MAX_XML_BYTES:
        raise ValueError("part too large")
    return content


def _has_outside_target(rels: bytes) -> bool:
    """Whether a relationships part makes the document load something from outside it (a remote template,
    linked picture, OLE object or external workbook); hyperlinks are allowed."""
    if b"<!DOCTYPE" in rels or b"<!ENTITY" in rels:
        raise ValueError("DTDs have no place in a relationships part")
    for element in ElementTree.fromstring(rels).iter(_RELATIONSHIP):
        if element.get("TargetMode") == "External" and not element.get("Type", "").endswith(_HYPERLINK_TYPE):
            return True
    return False


# --- forms --------------------------------------------------------------------------------------


def _limit_help(kinds: str) -> str:
    return f"{kinds}, up to {max_upload_mb()} MB. The file is checked by its content."


class UploadField(forms.FileField):
    """A file field that refuses a file over ``IPS_UPLOAD_MAX_MB`` with a clear message, including one the
    upload handler stopped reading part-way. ``kinds`` ("PDF", "JPEG, PNG or PDF") makes the help text."""

    def __init__(self, *, kinds: str = "", **kwargs):
        if kinds and "help_text" not in kwargs:
            kwargs["help_text"] = lazy(_limit_help, str)(kinds)
        kwargs.setdefault("error_messages", {}).setdefault("empty", MESSAGES[Refusal.EMPTY])
        super().__init__(**kwargs)

    def to_python(self, data):
        if isinstance(data, RefusedUpload) or (data and getattr(data, "size", 0) > max_upload_bytes()):
            raise ValidationError(too_large_message(), code=Refusal.TOO_LARGE.value)
        return super().to_python(data)


class UploadFormMixin:
    """For a form with an :class:`UploadField`. When the upload handler stopped reading at an oversized file,
    the fields after it never arrived (the refused file itself is there as a stand-in): their "required"
    errors are dropped, and one message says what happened. Its file inputs carry the limit for the
    page's script (static/js/upload-limit.js). List it after USWDSFormMixin, so that the error styling
    follows the final errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, UploadField):  # read by static/js/upload-limit.js, which refuses before sending
                field.widget.attrs["data-max-bytes"] = str(max_upload_bytes())
                field.widget.attrs["data-max-mb"] = str(max_upload_mb())

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not any(isinstance(f, RefusedUpload) for f in self.files.values()):
            return
        missing = [
            name for name, field in self.fields.items()
            if name in self._errors
            and field.widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name))
        ]
        for name in missing:
            del self._errors[name]
        if missing and NON_FIELD_ERRORS not in self._errors:
            self.add_error(None, ValidationError(
                "Nothing was saved: the file is too large, so the rest of the form was not received. "
                "Choose a smaller file and fill in the form again.", code=Refusal.TOO_LARGE.value,
            ))
