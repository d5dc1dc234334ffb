"""Template tags shared by every app's pages: ``{% load ips_tags %}``."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from assessments.scheduling import due_status

register = template.Library()

# Due statuses shown as a tag, with their colour (USWDS's default dark grey when empty); the others
# ("current", "out_of_scope") are plain text.
DUE_BADGE_CLASSES = {
    "overdue": "ips-tag--overdue",
    "due_90": "ips-tag--due-soon",
    "due_180": "",
    "due_365": "",
}


@register.inclusion_tag("includes/due_badge.html")
def due_badge(country, on: dt.date | None = None, with_date: bool = False) -> dict:
    """Where ``country`` stands in its three-year cycle (read from the row: no query).

    ``{% due_badge country %}``; ``with_date=True`` adds the next assessment's due date.
    """
    due = due_status(country=country, on=on or timezone.localdate())
    return {
        "due": due,
        "due_on": country.next_assessment_due,
        "as_tag": due.code in DUE_BADGE_CLASSES,
        "badge_class": DUE_BADGE_CLASSES.get(due.code, ""),
        "with_date": with_date,
    }
