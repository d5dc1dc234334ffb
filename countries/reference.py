"""Reference data: the operational nodes and every ISO 3166-1 country.

``load_reference_data`` runs each loader in ``REFERENCE_LOADERS`` inside one transaction, so a
bad data file changes nothing. Loaders compare before they save and save only the fields that
changed: a second run writes nothing, not even audit entries. Fields LANT-51 may edit in the
application (node, scope, SOLAS flag, contacts) are set when a country is created and never
overwritten afterwards; the ISO codes and names follow pycountry on every run. New countries are
inserted in bulk with their audit entries; changed ones are saved one by one (the audit trail
records them through django-auditlog's signals).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

import pycountry
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Model

from countries.choices import NodeCode
from countries.constants import NODES
from countries.importing import BATCH_SIZE, AuditRecord, audit_bulk_log, audit_text
from countries.models import Country, Node

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRY_NODES_FILE = DATA_DIR / "country_nodes.csv"

COUNTRY_NODES_COLUMNS = ("iso2", "name", "node", "landlocked", "has_seaport", "out_of_scope_reason", "solas")
LANDLOCKED_NOTE = "Landlocked, with no seaport: outside the program's scope."
LANDLOCKED_WITH_SEAPORT_NOTE = "Landlocked, but with a seaport."

AUDIT_SOURCE = "Reference data load"
# The fields a new country's audit entry lists, as (field name, attribute).
_LOGGED = (
    ("id", "id"),
    ("iso2", "iso2"),
    ("iso3", "iso3"),
    ("numeric", "numeric"),
    ("name", "name"),
    ("official_name", "official_name"),
    ("node", "node_id"),
    ("landlocked", "landlocked"),
    ("in_scope", "in_scope"),
    ("scope_note", "scope_note"),
    ("solas_contracting_government", "solas_contracting_government"),
)

# Refreshed from pycountry on every run.
ISO_FIELDS = ("iso3", "numeric", "name", "official_name")
# Written only when the country is created; LANT-51 may change them later.
PROGRAM_FIELDS = ("node", "in_scope", "landlocked", "scope_note", "solas_contracting_government")

_YES_NO = {"yes": True, "no": False}
# Field validation only, without a query per country: the node comes from the database, and the
# codes are unique in pycountry and checked against the stored countries in one query first.
_CLEAN = {"exclude": ["node"], "validate_unique": False, "validate_constraints": False}


class ReferenceDataError(Exception):
    """A reference data file cannot be loaded; ``errors`` names the file and line of each problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True)
class CountryDefaults:
    iso2: str
    node: str
    landlocked: bool
    in_scope: bool
    scope_note: str
    solas_contracting_government: bool


def _apply(obj: Model, values: dict) -> list[str]:
    """Set the values that differ on ``obj`` and return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def nodes_load() -> LoadResult:
    """Create or refresh the three operational nodes from ``countries.constants.NODES``."""
    result = LoadResult()
    existing = {node.code: node for node in Node.objects.all()}
    for data in NODES:
        values = {key: str(value) for key, value in data.items() if key != "code"}
        node = existing.get(data["code"])
        if node is None:
            node = Node(code=data["code"], **values)
            node.full_clean()
            node.save()
            result.created += 1
            continue
        changed = _apply(node, values)
        if changed:
            node.full_clean()
            node.save(update_fields=changed)
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _parse_yes_no(value: str, column: str, where: str, errors: list[str], *, blank=None):
    value = value.strip().lower()
    if value == "" and blank is not None:
        return blank
    if value not in _YES_NO:
        allowed = "yes, no or empty" if blank is not None else "yes or no"
        errors.append(f"{where}: {column} must be {allowed}, not {value!r}.")
        return None
    return _YES_NO[value]


def country_defaults_read(*, path: Path = COUNTRY_NODES_FILE) -> dict[str, CountryDefaults]:
    """Read and validate the country defaults file; raise ``ReferenceDataError`` listing every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError([f"{path}: cannot be read ({exc})."]) from exc

    # Keep the real line numbers while leaving out comments and blank lines.
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    lines = [(number, line) for number, line in lines if not line.lstrip().startswith("#")]
    if not lines:
        raise ReferenceDataError([f"{path}: the file has no header row."])
    header_line, header = lines[0]
    columns = next(csv.reader(io.StringIO(header)))
    if tuple(column.strip() for column in columns) != COUNTRY_NODES_COLUMNS:
        raise ReferenceDataError(
            [f"{path}:{header_line}: the header must be {','.join(COUNTRY_NODES_COLUMNS)}, not {header.strip()}."]
        )

    known = {country.alpha_2 for country in pycountry.countries}
    node_codes = set(NodeCode.values)
    errors: list[str] = []
    defaults: dict[str, CountryDefaults] = {}
    first_seen: dict[str, int] = {}
    for number, line in lines[1:]:
        where = f"{path}:{number}"
        row = next(csv.reader(io.StringIO(line)))
        if len(row) != len(COUNTRY_NODES_COLUMNS):
            errors.append(f"{where}: expected {len(COUNTRY_NODES_COLUMNS)} columns, found {len(row)}.")
            continue
        values = dict(zip(COUNTRY_NODES_COLUMNS, (value.strip() for value in row), strict=True))
        iso2 = values["iso2"]
        if iso2 not in known:
            errors.append(f"{where}: {iso2!r} is not an ISO 3166-1 alpha-2 code known to pycountry.")
            continue
        if iso2 in first_seen:
            errors.append(f"{where}: {iso2} is listed again (first on line {first_seen[iso2]}).")
            continue
        first_seen[iso2] = number
        if values["node"] not in node_codes:
            errors.append(
                f"{where}: unknown node {values['node']!r} for {iso2}; use one of {', '.join(sorted(node_codes))}."
            )
        landlocked = _parse_yes_no(values["landlocked"], "landlocked", where, errors)
        has_seaport = _parse_yes_no(values["has_seaport"], "has_seaport", where, errors)
        solas = _parse_yes_no(values["solas"], "solas", where, errors, blank="")
        if landlocked is None or has_seaport is None or solas is None or values["node"] not in node_codes:
            continue
        reason = values["out_of_scope_reason"]
        if reason:
            in_scope, note = False, reason
        elif landlocked and not has_seaport:
            in_scope, note = False, LANDLOCKED_NOTE
        else:
            in_scope, note = True, LANDLOCKED_WITH_SEAPORT_NOTE if landlocked else ""
        max_note = Country._meta.get_field("scope_note").max_length
        if len(note) > max_note:
            errors.append(f"{where}: out_of_scope_reason is longer than {max_note} characters.")
            continue
        defaults[iso2] = CountryDefaults(
            iso2=iso2,
            node=values["node"],
            landlocked=landlocked,
            in_scope=in_scope,
            scope_note=note,
            solas_contracting_government=in_scope if solas == "" else solas,
        )

    missing = sorted(known - set(first_seen))
    if missing:
        errors.append(f"{path}: no row for {len(missing)} ISO 3166-1 countries: {', '.join(missing)}.")
    if errors:
        raise ReferenceDataError(errors)
    return defaults


