"""What every edit form shares: the version it was loaded with, and a service's refusal shown on the form.

A form edits a versioned record (:mod:`ips.concurrency`) with :class:`VersionedFormMixin`: a hidden
``version`` field holds the version the page was loaded with, and the view passes
``form.expected_version`` to the service. When the service refuses the save because someone else
saved first, :func:`apply_service_error` turns the form into the answer: everything typed is kept,
an alert names who changed the record and when, each field whose saved value now differs from what
was typed shows that value (``field.conflict``, drawn by ``includes/form_field.html``), and the
version moves to the current one, so submitting again replaces the other person's values knowingly.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.utils import formats

from ips.concurrency import ConcurrentEditError, version_of

STALE_FORM = "This form is out of date. Reload the page and enter your changes again."
EMPTY = "(empty)"


class VersionedBoundField(BoundField):
    @property
    def conflict(self) -> str:
        """The value saved by someone else meanwhile, when it differs from what was typed here."""
        return getattr(self.form, "conflicts", {}).get(self.name, "")


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.Manager):
        return {obj.pk for obj in value.all()}
    if isinstance(value, models.QuerySet | list | tuple | set):
        return {getattr(obj, "pk", obj) for obj in value}
    if value is None:
        return ""
    return value


def saved_display(instance, name: str) -> str:
    """A field's saved value as a person reads it: choices by label, dates and yes/no spelled out."""
    value = getattr(instance, name)
    if isinstance(value, models.Manager):
        return "; ".join(str(obj) for obj in value.all()) or EMPTY
    display = getattr(instance, f"get_{name}_display", None)
    if callable(display) and value not in (None, ""):
        return str(display())
    if value is None or value == "":
        return EMPTY
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dt.date | dt.datetime):
        return formats.date_format(value, "j M Y")
    return str(value)


class VersionedFormMixin:
    """A hidden ``version`` field holding the version of the record when the form was loaded.

    The version comes from ``version`` (a plain form; 0 for a record not created yet) or from
    ``self.instance`` (a model form). Editing an existing record, a missing or garbled version is an
    error of the form: the page it came from is out of date. A form creating a record needs none.
    """

    bound_field_class = VersionedBoundField

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        editing = version is not None or (instance is not None and instance.pk is not None)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=0, required=editing,
            initial=version if version is not None else version_of(instance),
            error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
        )
        self.conflicts: dict[str, str] = {}
        self.has_conflict = False

    @property
    def expected_version(self) -> int | None:
        """The version the page was loaded with (None when the form creates a record)."""
        return self.cleaned_data.get("version")

    def saved_meanwhile(self, current) -> dict[str, str]:
        """{field: the value saved in ``current``} for each field of this form (that the record has)
        whose saved value differs from what was typed."""
        return {
            name: saved_display(current, name)
            for name in self.fields
            if name != "version" and hasattr(current, name)
            and _comparable(getattr(current, name)) != _comparable(self.cleaned_data.get(name))
        }

    def show_conflict(self, error: ConcurrentEditError) -> None:
        self.has_conflict = True
        self.conflicts = self.saved_meanwhile(error.instance)
        for name in self.conflicts:  # the saved value is read out with the field
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = " ".join(
                filter(None, [attrs.get("aria-describedby", ""), f"{self[name].auto_id}_saved"])
            )
        data = self.data.copy()
        data[self.add_prefix("version")] = str(error.version)
        self.data = data
        if self.conflicts:
            where = "the values saved meanwhile are shown under the fields that differ from yours"
        else:
            where = "the fields on this form hold the same values as the saved record"
        self.add_error(
            None,
            ValidationError(
                f"{error.message} Your entries are kept below; {where}. Submit again to save yours over them.",
                code=error.code,
            ),
        )


class VersionForm(VersionedFormMixin, forms.Form):
    """Only the version a step (approving, publishing) was decided on: the record the person read."""


def apply_service_error(form, error: ValidationError, *, fallback: str | None = None,
                        field_map: dict[str, str] | None = None) -> None:
    """Show a service's refusal on ``form``: a save over someone else's change as a conflict
    (:meth:`VersionedFormMixin.show_conflict`), other errors beside the field they name (renamed by
    ``field_map``), or beside ``fallback`` (None: above the form) when the form has no such field."""
    if isinstance(error, ConcurrentEditError) and hasattr(form, "show_conflict"):
        form.show_conflict(error)
        return
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            name = field_map.get(name, name)
            form.add_error(name if name in form.fields else fallback, texts)
    else:
        form.add_error(fallback, error)


def answer_status(form, default: int = 200) -> int:
    """The HTTP status of a page answering a refused form: 409 Conflict when someone else saved first."""
    return 409 if getattr(form, "has_conflict", False) else default
