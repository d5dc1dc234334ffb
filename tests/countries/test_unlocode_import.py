"""`import_unlocode`: seaports from the real UN/LOCODE files; all or nothing; idempotent; audited."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.importing import ImportFailed
from countries.models import Port
from countries.unlocode import parse_coordinates, unlocode_import
from tests.factories import CountryFactory, PortFactory

pytestmark = pytest.mark.django_db

LOCODES = Path(settings.BASE_DIR).parent / "shared" / "data" / "unlocode" / "vocab-locode" / "locodes"
NL = LOCODES / "NL.csv"
JP = LOCODES / "JP.csv"


def _seaports_in(path: Path) -> dict[str, list[str]]:
    """The seaport rows of a real file, read independently of the importer: first row per code wins."""
    rows = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if row[2] and row[6].startswith("1") and row[0] not in ("X", "x"):
                rows.setdefault(row[1] + row[2], row)
    return rows


def _port_entries():
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Port))


def _run(*files) -> str:
    out = io.StringIO()
    call_command("import_unlocode", *map(str, files), stdout=out)
    return out.getvalue()


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _row(country="NL", location="RTM", name="Rotterdam", function="12345---", coordinates="5155N 00430E", change=""):
    return [change, country, location, name, name, "ZH", function, "AF", "0501", "", coordinates, ""]


@pytest.fixture
def netherlands(db):
    return CountryFactory(iso2="NL", iso3="NLD", name="Netherlands")


@pytest.fixture
def japan(db):
    return CountryFactory(iso2="JP", iso3="JPN", name="Japan")


def test_imports_the_seaports_of_real_files(netherlands, japan):
    output = _run(NL, JP)

    expected = _seaports_in(NL) | _seaports_in(JP)
    assert set(Port.objects.values_list("locode", flat=True)) == set(expected)
    assert f"created: {len(expected)}" in output
    rotterdam = Port.objects.get(locode="NLRTM")
    assert rotterdam.country == netherlands
    assert rotterdam.name == "Rotterdam"
    assert rotterdam.function == "12345---"
    assert rotterdam.subdivision == "ZH"
    assert rotterdam.latitude == Decimal("51.91667")  # 51°55'N
    assert rotterdam.longitude == Decimal("4.50000")  # 4°30'E
    assert Port.objects.get(locode="JPYOK").country == japan


def test_rows_that_are_not_seaports_are_skipped(netherlands):
    with NL.open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh) if row[2]]
    non_seaports = {row[1] + row[2] for row in rows if not row[6].startswith("1")}

    summary = unlocode_import(paths=[NL])

    assert summary.skipped_non_seaports == len(non_seaports)
    assert not Port.objects.filter(locode__in=non_seaports).exists()
    assert not Port.objects.filter(locode="NL2LL").exists()  # Tweede Exloërmond, road transport only


def test_every_created_port_is_in_the_audit_trail(netherlands):
    summary = unlocode_import(paths=[NL])

    entries = _port_entries()
    assert entries.count() == summary.created == Port.objects.count()
    rotterdam = Port.objects.get(locode="NLRTM")
    entry = entries.get(object_id=rotterdam.pk)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor is None
    assert entry.changes["name"] == ["None", "Rotterdam"]
    assert entry.changes["country"] == ["None", str(netherlands.pk)]
    assert entry.additional_data["file"] == "NL.csv"


def test_reimport_changes_nothing(netherlands, japan):
    first = unlocode_import(paths=[NL, JP])
    before = list(Port.objects.order_by("locode").values_list())
    entries = _port_entries().count()

    output = _run(NL, JP)

    assert list(Port.objects.order_by("locode").values_list()) == before
    assert _port_entries().count() == entries
    assert "created: 0" in output
    assert "updated: 0" in output
    assert f"unchanged: {first.created}" in output


def test_reimport_updates_a_changed_port_and_records_what_changed(netherlands):
    unlocode_import(paths=[NL])
    Port.objects.filter(locode="NLRTM").update(name="Rotterdam (old)", latitude=None, longitude=None)
    entries = _port_entries().count()

    summary = unlocode_import(paths=[NL])

    assert (summary.created, summary.updated) == (0, 1)
    rotterdam = Port.objects.get(locode="NLRTM")
    assert (rotterdam.name, rotterdam.latitude) == ("Rotterdam", Decimal("51.91667"))
    assert _port_entries().count() == entries + 1
    entry = _port_entries().latest("id")
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes["name"] == ["Rotterdam (old)", "Rotterdam"]
    assert entry.changes["latitude"] == ["None", "51.91667"]


def test_coordinates_missing_from_the_list_do_not_erase_stored_ones(netherlands, tmp_path):
    PortFactory(
        country=netherlands, locode="NLRTM", name="Rotterdam", latitude=Decimal("51.9"), longitude=Decimal("4.4")
    )

    unlocode_import(paths=[_write(tmp_path / "NL.csv", [_row(coordinates="")])])

    rotterdam = Port.objects.get(locode="NLRTM")
    assert (rotterdam.latitude, rotterdam.longitude) == (Decimal("51.90000"), Decimal("4.40000"))


def test_malformed_rows_are_all_reported_and_nothing_is_kept(netherlands, tmp_path):
    path = _write(
        tmp_path / "bad.csv",
        [
            _row(),  # line 1: a good row, not kept either
            _row()[:11],  # line 2: 11 columns
            _row(country="N1", location="AMS"),  # line 3
            _row(location="R01"),  # line 4: 0 and 1 are not used in UN/LOCODE
            _row(location="VLI", coordinates="5126N 00334"),  # line 5
            _row(location="DZL", coordinates="9126N 00334E"),  # line 6
            _row(location="TNZ", name=""),  # line 7
            _row(country="FR", location="LEH"),  # line 8: France is not loaded
        ],
    )

    with pytest.raises(CommandError) as raised:
        _run(path)

    message = str(raised.value)
    assert "7 problem(s) found; nothing was imported" in message
    for line, reason in [
        (2, "expected 12 columns, found 11"),
        (3, "country code 'N1' is not two capital letters"),
        (4, "NLR01: location code 'R01'"),
        (5, "NLVLI: coordinates '5126N 00334' are not in the form"),
        (6, "NLDZL: coordinates '9126N 00334E' are out of range"),
        (7, "NLTNZ: the name is empty"),
        (8, "FRLEH: country FR is not loaded"),
    ]:
        assert f"{path}:{line}: {reason}" in message
    assert Port.objects.count() == 0
    assert _port_entries().count() == 0


def test_a_failed_run_leaves_earlier_imports_untouched(netherlands, tmp_path):
    unlocode_import(paths=[NL])
    before = list(Port.objects.order_by("locode").values_list())
    entries = _port_entries().count()
    renamed = _write(tmp_path / "NL-new.csv", [_row(name="Rotterdam Europoort"), _row(location="ZZZ", coordinates="x")])

    with pytest.raises(ImportFailed) as raised:
        unlocode_import(paths=[NL, renamed])

    assert raised.value.errors == [f"{renamed}:2: NLZZZ: coordinates 'x' are not in the form DDMMN DDDMMW."]
    assert list(Port.objects.order_by("locode").values_list()) == before
    assert _port_entries().count() == entries


def test_a_country_missing_from_the_database_is_an_error(netherlands):
    with pytest.raises(CommandError) as raised:
        _run(NL, JP)

    message = str(raised.value)
    assert "country JP is not loaded (run `manage.py load_reference_data` first)" in message
    assert f"{JP}:" in message
    assert Port.objects.count() == 0


def test_the_command_exits_with_an_error_status(netherlands, tmp_path):
    path = _write(tmp_path / "bad.csv", [_row()[:5]])
    with pytest.raises(SystemExit) as raised:
        execute_from_command_line(["manage.py", "import_unlocode", str(path)])
    assert raised.value.code == 1


def test_rows_marked_for_removal_and_repeated_codes_are_skipped(netherlands, tmp_path):
    path = _write(
        tmp_path / "NL.csv",
        [
            ["", "NL", "", ".NETHERLANDS"] + [""] * 8,
            ["=", "NL", "", "Flushing = Vlissingen", "Flushing = Vlissingen"] + [""] * 7,
            _row(),
            _row(name="Rotterdam (Europoort)"),  # the same code under another name
            _row(location="OLD", name="Old Harbour", change="X"),
        ],
    )

    summary = unlocode_import(paths=[path])

    assert list(Port.objects.values_list("locode", "name")) == [("NLRTM", "Rotterdam")]
    assert (summary.seaports_read, summary.created, summary.skipped_repeated, summary.skipped_removed) == (3, 1, 1, 1)


def test_international_waters_are_skipped(netherlands, tmp_path):
    path = _write(tmp_path / "XZ.csv", [_row(country="XZ", location="AAD", name="Aasgard")])

    summary = unlocode_import(paths=[path])

    assert summary.skipped_non_country == 1
    assert Port.objects.count() == 0


def test_coordinates_with_impossible_minutes_are_dropped_with_a_warning(netherlands, tmp_path):
    path = _write(tmp_path / "NL.csv", [_row(coordinates="5175N 00430E")])

    output = _run(path)

    assert f"Warning: {path}:1: NLRTM: coordinates '5175N 00430E' have minutes of 60 or more" in output
    rotterdam = Port.objects.get(locode="NLRTM")
    assert (rotterdam.latitude, rotterdam.longitude) == (None, None)


def test_a_file_in_another_encoding_is_reported_with_its_line(netherlands, tmp_path):
    path = tmp_path / "NL.csv"
    good = ",".join(f'"{v}"' for v in _row()).encode()
    accented = ",".join(f'"{v}"' for v in _row(location="VLI", name="Vlissingén")).encode("latin-1")
    path.write_bytes(good + b"\n" + accented + b"\n")

    with pytest.raises(ImportFailed) as raised:
        unlocode_import(paths=[path])
    assert raised.value.errors[0].startswith(f"{path}:2: not valid utf-8-sig text")

    unlocode_import(paths=[path], encoding="latin-1")
    assert Port.objects.get(locode="NLVLI").name == "Vlissingén"


def test_the_import_does_not_query_per_row(netherlands, japan):
    with CaptureQueriesContext(connection) as first:
        created = unlocode_import(paths=[JP]).created
    with CaptureQueriesContext(connection) as again:
        unlocode_import(paths=[JP])

    # Batches, not rows: on PostgreSQL a handful of queries; SQLite's 999-parameter limit makes
    # smaller batches, still dozens of rows per query.
    assert created > 1000
    assert len(first) * 25 < created
    assert len(again) < 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5155N 00430E", (Decimal("51.91667"), Decimal("4.50000"))),
        ("3352S 15112E", (Decimal("-33.86667"), Decimal("151.20000"))),
        ("4042N 07400W", (Decimal("40.70000"), Decimal("-74.00000"))),
        ("0000N 00000E", (Decimal("0.00000"), Decimal("0.00000"))),
        ("", None),
    ],
)
def test_parse_coordinates(value, expected):
    assert parse_coordinates(value) == expected


@pytest.mark.parametrize("value", ["5155N", "5155N 0430E", "51.9 4.5", "5155Z 00430E", "9100N 00000E", "0000N 18100E"])
def test_parse_coordinates_rejects_malformed_values(value):
    with pytest.raises(ValueError):
        parse_coordinates(value)
