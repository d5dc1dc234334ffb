"""Backups on PostgreSQL: ``manage.py backup create`` of a database with records and stored files, then
``manage.py backup restore`` into a fresh database (created and dropped by the test) and an empty
MEDIA_ROOT, in its own process as an operator runs it; every table's row count, every sequence and
every file's SHA-256 are compared with the source's. The SQLite round trip is in
tests/demo/test_sqlite_demo.py; the archive format's checks are in test_backup_archive.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from advisories import services as advisory_services
from advisories.choices import CostBorneBy
from assessments import services
from assessments.choices import FindingMethod, Severity
from assessments.services.checklists import checklist_load_reference
from correspondence import services as correspondence_services
from correspondence.choices import IncomingKind
from ips.backups.archive import DamagedArchive, read_manifest
from ips.backups.services import backup_verify
from tests.assessments.conftest import drive_to
from tests.factories import PortFacilityFactory, PortFactory

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)
COUNT_TABLES = (
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
)
SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _pdf(title: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(buffer, format="PDF", title=title)
    return buffer.getvalue()


def _state(cursor) -> tuple[dict[str, int], dict[str, int | None]]:
    """Every table's row count and every sequence's last value."""
    cursor.execute(COUNT_TABLES)
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for name in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        counts[name] = cursor.fetchone()[0]
    cursor.execute(SEQUENCES)
    return counts, dict(cursor.fetchall())


def file_hashes(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def records(users, portfolio, media_root):
    """A case on site with a finding and its photograph, a separate-consideration request with its two
    PDFs and an incoming item with its file, all written through the services (audit entries included)."""
    ipslo, country = users["ipslo"], portfolio["country"]
    checklist_load_reference()
    port = PortFactory(country=country, name="Port Atlantis")
    facility = PortFacilityFactory(port=port, name="Terminal 1")
    PortFacilityFactory(port=port, name="Terminal 2")
    case = services.assessment_create(country=country, by=ipslo, proposed_start=dt.date(2027, 3, 1),
                                      proposed_end=dt.date(2027, 3, 5), objective="Assess ISPS Code implementation.")
    drive_to(case, "on_site", users)
    finding = services.finding_create(assessment=case, by=ipslo, data={
        "title": "Restricted area left open", "facility": facility, "reference": "ISPS Code A/14.2.4",
        "method": FindingMethod.OBSERVATION, "severity": Severity.SIGNIFICANT,
        "description": "The restricted area was open at night.", "recommendation": "Lock it.",
    })
    services.evidence_add(finding=finding, by=ipslo, upload=SimpleUploadedFile("gate.png", _png()))
    advisory_services.separate_consideration_receive(
        facility=facility, by=ipslo, received_on=dt.date.today() - dt.timedelta(days=3),
        plan=SimpleUploadedFile("plan.pdf", _pdf("Plan")), report=SimpleUploadedFile("report.pdf", _pdf("Report")),
        rso_name="Harbour Assurance Ltd", rso_qualifications="Certified auditors.",
        rso_independence="No tie with the facility.", cost_borne_by=CostBorneBy.FACILITY,
    )
    correspondence_services.incoming_record(
        country=country, by=ipslo, kind=IncomingKind.OTHER, received_on=dt.date.today(), sender="Port authority",
        summary="Port security plan, revised.", upload=SimpleUploadedFile("revised-plan.pdf", _pdf("Revised plan")),
    )
    return case


@pytest.fixture
def restore_database():
    """A fresh, empty PostgreSQL database beside the test database; dropped afterwards."""
    source = connection.settings_dict
    name = f"{source['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(name: str) -> str:
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="") + (f":{quote(str(s['PASSWORD']), safe='')}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"


def _connect(name: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(dbname=name, user=s["USER"], password=s["PASSWORD"] or None, host=s["HOST"] or None,
                           port=s["PORT"] or None, autocommit=True)


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    """``python manage.py ...`` in its own process, against the given database and storage directory."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "ips.settings", "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root),
        "DEBUG": "0", "SECURE_SSL": "0", "LOG_LEVEL": "WARNING",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-only-secret-key-not-for-production-use-0123456789abcdef",
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=300)


