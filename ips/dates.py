"""The range of every date the program records, and date arithmetic that cannot overflow.

A date a person enters is one of two kinds:

* ``HAPPENED``: something that already took place (a report's date, a letter received, sent or
  acknowledged, the host's agreement, a facility visited). It lies between the adoption of the ISPS
  Code and today.
* ``PLANNED``: a day that may lie ahead (visit dates, itinerary days, effective dates, assignments).
  It lies between the adoption of the ISPS Code and ``PLANNING_HORIZON_YEARS`` from today.

"Today" is the program's day: the date in ``settings.TIME_ZONE``. The rules are asked here and only
here: by the models (:class:`CheckedDatesMixin`, so every service's ``full_clean()`` applies them),
by the form field :class:`RecordDateField`, by the API's ``ips.api.fields.RecordDateField`` and by
the management commands (:func:`parse_command_date`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date

# The ISPS Code was adopted by the SOLAS Conference on 12 December 2002: the program records nothing older.
EARLIEST_DATE = dt.date(2002, 12, 12)
# How far ahead a planned date may lie (a reassessment cycle is three years).
PLANNING_HORIZON_YEARS = 5

OUT_OF_RANGE = "date_out_of_range"


class DateKind(models.TextChoices):
    HAPPENED = "happened", "an event that already took place"
    PLANNED = "planned", "a day that may lie ahead"


def latest_date(kind: str, *, today: dt.date | None = None) -> dt.date:
    """The last day a date of ``kind`` may be."""
    today = today or timezone.localdate()
    if kind == DateKind.HAPPENED:
        return today
    return today + relativedelta(years=PLANNING_HORIZON_YEARS)


def date_problem(day: dt.date | None, kind: str, *, today: dt.date | None = None) -> str | None:
    """Why ``day`` cannot be recorded as a date of ``kind``, or None when it can (or is empty)."""
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    if day < EARLIEST_DATE:
        return f"Enter a date on or after {EARLIEST_DATE:%-d %B %Y}, when the ISPS Code was adopted."
    last = latest_date(kind, today=today)
    if day > last:
        if kind == DateKind.HAPPENED:
            return f"This date is in the future (today is {last:%-d %B %Y}); enter the day it happened."
        return (f"Enter a date no later than {last:%-d %B %Y}, {PLANNING_HORIZON_YEARS} years ahead "
                "(the planning horizon).")
    return None


def check_date(day: dt.date | None, kind: str, *, field: str | None = None) -> None:
    """Raise a ValidationError (keyed by ``field`` when given) if ``day`` is out of range."""
    problem = date_problem(day, kind)
    if problem:
        error = ValidationError(problem, code=OUT_OF_RANGE)
        raise ValidationError({field: [error]}) if field else error


class CheckedDatesMixin:
    """For models: ``record_dates`` maps date field names to their :class:`DateKind`; ``full_clean()``
    refuses a date out of range beside its field (fields excluded from the cleaning are left alone, so a
    form showing some fields never gets an error about another)."""

    record_dates: ClassVar[dict[str, str]] = {}

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
        else:
            errors = {}
        for name, kind in self.record_dates.items():
            if name in exclude or name in errors:
                continue
            problem = date_problem(getattr(self, name), kind)
            if problem:
                errors[name] = [ValidationError(problem, code=OUT_OF_RANGE)]
        if errors:
            raise ValidationError(errors)


class RecordDateField(forms.DateField):
    """A form's date field that refuses a day out of the range of its kind."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = DateKind(kind)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        check_date(value, self.kind)


def record_date_formfield(model_field, **kwargs):
    """A ModelForm's ``formfield_callback``: a date field the model lists in ``record_dates`` becomes a
    :class:`RecordDateField` of its kind, so the form refuses an impossible date beside the field."""
    kind = getattr(model_field.model, "record_dates", {}).get(model_field.name)
    if kind is not None and isinstance(model_field, models.DateField):
        return model_field.formfield(form_class=RecordDateField, kind=kind, **kwargs)
    return model_field.formfield(**kwargs)


def parse_command_date(value: str | None, *, option: str = "--date"):
    """A management command's date argument (YYYY-MM-DD) as a date within the planning range, or None when
    not given; a CommandError with a clear message otherwise."""
    from django.core.management.base import CommandError

    if value in (None, ""):
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None  # well formed but impossible, e.g. 2026-13-45
    if day is None:
        raise CommandError(f"{option} {value!r} is not a real date of the form YYYY-MM-DD.")
    problem = date_problem(day, DateKind.PLANNED)
    if problem:
        raise CommandError(f"{option} {value}: {problem}")
    return day


# --- arithmetic ------------------------------------------------------------------------------------


def shift(day: dt.date | None, delta: dt.timedelta | relativedelta) -> dt.date | None:
    """``day + delta``, or None when there is no day or the result falls outside the calendar
    (a stored date near year 1 or 9999 must not break a page)."""
    if day is None:
        return None
    try:
        return day + delta
    except (OverflowError, ValueError):
        return None
