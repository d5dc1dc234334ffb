"""ips.uploads and ips.upload_handlers: files are what they claim, hidden data is dropped, dangerous PDFs and
documents are refused with a specific message, and an oversized upload stops being read at the limit.

The pages that take uploads (evidence, incoming correspondence, separate-consideration requests) have
their own tests beside their apps' tests; these test the shared checks and the handler themselves."""

from __future__ import annotations

import hashlib
import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import ExifTags

from ips import uploads
from ips.upload_handlers import RefusedUpload, max_request_bytes, submitted_files
from tests import upload_samples as samples

MB = 1024 * 1024
IMAGES = [uploads.JPEG, uploads.PNG, uploads.GIF, uploads.WEBP]
EVIDENCE = [*IMAGES, uploads.PDF]
OFFICE = [uploads.PDF, uploads.DOCX, uploads.XLSX]


def check(data: bytes, accept=EVIDENCE, **options) -> uploads.CheckedFile:
    return uploads.checked_content(data, accept=accept, not_accepted="Not accepted.", **options)


def refusal(data: bytes, accept=EVIDENCE, **options) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(data, accept, **options)
    return caught.value


# --- images -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("JPEG", uploads.JPEG), ("PNG", uploads.PNG), ("GIF", uploads.GIF), ("WEBP", uploads.WEBP),
])
def test_every_accepted_image_type_is_stored_re_encoded_with_the_same_picture(fmt, content_type):
    original = samples.image_bytes(fmt, **({"lossless": True} if fmt == "WEBP" else {}))

    checked = check(original)

    assert checked.content_type == content_type
    assert checked.original_sha256 == hashlib.sha256(original).hexdigest()
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()
    picture = samples.decoded(checked.data)
    assert picture.format == fmt and picture.size == (40, 20)
    blue, red = picture.convert("RGB").getpixel((2, 2)), picture.convert("RGB").getpixel((30, 15))
    assert blue[2] > 200 and blue[0] < 40 and red[0] > 180 and red[2] < 40


@pytest.mark.parametrize(("name", "original"), [
    ("JPEG with an HTML page appended", samples.jpeg() + b"<html><body><script>alert(document.cookie)</script>"),
    ("GIF with a script appended", samples.gif() + b"\n<script>alert(1)</script>"),
    ("PNG with a script after its end", samples.png() + b"<script src=//evil.example/x.js></script>"),
])
def test_data_appended_to_an_image_is_gone_from_the_stored_file(name, original):
    checked = check(original)

    assert b"<script" not in checked.data and b"<html" not in checked.data
    assert checked.sha256 != checked.original_sha256
    samples.decoded(checked.data)  # still a sound picture


def test_a_photo_loses_its_location_camera_data_comment_and_xmp_but_keeps_its_colour_profile():
    checked = check(samples.gps_jpeg())

    picture = samples.decoded(checked.data)
    assert dict(picture.getexif()) == {}
    assert b"Canon" not in checked.data and b"XMP-SECRET" not in checked.data
    assert b"north gate" not in checked.data
    assert picture.info.get("icc_profile")


def test_a_photo_keeps_its_location_and_camera_data_when_asked_yet_is_still_re_encoded():
    original = samples.gps_jpeg()

    checked = check(original, keep_metadata=True)

    picture = samples.decoded(checked.data)
    exif = picture.getexif()
    assert exif[ExifTags.Base.Make] == "Canon"
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == samples.GPS_LATITUDE
    assert ExifTags.Base.Orientation not in exif  # the picture is upright now: no viewer may turn it again
    assert b"XMP-SECRET" not in checked.data and b"north gate" not in checked.data
    assert checked.data != original


