"""The country status export and the compliance-status filter of the country list: the export holds
exactly the rows the list shows for the same query string (every page, same order), for every role."""

import datetime as dt

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from countries.choices import ComplianceStatus, NodeCode
from countries.models import Country
from tests.exports.conftest import read_csv, read_xlsx, sheet_rows
from tests.factories import CountryFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = "/countries/"
EXPORT = "/countries/export.{}"

ROLE_STATUS = {
    "psa1": 200, "lant51": 200, "ipslo": 200, "other_ipslo": 200, "viewer": 200, "superuser": 200, "norole": 403,
}


def _listed(client, params=None) -> list[str]:
    """The ISO codes the list shows, every page, in order."""
    codes, page = [], 1
    while True:
        response = client.get(LIST, {**(params or {}), "page": page})
        codes += [c.iso3 for c in response.context["page"].object_list]
        if not response.context["page"].has_next():
            return codes
        page += 1


def _exported(client, fmt, params=None) -> list[dict]:
    response = client.get(EXPORT.format(fmt), params or {})
    assert response.status_code == 200
    rows = read_csv(response) if fmt == "csv" else [
        ["" if v is None else v for v in row] for row in sheet_rows(read_xlsx(response))
    ]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def statuses(portfolio, nodes):
    """Atlantis minimally implementing; Borduria substantially; a third not substantially (LANT-512)."""
    atlantis, borduria = portfolio["country"], portfolio["other_country"]
    Country.objects.filter(pk=atlantis.pk).update(
        compliance_status=ComplianceStatus.MINIMALLY, determination_date=dt.date(2025, 4, 1),
        last_assessment_date=dt.date(2025, 3, 5), next_assessment_due=dt.date(2028, 3, 5),
    )
    Country.objects.filter(pk=borduria.pk).update(compliance_status=ComplianceStatus.SUBSTANTIALLY)
    third = CountryFactory(iso2="XC", iso3="XCX", name="Carpania", node=nodes[NodeCode.LANT512],
                           compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY)
    return {"atlantis": atlantis, "borduria": borduria, "carpania": third}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", sorted(ROLE_STATUS))
def test_role_matrix(client, users, statuses, fmt, role):
    user = UserFactory(username="admin", is_superuser=True) if role == "superuser" else users[role]
    client.force_login(user)
    assert client.get(EXPORT.format(fmt)).status_code == ROLE_STATUS[role]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_anonymous_is_sent_to_login(client, statuses, fmt):
    response = client.get(EXPORT.format(fmt))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("fmt", ["pdf", "xls", "json"])
def test_unknown_format_is_a_404(client, users, statuses, fmt):
    client.force_login(users["viewer"])
    assert client.get(EXPORT.format(fmt)).status_code == 404


def test_url_names():
    assert reverse("countries:export", kwargs={"fmt": "csv"}) == "/countries/export.csv"
    assert reverse("countries:export", kwargs={"fmt": "xlsx"}) == "/countries/export.xlsx"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_row_content(client, users, statuses, fmt):
    client.force_login(users["lant51"])
    rows = {row["ISO alpha-3"]: row for row in _exported(client, fmt)}
    atlantis = rows["XAX"]
    assert atlantis["Country"] == "Atlantis" and atlantis["Node"] == "ACTEUR"
    assert atlantis["Program scope"] == "In scope"
    assert atlantis["Compliance status"] == "Minimally implementing"
    assert atlantis["Primary IPSLO"] == str(users["ipslo"])
    assert atlantis["Due status"] == "Current"
    if fmt == "csv":
        assert atlantis["Determination date"] == "2025-04-01" and atlantis["Next assessment due"] == "2028-03-05"
    else:
        assert atlantis["Determination date"] == dt.datetime(2025, 4, 1)
    assert rows["XCX"]["Primary IPSLO"] == "" and rows["XCX"]["Due status"] == "Never assessed: due now"
    assert rows["XCX"]["Port Security Advisory"] == "" and rows["XCX"]["Conditions of entry"] == "No"


def test_the_csv_is_not_marked_fouo(client, users, statuses):
    client.force_login(users["viewer"])
    response = client.get(EXPORT.format("csv"))
    assert "X-Handling-Marking" not in response
    assert response["Content-Disposition"] == (
        f'attachment; filename="ips-country-status-{timezone.localdate().isoformat()}.csv"'
    )


def test_advisory_status_comes_from_the_advisory_in_force(client, users, statuses):
    from advisories.choices import AdvisoryStatus
    from advisories.models import AdvisoryListing, PortSecurityAdvisory

    advisory = PortSecurityAdvisory.objects.create(
        created_by=users["psa1"], title="Port Security Advisory", status=AdvisoryStatus.IN_FORCE, sequence=1, year=24,
        effective_date=dt.date(2024, 5, 1), published_at=timezone.now(), published_by=users["psa1"],
    )
    AdvisoryListing.objects.create(advisory=advisory, country=statuses["carpania"], conditions_of_entry=True)
    client.force_login(users["viewer"])
    rows = {row["ISO alpha-3"]: row for row in _exported(client, "csv")}
    assert rows["XCX"]["Port Security Advisory"] == "PSA 1-24"
    assert rows["XCX"]["Conditions of entry"] == "Yes"
    assert rows["XAX"]["Port Security Advisory"] == ""


