"""The backup archive format: reading an archive checks every member against the manifest, and anything
else (a member altered, missing, added or duplicated, a path leaving the storage directory, a link, a
file that is not a backup) is refused as damaged."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from ips.backups.archive import (
    MANIFEST_NAME,
    BackupError,
    DamagedArchive,
    Manifest,
    StoredFile,
    read_archive,
    read_manifest,
    write_archive,
)

DUMP = b"-- a database dump --" * 100
FILES = {"evidence/1/ab/photo.png": b"\x89PNG fake image bytes", "letters/2026/IPS-2026-0001-r1.pdf": b"%PDF-1.7 ..."}


def entry(data: bytes) -> StoredFile:
    return StoredFile(hashlib.sha256(data).hexdigest(), len(data))


def manifest(files: dict[str, bytes] = FILES, dump: bytes = DUMP) -> Manifest:
    return Manifest(
        created_at="2026-01-02T03:04:05Z", app_version="0.1.0",
        database={"vendor": "sqlite", "file": "database.sqlite3", **entry(dump).__dict__, "tool": "t",
                  "server_version": "3"},
        migrations={"ips": ["0001_initial"]}, tables={"ips_user": 3}, files={k: entry(v) for k, v in files.items()},
        missing_files=[],
    )


def raw_archive(path: Path, members: list[tuple[str, bytes]], *, first: Manifest | None = None) -> Path:
    """An archive written member by member, bypassing the checks of ``write_archive``."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in ([(MANIFEST_NAME, first.to_json())] if first else []) + members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def members(files: dict[str, bytes] = FILES) -> list[tuple[str, bytes]]:
    return [("database.sqlite3", DUMP), *((f"media/{name}", data) for name, data in files.items())]


def test_an_archive_written_is_read_back_with_its_manifest_and_every_file(tmp_path):
    sources = []
    for name, data in members():
        source = tmp_path / "source" / name
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(data)
        sources.append((name, source, entry(data)))
    archive = tmp_path / "backup.tar.gz"
    with archive.open("wb") as stream:
        write_archive(stream, manifest(), sources)

    read, extracted = read_archive(archive, into=tmp_path / "out")

    assert read == manifest()
    assert read_manifest(archive) == manifest()
    assert {item.name: item.path.read_bytes() for item in extracted} == dict(members())
    assert (tmp_path / "out" / "media" / "evidence" / "1" / "ab" / "photo.png").read_bytes() == FILES[
        "evidence/1/ab/photo.png"]


def test_writing_refuses_a_file_that_changed_since_it_was_hashed(tmp_path):
    source = tmp_path / "photo.png"
    source.write_bytes(b"new content, same size!")
    stale = StoredFile(hashlib.sha256(b"old content, same size!").hexdigest(), len(b"old content, same size!"))

    with (tmp_path / "b.tar.gz").open("wb") as stream, pytest.raises(BackupError, match="changed while it was being"):
        write_archive(stream, manifest(), [("media/photo.png", source, stale)])


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("altered", "does not match its manifest"),
        ("missing", "lacks 1 member"),
        ("added", "which its manifest does not list once"),
        ("duplicated", "which its manifest does not list once"),
    ],
)
def test_reading_refuses_an_archive_unlike_its_manifest(tmp_path, case, expected):
    content = members()
    if case == "altered":
        name, data = content[1]
        content[1] = (name, bytes([data[0] ^ 1]) + data[1:])
    elif case == "missing":
        content.pop()
    elif case == "added":
        content.append(("media/evidence/extra.png", b"not listed"))
    else:
        content.append(content[1])
    archive = raw_archive(tmp_path / "b.tar.gz", content, first=manifest())

    with pytest.raises(DamagedArchive, match=expected):
        read_archive(archive, into=tmp_path / "out")


def test_reading_refuses_a_path_that_leaves_the_storage_directory(tmp_path):
    evil = {"../../etc/cron.d/job": b"* * * * * root true"}
    archive = raw_archive(tmp_path / "b.tar.gz", members(evil), first=manifest(evil))

    with pytest.raises(DamagedArchive, match="outside the storage directory"):
        read_archive(archive, into=tmp_path / "out")
    assert not (tmp_path / "etc").exists()


def test_reading_refuses_a_link(tmp_path):
    archive = tmp_path / "b.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = manifest().to_json()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("media/evidence/1/ab/photo.png")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)

    with pytest.raises(DamagedArchive, match="not a regular file"):
        read_archive(archive, into=tmp_path / "out")


def test_reading_refuses_what_is_not_a_backup(tmp_path):
    not_gzip = tmp_path / "notes.tar.gz"
    not_gzip.write_text("just text")
    no_manifest = raw_archive(tmp_path / "other.tar.gz", members())
    foreign = tmp_path / "foreign.tar.gz"
    raw_archive(foreign, [(MANIFEST_NAME, b'{"format": "something-else"}')])
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(gzip.compress(b"\0" * 100))

    for archive, expected in ((not_gzip, "damaged, truncated or not a backup"), (no_manifest, "begin with a manifest"),
                              (foreign, "not an IPS Case Manager backup"), (truncated, "truncated")):
        with pytest.raises(DamagedArchive, match=expected):
            read_archive(archive, into=None)
