from django.core.management.base import BaseCommand, CommandError

from assessments import scheduling
from correspondence.services import letter_files_sweep
from ips.dates import parse_command_date
from ips.jobs.services import jobs_dispatch


class Command(BaseCommand):
    help = (
        "Run the periodic jobs once, in-process: send the jobs of the outbox that are due, delete letter files "
        "no letter references, open the reassessment cases that fall due, send the day's "
        "deadline reminders and email every notification not emailed yet. For the embedded demo and for cron; "
        "Celery beat runs the same jobs. Exits non-zero when some emails could not be sent (they stay queued "
        "for the next run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--horizon-days", help="Planning horizon in days (default: IPS_PLANNING_HORIZON_DAYS).")

    def handle(self, *args, **options):
        on = parse_command_date(options["date"])
        horizon = _horizon_days(options["horizon_days"])
        # The outbox first (ips.jobs): the jobs the broker could not take, or that were lost, are sent again.
        jobs = jobs_dispatch()
        self.stdout.write(f"Jobs: {jobs.sent} sent, {jobs.resent} sent again, {jobs.unsent} waiting for the broker, "
                          f"{jobs.given_up} given up.")
        swept = letter_files_sweep()
        self.stdout.write(f"Letter files: {len(swept)} that no letter references deleted.")
        planned = scheduling.plan_reassessments(on=on, horizon_days=horizon)
        self.stdout.write(
            f"Reassessments: {planned.opened} planned case(s) opened; "
            f"{planned.without_ipslo} due country(ies) have no IPSLO."
        )
        reminders = scheduling.send_deadline_reminders(on=on)
        if not reminders.emails.ok:
            raise CommandError(
                f"Reminders: {reminders.summary()}. The unsent emails stay queued for the next run."
            )
        self.stdout.write(f"Reminders: {reminders.summary()}.")


# Beyond ten years, a planning horizon is a typing mistake (and the dates it reaches run off the calendar).
HORIZON_DAYS_MAX = 3660


def _horizon_days(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(value)
    except ValueError:
        raise CommandError(f"--horizon-days {value!r} is not a whole number of days.") from None
    if not 0 <= days <= HORIZON_DAYS_MAX:
        raise CommandError(f"--horizon-days must be between 0 and {HORIZON_DAYS_MAX} days (got {days}).")
    return days
