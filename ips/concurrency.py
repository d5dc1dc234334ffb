"""No lost updates: records two people can edit carry a version, and a change based on an older
version is refused instead of silently overwriting the other person's.

A versioned model inherits :class:`Versioned` (an integer ``version`` that starts at 1) or names
another integer column in ``version_field`` (a letter's ``revision``, which counts the edits of its
wording). Services change such a record in three steps, inside their transaction:

1. :func:`lock` loads the row ``SELECT ... FOR UPDATE`` and refuses it with
   :class:`ConcurrentEditError` when it is no longer at the version the editor loaded;
2. they validate and set the new values;
3. :func:`save` writes them with the next version, after a conditional
   ``UPDATE ... WHERE id = ... AND version = n`` that matches no row when someone else saved
   first: where ``SELECT ... FOR UPDATE`` locks nothing (SQLite), the database itself still
   refuses the second of two writers.

The audit trail records each move of the version, and so says who saved a record last and when
(:func:`last_change`), for the message that refuses the change.

The editor's version travels with the form (a hidden field, :class:`ips.forms.VersionedFormMixin`)
or with the REST request (``If-Match``, :mod:`ips.api.conditional`). Callers that edit on no one's
behalf (jobs, imports, the demo) pass no expected version and always write, still moving the version
on, so an editor holding the older one is told.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

VERSION_HELP = "Goes up by one with every saved change; a change based on an older version is refused."


class Versioned(models.Model):
    """A record two people can edit at the same time."""

    version = models.PositiveIntegerField(default=1, editable=False, help_text=VERSION_HELP)

    version_field = "version"

    class Meta:
        abstract = True


def is_versioned(model_or_instance) -> bool:
    return hasattr(model_or_instance, "version_field")


def version_field(model_or_instance) -> str:
    """The name of the integer column holding the version (``version`` unless the model names another)."""
    return getattr(model_or_instance, "version_field", "version")


def version_of(instance) -> int:
    """The version of ``instance`` as loaded; 0 for a record not saved yet."""
    if instance is None or instance.pk is None:
        return 0
    return getattr(instance, version_field(instance))


@dataclass(frozen=True)
class LastChange:
    """Who saved a record last, and when, as the audit trail records it."""

    by: str
    at: dt.datetime | None

    def describe(self) -> str:
        if self.at is None:
            return self.by
        return f"{self.by} on {timezone.localtime(self.at):%d %b %Y at %H:%M}"


def last_change(instance) -> LastChange:
    """Who moved the record to its current version, from the audit trail (an entry without an actor
    comes from an import or a job). Entries that did not move the version (a letter's PDF being
    rendered, say) are passed over."""
    from ips.audit import history_for  # the audit models load after the models that inherit Versioned

    history = history_for(instance)
    entry = None
    if is_versioned(instance):
        entry = history.filter(changes__has_key=version_field(instance)).first()
    entry = entry or history.first()
    if entry is None:
        return LastChange(by="someone else", at=getattr(instance, "updated_at", None))
    if entry.actor is None:
        return LastChange(by="the system (an import or a scheduled job)", at=entry.timestamp)
    return LastChange(by=entry.actor.get_full_name() or entry.actor.get_username(), at=entry.timestamp)


class ConcurrentEditError(ValidationError):
    """The record changed after the editor loaded it; the edit is refused so nothing is lost.

    ``instance`` is the record as saved now (its values are shown beside the editor's), ``change``
    says who saved it and when.
    """

    code = "concurrent_edit"

    def __init__(self, instance, *, what: str | None = None):
        self.instance = instance
        self.change = last_change(instance)
        self.version = version_of(instance) if is_versioned(instance) else None
        subject = what or str(instance)
        super().__init__(
            f"{subject} was changed by {self.change.describe()} after you opened it, so nothing was saved.",
            code=self.code,
        )


def check(instance, expected: int | None, *, what: str | None = None) -> None:
    """Refuse ``instance`` (loaded for update) when ``expected`` is given and is not its version."""
    if expected is not None and version_of(instance) != expected:
        raise ConcurrentEditError(instance, what=what)


def lock(queryset: models.QuerySet, *, pk, expected: int | None, what: str | None = None):
    """The row ``pk`` of ``queryset``, locked until the end of the transaction, refused with
    :class:`ConcurrentEditError` when ``expected`` is given and the row is at another version
    (and with a ValidationError, code ``deleted``, when someone deleted it meanwhile)."""
    try:
        instance = queryset.select_for_update().get(pk=pk)
    except queryset.model.DoesNotExist:
        raise ValidationError(
            f"{what or 'This record'} was deleted after you opened it, so nothing was saved.", code="deleted"
        ) from None
    check(instance, expected, what=what)
    return instance


def save(instance, *, update_fields: list[str] | None = None) -> None:
    """Save ``instance`` with the next version; a new record is inserted at version 1.

    The version moves on only if the row is still at the version ``instance`` was loaded with;
    otherwise :class:`ConcurrentEditError` is raised with the row as it is now.
    """
    if instance._state.adding:
        instance.save()
        return
    field = version_field(instance)
    loaded = getattr(instance, field)
    model = type(instance)
    with transaction.atomic():
        # Holds the row (PostgreSQL) or the database (SQLite) until the end of the transaction, and matches
        # nothing if the row moved on; the save then moves the version, which the audit trail records.
        still = model._base_manager.filter(pk=instance.pk, **{field: loaded}).update(**{field: models.F(field)})
        if not still:
            raise ConcurrentEditError(model._base_manager.get(pk=instance.pk))
        setattr(instance, field, loaded + 1)
        instance.save(update_fields=None if update_fields is None else [*update_fields, field])


def etag(instance) -> str:
    """The HTTP entity tag of a versioned record: weak, because other parts of an answer (a finding's
    attachments, a letter's PDF job) change without a new version of the record itself."""
    return f'W/"{version_of(instance)}"'


save.alters_data = True
lock.alters_data = True
