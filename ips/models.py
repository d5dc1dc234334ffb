from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from ips.roles import Role


class User(AbstractUser):
    """A person (or an API client account) using the case manager."""

    node = models.ForeignKey(
        "countries.Node",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="The operational node an IPSLO belongs to.",
    )
    title = models.CharField(max_length=120, blank=True, help_text="Rank or position, e.g. LCDR, IPSLO.")
    phone = models.CharField(max_length=40, blank=True)
    is_api_client = models.BooleanField(
        "API client", default=False,
        help_text="An account of a REST client: read-only, signs in only with a token, never with a password.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Names of the program roles this user holds (one query, then cached on the instance)."""
        if not self.is_active:
            return frozenset()
        names = {g.name for g in self.groups.all()}
        return frozenset(name for name in names if name in Role.values)

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(role in self.roles for role in roles)

    @property
    def primary_role(self) -> str | None:
        for role in (Role.PSA1, Role.LANT51, Role.IPSLO, Role.VIEWER):
            if role in self.roles:
                return role
        return None


class Notification(models.Model):
    """An in-app notification: a reminder or a workflow event for one person."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(
        max_length=200, help_text="What the notification is about, e.g. 'questionnaire_due:assessment:12'."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The email copy is claimed by one sending run at a time (see ips.notifications.email_pending): the
    # run's token and when it claimed it; a failed attempt is counted, its error kept, and the claim released.
    email_claim = models.CharField(max_length=32, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A reminder reaches each person once, however often the job runs.
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_recipient_and_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["created_at"], condition=models.Q(emailed_at__isnull=True),
                         name="notification_email_unsent"),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarToken(models.Model):
    """The secret in a user's private calendar feed URL; revoking it retires the URL."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="one_live_calendar_token_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