@pytest.mark.parametrize("role, expected", [
    ("lant51", {"XAX": "Planned", "XBX": "Planned", "XCX": ""}),
    ("psa1", {"XAX": "Planned", "XBX": "Planned", "XCX": ""}),
    ("ipslo", {"XAX": "Planned", "XBX": "", "XCX": ""}),  # Borduria's case is not in their portfolio
    ("other_ipslo", {"XAX": "", "XBX": "Planned", "XCX": ""}),
])
def test_open_case_column_shows_only_cases_the_user_may_see(client, users, statuses, findings, role, expected):
    client.force_login(users[role])
    rows = _exported(client, "csv")
    assert {row["ISO alpha-3"]: row["Open case"] for row in rows} == expected


def test_a_viewer_gets_no_open_case_column(client, users, statuses, findings):
    client.force_login(users["viewer"])
    response = client.get(EXPORT.format("csv"))
    header = read_csv(response)[0]
    assert "Open case" not in header
    assert header[:3] == ["ISO alpha-3", "Country", "Node"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("params", [
    {},
    {"sort": "-name"},
    {"node": NodeCode.ACTEUR, "sort": "-ipslo"},
    {"status": ComplianceStatus.SUBSTANTIALLY, "node": NodeCode.ACTEUR},
    {"q": "land", "in_scope": "yes"},
    {"due": "overdue"},
    {"status": "bogus", "sort": "nonsense", "node": "MARS"},  # bad values: ignored, as on the list
])
def test_export_holds_exactly_the_rows_of_the_list_every_page_same_order(client, users, statuses, fmt, params):
    from tests.exports.conftest import grow

    grow(60, start=0, node=statuses["atlantis"].node, ipslo=users["ipslo"], creator=users["lant51"],
         template=_template())
    client.force_login(users["ipslo"])
    listed = _listed(client, params)
    exported = [row["ISO alpha-3"] for row in _exported(client, fmt, {**params, "page": "2"})]
    assert exported == listed
    if not params:
        assert len(exported) == 63  # more than one page of the list


def _template():
    from assessments.services.checklists import checklist_load_reference

    return checklist_load_reference()[0]


# --- the compliance-status filter of the list ------------------------------------------------------


@pytest.mark.parametrize("status, expected", [
    (ComplianceStatus.MINIMALLY, ["XAX"]),
    (ComplianceStatus.SUBSTANTIALLY, ["XBX"]),
    (ComplianceStatus.NOT_SUBSTANTIALLY, ["XCX"]),
    (ComplianceStatus.UNDETERMINED, []),
])
def test_status_filter(client, users, statuses, status, expected):
    client.force_login(users["viewer"])
    response = client.get(LIST, {"status": status})
    assert [c.iso3 for c in response.context["page"].object_list] == expected
    assert response.context["filtered"] is True


def test_status_and_node_as_the_dashboard_links_them(client, users, statuses):
    client.force_login(users["viewer"])
    response = client.get(LIST, {"status": ComplianceStatus.MINIMALLY, "node": NodeCode.FEACT})
    assert list(response.context["page"].object_list) == []
    response = client.get(LIST, {"status": ComplianceStatus.MINIMALLY, "node": NodeCode.ACTEUR})
    assert [c.iso3 for c in response.context["page"].object_list] == ["XAX"]


def test_status_filter_field_is_on_the_page_with_its_label_and_empty_choice(client, users, statuses):
    client.force_login(users["viewer"])
    page = client.get(LIST, {"status": ComplianceStatus.MINIMALLY}).content.decode()
    assert '<label class="usa-label" for="id_status">Compliance status</label>' in page
    assert '<option value="">Any status</option>' in page
    assert '<option value="minimally_implementing" selected>Minimally implementing</option>' in page


def test_an_unknown_status_is_reported_and_ignored(client, users, statuses):
    client.force_login(users["viewer"])
    response = client.get(LIST, {"status": "great"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert "it was not applied" in response.content.decode()


def test_download_links_carry_the_query_string_but_not_the_page(client, users, statuses):
    client.force_login(users["viewer"])
    page = client.get(LIST, {"status": ComplianceStatus.MINIMALLY, "page": "1", "sort": "-name"}).content.decode()
    assert 'href="/countries/export.csv?status=minimally_implementing&amp;sort=-name"' in page
    assert 'href="/countries/export.xlsx?status=minimally_implementing&amp;sort=-name"' in page
    assert "Download CSV" in page and "Download Excel" in page
