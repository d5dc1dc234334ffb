from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from countries.reference import COUNTRY_NODES_FILE, ReferenceDataError, load_reference_data


class Command(BaseCommand):
    help = (
        "Create or refresh the operational nodes and every ISO 3166-1 country (from pycountry, with the "
        "default node, scope and SOLAS flag from the shipped data file). Safe to run again: a second run "
        "changes nothing, and values edited in the application are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--country-nodes",
            type=Path,
            default=COUNTRY_NODES_FILE,
            help=f"Country defaults CSV (default: {COUNTRY_NODES_FILE}).",
        )

    def handle(self, *args, **options):
        try:
            load_reference_data(stdout=self.stdout, country_nodes_path=options["country_nodes"])
        except ReferenceDataError as exc:
            raise CommandError(
                "Nothing was loaded:\n" + "\n".join(f"  {error}" for error in exc.errors)
            ) from exc
