import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from correspondence import constants, services


class Command(BaseCommand):
    help = (
        "Delete the stored letter PDFs that no letter references (left by a worker stopped between writing "
        "a file and recording it). Files younger than the grace period are kept: their rendering may be "
        "about to commit. Celery beat runs the same sweep every night."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the files; delete nothing.")
        parser.add_argument(
            "--grace-minutes", type=int, default=int(constants.ORPHAN_FILE_GRACE.total_seconds() // 60),
            help="Keep files younger than this (default: %(default)s).",
        )

    def handle(self, *args, **options):
        if options["grace_minutes"] < 0:
            raise CommandError("--grace-minutes cannot be negative.")
        names = services.letter_files_sweep(older_than=dt.timedelta(minutes=options["grace_minutes"]),
                                            dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        for name in names:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{verb} {len(names)} file(s) no letter references.")
