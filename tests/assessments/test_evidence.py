"""Evidence on findings: accepted by content only, stored privately, downloaded through an access check."""

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from assessments import services
from assessments.choices import FindingMethod, Severity
from assessments.models import Evidence
from ips.roles import Role
from tests import upload_samples as samples
from tests.assessments.conftest import drive_to

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def member(make_user):
    return make_user("member", Role.IPSLO, "ACTEUR")


@pytest.fixture
def finding(case, users, leader, member):
    case = drive_to(case, "on_site", users, leader=leader)
    services.team_member_add(assessment=case, by=users["ipslo"], user=member)
    return services.finding_create(assessment=case, by=users["ipslo"], data={
        "title": "Fence broken", "description": "A gap in the fence.", "method": FindingMethod.OBSERVATION,
        "severity": Severity.DEFICIENCY})


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (0, 94, 162)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (20, 20), (255, 255, 255)).save(buffer, format="PDF")
    return buffer.getvalue()


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, finding, content: bytes, name: str, content_type: str, htmx: bool = True, caption: str = "",
           keep_metadata: bool = False):
    prefix = f"e{finding.pk}"
    url = reverse("assessments:finding_evidence", args=[finding.assessment_id, finding.pk])
    data = {f"{prefix}-file": SimpleUploadedFile(name, content, content_type=content_type),
            f"{prefix}-caption": caption}
    if keep_metadata:
        data[f"{prefix}-keep_metadata"] = "on"
    return client.post(url, data, **(HX if htmx else {}))


def test_a_real_pdf_is_stored_as_uploaded(client, finding, users, media_root):
    client.force_login(users["ipslo"])
    content = pdf_bytes()

    response = upload(client, finding, content, "plan.pdf", "application/pdf", caption="North gate")

    assert response.status_code == 200
    evidence = Evidence.objects.get(finding=finding)
    assert (evidence.content_type, evidence.size, evidence.original_name, evidence.caption) == (
        "application/pdf", len(content), "plan.pdf", "North gate")
    assert evidence.sha256 == evidence.original_sha256 == hashlib.sha256(content).hexdigest()
    files = stored_files(media_root)
    assert len(files) == 1 and files[0].read_bytes() == content


def test_a_real_png_is_stored_re_encoded_under_its_hash(client, finding, users, media_root):
    client.force_login(users["ipslo"])
    content = png_bytes() + b"<script>alert(1)</script>"

    response = upload(client, finding, content, "gate.png", "image/png", caption="North gate")

    assert response.status_code == 200
    evidence = Evidence.objects.get(finding=finding)
    files = stored_files(media_root)
    assert len(files) == 1
    stored = files[0].read_bytes()
    assert b"<script" not in stored and evidence.size == len(stored)
    assert evidence.sha256 == hashlib.sha256(stored).hexdigest()
    assert evidence.original_sha256 == hashlib.sha256(content).hexdigest()
    assert samples.decoded(stored).tobytes() == samples.decoded(png_bytes()).tobytes()
    assert "gate.png" not in files[0].name and evidence.sha256 in files[0].name  # never the uploaded name
    body = response.content.decode()
    assert f'id="finding-{finding.pk}"' in body and "1 file" in body and "attached to finding 1" in body
    assert reverse("assessments:evidence", args=[evidence.pk]) in body


