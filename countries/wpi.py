"""Enrichment of ports from the NGA World Port Index (Pub 150, "UpdatedPub150.csv").

Matches a World Port Index row to a port by UN/LOCODE only (the index writes it with a space,
"NL RTM"). For a matched port it sets the harbor size, the World Port Index number, and the
latitude and longitude when the port has no coordinates yet (UN/LOCODE coordinates are kept).

Rules:
- Every row is checked before anything is written; a malformed row (a World Port Index number
  that is not a number, an unknown harbor size, latitude or longitude not a number or out of
  range) is reported as "file:line: reason" and then nothing is written.
- Cells holding a single space count as empty.
- Rows whose UN/LOCODE cannot be read (the published file has one: 'GB ME""') and rows whose
  World Port Index number is not a whole number (one: 49454.5) are skipped and listed as
  warnings: the index is optional enrichment, and those values cannot be stored as they are.
- When several rows carry the same UN/LOCODE (for example "Brunsbuttel Elbahafen" and
  "Brunsbuttel Canal Terminals", both DE BRB), the row with the largest harbor size is used,
  then the lowest World Port Index number; the summary counts such codes.
- An empty harbor size in the index leaves the port's harbor size as it is.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from countries.choices import HarborSize
from countries.importing import (
    COORDINATE_PLACES,
    AuditRecord,
    ImportFailed,
    audit_bulk_log,
    audit_text,
    bulk_update_fields,
)
from countries.models import Port

COLUMN_NUMBER = "World Port Index Number"
COLUMN_NAME = "Main Port Name"
COLUMN_LOCODE = "UN/LOCODE"
COLUMN_HARBOR_SIZE = "Harbor Size"
COLUMN_LATITUDE = "Latitude"
COLUMN_LONGITUDE = "Longitude"
REQUIRED_COLUMNS = (COLUMN_NUMBER, COLUMN_NAME, COLUMN_LOCODE, COLUMN_HARBOR_SIZE, COLUMN_LATITUDE, COLUMN_LONGITUDE)

HARBOR_SIZES = {
    "very small": HarborSize.VERY_SMALL,
    "small": HarborSize.SMALL,
    "medium": HarborSize.MEDIUM,
    "large": HarborSize.LARGE,
}
SIZE_RANK = {"": 0, HarborSize.VERY_SMALL: 1, HarborSize.SMALL: 2, HarborSize.MEDIUM: 3, HarborSize.LARGE: 4}
LOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")
WHOLE_NUMBER_RE = re.compile(r"^\d+$")
AUDIT_SOURCE = "World Port Index import"


@dataclass
class WpiSummary:
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    without_locode: int = 0
    repeated_locodes: int = 0
    unmatched: int = 0
    updated: int = 0
    unchanged: int = 0
    audit_entries: int = 0

    def lines(self) -> list[str]:
        return [
            *(f"Warning: {warning}" for warning in self.warnings),
            f"World Port Index rows read: {self.rows}",
            f"  without a UN/LOCODE: {self.without_locode}",
            f"  UN/LOCODEs on more than one row (largest harbor used): {self.repeated_locodes}",
            f"  UN/LOCODE not among the ports: {self.unmatched}",
            f"Ports updated: {self.updated}",
            f"Ports unchanged: {self.unchanged}",
            f"Audit entries written: {self.audit_entries}",
        ]


@dataclass
class _WpiRow:
    line: int
    number: int
    harbor_size: str
    latitude: Decimal
    longitude: Decimal


def _cell(row: dict, column: str) -> str:
    return (row.get(column) or "").strip()


def _coordinate(value: str, limit: int, label: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{label} {value!r} is not a number") from None
    if not number.is_finite() or abs(number) > limit:
        raise ValueError(f"{label} {value!r} is out of range")
    return number.quantize(COORDINATE_PLACES)


def _read(path: Path, encoding: str, summary: WpiSummary, errors: list[str]) -> dict[str, _WpiRow]:
    try:
        text = path.read_bytes().decode(encoding)
    except OSError as exc:
        errors.append(f"{path}: cannot be read ({exc.strerror or exc}).")
        return {}
    except UnicodeDecodeError as exc:
        errors.append(f"{path}: not valid {encoding} text at byte {exc.start}.")
        return {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        errors.append(f"{path}:1: the header cannot be read ({exc}).")
        return {}
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        names = ", ".join(repr(column) for column in missing)
        errors.append(f"{path}:1: missing column(s) {names}; is this the World Port Index?")
        return {}

    chosen: dict[str, _WpiRow] = {}
    repeated: set[str] = set()
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"{path}:{line}: the CSV cannot be read ({exc}); the rest of the file was not read.")
            break
        row_line, where = line, f"{path}:{line}"
        line = reader.line_num + 1
        summary.rows += 1
        if None in row or any(value is None for value in row.values()):
            errors.append(f"{where}: expected {len(header)} columns.")
            continue
        raw_locode = _cell(row, COLUMN_LOCODE)
        number = _cell(row, COLUMN_NUMBER)
        problems = []
        if not NUMBER_RE.match(number):
            problems.append(f"World Port Index number {number!r} is not a number")
        size_text = _cell(row, COLUMN_HARBOR_SIZE)
        size = HARBOR_SIZES.get(size_text.lower(), "" if not size_text else None)
        if size is None:
            problems.append(f"harbor size {size_text!r} is not one of Very Small, Small, Medium, Large")
        coordinates = []
        for column, limit in ((COLUMN_LATITUDE, 90), (COLUMN_LONGITUDE, 180)):
            try:
                coordinates.append(_coordinate(_cell(row, column), limit, column.lower()))
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            errors.append(f"{where}: {'; '.join(problems)}.")
            continue
        if not raw_locode:
            summary.without_locode += 1
            continue
        locode = re.sub(r"\s", "", raw_locode).upper()
        name = _cell(row, COLUMN_NAME)
        if not LOCODE_RE.match(locode):
            summary.warnings.append(f"{where}: {name}: UN/LOCODE {raw_locode!r} cannot be read; row skipped.")
            continue
        if not WHOLE_NUMBER_RE.match(number):
            summary.warnings.append(
                f"{where}: {name} ({locode}): World Port Index number {number} is not a whole number; row skipped."
            )
            continue
        candidate = _WpiRow(
            line=row_line, number=int(number), harbor_size=size, latitude=coordinates[0], longitude=coordinates[1]
        )
        current = chosen.get(locode)
        if current is not None:
            repeated.add(locode)
            if (SIZE_RANK[current.harbor_size], -current.number) >= (SIZE_RANK[size], -candidate.number):
                continue
        chosen[locode] = candidate
    summary.repeated_locodes = len(repeated)
    return chosen


def wpi_import(*, path: Path | str, encoding: str = "utf-8-sig") -> WpiSummary:
    """Enrich the ports from the World Port Index CSV ``path``; all or nothing.

    Raises ``ImportFailed`` listing every malformed row (nothing is written then).
    """
    path = Path(path)
    summary = WpiSummary()
    errors: list[str] = []
    rows = _read(path, encoding, summary, errors)
    if errors:
        raise ImportFailed(errors, summary)

    fields = ("id", "locode", "name", "harbor_size", "wpi_number", "latitude", "longitude", "updated_at", "version")
    ports = {port.locode: port for port in Port.objects.filter(locode__in=rows).only(*fields)}
    summary.unmatched = len(set(rows) - set(ports))
    now = timezone.now()
    changed: list[tuple[Port, dict, _WpiRow]] = []
    changed_fields: set[str] = set()
    for locode, port in ports.items():
        row = rows[locode]
        wanted = {"wpi_number": row.number}
        if row.harbor_size:
            wanted["harbor_size"] = row.harbor_size
        if port.latitude is None and port.longitude is None:
            wanted["latitude"] = row.latitude
            wanted["longitude"] = row.longitude
        changes = {}
        for name, value in wanted.items():
            old = getattr(port, name)
            if old != value:
                setattr(port, name, value)
                changes[name] = [audit_text(old), audit_text(value)]
        if changes:
            port.updated_at = now
            changed.append((port, changes, row))
            changed_fields.update(changes)
        else:
            summary.unchanged += 1

    with transaction.atomic():
        if changed:
            bulk_update_fields([port for port, _, _ in changed], [*sorted(changed_fields), "updated_at"])
        summary.audit_entries = audit_bulk_log(
            (
                AuditRecord(
                    obj=port,
                    action=LogEntry.Action.UPDATE,
                    changes=changes,
                    additional_data={"source": AUDIT_SOURCE, "file": path.name, "line": row.line},
                )
                for port, changes, row in changed
            ),
            model=Port,
        )
    summary.updated = len(changed)
    return summary