@pytest.mark.parametrize("keep_metadata", [False, True])
def test_a_photo_taken_sideways_is_stored_upright(keep_metadata):
    checked = check(samples.gps_jpeg(), keep_metadata=keep_metadata)

    picture = samples.decoded(checked.data).convert("RGB")
    # Orientation 6 (turn 90° clockwise): the 40x20 picture becomes 20x40, its top-left blue corner top-right.
    assert picture.size == (20, 40)
    assert picture.getpixel((17, 2))[2] > 200 and picture.getpixel((2, 2))[0] > 180


def test_an_animated_image_is_refused():
    error = refusal(samples.animated_gif())

    assert error.code == "animated_image" and "Animated images are not accepted" in error.messages[0]


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = samples.png_claiming(100_000, 100_000)  # ten billion pixels in a hundred bytes

    error = refusal(bomb)

    assert error.code == "image_too_many_pixels"
    assert error.messages == ["The image has more than 64 million pixels. Attach a smaller version of it."]


def test_the_pixel_limit_comes_from_the_settings(settings):
    settings.IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS = 1
    big = samples.image_bytes("PNG", size=(1200, 1000))

    assert refusal(big).code == "image_too_many_pixels"
    settings.IPS_UPLOAD_MAX_IMAGE_MEGAPIXELS = 2
    assert check(big).content_type == uploads.PNG


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    samples.jpeg()[:200],
    b"GIF89a" + b"\x01" * 30,
])
def test_a_damaged_image_is_refused(data):
    assert refusal(data).messages == ["The image is damaged or not really an image."]


# --- PDF ------------------------------------------------------------------------------------------


def test_a_real_weasyprint_pdf_is_accepted_unchanged_even_with_html_like_bytes_inside_its_streams():
    pdf = samples.weasyprint_pdf()
    assert b"<script" in pdf  # the embedded photo's comment, inside an image stream

    checked = check(pdf)

    assert checked.content_type == uploads.PDF and checked.data == pdf
    assert checked.sha256 == checked.original_sha256


@pytest.mark.parametrize("pdf", [samples.simple_pdf("Plan"), samples.pdf_with_uri_action()])
def test_ordinary_pdfs_with_metadata_or_a_link_are_accepted(pdf):
    assert check(pdf).data == pdf


@pytest.mark.parametrize(("make", "code", "message"), [
    (samples.pdf_with_open_action_javascript, "pdf_javascript", "This PDF contains JavaScript, which is not allowed."),
    (samples.pdf_with_annotation_javascript, "pdf_javascript", "This PDF contains JavaScript, which is not allowed."),
    (samples.pdf_with_javascript_name_tree, "pdf_javascript", "This PDF contains JavaScript, which is not allowed."),
    (samples.pdf_with_embedded_file, "pdf_embedded_file",
     "This PDF contains embedded files (attachments), which are not allowed."),
    (samples.pdf_with_launch_action, "pdf_launch",
     "This PDF contains an action that opens another program or file, which is not allowed."),
    (samples.encrypted_pdf, "pdf_encrypted",
     "This PDF is encrypted or password-protected. Remove the protection and attach it again."),
    (lambda: samples.encrypted_pdf(user_password=""), "pdf_encrypted",
     "This PDF is encrypted or password-protected. Remove the protection and attach it again."),
])
def test_dangerous_pdfs_are_refused_with_a_specific_message(make, code, message):
    error = refusal(make())

    assert error.code == code and error.messages == [message]


def test_javascript_is_found_by_walking_the_document_not_only_by_searching_the_bytes():
    # "#4A#53" spells /JS and "#61" the a of /JavaScript: the same names to a PDF reader, invisible to a byte search.
    pdf = samples.pdf_with_open_action_javascript().replace(b"/JS ", b"/#4A#53 ").replace(b"/JavaScript",
                                                                                           b"/J#61vaScript")
    assert b"/JS" not in pdf and b"/JavaScript" not in pdf

    assert refusal(pdf).code == "pdf_javascript"


def test_a_submit_form_action_is_refused():
    pdf = samples.pdf_with_launch_action().replace(b"/Launch", b"/SubmitForm")

    assert refusal(pdf).code == "pdf_submit"


