"""The program's roles. Each is a Django group; a user's role decides what they may do."""

from django.db import models


class Role(models.TextChoices):
    PSA1 = "PSA-1", "PSA-1 (Program Manager)"
    LANT51 = "LANT-51", "LANT-51 (Operational Manager)"
    IPSLO = "IPSLO", "IPSLO (Liaison Officer)"
    VIEWER = "Viewer", "Viewer"


STAFF_ROLES = frozenset({Role.PSA1, Role.LANT51, Role.IPSLO})
