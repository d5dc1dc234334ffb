"""Making, checking and restoring backups of the database and the stored files together."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from ips.backups.archive import (
    MEDIA_PREFIX,
    BackupError,
    Manifest,
    StoredFile,
    read_archive,
    read_manifest,
    sha256_of,
    write_archive,
)
from ips.backups.databases import Database, database_for

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIX = ".tar.gz"
APP_DISTRIBUTION = "ips-case-manager"


@dataclass(frozen=True)
class BackupResult:
    archive: Path
    manifest: Manifest


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    unapplied_migrations: list[str]
    """Migrations of this version of the application the archive's database had not applied yet."""


def app_version() -> str:
    try:
        return metadata.version(APP_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def stored_files(root: Path | None = None) -> dict[str, Path]:
    """Every file in storage (``MEDIA_ROOT``), by its path below it."""
    root = root or _media_root()
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    for directory, _, names in os.walk(root):
        for name in names:
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path
    return dict(sorted(found.items()))


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _check_database_outside(database: Database, media_root: Path) -> None:
    if database.stored_in(media_root):
        raise BackupError(f"The database file is inside MEDIA_ROOT ({media_root}): keep it outside the stored files.")


# --- create ------------------------------------------------------------------------------------


def backup_create(*, directory: Path) -> BackupResult:
    """Back up the database and every stored file into one new archive in ``directory``.

    The archive appears under its final name only once it is complete; it is readable by its owner alone
    (it holds everything the application holds, password hashes included).
    """
    directory = directory.resolve()
    media_root = _media_root()
    if _inside(directory, media_root):
        raise BackupError(f"{directory} is inside MEDIA_ROOT ({media_root}): keep backups outside the stored files.")
    database = database_for()
    _check_database_outside(database, media_root)
    directory.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now().replace(microsecond=0)
    archive = directory / f"ips-backup-{created_at:%Y%m%dT%H%M%SZ}{ARCHIVE_SUFFIX}"
    if archive.exists():
        raise BackupError(f"{archive} already exists; wait a second and run the backup again.")

    with tempfile.TemporaryDirectory(prefix=".ips-backup-", dir=directory) as work:
        dump_path = Path(work, database.dump_name)
        dump = database.dump(dump_path)
        files = {name: StoredFile(sha256_of(path), path.stat().st_size) for name, path in stored_files().items()}
        manifest = Manifest(
            created_at=created_at.isoformat().replace("+00:00", "Z"),
            app_version=app_version(),
            database={
                "vendor": database.vendor,
                "file": database.dump_name,
                "sha256": sha256_of(dump_path),
                "size": dump_path.stat().st_size,
                "tool": dump.tool,
                "server_version": dump.server_version,
            },
            migrations=dump.migrations,
            tables=dump.tables,
            files=files,
            missing_files=sorted(dump.referenced_files - files.keys()),
        )
        members = [(database.dump_name, dump_path, StoredFile(manifest.database["sha256"], manifest.database["size"]))]
        members += [(MEDIA_PREFIX + name, media_root / name, entry) for name, entry in files.items()]
        partial = Path(work, archive.name)
        with partial.open("xb") as stream:
            os.chmod(partial, 0o600)
            write_archive(stream, manifest, members)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, archive)
    logger.info("Backup %s: %d tables, %d rows, %d stored files.", archive, len(manifest.tables),
                sum(manifest.tables.values()), len(manifest.files))
    return BackupResult(archive=archive, manifest=manifest)


# --- verify ------------------------------------------------------------------------------------


def backup_verify(*, archive: Path) -> Manifest:
    """Read the whole archive and check every member against its manifest (nothing is written)."""
    manifest, _ = read_archive(archive, into=None)
    return manifest


# --- restore -----------------------------------------------------------------------------------


def _migrations_on_disk() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_compatible(manifest: Manifest, database: Database) -> list[str]:
    """Refuse an archive of another database or of a newer version of the application; return the
    migrations of this version the archive's database has yet to apply."""
    if manifest.vendor != database.vendor:
        raise BackupError(
            f"The archive holds a {manifest.vendor} database and the configured database is {database.vendor}: "
            "restore it into the kind of database it was made from."
        )
    archived = {(app, name) for app, names in manifest.migrations.items() for name in names}
    on_disk = _migrations_on_disk()
    unknown = sorted(archived - on_disk)
    if unknown:
        raise BackupError(
            f"The archive's database has {len(unknown)} migration(s) this version of the application does not "
            f"know (e.g. {unknown[0][0]}.{unknown[0][1]}): it was made by a newer version ({manifest.app_version}). "
            "Restore it with that version."
        )
    return [f"{app}.{name}" for app, name in sorted(on_disk - archived)]