@pytest.mark.parametrize(("name", "data", "code"), [
    ("HTML page in front of a PDF", b"<html><script>alert(1)</script></html>\n" + samples.simple_pdf(), "polyglot"),
    ("JPEG in front of a PDF (PDF/JPEG)", samples.jpeg()[:20] + samples.simple_pdf() + samples.jpeg()[20:],
     "polyglot"),
    ("HTML after the end of a PDF", samples.simple_pdf() + b"<html><script>alert(1)</script></html>",
     "pdf_trailing_data"),
    ("HTML in a PDF comment", samples.simple_pdf().replace(b"\n", b"\n%<html><script>alert(1)</script>\n", 1),
     "pdf_html"),
    ("HTML between PDF objects", samples.simple_pdf().replace(b"startxref", b"<script>alert(1)</script>\nstartxref"),
     "pdf_html"),
])
def test_pdf_polyglots_are_refused(name, data, code):
    assert refusal(data).code == code


def test_a_pdf_jpeg_polyglot_is_refused_where_only_images_are_accepted_too():
    data = samples.jpeg()[:20] + samples.simple_pdf() + samples.jpeg()[20:]

    assert refusal(data, accept=IMAGES).messages == [
        "The file is a PDF hidden behind another kind of file, which is not allowed."]


@pytest.mark.parametrize("data", [
    b"%PDF-1.4 but cut short",
    samples.simple_pdf()[:-120],
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",  # no pages
])
def test_a_pdf_that_does_not_parse_is_refused(data):
    assert refusal(data).messages == ["The PDF is incomplete or damaged."]


# --- Word and Excel ---------------------------------------------------------------------------------


def test_a_plain_word_document_with_a_hyperlink_is_accepted():
    rels = samples.document_rels(("hyperlink", "https://www.uscg.mil/", "External"))
    data = samples.docx({"word/_rels/document.xml.rels": rels})

    checked = check(data, accept=OFFICE)

    assert checked.content_type == uploads.DOCX and checked.data == data


def test_a_real_excel_workbook_with_a_hyperlink_is_accepted():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Facility"
    workbook.active["A2"] = "Port State Control"
    workbook.active["A2"].hyperlink = "https://www.uscg.mil/"
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert check(buffer.getvalue(), accept=OFFICE).content_type == uploads.XLSX


@pytest.mark.parametrize(("name", "data", "code"), [
    ("macros", samples.docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), "office_macros"),
    ("macro-enabled type", samples.docx(content_types=samples.docm_content_types()), "office_macros"),
    ("remote template", samples.docx({"word/_rels/settings.xml.rels": samples.document_rels(
        ("attachedTemplate", "https://evil.example/t.dotm", "External"))}), "office_external_link"),
    ("picture on a file share", samples.docx({"word/_rels/document.xml.rels": samples.document_rels(
        ("image", "file://///203.0.113.9/share/x.png", "External"))}), "office_external_link"),
    ("damaged relationships", samples.docx({"word/_rels/document.xml.rels": "<Relationships"}), "damaged_document"),
])
def test_dangerous_word_documents_are_refused(name, data, code):
    assert refusal(data, accept=OFFICE).code == code


def test_a_document_that_unpacks_too_big_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "OFFICE_MAX_UNPACKED_BYTES", MB)
    bomb = samples.docx({"word/media/zeros.bin": b"\x00" * (2 * MB)})
    assert len(bomb) < 20_000

    error = refusal(bomb, accept=OFFICE)

    assert error.code == "office_too_large_unpacked" and "unpacks to more than 1 MB" in error.messages[0]


# --- size -------------------------------------------------------------------------------------------