@pytest.mark.parametrize(("name", "content", "content_type", "message"), [
    ("photo.png", b"just some words, not a picture at all\n", "image/png", "Only images"),
    ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html", "Only images"),
    ("fake.pdf", b"%PDF-1.4 but cut short", "application/pdf", "incomplete or damaged"),
    ("script.pdf", samples.pdf_with_open_action_javascript(), "application/pdf",
     "This PDF contains JavaScript, which is not allowed."),
    ("attached.pdf", samples.pdf_with_embedded_file(), "application/pdf", "embedded files (attachments)"),
    ("polyglot.pdf", b"<html><script>alert(1)</script></html>" + pdf_bytes(), "application/pdf",
     "a PDF hidden behind another kind of file"),
    ("animated.gif", samples.animated_gif(), "image/gif", "Animated images are not accepted"),
    ("bomb.png", samples.png_claiming(100_000, 100_000), "image/png", "more than 64 million pixels"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png", "damaged or not really an image"),
    ("empty.png", b"", "image/png", "The file is empty."),
])
def test_bad_files_are_refused_with_a_clear_error_and_nothing_is_stored(client, finding, users, media_root, name,
                                                                         content, content_type, message):
    client.force_login(users["ipslo"])

    response = upload(client, finding, content, name, content_type, caption="kept caption")

    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and "usa-error-message" in body and "usa-form-group--error" in body
    assert "kept caption" in body
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


def test_an_oversize_file_stops_being_read_at_the_limit_and_nothing_is_stored(client, finding, users, media_root,
                                                                               settings, tmp_path):
    settings.IPS_UPLOAD_MAX_MB = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(users["ipslo"])
    prefix = f"e{finding.pk}"
    url = reverse("assessments:finding_evidence", args=[finding.assessment_id, finding.pk])
    huge = SimpleUploadedFile("huge.png", png_bytes() + b"\x00" * (3 * 1024 * 1024), content_type="image/png")

    response, body = samples.post_multipart(client, url, {f"{prefix}-file": huge, f"{prefix}-caption": "x"}, **HX)

    assert response.status_code == 200
    assert body.bytes_read < 1.2 * 1024 * 1024 < body.total  # refused as it passed 1 MB, not after 3 MB
    page = response.content.decode()
    assert "The file is larger than the 1 MB limit." in page and "usa-form-group--error" in page
    assert "This field is required" not in page and "Choose a file to attach" not in page
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == [] and list(tmp_path.iterdir()) == []


def test_the_form_offers_to_keep_the_photo_location_with_a_labelled_checkbox_off_by_default(client, finding, users):
    client.force_login(users["ipslo"])

    page = client.get(reverse("assessments:findings", args=[finding.assessment_id])).content.decode()

    field = f"e{finding.pk}-keep_metadata"
    assert f'type="checkbox" name="{field}"' in page and "checked" not in page.split(f'name="{field}"')[1][:60]
    assert f'for="id_{field}"' in page and "Keep the photo&#x27;s location and camera data" in page
    assert "up to 20 MB" in page


@pytest.mark.parametrize("keep", [False, True])
def test_a_photo_location_is_removed_unless_the_user_keeps_it(client, finding, users, media_root, keep):
    client.force_login(users["ipslo"])
    photo = samples.gps_jpeg()

    response = upload(client, finding, photo, "gate.jpg", "image/jpeg", keep_metadata=keep)

    assert response.status_code == 200
    evidence = Evidence.objects.get(finding=finding)
    stored = stored_files(media_root)[0].read_bytes()
    exif = samples.decoded(stored).getexif()
    assert (ExifTags.IFD.GPSInfo in exif) is keep and (exif.get(ExifTags.Base.Make) == "Canon") is keep
    assert stored != photo and evidence.original_sha256 == hashlib.sha256(photo).hexdigest() != evidence.sha256


def test_a_refused_upload_without_htmx_shows_the_full_page_with_the_error(client, finding, users, media_root):
    client.force_login(users["ipslo"])

    response = upload(client, finding, b"plain text", "notes.png", "image/png", htmx=False)

    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert "Only images" in body and '<details class="ips-details" open>' in body
    assert not Evidence.objects.exists()


def test_an_accepted_upload_without_htmx_goes_back_to_the_finding(client, finding, member):
    client.force_login(member)

    response = upload(client, finding, png_bytes(), "gate.png", "image/png", htmx=False)

    assert response.status_code == 302
    assert response["Location"].endswith(f"/findings/#finding-{finding.pk}")
    assert Evidence.objects.filter(finding=finding).count() == 1


@pytest.mark.parametrize("role", ["psa1", "viewer", "other_ipslo"])
def test_only_the_recording_team_may_upload(client, finding, users, media_root, role):
    client.force_login(users[role])

    response = upload(client, finding, png_bytes(), "gate.png", "image/png")

    assert response.status_code == {"other_ipslo": 404}.get(role, 403)
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []


@pytest.fixture
def evidence(finding, users):
    return services.evidence_add(
        finding=finding, by=users["ipslo"],
        upload=SimpleUploadedFile('../../etc/"passwd"\r\nX-Evil: 1.png', png_bytes(), content_type="image/png"),
    )


def test_download_streams_the_file_with_safe_headers(client, evidence, users):
    client.force_login(users["ipslo"])

    response = client.get(reverse("assessments:evidence", args=[evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == evidence.file.read()
    assert response["Content-Type"] == "image/png"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and "\r" not in disposition and "\n" not in disposition and '\\"' not in disposition
    assert disposition.endswith('.png"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(("role", "status"), [
    ("psa1", 200), ("lant51", 200), ("ipslo", 200), ("leader", 200), ("member", 200),
    ("other_ipslo", 404), ("viewer", 403), ("norole", 403),
])
def test_download_only_for_those_who_may_see_the_case(client, evidence, users, leader, member, role, status):
    people = {**users, "leader": leader, "member": member}
    client.force_login(people[role])

    response = client.get(reverse("assessments:evidence", args=[evidence.pk]))

    assert response.status_code == status
    if status != 200:
        assert evidence.file.read() not in response.content


def test_anonymous_download_goes_to_the_login_page(client, evidence):
    response = client.get(reverse("assessments:evidence", args=[evidence.pk]))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_files_are_not_reachable_under_the_media_url(client, evidence, users, settings):
    client.force_login(users["ipslo"])

    response = client.get(settings.MEDIA_URL + evidence.file.name)

    assert response.status_code == 404


def test_a_file_missing_from_storage_is_a_404_not_a_crash(client, evidence, users):
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(users["ipslo"])

    assert client.get(reverse("assessments:evidence", args=[evidence.pk])).status_code == 404
