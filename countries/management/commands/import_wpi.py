import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from countries.importing import ImportFailed
from countries.wpi import wpi_import


class Command(BaseCommand):
    help = (
        "Enrich the ports from the NGA World Port Index CSV (UpdatedPub150.csv): harbor size, World Port "
        "Index number, and coordinates where a port has none. Matches by UN/LOCODE only. All or nothing; "
        "safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE", help="World Port Index CSV file.")
        parser.add_argument("--encoding", default="utf-8-sig", help="Text encoding of the file (default: UTF-8).")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            summary = wpi_import(path=options["file"], encoding=options["encoding"])
        except ImportFailed as exc:
            raise CommandError(
                f"{len(exc.errors)} problem(s) found; nothing was imported:\n"
                + "\n".join(f"  {error}" for error in exc.errors)
            ) from exc
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