def _iso_values(country) -> dict[str, str]:
    return {
        "iso3": country.alpha_3,
        "numeric": country.numeric,
        "name": getattr(country, "common_name", None) or country.name,
        "official_name": getattr(country, "official_name", "") or "",
    }


def countries_load(*, path: Path = COUNTRY_NODES_FILE) -> LoadResult:
    """Create every ISO 3166-1 country from pycountry with its defaults from ``path``; refresh ISO
    codes and names of the countries that exist and leave their program fields as they are."""
    defaults = country_defaults_read(path=path)
    nodes = {node.code: node for node in Node.objects.all()}
    missing_nodes = sorted({d.node for d in defaults.values()} - set(nodes))
    if missing_nodes:
        raise ReferenceDataError([f"Nodes {', '.join(missing_nodes)} are not loaded."])

    result = LoadResult()
    existing = {country.iso2: country for country in Country.objects.select_related("node")}
    iso3_owners = {country.iso3: iso2 for iso2, country in existing.items()}
    clashes = [
        f"ISO alpha-3 {iso.alpha_3} of {iso.alpha_2} is already used by the stored country {iso3_owners[iso.alpha_3]}."
        for iso in pycountry.countries
        if iso3_owners.get(iso.alpha_3, iso.alpha_2) != iso.alpha_2
    ]
    if clashes:
        raise ReferenceDataError(clashes)
    differing = []
    to_create: list[Country] = []
    for iso in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        default = defaults[iso.alpha_2]
        values = _iso_values(iso)
        country = existing.get(iso.alpha_2)
        if country is None:
            country = Country(
                iso2=iso.alpha_2,
                node=nodes[default.node],
                landlocked=default.landlocked,
                in_scope=default.in_scope,
                scope_note=default.scope_note,
                solas_contracting_government=default.solas_contracting_government,
                **values,
            )
            country.full_clean(**_CLEAN)
            to_create.append(country)
            continue
        changed = _apply(country, values)
        if changed:
            country.full_clean(**_CLEAN)
            country.save(update_fields=[*changed, "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
        if country.node.code != default.node or country.in_scope != default.in_scope:
            differing.append(country.iso2)
    if to_create:
        # One insert for all new countries (a first load creates about 250), with their audit
        # entries written the same way, in the same transaction.
        Country.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        audit_bulk_log(
            (
                AuditRecord(
                    obj=country,
                    action=LogEntry.Action.CREATE,
                    changes={name: ["None", audit_text(getattr(country, attname))] for name, attname in _LOGGED},
                    additional_data={"source": AUDIT_SOURCE},
                )
                for country in to_create
            ),
            model=Country,
        )
        result.created = len(to_create)
    if differing:
        result.notes.append(
            f"{len(differing)} countries differ from the shipped node or scope defaults and were kept as edited: "
            f"{', '.join(differing)}."
        )
    return result


def checklists_load() -> LoadResult:
    """The first version of the visit checklist (later versions are made in the application)."""
    from assessments.services.checklists import checklist_load_reference

    _, created = checklist_load_reference()
    return LoadResult(created=1) if created else LoadResult(unchanged=1)


@transaction.atomic
def load_reference_data(
    *, stdout: TextIO | None = None, country_nodes_path: Path = COUNTRY_NODES_FILE
) -> dict[str, LoadResult]:
    """Load all reference data; nothing is written unless every loader succeeds.

    The loaders run in order; later reference data (for example checklist templates) is added
    as another ``(label, function)`` pair.
    """
    loaders: tuple[tuple[str, Callable[[], LoadResult]], ...] = (
        ("Nodes", nodes_load),
        ("Countries", partial(countries_load, path=country_nodes_path)),
        ("Checklist", checklists_load),
    )
    results: dict[str, LoadResult] = {}
    for label, loader in loaders:
        result = loader()
        results[label] = result
        if stdout is not None:
            stdout.write(f"{label}: {result}\n")
            for note in result.notes:
                stdout.write(f"  {note}\n")
    return results
