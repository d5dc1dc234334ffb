"""The backup archive: a gzip-compressed tar file.

Its first member is ``manifest.json``; then the database dump (``database.pgdump`` or
``database.sqlite3``); then every stored file under ``media/``, at its path below ``MEDIA_ROOT``. The
manifest gives the SHA-256 and size of the dump and of every file, so reading an archive checks it
completely: a member missing, added, altered, truncated or duplicated is refused.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
FORMAT = "ips-case-manager-backup"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024
DATABASE_KEYS = frozenset({"vendor", "file", "sha256", "size"})


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why and what to do."""


class DamagedArchive(BackupError):
    """An archive that is not what its manifest says (or not an archive at all)."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """What an archive holds, as written in its ``manifest.json``."""

    created_at: str
    app_version: str
    database: dict[str, Any]
    """``vendor``, ``file`` (the member's name), ``sha256``, ``size``, ``tool``, ``server_version``."""
    migrations: dict[str, list[str]]
    """The migrations applied to the database, by app."""
    tables: dict[str, int]
    """The row count of every table."""
    files: dict[str, StoredFile]
    """Every stored file, by its path below ``MEDIA_ROOT``."""
    missing_files: list[str]
    """Files the database refers to that were not in storage when the backup was made."""

    @property
    def vendor(self) -> str:
        return self.database["vendor"]

    @property
    def database_member(self) -> str:
        return self.database["file"]

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "database": self.database,
            "migrations": self.migrations,
            "tables": self.tables,
            "files": {name: {"sha256": f.sha256, "size": f.size} for name, f in sorted(self.files.items())},
            "missing_files": self.missing_files,
        }
        return json.dumps(document, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            document = json.loads(data)
            if document.get("format") != FORMAT:
                raise DamagedArchive("This is not an IPS Case Manager backup (its manifest has another format).")
            if document.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"The archive's format version {document.get('format_version')} is not one this version "
                    f"of the application reads ({FORMAT_VERSION}); restore it with the version that made it."
                )
            manifest = cls(
                created_at=str(document["created_at"]),
                app_version=str(document["app_version"]),
                database=dict(document["database"]),
                migrations={app: list(names) for app, names in document["migrations"].items()},
                tables={name: int(count) for name, count in document["tables"].items()},
                files={
                    name: StoredFile(sha256=str(entry["sha256"]), size=int(entry["size"]))
                    for name, entry in document["files"].items()
                },
                missing_files=list(document.get("missing_files", [])),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise DamagedArchive(f"The archive's manifest is unreadable ({error!r}).") from error
        if not manifest.database.keys() >= DATABASE_KEYS:
            raise DamagedArchive("The archive's manifest does not describe the database dump.")
        for name in manifest.files:
            safe_relative_path(name)
        return manifest


def safe_relative_path(name: str) -> PurePosixPath:
    """``name`` as a relative path that stays below the directory it is extracted into."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name or "\x00" in name:
        raise DamagedArchive(f"The archive names a file outside the storage directory: {name!r}.")
    return path


class _HashingReader(io.RawIOBase):
    """Reads a file for the tar writer, hashing what it hands over."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, source: Path, expected: StoredFile) -> None:
    """Add ``source`` as ``name``; refuse it if it no longer is what the manifest says."""
    info = tarfile.TarInfo(name)
    info.size = expected.size
    info.mode = 0o600
    changed = f"{source} changed while it was being backed up; run the backup again."
    with source.open("rb") as stream:
        reader = _HashingReader(stream)
        try:
            tar.addfile(info, reader)
        except OSError as error:  # the file shrank while it was read
            raise BackupError(changed) from error
        if stream.read(1) or reader.digest.hexdigest() != expected.sha256:
            raise BackupError(changed)


def write_archive(stream: IO[bytes], manifest: Manifest, members: list[tuple[str, Path, StoredFile]]) -> None:
    """Write the archive to ``stream``: the manifest first, then ``members`` (name in the archive, source,
    what the manifest says of it), each checked against the manifest as it is written."""
    with tarfile.open(fileobj=stream, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        _add_bytes(tar, MANIFEST_NAME, manifest.to_json())
        for name, source, expected in members:
            _add_file(tar, name, source, expected)


@dataclass(frozen=True)
class Extracted:
    """A member read from an archive and written out, with what it really held."""

    name: str
    path: Path


@contextmanager
def _reading(archive: Path) -> Iterator[tarfile.TarFile]:
    """The archive open for one pass from start to end; a broken compressed stream or tar structure is
    reported as damage."""
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist or is not a file.")
    try:
        with tarfile.open(archive, "r|gz") as tar:
            yield tar
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DamagedArchive(f"{archive} is damaged, truncated or not a backup ({error}).") from error


def _manifest_member(tar: tarfile.TarFile, archive: Path) -> Manifest:
    first = tar.next()
    if first is None or first.name != MANIFEST_NAME or not first.isfile():
        raise DamagedArchive(f"{archive} does not begin with a manifest: it is not a backup of this application.")
    return Manifest.from_json(tar.extractfile(first).read())


def read_manifest(archive: Path) -> Manifest:
    """The manifest alone (the first member), without reading the rest of the archive."""
    with _reading(archive) as tar:
        return _manifest_member(tar, archive)


def read_archive(archive: Path, into: Path | None) -> tuple[Manifest, list[Extracted]]:
    """Read the whole archive, checking every member against the manifest; with ``into``, write the
    database dump to ``into/<its name>`` and the stored files below ``into/media/``.

    Raises ``DamagedArchive`` unless every member the manifest lists is there exactly once, with its
    size and SHA-256, and nothing else is.
    """
    extracted: list[Extracted] = []
    with _reading(archive) as tar:
        manifest = _manifest_member(tar, archive)
        expected = {manifest.database_member: StoredFile(str(manifest.database["sha256"]),
                                                         int(manifest.database["size"]))}
        expected |= {MEDIA_PREFIX + name: entry for name, entry in manifest.files.items()}
        seen: set[str] = set()
        for member in _members(tar):
            entry = expected.get(member.name)
            if entry is None or member.name in seen:
                raise DamagedArchive(f"The archive holds {member.name!r}, which its manifest does not list once.")
            seen.add(member.name)
            target = None
            if into is not None:
                target = into.joinpath(*safe_relative_path(member.name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = _copy(tar.extractfile(member), target)
            if size != entry.size or digest != entry.sha256:
                raise DamagedArchive(
                    f"{member.name} in the archive does not match its manifest (its SHA-256 or size differs): "
                    "the archive is damaged."
                )
            if target is not None:
                extracted.append(Extracted(member.name, target))
        missing = sorted(set(expected) - seen)
        if missing:
            raise DamagedArchive(
                f"The archive lacks {len(missing)} member(s) its manifest lists, e.g. {missing[0]}: it is damaged "
                "or truncated."
            )
    return manifest, extracted


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    while (member := tar.next()) is not None:
        if not member.isfile():
            raise DamagedArchive(f"The archive holds {member.name!r}, which is not a regular file.")
        yield member


def _copy(source: IO[bytes], target: Path | None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    out = target.open("wb") if target is not None else None
    try:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest(), size
