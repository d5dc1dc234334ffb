"""The audit trail: django-auditlog records every create, update and delete of a domain record.

Web requests name the actor through ``AuditlogMiddleware``; services that run outside a request
(management commands, Celery jobs) name it with :func:`acting_as`.
"""

import contextlib
from collections.abc import Iterator

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """Attribute the changes made inside the block to ``user``.

    Blocks nest: on leaving, the enclosing block's actor (for example the one the request middleware
    set) is in force again. django-auditlog leaves its context behind on exit, so it is restored here.
    """
    if user is None:
        yield
        return
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    try:
        with set_actor(user):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def history_for(obj: Model) -> QuerySet[LogEntry]:
    """The audit entries of one record, newest first, with their actors."""
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj.__class__), object_pk=str(obj.pk)
        )
        .select_related("actor")
        .order_by("-timestamp", "-id")
    )
