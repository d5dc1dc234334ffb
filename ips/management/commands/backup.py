"""``python manage.py backup create DIR | verify ARCHIVE | restore ARCHIVE [--force]``.

One archive holds the database and every stored file (``MEDIA_ROOT``), with a manifest: the
application's version, the migrations applied, the row count of every table and the SHA-256 of every
file. See ``ips/backups``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ips.backups.archive import BackupError
from ips.backups.services import backup_create, backup_restore, backup_verify


def _size(manifest) -> str:
    total = sum(entry.size for entry in manifest.files.values()) + int(manifest.database["size"])
    return f"{total / 1_000_000:.1f} MB"


class Command(BaseCommand):
    help = "Back up the database and the stored files together into one archive, check an archive, or restore one."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,verify,restore}")
        create = actions.add_parser("create", help="Write a new archive into DIR.")
        create.add_argument("directory", metavar="DIR", type=Path)
        verify = actions.add_parser("verify", help="Check every member of ARCHIVE against its manifest.")
        verify.add_argument("archive", metavar="ARCHIVE", type=Path)
        restore = actions.add_parser(
            "restore", help="Replace the database and the stored files with ARCHIVE's (an empty target only, "
                            "unless --force)."
        )
        restore.add_argument("archive", metavar="ARCHIVE", type=Path)
        restore.add_argument("--force", action="store_true",
                             help="Replace a database and a MEDIA_ROOT that already hold data.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"The database could not be read: {error}") from error

    def _create(self, *, directory, **options):
        result = backup_create(directory=directory)
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(
            f"Backed up the database ({len(manifest.tables)} tables, {sum(manifest.tables.values())} rows) and "
            f"{len(manifest.files)} stored files ({_size(manifest)}) to {result.archive}"
        ))
        if manifest.missing_files:
            self.stderr.write(self.style.WARNING(
                f"{len(manifest.missing_files)} file(s) the records refer to were not in storage, e.g. "
                f"{manifest.missing_files[0]} (listed in the manifest as missing_files)."
            ))

    def _verify(self, *, archive, **options):
        manifest = backup_verify(archive=archive)
        self.stdout.write(self.style.SUCCESS(
            f"{archive} is intact: made {manifest.created_at} by version {manifest.app_version} on "
            f"{manifest.vendor}; {len(manifest.tables)} tables, {sum(manifest.tables.values())} rows, "
            f"{len(manifest.files)} stored files ({_size(manifest)})."
        ))

    def _restore(self, *, archive, force, **options):
        result = backup_restore(archive=archive, force=force)
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(
            f"Restored {archive} (made {manifest.created_at} by version {manifest.app_version}): the row counts "
            f"of {len(manifest.tables)} tables and the SHA-256 of {len(manifest.files)} stored files match its "
            "manifest."
        ))
        if result.unapplied_migrations:
            self.stdout.write(self.style.WARNING(
                f"The archive predates {len(result.unapplied_migrations)} migration(s) of this version: run "
                "`python manage.py migrate` next."
            ))