def _backup(directory: Path) -> Path:
    call_command("backup", "create", str(directory), stdout=io.StringIO())
    (archive,) = directory.glob("ips-backup-*.tar.gz")
    return archive


def test_a_backup_restores_into_a_fresh_database_with_every_row_sequence_and_file(
    records, media_root, restore_database, tmp_path
):
    archive = _backup(tmp_path / "backups")
    with connection.cursor() as cursor:
        source_counts, source_sequences = _state(cursor)
    source_files = file_hashes(media_root)
    target = {"database_url": _url(restore_database), "media_root": tmp_path / "restored-media"}

    result = manage("backup", "restore", str(archive), **target)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "match its manifest" in result.stdout
    with _connect(restore_database) as restored, restored.cursor() as cursor:
        restored_counts, restored_sequences = _state(cursor)
    assert restored_counts == source_counts
    assert restored_sequences == source_sequences  # new rows get new ids, as they would have in the source
    assert file_hashes(target["media_root"]) == source_files
    assert {name.split("/")[0] for name in source_files} == {"evidence", "separate-consideration", "incoming"}
    assert len(source_files) == 4
    assert source_counts["auditlog_logentry"] > 0

    # Now the database holds data: restoring again is refused, unless forced.
    refused = manage("backup", "restore", str(archive), **target)
    assert refused.returncode != 0
    assert "Refusing to overwrite: the database holds data" in refused.stderr
    assert "--force" in refused.stderr
    # Forced, the restore replaces what is there: a deleted row comes back, a file added since goes.
    with _connect(restore_database) as restored:
        restored.execute("DELETE FROM auditlog_logentry WHERE id = (SELECT MIN(id) FROM auditlog_logentry)")
    (target["media_root"] / "stray.txt").write_text("not in the archive")
    forced = manage("backup", "restore", str(archive), "--force", **target)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    with _connect(restore_database) as restored:
        assert _state(restored.cursor())[0] == source_counts
    assert file_hashes(target["media_root"]) == source_files


def _tampered(archive: Path, target: Path) -> Path:
    """A copy of ``archive`` whose first stored file has one byte changed (same size; manifest unchanged)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        changed = False
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/") and not changed:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
                changed = True
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_restore_refuses_a_damaged_archive_and_changes_nothing(records, media_root, restore_database, tmp_path):
    archive = _backup(tmp_path / "backups")
    target = {"database_url": _url(restore_database), "media_root": tmp_path / "restored-media"}
    tampered = _tampered(archive, tmp_path / "tampered.tar.gz")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    result = manage("backup", "restore", str(tampered), **target)

    assert result.returncode != 0
    assert "does not match its manifest" in result.stderr and "damaged" in result.stderr, result.stderr
    with _connect(restore_database) as restored:
        assert _state(restored.cursor())[0] == {}  # still no table at all
    assert not target["media_root"].exists() or not any(target["media_root"].iterdir())
    with pytest.raises(DamagedArchive, match="damaged"):
        backup_verify(archive=truncated)
    assert backup_verify(archive=archive).files.keys() == file_hashes(media_root).keys()


def test_a_postgresql_archive_is_refused_by_a_sqlite_database(records, media_root, tmp_path):
    archive = _backup(tmp_path / "backups")

    result = manage("backup", "restore", str(archive), database_url=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
                    media_root=tmp_path / "restored-media")

    assert result.returncode != 0
    assert "holds a postgresql database and the configured database is sqlite" in result.stderr
    assert not (tmp_path / "demo.sqlite3").exists()


def test_the_manifest_describes_the_database_and_every_file(records, media_root, tmp_path):
    manifest = read_manifest(_backup(tmp_path / "backups"))

    assert manifest.vendor == "postgresql" and manifest.database["tool"].startswith("pg_dump")
    assert manifest.app_version not in ("", "unknown")
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
        counts, _ = _state(cursor)
    assert {(app, name) for app, names in manifest.migrations.items() for name in names} == applied
    assert manifest.tables == counts
    assert {name: entry.sha256 for name, entry in manifest.files.items()} == file_hashes(media_root)
    assert manifest.missing_files == []
