from django.db import models


class NodeCode(models.TextChoices):
    ACTEUR = "ACTEUR", "ACTEUR (Activities Europe)"
    FEACT = "FEACT", "FEACT (Far East Activities)"
    LANT512 = "LANT-512", "LANT-512 (Portsmouth, Virginia)"


class FacilityType(models.TextChoices):
    CONTAINER = "container", "Container terminal"
    PASSENGER = "passenger", "Passenger / cruise terminal"
    RORO = "roro", "Ro-ro terminal"
    DRY_BULK = "dry_bulk", "Dry bulk terminal"
    LIQUID_BULK = "liquid_bulk", "Liquid bulk / tanker terminal"
    GAS = "gas", "LPG / LNG terminal"
    GENERAL_CARGO = "general_cargo", "General cargo terminal"
    MULTIPURPOSE = "multipurpose", "Multipurpose terminal"
    OFFSHORE = "offshore", "Offshore terminal or mooring"
    OTHER = "other", "Other"


class TradeImportance(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class AssignmentKind(models.TextChoices):
    PRIMARY = "primary", "Primary IPSLO"
    ALTERNATE = "alternate", "Alternate IPSLO"


class HarborSize(models.TextChoices):
    VERY_SMALL = "V", "Very small"
    SMALL = "S", "Small"
    MEDIUM = "M", "Medium"
    LARGE = "L", "Large"


class ComplianceStatus(models.TextChoices):
    """A country's status, from its latest approved determination (values match assessments' outcomes)."""

    SUBSTANTIALLY = "substantially_implementing", "Substantially implementing"
    MINIMALLY = "minimally_implementing", "Minimally implementing"
    NOT_SUBSTANTIALLY = "not_substantially_implementing", "Not substantially implementing"
    UNDETERMINED = "undetermined", "Undetermined"
