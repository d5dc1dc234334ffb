"""Pieces shared by the bulk imports of ports (UN/LOCODE, World Port Index).

Bulk writes do not send the signals django-auditlog listens to, so the imports write their audit
entries themselves, in bulk, in the same transaction and in the same form auditlog uses: one
entry per created or changed record, ``changes`` as ``{field: [old, new]}`` with values as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from ips import concurrency

BATCH_SIZE = 1000
AUDIT_COLUMNS = (
    "content_type",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "changes_text",
    "additional_data",
    "timestamp",
)
COORDINATE_PLACES = Decimal("0.00001")  # Port.latitude / Port.longitude have five decimal places


class ImportFailed(Exception):
    """An import found problems; ``errors`` lists each one as "file:line: reason"."""

    def __init__(self, errors: list[str], summary: Any = None):
        self.errors = errors
        self.summary = summary
        super().__init__(f"{len(errors)} problem(s):\n" + "\n".join(errors))


def bulk_update_fields(objs: list[Model], field_names: Iterable[str]) -> None:
    """Save ``field_names`` of many records of one model with one UPDATE per record, sent in batches.

    Used instead of ``QuerySet.bulk_update``, whose single UPDATE with a CASE per field and
    batch is an order of magnitude slower on PostgreSQL for thousands of rows. The version of a
    versioned record (ips.concurrency) goes up by one, so an editor holding the older one is told.
    """
    if not objs:
        return
    opts = objs[0]._meta
    fields = [opts.get_field(name) for name in field_names]
    ops = connection.ops
    assignments = [f"{ops.quote_name(field.column)} = %s" for field in fields]
    if concurrency.is_versioned(opts.model):
        column = ops.quote_name(opts.get_field(concurrency.version_field(opts.model)).column)
        assignments.append(f"{column} = {column} + 1")
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        ops.quote_name(opts.db_table),
        ", ".join(assignments),
        ops.quote_name(opts.pk.column),
    )
    rows = [
        (*(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields), obj.pk)
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + BATCH_SIZE])


def audit_text(value: Any) -> str:
    """A value as django-auditlog writes it in ``LogEntry.changes`` (None becomes "None")."""
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)


@dataclass
class AuditRecord:
    """One record created or changed by a bulk write, for the audit trail."""

    obj: Model
    action: int
    changes: dict[str, list[str]]
    additional_data: dict[str, Any] | None = None


def _with_version(record: AuditRecord, model: type[Model]) -> dict:
    """The changes of an update, with the move of the version that :func:`bulk_update_fields` makes (when
    the version was loaded), as a save through ips.concurrency records it."""
    field = concurrency.version_field(model)
    loaded = record.obj.__dict__.get(field) if concurrency.is_versioned(model) else None
    if record.action != LogEntry.Action.UPDATE or loaded is None:
        return record.changes
    return {**record.changes, field: [str(loaded), str(loaded + 1)]}


def audit_bulk_log(records: Iterable[AuditRecord], *, model: type[Model]) -> int:
    """Write the audit entries of a bulk write (actor: none, as for any command run); return how many.

    The entries go in with COPY on PostgreSQL and as multi-row INSERT statements elsewhere, rather
    than with ``bulk_create``: for tens of thousands of entries that takes a fraction of the time
    (Django's per-value preparation of every model field is skipped). The values are the ones
    ``LogEntry`` would store.
    """
    ops = connection.ops
    use_copy = connection.vendor == "postgresql"

    def json_value(value: Any) -> Any:
        return json.dumps(value) if use_copy else ops.adapt_json_value(value, None)  # COPY reads JSON as text

    content_type_id = ContentType.objects.get_for_model(model).pk
    timestamp = ops.adapt_datetimefield_value(timezone.now())
    opts = LogEntry._meta
    fields = [opts.get_field(name) for name in AUDIT_COLUMNS]
    rows = [
        (
            content_type_id,
            str(record.obj.pk),
            record.obj.pk if isinstance(record.obj.pk, int) else None,
            str(record.obj),
            record.action,
            json_value(_with_version(record, model)),
            "",
            json_value(record.additional_data) if record.additional_data is not None else None,
            timestamp,
        )
        for record in records
    ]
    if not rows:
        return 0
    table = ops.quote_name(opts.db_table)
    column_list = ", ".join(ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if use_copy:
            # COPY is the fastest way into PostgreSQL: a third of the time of multi-row INSERTs here.
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        batch = max(1, min(BATCH_SIZE, ops.bulk_batch_size(fields, rows)))
        placeholders = "({})".format(", ".join(["%s"] * len(fields)))
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({column_list}) VALUES " + ", ".join([placeholders] * len(chunk)),
                [value for row in chunk for value in row],
            )
    return len(rows)