def test_checked_upload_refuses_an_empty_or_oversized_file(settings):
    settings.IPS_UPLOAD_MAX_MB = 1
    empty = SimpleUploadedFile("a.png", b"")
    big = SimpleUploadedFile("a.png", samples.png() + b"\x00" * MB)

    for upload, message in ((empty, "The file is empty."), (big, "The file is larger than the 1 MB limit.")):
        with pytest.raises(ValidationError) as caught:
            uploads.checked_upload(upload, accept=EVIDENCE, not_accepted="No.")
        assert caught.value.messages == [message]


def _multipart_request(fields: dict):
    body = encode_multipart(BOUNDARY, fields)
    payload = samples.CountingPayload(body)
    request = RequestFactory().generic("POST", "/upload/", body, content_type=MULTIPART_CONTENT,
                                       **{"wsgi.input": payload})
    return request, payload


def test_the_handler_stops_reading_as_soon_as_a_file_passes_the_limit(settings, tmp_path):
    settings.IPS_UPLOAD_MAX_MB = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    request, payload = _multipart_request({
        "note": "sent before the file",
        "file": SimpleUploadedFile("big.png", b"\x89PNG" + b"\x00" * (3 * MB)),
        "after": "never read",
    })
    assert payload.total < max_request_bytes()  # not refused by Content-Length: the running count stops it

    files = submitted_files(request)

    refusal = request.upload_refusal
    assert MB < refusal.bytes_read <= MB + 64 * 1024  # one chunk past the limit at most
    assert payload.bytes_read < 1.2 * MB < payload.total  # the rest of the body was never read
    assert isinstance(files["file"], RefusedUpload) and files["file"].name == "big.png"
    assert request.POST["note"] == "sent before the file" and "after" not in request.POST
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_the_handler_refuses_by_content_length_before_reading_the_file(settings):
    settings.IPS_UPLOAD_MAX_MB = 1
    request, payload = _multipart_request({"file": SimpleUploadedFile("huge.pdf", b"%PDF-" + b"\x00" * (6 * MB))})
    assert payload.total > max_request_bytes()

    files = submitted_files(request)

    assert request.upload_refusal.bytes_read == 0
    assert payload.bytes_read <= 128 * 1024
    assert isinstance(files["file"], RefusedUpload)


def test_the_handler_lets_a_file_within_the_limit_through(settings):
    settings.IPS_UPLOAD_MAX_MB = 1
    content = samples.png() + b"\x00" * (MB - 1000)
    request, payload = _multipart_request({"file": SimpleUploadedFile("ok.png", content), "after": "read"})

    files = submitted_files(request)

    assert not hasattr(request, "upload_refusal") and payload.bytes_read == payload.total
    assert files["file"].read() == content and request.POST["after"] == "read"


class _SampleForm(uploads.UploadFormMixin, forms.Form):
    first = forms.CharField()
    file = uploads.UploadField(kinds="PDF")
    last = forms.CharField()


def test_the_form_says_the_file_is_too_large_instead_of_required_and_drops_errors_of_fields_never_received(
        settings):
    settings.IPS_UPLOAD_MAX_MB = 1
    request, _ = _multipart_request({"first": "x", "file": SimpleUploadedFile("big.pdf", b"\x00" * (2 * MB)),
                                     "last": "y"})

    form = _SampleForm(request.POST, submitted_files(request))

    assert not form.is_valid()
    assert form.errors["file"] == ["The file is larger than the 1 MB limit."]
    assert "last" not in form.errors and "first" not in form.errors
    assert "the rest of the form was not received" in form.non_field_errors()[0]


def test_the_upload_field_refuses_an_oversized_file_and_shows_the_limit_in_its_help(settings):
    settings.IPS_UPLOAD_MAX_MB = 3
    form = _SampleForm({"first": "x", "last": "y"}, {"file": SimpleUploadedFile("a.pdf", b"\x00" * (3 * MB + 1))})

    assert form.errors["file"] == ["The file is larger than the 3 MB limit."]
    assert str(form.fields["file"].help_text) == "PDF, up to 3 MB. The file is checked by its content."
