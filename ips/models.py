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
