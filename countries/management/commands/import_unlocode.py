import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from countries.importing import ImportFailed
from countries.unlocode import unlocode_import


class Command(BaseCommand):
    help = (
        "Import the seaports (function '1' in the first position) of one or more UN/LOCODE code-list CSV "
        "files (UNECE column order, no header row). All or nothing: a malformed row is reported with its "
        "file and line, and then nothing from the run is kept. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="UN/LOCODE CSV file(s).")
        parser.add_argument(
            "--encoding", default="utf-8-sig", help="Text encoding of the files (default: UTF-8; e.g. latin-1)."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            summary = unlocode_import(paths=options["files"], encoding=options["encoding"])
        except ImportFailed as exc:
            raise CommandError(
                f"{len(exc.errors)} problem(s) found; nothing was imported:\n"
                + "\n".join(f"  {error}" for error in exc.errors)
            ) from exc
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
