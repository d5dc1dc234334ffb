"""`import_wpi`: enrichment of ports from the NGA World Port Index, matched by UN/LOCODE."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from countries.choices import HarborSize
from countries.models import Port
from countries.wpi import REQUIRED_COLUMNS, wpi_import
from tests.factories import CountryFactory, PortFactory

pytestmark = pytest.mark.django_db

WPI = Path(settings.BASE_DIR).parent / "shared" / "data" / "wpi" / "UpdatedPub150.csv"
SIZES = {"Very Small": "V", "Small": "S", "Medium": "M", "Large": "L"}


def _wpi_rows(locode: str) -> list[dict]:
    """The rows of the real file for a UN/LOCODE written with a space ("NL RTM")."""
    with WPI.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["UN/LOCODE"].strip() == locode]


def _port_entries():
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Port))


def _run(path: Path) -> str:
    out = io.StringIO()
    call_command("import_wpi", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def rotterdam(db):
    netherlands = CountryFactory(iso2="NL", iso3="NLD", name="Netherlands")
    return PortFactory(country=netherlands, locode="NLRTM", name="Rotterdam", latitude=None, longitude=None)


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REQUIRED_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _wpi_row(**values) -> dict:
    row = {
        "World Port Index Number": "31140",
        "Main Port Name": "Rotterdam",
        "UN/LOCODE": "NL RTM",
        "Harbor Size": "Large",
        "Latitude": "51.9",
        "Longitude": "4.5",
    }
    row.update(values)
    return row


def test_sets_harbor_size_number_and_missing_coordinates_of_a_known_port(rotterdam):
    (source,) = _wpi_rows("NL RTM")

    output = _run(WPI)

    rotterdam.refresh_from_db()
    assert rotterdam.harbor_size == SIZES[source["Harbor Size"]] == HarborSize.LARGE
    assert rotterdam.wpi_number == int(source["World Port Index Number"])
    assert rotterdam.latitude == Decimal(source["Latitude"]).quantize(Decimal("0.00001"))
    assert rotterdam.longitude == Decimal(source["Longitude"]).quantize(Decimal("0.00001"))
    assert "Ports updated: 1" in output
    entry = _port_entries().get(object_id=rotterdam.pk, action=LogEntry.Action.UPDATE)
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes["harbor_size"] == ["", "L"]


def test_coordinates_the_port_already_has_are_kept(rotterdam):
    Port.objects.filter(pk=rotterdam.pk).update(latitude=Decimal("51.91667"), longitude=Decimal("4.5"))

    wpi_import(path=WPI)

    rotterdam.refresh_from_db()
    assert (rotterdam.latitude, rotterdam.longitude) == (Decimal("51.91667"), Decimal("4.50000"))
    assert rotterdam.harbor_size == HarborSize.LARGE


def test_second_run_changes_nothing(rotterdam):
    wpi_import(path=WPI)
    before = list(Port.objects.values_list())
    entries = _port_entries().count()

    summary = wpi_import(path=WPI)

    assert (summary.updated, summary.unchanged) == (0, 1)
    assert list(Port.objects.values_list()) == before
    assert _port_entries().count() == entries


def test_a_code_on_several_rows_uses_the_largest_harbor(db):
    germany = CountryFactory(iso2="DE", iso3="DEU", name="Germany")
    port = PortFactory(country=germany, locode="DEBRB", name="Brunsbüttel")
    rows = _wpi_rows("DE BRB")
    assert len(rows) > 1
    rank = {"Very Small": 1, "Small": 2, "Medium": 3, "Large": 4}
    largest = max(rows, key=lambda row: (rank.get(row["Harbor Size"].strip(), 0), -int(row["World Port Index Number"])))

    summary = wpi_import(path=WPI)

    port.refresh_from_db()
    assert port.wpi_number == int(largest["World Port Index Number"])
    assert port.harbor_size == SIZES[largest["Harbor Size"]]
    assert summary.repeated_locodes >= 1


def test_rows_with_unreadable_codes_are_warnings_not_errors(rotterdam, tmp_path):
    path = _write(
        tmp_path / "wpi.csv",
        [
            _wpi_row(**{"UN/LOCODE": 'GB ME""', "Main Port Name": "Portsmouth Harbour"}),
            _wpi_row(),
            _wpi_row(**{"UN/LOCODE": " "}),
        ],
    )

    output = _run(path)

    assert f"Warning: {path}:2: Portsmouth Harbour: UN/LOCODE 'GB ME\"\"' cannot be read" in output
    assert "without a UN/LOCODE: 1" in output
    rotterdam.refresh_from_db()
    assert rotterdam.wpi_number == 31140


def test_malformed_rows_are_reported_and_nothing_is_changed(rotterdam, tmp_path):
    path = _write(
        tmp_path / "wpi.csv",
        [
            _wpi_row(),
            _wpi_row(**{"Harbor Size": "Huge"}),
            _wpi_row(**{"Latitude": "north"}),
            _wpi_row(**{"Longitude": "190"}),
            _wpi_row(**{"World Port Index Number": "n/a"}),
        ],
    )

    with pytest.raises(CommandError) as raised:
        _run(path)

    message = str(raised.value)
    assert "4 problem(s) found; nothing was imported" in message
    assert f"{path}:3: harbor size 'Huge' is not one of" in message
    assert f"{path}:4: latitude 'north' is not a number" in message
    assert f"{path}:5: longitude '190' is out of range" in message
    assert f"{path}:6: World Port Index number 'n/a' is not a number" in message
    rotterdam.refresh_from_db()
    assert (rotterdam.harbor_size, rotterdam.wpi_number, rotterdam.latitude) == ("", None, None)
    assert not _port_entries().filter(action=LogEntry.Action.UPDATE).exists()


def test_a_file_without_the_index_columns_is_refused(rotterdam, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Port,Size\nRotterdam,Large\n", encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        _run(path)

    assert f"{path}:1: missing column(s) 'World Port Index Number'" in str(raised.value)
