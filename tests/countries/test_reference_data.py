"""`load_reference_data`: nodes and every ISO 3166-1 country, idempotent, strict about its data file."""

import csv
import io
import shutil

import pycountry
import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from countries.choices import NodeCode
from countries.constants import NODES
from countries.models import Country, Node
from countries.reference import COUNTRY_NODES_FILE, LANDLOCKED_NOTE, load_reference_data

pytestmark = pytest.mark.django_db


def _shipped_rows() -> dict[str, dict]:
    lines = [line for line in COUNTRY_NODES_FILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["iso2"]: row for row in csv.DictReader(io.StringIO("\n".join(lines)))}


def _snapshot() -> list[tuple]:
    return list(Country.objects.order_by("iso2").values_list())


def _line_of(path, iso2: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{iso2},"):
            return number
    raise AssertionError(f"{iso2} not in {path}")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("load_reference_data", *args, stdout=out)
    return out.getvalue()


def test_every_pycountry_country_is_loaded_with_a_node():
    output = _run()

    assert Country.objects.count() == len(pycountry.countries)
    assert set(Node.objects.values_list("code", flat=True)) == set(NodeCode.values)
    assert set(Country.objects.values_list("iso2", flat=True)) == {c.alpha_2 for c in pycountry.countries}
    assert f"Countries: {len(pycountry.countries)} created, 0 updated, 0 unchanged" in output


def test_codes_and_names_come_from_pycountry_preferring_the_common_name():
    load_reference_data()

    loaded = {c.iso2: c for c in Country.objects.all()}
    for iso in pycountry.countries:
        country = loaded[iso.alpha_2]
        assert country.iso3 == iso.alpha_3
        assert country.numeric == iso.numeric
        assert country.name == (getattr(iso, "common_name", None) or iso.name)
        assert country.official_name == getattr(iso, "official_name", "")
    assert loaded["BO"].name == "Bolivia"  # pycountry: "Bolivia, Plurinational State of"


def test_each_country_gets_the_node_scope_and_solas_flag_of_the_shipped_file():
    load_reference_data()

    rows = _shipped_rows()
    for country in Country.objects.select_related("node"):
        row = rows[country.iso2]
        assert country.node.code == row["node"]
        assert country.landlocked == (row["landlocked"] == "yes")
        no_seaport = row["landlocked"] == "yes" and row["has_seaport"] == "no"
        assert country.in_scope == (not row["out_of_scope_reason"] and not no_seaport)
        if not country.in_scope:
            assert country.scope_note, f"{country.iso2} is out of scope without a note"
        if row["solas"] == "":
            assert country.solas_contracting_government == country.in_scope


@pytest.mark.parametrize(
    ("iso2", "node"),
    [
        ("NL", NodeCode.ACTEUR),
        ("EG", NodeCode.ACTEUR),
        ("ZA", NodeCode.ACTEUR),
        ("MG", NodeCode.FEACT),  # the Indian Ocean from Madagascar eastwards
        ("MU", NodeCode.FEACT),
        ("IN", NodeCode.FEACT),
        ("PF", NodeCode.FEACT),
        ("JP", NodeCode.FEACT),
        ("BR", NodeCode.LANT512),
        ("JM", NodeCode.LANT512),
    ],
)
def test_regions_map_to_their_node(iso2, node):
    load_reference_data()

    assert Country.objects.get(iso2=iso2).node.code == node


def test_landlocked_states_without_a_seaport_and_the_united_states_are_out_of_scope():
    load_reference_data()

    switzerland = Country.objects.get(iso2="CH")
    assert (switzerland.landlocked, switzerland.in_scope, switzerland.scope_note) == (True, False, LANDLOCKED_NOTE)
    azerbaijan = Country.objects.get(iso2="AZ")  # landlocked, with Caspian Sea ports
    assert (azerbaijan.landlocked, azerbaijan.in_scope) == (True, True)
    for iso2 in ("US", "UM", "BV", "HM", "AQ"):
        country = Country.objects.get(iso2=iso2)
        assert not country.in_scope and country.scope_note
    assert Country.objects.get(iso2="NL").in_scope


def test_second_run_changes_nothing_and_writes_no_audit_entries():
    load_reference_data()
    before, entries = _snapshot(), LogEntry.objects.count()
    assert entries >= len(pycountry.countries)  # the first run is in the audit trail

    results = load_reference_data()

    assert _snapshot() == before
    assert LogEntry.objects.count() == entries
    assert (results["Countries"].created, results["Countries"].updated) == (0, 0)
    assert results["Countries"].unchanged == len(pycountry.countries)
    assert (results["Nodes"].created, results["Nodes"].updated, results["Nodes"].unchanged) == (0, 0, len(NODES))


def test_rerun_keeps_what_lant51_edited_and_refreshes_iso_names():
    load_reference_data()
    other_node = Node.objects.get(code=NodeCode.FEACT)
    Country.objects.filter(iso2="NL").update(
        node=other_node, in_scope=False, designated_authority="Ministry of Infrastructure", name="Holland"
    )
    entries = LogEntry.objects.count()

    output = _run()

    netherlands = Country.objects.get(iso2="NL")
    assert netherlands.node == other_node
    assert netherlands.in_scope is False
    assert netherlands.designated_authority == "Ministry of Infrastructure"
    assert netherlands.name == "Netherlands"
    assert LogEntry.objects.count() == entries + 1  # the name refresh only
    assert "1 updated" in output
    assert "kept as edited: NL" in output


def test_nodes_are_refreshed_from_the_constants():
    Node.objects.create(code=NodeCode.ACTEUR, name="Old name", location="Old place", regions="Old regions")

    results = load_reference_data()

    acteur = Node.objects.get(code=NodeCode.ACTEUR)
    expected = next(node for node in NODES if node["code"] == NodeCode.ACTEUR)
    assert (acteur.name, acteur.location) == (expected["name"], expected["location"])
    assert acteur.regions == expected["regions"]
    assert (results["Nodes"].created, results["Nodes"].updated) == (len(NODES) - 1, 1)


@pytest.fixture
def data_file(tmp_path):
    path = tmp_path / "country_nodes.csv"
    shutil.copy(COUNTRY_NODES_FILE, path)
    return path


def _edit(path, iso2: str, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if not line.startswith("#")).split(",")
    for index, line in enumerate(lines):
        if line.startswith(f"{iso2},"):
            row = next(csv.reader([line]))
            row[header.index(column)] = value
            out = io.StringIO()
            csv.writer(out, lineterminator="").writerow(row)
            lines[index] = out.getvalue()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_unknown_node_in_the_data_file_is_an_error_and_nothing_is_written(data_file):
    _edit(data_file, "NL", "node", "ACTEUR-9")

    with pytest.raises(CommandError) as raised:
        _run("--country-nodes", str(data_file))

    message = str(raised.value)
    assert f"{data_file}:{_line_of(data_file, 'NL')}: unknown node 'ACTEUR-9'" in message
    assert "Nothing was loaded" in message
    assert Node.objects.count() == 0  # the nodes loaded before the error were rolled back
    assert Country.objects.count() == 0
    assert LogEntry.objects.count() == 0


def test_bad_data_file_changes_nothing_in_a_loaded_database(data_file):
    load_reference_data()
    before, entries = _snapshot(), LogEntry.objects.count()
    Node.objects.filter(code=NodeCode.FEACT).update(name="Renamed")  # the loader would restore it
    _edit(data_file, "JP", "node", "PACIFIC")

    with pytest.raises(CommandError):
        _run("--country-nodes", str(data_file))

    assert Node.objects.get(code=NodeCode.FEACT).name == "Renamed"
    assert _snapshot() == before
    assert LogEntry.objects.count() == entries


def test_unknown_iso_code_in_the_data_file_is_an_error(data_file):
    with data_file.open("a", encoding="utf-8") as fh:
        fh.write("QQ,Nowhere,ACTEUR,no,yes,,\n")
    line = len(data_file.read_text(encoding="utf-8").splitlines())

    with pytest.raises(CommandError) as raised:
        _run("--country-nodes", str(data_file))

    assert f"{data_file}:{line}: 'QQ' is not an ISO 3166-1 alpha-2 code known to pycountry" in str(raised.value)
    assert Country.objects.count() == 0


def test_a_country_missing_from_the_data_file_is_an_error(data_file):
    lines = [line for line in data_file.read_text(encoding="utf-8").splitlines() if not line.startswith("FR,")]
    data_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        _run("--country-nodes", str(data_file))

    assert "no row for 1 ISO 3166-1 countries: FR" in str(raised.value)
    assert Country.objects.count() == 0


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("landlocked", "maybe", "landlocked must be yes or no"),
        ("has_seaport", "", "has_seaport must be yes or no"),
        ("solas", "1", "solas must be yes, no or empty"),
    ],
)
def test_unreadable_values_in_the_data_file_are_errors(data_file, column, value, reason):
    _edit(data_file, "DE", column, value)

    with pytest.raises(CommandError) as raised:
        _run("--country-nodes", str(data_file))

    assert f"{data_file}:{_line_of(data_file, 'DE')}: {reason}" in str(raised.value)
    assert Country.objects.count() == 0


def test_a_repeated_country_in_the_data_file_is_an_error(data_file):
    first = _line_of(data_file, "IT")
    with data_file.open("a", encoding="utf-8") as fh:
        fh.write("IT,Italy,FEACT,no,yes,,\n")

    with pytest.raises(CommandError) as raised:
        _run("--country-nodes", str(data_file))

    assert f"IT is listed again (first on line {first})" in str(raised.value)
    assert Country.objects.count() == 0
