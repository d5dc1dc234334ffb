"""``python manage.py seed_demo``: build (or complete) the demonstration data set."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ips.demo.builder import DemoDataError, build_demo


class Command(BaseCommand):
    help = (
        "Load the reference data and create the demo users, portfolios, ports and port facilities. "
        "Safe to run again: it adds only what is missing and resets the demo users' password to "
        "DEMO_PASSWORD."
    )

    def handle(self, *args, **options):
        password = settings.DEMO_PASSWORD
        if not password:
            if settings.DEBUG:
                raise CommandError(
                    "DEMO_PASSWORD is not set. Set it in the environment to the password the demo users "
                    "should have (scripts/demo.sh sets one and prints it), then run seed_demo again."
                )
            raise CommandError(
                "DEMO_PASSWORD is not set and DEBUG is off: refusing to create accounts without a chosen "
                "password. Set DEMO_PASSWORD in the environment to seed the demo data."
            )
        try:
            validate_password(password)
        except ValidationError as exc:
            self.stderr.write(self.style.WARNING("DEMO_PASSWORD is weak: " + " ".join(exc.messages)))

        try:
            ctx = build_demo(password=password, verbosity=options["verbosity"], stdout=self.stdout)
        except (DemoDataError, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("Demo data not created: " + " ".join(messages)) from exc

        if options["verbosity"] == 0:
            return
        updated = dict(ctx.updated)
        passwords = updated.pop("passwords", 0)
        if not ctx.created and not updated and not passwords:
            self.stdout.write(self.style.SUCCESS("Demo data already complete: nothing to add."))
            return
        if ctx.created:
            done = ", ".join(f"{count} {what}" for what, count in sorted(ctx.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Created {done}."))
        if updated:
            done = ", ".join(f"{count} {what}" for what, count in sorted(updated.items()))
            self.stdout.write(self.style.SUCCESS(f"Completed {done}."))
        if passwords:
            self.stdout.write(self.style.SUCCESS(f"Reset the password of {passwords} demo users to DEMO_PASSWORD."))
