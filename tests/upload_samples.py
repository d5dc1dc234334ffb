"""Files for the upload tests, made on the fly (no binary files in the repository): real PDFs from WeasyPrint
and pypdf, images from Pillow, Word documents from zipfile, and the disguised or dangerous variants of each."""

from __future__ import annotations

import base64
import io
import struct
import zipfile
import zlib
from functools import cache

from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from PIL import ExifTags, Image, ImageCms
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

# --- images -----------------------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(40, 20), **options) -> bytes:
    """A red picture with a blue square in its top-left corner (so a rotation shows)."""
    image = Image.new("RGB", size, (200, 10, 10))
    image.paste((0, 0, 255), (0, 0, 10, 10))
    if fmt == "GIF":
        image = image.convert("P")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png() -> bytes:
    return image_bytes("PNG")


def jpeg() -> bytes:
    return image_bytes("JPEG", quality=90)


def gif() -> bytes:
    return image_bytes("GIF")


GPS_LATITUDE = (51.0, 30.0, 0.0)


def gps_jpeg() -> bytes:
    """A camera photo: make and model, a GPS position, "rotate 90° clockwise to view", a comment, XMP and an
    sRGB colour profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R5"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W", ExifTags.GPS.GPSLongitude: (0.0, 7.0, 0.0),
    }
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return image_bytes("JPEG", quality=90, exif=exif, icc_profile=icc, comment=b"taken at the north gate",
                       xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>XMP-SECRET</x:xmpmeta>")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (10, 10), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: what a decompression bomb looks like before decoding."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + _png_chunk(b"IEND", b""))


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- PDF ------------------------------------------------------------------------------------------


@cache
def weasyprint_pdf(title: str = "Augmented security plan") -> bytes:
    """A real PDF as WeasyPrint makes it: text, a font, and a JPEG photo whose comment reads like a web page
    (the photo is embedded as it is, so those bytes sit inside one of the PDF's streams)."""
    from weasyprint import HTML

    photo = image_bytes("JPEG", comment=b"<html><script>alert(1)</script></html>")
    source = (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        "<p>Access control at the main gate: &lt;html&gt; and &lt;script&gt; are words here.</p>"
        f"<img src='data:image/jpeg;base64,{base64.b64encode(photo).decode()}'></body></html>"
    )
    return HTML(string=source).write_pdf()


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_writer(title: str | None = None) -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    if title:
        writer.add_metadata({"/Title": title})
    return writer


def simple_pdf(title: str | None = None) -> bytes:
    """A small valid one-page PDF from pypdf (its metadata is stored uncompressed, so the title shows in
    the bytes)."""
    return _written(pdf_writer(title))


def _action(kind: str, **entries: str) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def pdf_with_open_action_javascript() -> bytes:
    writer = pdf_writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_action("/JavaScript", JS="app.alert(1)"))
    return _written(writer)


def pdf_with_annotation_javascript() -> bytes:
    """A link on the page whose action runs JavaScript."""
    writer = pdf_writer()
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([]),
        NameObject("/A"): _action("/JavaScript", JS="this.submitForm('https://example.org')"),
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _written(writer)


def pdf_with_javascript_name_tree() -> bytes:
    writer = pdf_writer()
    script = writer._add_object(_action("/JavaScript", JS="app.alert(2)"))
    names = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("startup"), script])})})
    writer._root_object[NameObject("/Names")] = writer._add_object(names)
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = pdf_writer()
    writer.add_attachment("payload.exe", b"MZ not really a program")
    return _written(writer)


def pdf_with_launch_action() -> bytes:
    writer = pdf_writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_action("/Launch", F="cmd.exe"))
    return _written(writer)


def pdf_with_uri_action() -> bytes:
    """An ordinary link action: allowed."""
    writer = pdf_writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_action("/URI", URI="https://www.uscg.mil"))
    return _written(writer)


def encrypted_pdf(user_password: str = "secret") -> bytes:
    writer = pdf_writer()
    writer.encrypt(user_password=user_password, owner_password="owner")
    return _written(writer)


# --- Word -----------------------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Questionnaire</w:t></w:r></w:p></w:body></w:document>'
)


def document_rels(*relationships: tuple[str, str, str]) -> str:
    """word/_rels/document.xml.rels with (type, target, target mode) relationships."""
    body = "".join(
        f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'{kind}" Target="{target}"{f" TargetMode={chr(34)}{mode}{chr(34)}" if mode else ""}/>'
        for n, (kind, target, mode) in enumerate(relationships, start=1)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{body}</Relationships>')


def docx(extra: dict[str, bytes | str] | None = None, content_types: str = _CONTENT_TYPES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", _DOCUMENT)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docm_content_types() -> str:
    return _CONTENT_TYPES.replace("wordprocessingml.document.main+xml", "word.document.macroEnabled.main+xml")


# --- posting a multipart body and counting what the server read of it -------------------------------


class CountingPayload(FakePayload):
    """The request body, counting how many of its bytes the server read."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.total = len(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1, /):
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def post_multipart(client, url: str, fields: dict, **extra):
    """POST ``fields`` (files as SimpleUploadedFile) as the browser would; returns the response and the body,
    whose ``bytes_read`` says how much of it the server read."""
    body = encode_multipart(BOUNDARY, fields)
    payload = CountingPayload(body)
    response = client.generic("POST", url, body, content_type=MULTIPART_CONTENT, **{"wsgi.input": payload}, **extra)
    return response, payload
