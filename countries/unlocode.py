"""Import of seaports from the UN/LOCODE code list (UNECE CSV files).

Each file has no header row and twelve columns in the UNECE order: Change, Country, Location,
Name, NameWoDiacritics, Subdivision, Function, Status, Date, IATA, Coordinates, Remarks. A row is
a seaport when its Function has "1" (maritime transport) in the first position; other rows are
counted and skipped.

Rules:
- Every file is read and every row checked before anything is written. A malformed row is
  reported as "file:line: reason" and, if there is any, the import writes nothing at all.
- Rows marked for removal (Change "X") are skipped. Ports already in the database are never
  deleted by the import, because facilities and cases may refer to them; the summary counts the
  ones the list marks for removal.
- Rows without a Location code are country headings (".NETHERLANDS") or cross-references
  ("Flushing = Vlissingen") and are skipped.
- A code repeated with another name (bilingual entries such as "Helsinki (Helsingfors)" and
  "Helsingfors (Helsinki)") keeps the first row read.
- Country code XZ (installations in international waters) belongs to no country and is skipped.
- Coordinates that are not in the form DDMMN DDDMMW, or whose degrees are out of range, make the
  row malformed. Coordinates whose minutes are 60 or more (35 seaports of the 2023-2 list have
  them, e.g. "3492S 13866E") cannot be read reliably either way; such a port is imported without
  coordinates and listed as a warning.
- A port that exists is updated only where the list differs; coordinates missing from the list
  do not erase coordinates the port already has (for example from the World Port Index).
- The writes are bulk inserts and updates in batches, with an audit entry per created or changed
  port, all in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from countries.importing import (
    BATCH_SIZE,
    COORDINATE_PLACES,
    AuditRecord,
    ImportFailed,
    audit_bulk_log,
    audit_text,
    bulk_update_fields,
)
from countries.models import Country, Port

COLUMN_COUNT = 12
SEAPORT_FUNCTION = "1"  # "1" in the first position of Function: maritime transport
REMOVAL_MARKS = frozenset({"X", "x"})
# Change indicators of the UNECE list: + added, # name changed, | (or ¦) other change,
# ! US entries with a duplicate IATA code, = reference entry, X marked for removal.
CHANGE_MARKS = frozenset({"", "+", "#", "|", "¦", "!", "="}) | REMOVAL_MARKS
# UN/LOCODE codes that are not countries; their seaports are skipped.
NON_COUNTRY_CODES = {"XZ": "installations in international waters"}

COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
LOCATION_RE = re.compile(r"^[A-Z2-9]{3}$")
SUBDIVISION_RE = re.compile(r"^[A-Z0-9]{0,3}$")
STATUS_RE = re.compile(r"^[A-Z]{0,2}$")
IATA_RE = re.compile(r"^(?:[A-Z0-9]{3})?$")
FUNCTION_RE = re.compile(r"^[0-9A-Z-]{8}$")
COORDINATES_RE = re.compile(r"^(\d{2})(\d{2})([NS])\s+(\d{3})(\d{2})([EW])$")

NAME_MAX = Port._meta.get_field("name").max_length
# The fields the list decides; harbor size, WPI number and the CSI flag belong to other sources.
LIST_FIELDS = ("country", "name", "name_ascii", "subdivision", "function", "status", "iata")
COORDINATE_FIELDS = ("latitude", "longitude")
AUDIT_SOURCE = "UN/LOCODE import"


@dataclass
class UnlocodeSummary:
    warnings: list[str] = field(default_factory=list)
    files: int = 0
    rows: int = 0
    seaports_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_non_seaports: int = 0
    skipped_removed: int = 0
    skipped_repeated: int = 0
    skipped_non_country: int = 0
    kept_marked_for_removal: int = 0
    audit_entries: int = 0

    def lines(self) -> list[str]:
        return [
            *(f"Warning: {warning}" for warning in self.warnings),
            f"Files read: {self.files}",
            f"Seaports read: {self.seaports_read}",
            f"  created: {self.created}",
            f"  updated: {self.updated}",
            f"  unchanged: {self.unchanged}",
            f"  skipped, marked for removal: {self.skipped_removed}",
            f"  skipped, same code under another name: {self.skipped_repeated}",
            f"  skipped, not in a country ({', '.join(NON_COUNTRY_CODES)}): {self.skipped_non_country}",
            f"Skipped non-seaport rows: {self.skipped_non_seaports}",
            f"Existing ports the list marks for removal (kept): {self.kept_marked_for_removal}",
            f"Audit entries written: {self.audit_entries}",
        ]


@dataclass
class _PortRow:
    """A checked seaport row."""

    locode: str
    values: dict  # LIST_FIELDS with the country as its id under "country_id"
    latitude: Decimal | None
    longitude: Decimal | None
    source: dict = field(default_factory=dict)


class UnreadableMinutes(ValueError):
    """Coordinates in the right form whose minutes are 60 or more."""


def parse_coordinates(value: str) -> tuple[Decimal, Decimal] | None:
    """Turn UN/LOCODE coordinates ("5155N 00430E", degrees and minutes) into decimal degrees.

    An empty value gives None; anything else that is not valid raises ValueError saying why
    (``UnreadableMinutes`` when only the minutes are impossible).
    """
    value = value.strip()
    if not value:
        return None
    match = COORDINATES_RE.match(value)
    if match is None:
        raise ValueError(f"coordinates {value!r} are not in the form DDMMN DDDMMW")
    lat_deg, lat_min, ns, lon_deg, lon_min, ew = match.groups()
    if int(lat_deg) > 90 or int(lon_deg) > 180:
        raise ValueError(f"coordinates {value!r} are out of range")
    if int(lat_min) >= 60 or int(lon_min) >= 60:
        raise UnreadableMinutes(f"coordinates {value!r} have minutes of 60 or more")
    latitude = Decimal(lat_deg) + Decimal(lat_min) / 60
    longitude = Decimal(lon_deg) + Decimal(lon_min) / 60
    if latitude > 90 or longitude > 180:
        raise ValueError(f"coordinates {value!r} are out of range")
    if ns == "S":
        latitude = -latitude
    if ew == "W":
        longitude = -longitude
    return latitude.quantize(COORDINATE_PLACES), longitude.quantize(COORDINATE_PLACES)


def _row_problem(row: list[str]) -> str | None:
    """Why a seaport row (already known to have 12 columns and a country) is malformed, or None."""
    _change, _country, location, name, name_ascii, subdivision, function, status, _date, iata, _coords, _ = row
    if not LOCATION_RE.match(location):
        return f"location code {location!r} is not three letters or digits 2-9"
    if not name.strip():
        return "the name is empty"
    if len(name) > NAME_MAX or len(name_ascii) > NAME_MAX:
        return f"the name is longer than {NAME_MAX} characters"
    if not SUBDIVISION_RE.match(subdivision):
        return f"subdivision {subdivision!r} is not up to three letters or digits"
    if not FUNCTION_RE.match(function):
        return f"function {function!r} is not eight characters"
    if not STATUS_RE.match(status):
        return f"status {status!r} is not up to two letters"
    if not IATA_RE.match(iata):
        return f"IATA code {iata!r} is not three letters or digits"
    return None


def _decode(path: Path, encoding: str, errors: list[str]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.append(f"{path}: cannot be read ({exc.strerror or exc}).")
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(f"{path}:{line}: not valid {encoding} text (choose the file's encoding with --encoding).")
        return None
    except LookupError:
        errors.append(f"{path}: unknown encoding {encoding!r}.")
        return None


def _rows(path: Path, text: str, errors: list[str]) -> Iterable[tuple[int, list[str]]]:
    """The CSV records of a file with the line each starts on (a record may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(f"{path}:{line}: the CSV cannot be read ({exc}); the rest of the file was not read.")
            return
        yield line, row
        line = reader.line_num + 1


def _read(paths: Iterable[Path], encoding: str, countries: dict[str, int], existing: dict[str, Port]):
    """Read and check every row of every file; return (summary, rows by code, errors)."""
    summary = UnlocodeSummary()
    errors: list[str] = []
    ports: dict[str, _PortRow] = {}
    for path in paths:
        summary.files += 1
        text = _decode(path, encoding, errors)
        if text is None:
            continue
        for line, row in _rows(path, text, errors):
            where = f"{path}:{line}"
            if not row or row == [""]:
                continue  # a blank line
            summary.rows += 1
            if len(row) != COLUMN_COUNT:
                errors.append(f"{where}: expected {COLUMN_COUNT} columns, found {len(row)}.")
                continue
            row = [value.strip() for value in row]
            change, country, location, name, _, _, function = row[:7]
            if change not in CHANGE_MARKS:
                errors.append(f"{where}: unknown change indicator {change!r}.")
                continue
            if not COUNTRY_RE.match(country):
                errors.append(f"{where}: country code {country!r} is not two capital letters.")
                continue
            if not location:
                if change == "=" or name.startswith(".") or " = " in name:
                    continue  # a country heading or a cross-reference
                errors.append(f"{where}: the location code is empty.")
                continue
            if not function.startswith(SEAPORT_FUNCTION):
                summary.skipped_non_seaports += 1
                continue
            summary.seaports_read += 1
            locode = country + location
            if change in REMOVAL_MARKS:
                summary.skipped_removed += 1
                summary.kept_marked_for_removal += locode in existing
                continue
            if country in NON_COUNTRY_CODES:
                summary.skipped_non_country += 1
                continue
            problem = _row_problem(row)
            if problem is None:
                try:
                    coordinates = parse_coordinates(row[10])
                except UnreadableMinutes as exc:
                    coordinates = None
                    summary.warnings.append(f"{where}: {locode}: {exc}; imported without coordinates.")
                except ValueError as exc:
                    problem = str(exc)
            if problem is None and country not in countries:
                problem = f"country {country} is not loaded (run `manage.py load_reference_data` first)"
            if problem is not None:
                errors.append(f"{where}: {locode}: {problem}.")
                continue
            if locode in ports:
                summary.skipped_repeated += 1
                continue
            ports[locode] = _PortRow(
                locode=locode,
                values={
                    "country_id": countries[country],
                    "name": row[3],
                    "name_ascii": row[4],
                    "subdivision": row[5],
                    "function": function,
                    "status": row[7],
                    "iata": row[9],
                },
                latitude=coordinates[0] if coordinates else None,
                longitude=coordinates[1] if coordinates else None,
                source={"source": AUDIT_SOURCE, "file": path.name, "line": line},
            )
    return summary, ports, errors


def _changes(port: Port, row: _PortRow) -> dict[str, list[str]]:
    """Apply ``row`` to ``port``; return the audit changes (empty when nothing differs)."""
    changes: dict[str, list[str]] = {}
    wanted = dict(row.values)
    if row.latitude is not None:
        wanted["latitude"] = row.latitude
        wanted["longitude"] = row.longitude
    for attname, value in wanted.items():
        old = getattr(port, attname)
        if old != value:
            setattr(port, attname, value)
            changes[attname.removesuffix("_id")] = [audit_text(old), audit_text(value)]
    return changes


def unlocode_import(*, paths: Iterable[Path | str], encoding: str = "utf-8-sig") -> UnlocodeSummary:
    """Import the seaports of the UN/LOCODE files ``paths``; all or nothing.

    Raises ``ImportFailed`` listing every malformed row (nothing is written then).
    """
    paths = [Path(path) for path in paths]
    countries = dict(Country.objects.values_list("iso2", "id"))
    fields = ("id", "locode", "country_id", *LIST_FIELDS[1:], *COORDINATE_FIELDS, "updated_at", "version")
    existing = {port.locode: port for port in Port.objects.only(*fields)}
    summary, rows, errors = _read(paths, encoding, countries, existing)
    if errors:
        raise ImportFailed(errors, summary)

    now = timezone.now()
    to_create: list[Port] = []
    to_update: list[tuple[Port, dict]] = []
    changed_fields: set[str] = set()
    for locode, row in rows.items():
        port = existing.get(locode)
        if port is None:
            to_create.append(
                Port(locode=locode, latitude=row.latitude, longitude=row.longitude, updated_at=now, **row.values)
            )
            continue
        changes = _changes(port, row)
        if changes:
            port.updated_at = now
            to_update.append((port, changes))
            changed_fields.update(changes)
        else:
            summary.unchanged += 1

    with transaction.atomic():
        Port.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if any(port.pk is None for port in to_create):  # a database that cannot return ids from bulk inserts
            ids = dict(Port.objects.filter(locode__in=[p.locode for p in to_create]).values_list("locode", "id"))
            for port in to_create:
                port.pk = ids[port.locode]
        if to_update:
            bulk_update_fields(
                [port for port, _ in to_update],
                [name if name != "country" else "country_id" for name in sorted(changed_fields)] + ["updated_at"],
            )
        records = [
            AuditRecord(
                obj=port,
                action=LogEntry.Action.CREATE,
                changes={
                    "id": ["None", str(port.pk)],
                    "locode": ["None", port.locode],
                    **{
                        name: ["None", audit_text(getattr(port, name if name != "country" else "country_id"))]
                        for name in (*LIST_FIELDS, *COORDINATE_FIELDS)
                    },
                },
                additional_data=rows[port.locode].source,
            )
            for port in to_create
        ]
        records += [
            AuditRecord(
                obj=port, action=LogEntry.Action.UPDATE, changes=changes, additional_data=rows[port.locode].source
            )
            for port, changes in to_update
        ]
        summary.audit_entries = audit_bulk_log(records, model=Port)
    summary.created = len(to_create)
    summary.updated = len(to_update)
    return summary
