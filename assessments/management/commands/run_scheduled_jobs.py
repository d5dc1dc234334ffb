from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from assessments import scheduling


class Command(BaseCommand):
    help = (
        "Run the periodic jobs once, in-process: open the reassessment cases that fall due and send the "
        "day's deadline reminders. For the embedded demo and for cron; Celery beat runs the same jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--horizon-days", type=int, help="Planning horizon (default: IPS_PLANNING_HORIZON_DAYS).")

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            on = parse_date(options["date"])
            if on is None:
                raise CommandError(f"--date {options['date']!r} is not a date of the form YYYY-MM-DD.")
        planned = scheduling.plan_reassessments(on=on, horizon_days=options["horizon_days"])
        self.stdout.write(
            f"Reassessments: {planned.opened} planned case(s) opened; "
            f"{planned.without_ipslo} due country(ies) have no IPSLO."
        )
        sent = scheduling.send_deadline_reminders(on=on)
        self.stdout.write(f"Reminders: {sent} sent.")
