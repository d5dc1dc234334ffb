"""The account that scheduled jobs act as, so the audit trail names them."""

from ips.models import User

SYSTEM_USERNAME = "ips-scheduler"


def system_user() -> User:
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "IPS", "last_name": "Scheduler", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