def _check_target_empty(database: Database, media_root: Path) -> None:
    tables = database.tables_with_data()
    files = stored_files(media_root)
    if not tables and not files:
        return
    held = []
    if tables:
        held.append(f"the database holds data ({len(tables)} tables with rows, e.g. {', '.join(tables[:3])})")
    if files:
        held.append(f"MEDIA_ROOT ({media_root}) holds {len(files)} stored files")
    raise BackupError(
        f"Refusing to overwrite: {' and '.join(held)}. Restore into an empty database and an empty MEDIA_ROOT, "
        "or add --force to replace them with the archive's."
    )


def _staging_directory(media_root: Path) -> Path:
    """A private directory on MEDIA_ROOT's file system if possible (the files are then moved, not copied)."""
    for parent in (media_root.parent, None):
        try:
            return Path(tempfile.mkdtemp(prefix=".ips-restore-", dir=parent))
        except OSError:
            continue
    raise BackupError("No directory to unpack the archive into.")


def _check_media_root(media_root: Path) -> None:
    """A restore empties MEDIA_ROOT: never the file system's root or a directory holding the application."""
    if media_root == Path(media_root.anchor) or _inside(Path(settings.BASE_DIR).resolve(), media_root):
        raise BackupError(
            f"MEDIA_ROOT is {media_root}: refusing to empty it. Point MEDIA_ROOT at the storage directory."
        )


def _clear(media_root: Path) -> None:
    """Remove everything below MEDIA_ROOT (not MEDIA_ROOT itself, which may be a mount point)."""
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _check_restored(manifest: Manifest, database: Database, media_root: Path) -> None:
    counts = database.table_counts()
    differ = sorted(name for name in manifest.tables.keys() | counts.keys()
                    if manifest.tables.get(name) != counts.get(name))
    files = stored_files(media_root)
    wrong = sorted(name for name in manifest.files.keys() | files.keys()
                   if name not in files or name not in manifest.files
                   or sha256_of(files[name]) != manifest.files[name].sha256)
    if differ or wrong:
        raise BackupError(
            "The restore finished but does not match the archive's manifest: "
            + "; ".join(filter(None, [
                f"row counts differ in {', '.join(differ[:5])}" if differ else "",
                f"stored files differ: {', '.join(wrong[:5])}" if wrong else "",
            ]))
        )


def backup_restore(*, archive: Path, force: bool = False) -> RestoreResult:
    """Replace the database and the stored files with the archive's.

    Refuses a damaged archive (every member is checked against the manifest before anything is touched),
    an archive of another kind of database or of a newer version, and, unless ``force``, a database or a
    MEDIA_ROOT that already holds data. Afterwards the row count of every table and the SHA-256 of every
    stored file are compared with the manifest.
    """
    archive = archive.resolve()
    media_root = _media_root()
    if _inside(archive, media_root):
        raise BackupError(f"{archive} is inside MEDIA_ROOT ({media_root}): move it elsewhere before restoring.")
    _check_media_root(media_root)
    database = database_for()
    _check_database_outside(database, media_root)
    unapplied = _check_compatible(read_manifest(archive), database)
    if not force:
        _check_target_empty(database, media_root)

    staging = _staging_directory(media_root)
    try:
        manifest, _ = read_archive(archive, into=staging)
        unapplied = _check_compatible(manifest, database)
        database.restore(staging / manifest.database_member)
        media_root.mkdir(parents=True, exist_ok=True)
        _clear(media_root)
        staged_media = staging / MEDIA_PREFIX
        for name in manifest.files:
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staged_media / name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _check_restored(manifest, database, media_root)
    logger.info("Restored the database and %d stored files from %s (made %s by version %s).",
                   len(manifest.files), archive, manifest.created_at, manifest.app_version)
    return RestoreResult(manifest=manifest, unapplied_migrations=unapplied)
