"""The LANT-51 program dashboard page: who may open it, what it shows, how the map and the tables are
put on the page, and that it answers when the home page hands LANT-51 over to it."""

import json
import re

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from assessments.services.checklists import checklist_load_reference
from countries.choices import ComplianceStatus
from ips.dashboards.views import program_dashboard
from tests.dashboards import program_data as data

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard")
ROLES = ("psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "anonymous")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(data.NOW, tick=False):
        yield


@pytest.fixture
def clients(users):
    made = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        made[role] = client
    return made


def _html(response) -> str:
    return response.content.decode()


def test_the_dashboard_lives_at_slash_dashboard():
    assert DASHBOARD == "/dashboard/"


@pytest.mark.parametrize("role, status", [
    ("lant51", 200), ("psa1", 200), ("ipslo", 403), ("other_ipslo", 403), ("viewer", 403), ("norole", 403),
])
def test_the_dashboard_is_for_lant51_and_psa1_only(clients, portfolio, role, status):
    """IPSLOs are refused whether or not the countries are in their portfolio (the page shows them all)."""
    response = clients[role].get(DASHBOARD)
    assert response.status_code == status
    if status == 200:
        assert "<h1>Program dashboard</h1>" in _html(response)


def test_anonymous_visitor_is_sent_to_sign_in(clients):
    response = clients["anonymous"].get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/dashboard/" in response["Location"]


def test_the_page_has_one_h1_a_h2_per_panel_and_the_fouo_marking(clients, portfolio):
    response = clients["lant51"].get(DASHBOARD)
    html = _html(response)
    assert response.context["fouo"] is True
    assert html.count("FOR OFFICIAL USE ONLY") == 2  # top and bottom of the page
    assert "<title>Program dashboard · IPS Case Manager</title>" in html
    assert html.count("<h1") == 1
    headings = re.findall(r"<h2 id=\"panel-[a-z]+\">([^<]+)</h2>", html)
    assert headings == [
        "Compliance status by node", "Reassessments due", "Visits in FY2027", "World map of compliance status",
        "Open cases by state", "Findings by checklist section", "Open mitigation periods",
    ]


def test_every_chart_has_a_captioned_table_with_scoped_headers(clients, portfolio):
    html = _html(clients["lant51"].get(DASHBOARD))
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert len(tables) == 5  # compliance, due, visits, map, pipeline (findings and mitigation: none yet)
    for table in tables:
        assert "<caption>" in table
        assert "<th scope=\"col\">" in table
        assert "<th scope=\"row\">" in table
    # The bars are pictures of the numbers in the tables: hidden from screen readers, never focusable.
    for svg in re.findall(r"<svg class=\"ips-bar[^>]*>", html):
        assert 'aria-hidden="true"' in svg and 'focusable="false"' in svg


def test_the_map_is_drawn_by_a_deferred_script_from_registry_packages(clients, portfolio):
    html = _html(clients["lant51"].get(DASHBOARD))
    for script in ("vendor/d3-array/d3-array.min.js", "vendor/d3-geo/d3-geo.min.js",
                   "vendor/topojson-client/topojson-client.min.js", "js/world-map.js"):
        assert re.search(rf'<script nonce="[^"]+" src="/static/{re.escape(script)}" defer></script>', html), script
    assert 'data-atlas="/static/vendor/world-atlas/countries-110m.json"' in html
    assert '<link rel="stylesheet" href="/static/css/dashboards.css">' in html
    # The map is a picture for pointer users; the table after it carries the same countries and links.
    assert re.search(r'<div id="world-map" class="ips-map__canvas"[^>]*aria-hidden="true"', html)
    assert 'id="map-table"' in html
    # No inline script other than the JSON data.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' id="map-data" type="application/json"']


def test_the_static_files_of_the_map_are_served(clients):
    from django.contrib.staticfiles import finders

    for path in ("vendor/world-atlas/countries-110m.json", "vendor/d3-geo/d3-geo.min.js",
                 "vendor/d3-array/d3-array.min.js", "vendor/topojson-client/topojson-client.min.js",
                 "js/world-map.js", "css/dashboards.css"):
        assert finders.find(path), path
    with open(finders.find("vendor/world-atlas/countries-110m.json"), encoding="utf-8") as atlas_file:
        atlas = json.load(atlas_file)
    ids = {geometry.get("id") for geometry in atlas["objects"]["countries"]["geometries"]}
    assert {"840", "036", "076"} <= ids  # ISO 3166 numeric codes, zero-padded: United States, Australia, Brazil


def test_the_map_data_keys_countries_by_iso_numeric_with_status_and_page(clients, nodes):
    acteur = nodes["ACTEUR"]
    assessed = data.countries(1, node=acteur, start=7, compliance_status=ComplianceStatus.MINIMALLY)[0]
    landlocked = data.countries(1, node=acteur, start=8, in_scope=False)[0]
    unnumbered = data.countries(1, node=acteur, start=9, with_numeric=False)[0]
    response = clients["lant51"].get(DASHBOARD)
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', _html(response), re.S)
    map_data = json.loads(match.group(1))
    assert map_data["007"] == {"name": assessed.name, "status": "minimally_implementing",
                               "label": "Minimally implementing", "url": f"/countries/{assessed.iso3}/"}
    assert map_data["008"]["status"] == "out_of_scope"
    assert map_data["008"]["url"] == f"/countries/{landlocked.iso3}/"
    # A country with no ISO numeric code cannot be placed on the map, but the table lists it.
    assert len(map_data) == 2
    assert f'<a class="usa-link" href="/countries/{unnumbered.iso3}/">{unnumbered.name}</a>' in _html(response)


def test_the_table_of_the_map_lists_countries_by_status_with_links(clients, nodes):
    data.countries(2, node=nodes["FEACT"], start=20, compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY)
    data.countries(1, node=nodes["FEACT"], start=22, in_scope=False)
    groups = {g.status: g for g in clients["lant51"].get(DASHBOARD).context["dashboard"].map_groups}
    assert list(groups) == [*ComplianceStatus.values, "out_of_scope"]
    not_substantially = groups["not_substantially_implementing"]
    assert not_substantially.count == 2
    assert not_substantially.countries == [("Land 020", "/countries/AUW/"), ("Land 021", "/countries/AVW/")]
    assert not_substantially.url == "/countries/?status=not_substantially_implementing&in_scope=yes"
    assert (groups["out_of_scope"].count, groups["out_of_scope"].url) == (1, "/countries/?in_scope=no")
    assert groups["undetermined"].countries == []


def test_bad_query_strings_are_ignored(clients, portfolio):
    for query in ("?fy=abc", "?state=nonsense&node=%00", "?today=2020-01-01", "?page=-4&sort=';drop"):
        response = clients["lant51"].get(DASHBOARD + query)
        assert response.status_code == 200, query
        assert response.context["dashboard"].today == data.TODAY


def test_the_view_answers_when_the_home_page_hands_over_to_it(users, portfolio):
    """The home page calls program_dashboard(request) for LANT-51: it works on a request for "/"."""
    request = RequestFactory().get("/")
    request.user = users["lant51"]
    request.session = {}
    response = program_dashboard(request)
    assert response.status_code == 200
    assert "<h1>Program dashboard</h1>" in response.content.decode()


def test_a_numbers_link_carries_a_description_for_screen_readers(clients, nodes):
    data.countries(3, node=nodes["LANT-512"], start=30)
    checklist_load_reference()
    html = _html(clients["lant51"].get(DASHBOARD))
    assert ('<a class="usa-link" href="/countries/?status=undetermined&amp;node=LANT-512&amp;in_scope=yes">3'
            '<span class="usa-sr-only"> LANT-512 countries, undetermined</span></a>') in html
    assert '<a class="usa-link" href="/countries/?due=overdue">3<span class="usa-sr-only">' in html


def test_lant51_home_page_is_the_dashboard(clients, portfolio):
    response = clients["lant51"].get(reverse("home"))
    assert response.status_code == 200
    assert "<h1>Program dashboard</h1>" in _html(response)
