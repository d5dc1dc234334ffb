"""What the countries pages show and how they treat good and bad input."""

import pytest
from django.urls import reverse
from django.utils import timezone

from countries import services
from countries.choices import AssignmentKind, NodeCode
from countries.models import Country, Port, PortFacility, PortfolioAssignment
from ips.roles import Role
from tests.factories import CountryFactory, PortFacilityFactory, PortFactory


def _html(response) -> str:
    return response.content.decode()


def _edit_data(country: Country, **changes) -> dict:
    """The edit form as loaded for ``country``, with ``changes`` typed in."""
    data = {
        "version": country.updated_at.isoformat(),
        "designated_authority": country.designated_authority,
        "designated_authority_contact": country.designated_authority_contact,
        "designated_authority_email": country.designated_authority_email,
        "designated_authority_phone": country.designated_authority_phone,
        "designated_authority_address": country.designated_authority_address,
        "embassy_post": country.embassy_post,
        "embassy_contact": country.embassy_contact,
        "embassy_contact_title": country.embassy_contact_title,
        "embassy_email": country.embassy_email,
        "embassy_phone": country.embassy_phone,
        "annual_vessel_arrivals": country.annual_vessel_arrivals or "",
        "annual_cargo_tonnes": country.annual_cargo_tonnes or "",
        "last_five_port_calls": country.last_five_port_calls or "",
        "trade_notes": country.trade_notes,
        "scope_note": country.scope_note,
        "node": country.node_id,
    }
    if country.in_scope:
        data["in_scope"] = "on"
    if country.solas_contracting_government:
        data["solas_contracting_government"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- country list ----------------------------------------------------------------------------


@pytest.fixture
def listed(nodes, users, portfolio):
    """Countries across nodes and scopes, two with a primary IPSLO."""
    CountryFactory(iso2="YA", iso3="YAA", name="Carpania", node=nodes[NodeCode.LANT512], in_scope=False)
    CountryFactory(iso2="YB", iso3="YBB", name="Dalmatia", node=nodes[NodeCode.ACTEUR])
    return portfolio


def _names(response) -> list[str]:
    return [country.name for country in response.context["page"].object_list]


@pytest.mark.django_db
def test_country_list_filters_by_node(client, users, listed):
    client.force_login(users["viewer"])
    response = client.get(reverse("countries:list"), {"node": NodeCode.ACTEUR})
    assert _names(response) == ["Atlantis", "Dalmatia"]


@pytest.mark.django_db
def test_country_list_filters_by_current_primary_ipslo(client, users, listed):
    client.force_login(users["viewer"])
    response = client.get(reverse("countries:list"), {"ipslo": users["other_ipslo"].pk})
    assert _names(response) == ["Borduria"]


@pytest.mark.django_db
def test_country_list_ipslo_filter_ignores_ended_assignments(client, users, listed):
    services.portfolio_end(assignment=PortfolioAssignment.objects.get(country=listed["country"]), by=users["lant51"])
    client.force_login(users["viewer"])
    response = client.get(reverse("countries:list"), {"ipslo": users["ipslo"].pk})
    assert _names(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), [("yes", ["Atlantis", "Borduria", "Dalmatia"]), ("no", ["Carpania"])])
def test_country_list_filters_by_scope(client, users, listed, value, expected):
    client.force_login(users["viewer"])
    assert _names(client.get(reverse("countries:list"), {"in_scope": value})) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [("bord", ["Borduria"]), ("ya", ["Carpania"]), ("ybb", ["Dalmatia"])])
def test_country_list_searches_name_and_iso_codes(client, users, listed, query, expected):
    client.force_login(users["viewer"])
    assert _names(client.get(reverse("countries:list"), {"q": query})) == expected


@pytest.mark.django_db
def test_country_list_sorts_by_each_column_both_ways(client, users, listed):
    client.force_login(users["viewer"])
    url = reverse("countries:list")
    assert _names(client.get(url, {"sort": "-name"})) == ["Dalmatia", "Carpania", "Borduria", "Atlantis"]
    assert _names(client.get(url, {"sort": "iso3"})) == ["Atlantis", "Borduria", "Carpania", "Dalmatia"]
    # Node codes: ACTEUR < FEACT < LANT-512, ties by name.
    assert _names(client.get(url, {"sort": "node"})) == ["Atlantis", "Dalmatia", "Borduria", "Carpania"]
    assert _names(client.get(url, {"sort": "-node"})) == ["Carpania", "Borduria", "Atlantis", "Dalmatia"]
    by_ipslo = _names(client.get(url, {"sort": "ipslo"}))
    ipslo_last = {"Atlantis": users["ipslo"].last_name, "Borduria": users["other_ipslo"].last_name}
    expected_assigned = sorted(ipslo_last, key=lambda name: (ipslo_last[name], name))
    assert by_ipslo[:2] == expected_assigned  # countries without an IPSLO come last
    assert set(by_ipslo[2:]) == {"Carpania", "Dalmatia"}


@pytest.mark.django_db
def test_country_list_marks_sorted_column_and_keeps_filters_in_links(client, users, listed):
    client.force_login(users["viewer"])
    html = _html(client.get(reverse("countries:list"), {"sort": "-iso3", "in_scope": "yes", "q": "a"}))
    assert 'aria-sort="descending"' in html
    assert html.count("aria-sort=") == 1
    # The ISO3 header now sorts ascending and keeps the filters.
    assert 'href="?sort=iso3&amp;in_scope=yes&amp;q=a"' in html
    assert '<th scope="col"' in html and "<caption>" in html


@pytest.mark.django_db
def test_country_list_unknown_filter_values_are_reported_not_applied(client, users, listed):
    client.force_login(users["viewer"])
    response = client.get(reverse("countries:list"), {"node": "NOWHERE", "sort": "population"})
    assert response.status_code == 200
    assert "Select a valid choice" in _html(response)
    assert "Unknown sort order" in _html(response)
    assert _names(response) == ["Atlantis", "Borduria", "Carpania", "Dalmatia"]


@pytest.mark.django_db
def test_country_list_paginates_and_keeps_filters_in_page_links(client, users, nodes):
    CountryFactory.create_batch(60, node=nodes[NodeCode.FEACT])
    client.force_login(users["viewer"])
    response = client.get(reverse("countries:list"), {"node": NodeCode.FEACT, "sort": "-name"})
    assert len(response.context["page"].object_list) == 50
    html = _html(response)
    assert "usa-pagination" in html
    assert 'href="?node=FEACT&amp;sort=-name&amp;page=2"' in html
    second = client.get(reverse("countries:list"), {"node": NodeCode.FEACT, "sort": "-name", "page": 2})
    assert len(second.context["page"].object_list) == 10
    assert client.get(reverse("countries:list"), {"page": "abc"}).status_code == 200


# --- country page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_country_page_shows_profile_ports_facilities_and_history(client, users, portfolio):
    country = portfolio["country"]
    port = PortFactory(country=country, locode="XAROT", name="Rotterdamia", is_csi_port=True)
    PortFacilityFactory(port=port, imo_number="XAROT-0001", name="Delta Terminal", handles_lng=True, greater_risk=True)
    client.force_login(users["viewer"])
    html = _html(client.get(reverse("countries:detail", kwargs={"iso3": "xax"})))
    assert html.count("<h1") == 1
    for text in ("Atlantis", "XAX", "Rotterdamia", "XAROT-0001", "Delta Terminal", "LNG", "Portfolio history"):
        assert text in html
    assert str(users["ipslo"]) in html
    assert str(users["lant51"]) in html  # who assigned


@pytest.mark.django_db
def test_country_page_shows_edit_link_only_to_those_who_may_edit(client, users, portfolio):
    url = reverse("countries:detail", kwargs={"iso3": portfolio["country"].iso3})
    edit_url = reverse("countries:edit", kwargs={"iso3": portfolio["country"].iso3})
    for role, shown in [("ipslo", True), ("lant51", True), ("other_ipslo", False), ("psa1", False), ("viewer", False)]:
        client.force_login(users[role])
        assert (edit_url in _html(client.get(url))) is shown, role


@pytest.mark.django_db
def test_country_page_audit_history_shows_who_and_what_changed(client, users, portfolio):
    country = portfolio["country"]
    services.country_update(
        country=country,
        data={"designated_authority": "Port Authority"},
        fields=["designated_authority"],
        by=users["lant51"],
    )
    url = reverse("countries:detail", kwargs={"iso3": country.iso3})
    for role in ("psa1", "lant51", "ipslo"):
        client.force_login(users[role])
        html = _html(client.get(url))
        assert "Audit history" in html
        assert "Port Authority" in html
        assert str(users["lant51"]) in html
    client.force_login(users["viewer"])
    assert "Audit history" not in _html(client.get(url))


@pytest.mark.django_db
def test_country_page_audit_rows_name_field_old_and_new_value(client, users, portfolio):
    country = portfolio["country"]
    services.country_update(
        country=country, data={"embassy_post": "Atlantis City"}, fields=["embassy_post"], by=users["ipslo"]
    )
    client.force_login(users["psa1"])
    rows = client.get(reverse("countries:detail", kwargs={"iso3": country.iso3})).context["audit_rows"]
    change = next(c for row in rows for c in row.changes if c.new == "Atlantis City")
    assert change.label == "U.S. embassy"
    assert change.old == "—"
    assert next(row for row in rows if change in row.changes).who == str(users["ipslo"])
    # Only the record's own fields are listed, never reverse relations or timestamps.
    field_labels = {str(f.verbose_name).lower() for f in Country._meta.concrete_fields}
    assert all(c.label.lower() in field_labels for row in rows for c in row.changes)
    assert not any(c.label.lower() in ("updated at", "assignments", "ports") for row in rows for c in row.changes)


# --- editing a country -----------------------------------------------------------------------


@pytest.mark.django_db
def test_portfolio_ipslo_edits_country_and_is_redirected_with_message(client, users, portfolio):
    country = portfolio["country"]
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:edit", kwargs={"iso3": country.iso3}),
        _edit_data(country, embassy_contact="J. Doe", annual_vessel_arrivals="120"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == country.get_absolute_url()
    assert "Atlantis was saved." in _html(response)
    country.refresh_from_db()
    assert country.embassy_contact == "J. Doe"
    assert country.annual_vessel_arrivals == 120


@pytest.mark.django_db
def test_ipslo_cannot_change_node_field_even_if_posted(client, users, portfolio, nodes):
    country = portfolio["country"]
    client.force_login(users["ipslo"])
    form = client.get(reverse("countries:edit", kwargs={"iso3": country.iso3})).context["form"]
    assert "node" not in form.fields
    client.post(
        reverse("countries:edit", kwargs={"iso3": country.iso3}),
        _edit_data(country, node=nodes[NodeCode.FEACT].pk),
    )
    country.refresh_from_db()
    assert country.node.code == NodeCode.ACTEUR


@pytest.mark.django_db
def test_lant51_moves_country_to_another_node(client, users, portfolio, nodes):
    country = portfolio["country"]
    client.force_login(users["lant51"])
    assert "node" in client.get(reverse("countries:edit", kwargs={"iso3": country.iso3})).context["form"].fields
    response = client.post(
        reverse("countries:edit", kwargs={"iso3": country.iso3}), _edit_data(country, node=nodes[NodeCode.FEACT].pk)
    )
    assert response.status_code == 302
    country.refresh_from_db()
    assert country.node.code == NodeCode.FEACT
    # The ACTEUR IPSLO's assignment ended with the move.
    assert not PortfolioAssignment.objects.filter(country=country, end_date__isnull=True).exists()


@pytest.mark.django_db
def test_ipslo_of_another_node_cannot_edit_and_nothing_changes(client, users, portfolio):
    country = portfolio["country"]
    before = country.updated_at
    client.force_login(users["other_ipslo"])
    response = client.post(
        reverse("countries:edit", kwargs={"iso3": country.iso3}), _edit_data(country, embassy_contact="Intruder")
    )
    assert response.status_code in (403, 404)
    country.refresh_from_db()
    assert country.embassy_contact == ""
    assert country.updated_at == before


@pytest.mark.django_db
def test_edit_with_bad_input_shows_errors_beside_fields_and_keeps_typing(client, users, portfolio):
    country = portfolio["country"]
    before = country.updated_at
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:edit", kwargs={"iso3": country.iso3}),
        _edit_data(
            country,
            designated_authority="Typed Authority",
            designated_authority_email="not-an-email",
            annual_vessel_arrivals="-5",
        ),
    )
    assert response.status_code == 200
    html = _html(response)
    assert "usa-form-group--error" in html
    assert "Enter a valid email address." in html
    assert 'id="id_designated_authority_email_error"' in html
    assert 'aria-describedby="id_designated_authority_email_error"' in html
    assert 'value="Typed Authority"' in html  # nothing typed is lost
    country.refresh_from_db()
    assert country.designated_authority == ""
    assert country.updated_at == before


@pytest.mark.django_db
def test_edit_refuses_a_save_over_a_newer_change_and_keeps_both(client, users, portfolio):
    country = portfolio["country"]
    client.force_login(users["ipslo"])
    loaded = _edit_data(country, embassy_contact="Mine")
    # Someone else saves between loading and submitting.
    services.country_update(
        country=country, data={"embassy_contact": "Theirs"}, fields=["embassy_contact"], by=users["lant51"]
    )
    response = client.post(reverse("countries:edit", kwargs={"iso3": country.iso3}), loaded)
    assert response.status_code == 200
    html = _html(response)
    lant51 = users["lant51"]
    assert f"was changed by {lant51.get_full_name() or lant51.username} on " in html
    assert "Theirs" in html and 'value="Mine"' in html
    country.refresh_from_db()
    assert country.embassy_contact == "Theirs"
    # The redisplayed form is based on the newer version; submitting it again is a deliberate overwrite.
    again = response.context["form"].data
    assert client.post(reverse("countries:edit", kwargs={"iso3": country.iso3}), again).status_code == 302
    country.refresh_from_db()
    assert country.embassy_contact == "Mine"


@pytest.mark.django_db
def test_edit_with_tampered_version_is_refused(client, users, portfolio):
    country = portfolio["country"]
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:edit", kwargs={"iso3": country.iso3}), _edit_data(country, version="yesterday")
    )
    assert response.status_code == 200
    assert "This form is out of date" in _html(response)


# --- ports and port facilities ---------------------------------------------------------------


@pytest.mark.django_db
def test_ipslo_adds_port_and_facility_to_portfolio_country(client, users, portfolio):
    country = portfolio["country"]
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:port_add", kwargs={"iso3": country.iso3}),
        {"locode": "xaabc", "name": "Port Able", "is_csi_port": "on", "harbor_size": "L"},
    )
    assert response.status_code == 302
    port = Port.objects.get(locode="XAABC")
    assert port.country == country and port.is_csi_port
    response = client.post(
        reverse("countries:facility_add", kwargs={"iso3": country.iso3}),
        {
            "port": port.pk,
            "imo_number": "xaabc-0001",
            "name": "Able Container Terminal",
            "facility_type": "container",
            "us_trade_importance": "high",
            "handles_lpg": "on",
        },
        follow=True,
    )
    assert "Port facility Able Container Terminal (XAABC-0001) was added" in _html(response)
    facility = PortFacility.objects.get(imo_number="XAABC-0001")
    assert facility.port == port and facility.handles_lpg and not facility.handles_lng


@pytest.mark.django_db
@pytest.mark.parametrize("imo_number", ["NLRTM-0001", "CM394-0001", "XAABC-123"])
def test_facility_accepts_imo_numbers_in_both_styles(client, users, portfolio, imo_number):
    port = PortFactory(country=portfolio["country"], locode="XAABC")
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:facility_add", kwargs={"iso3": portfolio["country"].iso3}),
        {
            "port": port.pk,
            "imo_number": imo_number,
            "name": "T",
            "facility_type": "other",
            "us_trade_importance": "low",
        },
    )
    assert response.status_code == 302
    assert PortFacility.objects.filter(imo_number=imo_number).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("imo_number", ["NLRTM0001", "NLRTM-1", "NL-0001", "NLRTM-00001", ""])
def test_facility_with_wrong_imo_number_is_refused_beside_the_field(client, users, portfolio, imo_number):
    port = PortFactory(country=portfolio["country"], locode="XAABC")
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:facility_add", kwargs={"iso3": portfolio["country"].iso3}),
        {
            "port": port.pk,
            "imo_number": imo_number,
            "name": "T",
            "facility_type": "other",
            "us_trade_importance": "low",
        },
    )
    assert response.status_code == 200
    html = _html(response)
    assert 'id="id_imo_number_error"' in html
    assert "This field is required." in html if not imo_number else "IMO port facility number" in html
    assert not PortFacility.objects.exists()


@pytest.mark.django_db
def test_duplicate_locode_and_imo_number_are_shown_beside_the_field(client, users, portfolio):
    country = portfolio["country"]
    existing = PortFacilityFactory(port=PortFactory(country=country, locode="XAAAA"), imo_number="XAAAA-0001")
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:port_add", kwargs={"iso3": country.iso3}), {"locode": "XAAAA", "name": "Again"}
    )
    assert response.status_code == 200
    assert "Port with this UN/LOCODE already exists." in _html(response)
    response = client.post(
        reverse("countries:facility_add", kwargs={"iso3": country.iso3}),
        {
            "port": existing.port.pk,
            "imo_number": "XAAAA-0001",
            "name": "Again",
            "facility_type": "other",
            "us_trade_importance": "low",
        },
    )
    assert response.status_code == 200
    assert "Port facility with this IMO port facility number already exists." in _html(response)
    assert Port.objects.count() == 1 and PortFacility.objects.count() == 1


@pytest.mark.django_db
def test_port_locode_must_belong_to_the_country(client, users, portfolio):
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:port_add", kwargs={"iso3": portfolio["country"].iso3}), {"locode": "NLRTM", "name": "R"}
    )
    assert response.status_code == 200
    assert "begins with its ISO code XA" in _html(response)
    assert not Port.objects.exists()


@pytest.mark.django_db
def test_missing_required_port_fields_are_reported(client, users, portfolio):
    client.force_login(users["ipslo"])
    response = client.post(reverse("countries:port_add", kwargs={"iso3": portfolio["country"].iso3}), {})
    assert response.status_code == 200
    assert _html(response).count("This field is required.") == 2
    assert not Port.objects.exists()


@pytest.mark.django_db
def test_facility_cannot_be_attached_to_another_countrys_port(client, users, portfolio):
    foreign_port = PortFactory(country=portfolio["other_country"], locode="XBAAA")
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:facility_add", kwargs={"iso3": portfolio["country"].iso3}),
        {
            "port": foreign_port.pk,
            "imo_number": "XBAAA-0001",
            "name": "T",
            "facility_type": "other",
            "us_trade_importance": "low",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in _html(response)
    assert not PortFacility.objects.exists()


@pytest.mark.django_db
def test_edit_port_and_facility(client, users, portfolio):
    country = portfolio["country"]
    facility = PortFacilityFactory(port=PortFactory(country=country, locode="XAAAA"), imo_number="XAAAA-0001")
    client.force_login(users["ipslo"])
    response = client.post(
        reverse("countries:port_edit", kwargs={"iso3": country.iso3, "locode": "xaaaa"}),
        {"locode": "XAAAA", "name": "Renamed Port", "version": facility.port.version},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("countries:facility_edit", kwargs={"iso3": country.iso3, "imo_number": "XAAAA-0001"}),
        {
            "port": facility.port.pk,
            "imo_number": "XAAAA-0002",
            "name": "Renamed Terminal",
            "facility_type": "roro",
            "us_trade_importance": "high",
            "greater_risk": "on",
            "version": facility.version,
        },
    )
    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.imo_number, facility.name, facility.greater_risk) == ("XAAAA-0002", "Renamed Terminal", True)
    assert facility.port.name == "Renamed Port"


@pytest.mark.django_db
def test_ports_of_another_country_are_not_reachable_through_this_country(client, users, portfolio):
    PortFactory(country=portfolio["other_country"], locode="XBAAA")
    client.force_login(users["lant51"])
    url = reverse("countries:port_edit", kwargs={"iso3": portfolio["country"].iso3, "locode": "XBAAA"})
    assert client.get(url).status_code == 404


# --- portfolios page -------------------------------------------------------------------------


@pytest.fixture
def successor(make_user):
    return make_user("ipslo.acteur2", Role.IPSLO, NodeCode.ACTEUR)


@pytest.mark.django_db
def test_portfolio_page_groups_ipslos_by_node_and_warns_of_uncovered_countries(client, users, portfolio, nodes):
    CountryFactory(iso2="YC", iso3="YCC", name="Uncoveria", node=nodes[NodeCode.LANT512])
    CountryFactory(iso2="YD", iso3="YDD", name="Landlockia", node=nodes[NodeCode.LANT512], in_scope=False)
    client.force_login(users["psa1"])
    response = client.get(reverse("countries:portfolios"))
    html = _html(response)
    assert "usa-alert--warning" in html and "Uncoveria" in html and "Landlockia" not in html
    overview = response.context["overview"]
    by_node = {group.node.code: group.ipslos for group in overview.nodes}
    assert by_node[NodeCode.ACTEUR] == [users["ipslo"]]
    assert [a.country.name for a in by_node[NodeCode.ACTEUR][0].current_portfolio] == ["Atlantis"]
    assert [c.name for c in overview.unassigned] == ["Uncoveria"]
    # PSA-1 reads only.
    assert "Assign a primary IPSLO" not in html and "End assignment" not in html


@pytest.mark.django_db
def test_lant51_sees_the_portfolio_forms(client, users, portfolio):
    client.force_login(users["lant51"])
    html = _html(client.get(reverse("countries:portfolios")))
    assert "Assign a primary IPSLO" in html and "Hand over a portfolio" in html and "End assignment" in html
    assert 'for="id_assign-country"' in html and 'for="id_handover-to_ipslo"' in html


@pytest.mark.django_db
def test_reassignment_through_the_page_moves_object_permission_and_closes_old(client, users, portfolio, successor):
    country = portfolio["country"]
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:portfolio_assign"),
        {"assign-country": country.iso3, "assign-ipslo": successor.pk},
        follow=True,
    )
    assert f"is now the primary IPSLO of {country.name}" in _html(response)
    old = PortfolioAssignment.objects.get(country=country, ipslo=users["ipslo"])
    assert old.end_date == timezone.localdate()
    new = PortfolioAssignment.objects.get(country=country, end_date__isnull=True)
    assert new.ipslo == successor and new.kind == AssignmentKind.PRIMARY and new.assigned_by == users["lant51"]
    from ips import permissions
    from ips.models import User

    assert not permissions.can(User.objects.get(pk=users["ipslo"].pk), "countries.change_country", country)
    assert permissions.can(User.objects.get(pk=successor.pk), "countries.change_country", country)


@pytest.mark.django_db
def test_assigning_an_ipslo_of_the_wrong_node_is_refused_beside_the_field(client, users, portfolio):
    country = portfolio["country"]
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:portfolio_assign"),
        {"assign-country": country.iso3, "assign-ipslo": users["other_ipslo"].pk},
    )
    assert response.status_code == 200
    html = _html(response)
    assert 'id="id_assign-ipslo_error"' in html
    assert "Choose an IPSLO of ACTEUR" in html
    assert PortfolioAssignment.objects.get(country=country, end_date__isnull=True).ipslo == users["ipslo"]


@pytest.mark.django_db
def test_assign_with_missing_fields_or_same_ipslo_is_refused(client, users, portfolio):
    country = portfolio["country"]
    client.force_login(users["lant51"])
    response = client.post(reverse("countries:portfolio_assign"), {"assign-country": country.iso3})
    assert response.status_code == 200
    assert 'id="id_assign-ipslo_error"' in _html(response)
    response = client.post(
        reverse("countries:portfolio_assign"), {"assign-country": country.iso3, "assign-ipslo": users["ipslo"].pk}
    )
    assert response.status_code == 200
    assert "is already the primary IPSLO of Atlantis" in _html(response)
    assert PortfolioAssignment.objects.filter(country=country).count() == 1


@pytest.mark.django_db
def test_end_assignment_closes_it_and_revokes_permission(client, users, portfolio):
    assignment = PortfolioAssignment.objects.get(country=portfolio["country"])
    client.force_login(users["lant51"])
    response = client.post(reverse("countries:portfolio_end"), {"assignment": assignment.pk}, follow=True)
    assert "no longer covers Atlantis" in _html(response)
    assignment.refresh_from_db()
    assert assignment.end_date == timezone.localdate()
    from ips import permissions
    from ips.models import User

    assert not permissions.can(User.objects.get(pk=users["ipslo"].pk), "countries.change_country", portfolio["country"])
    # Ending it again is refused with a message and changes nothing.
    response = client.post(reverse("countries:portfolio_end"), {"assignment": assignment.pk})
    assert response.status_code == 200
    assert "already ended" in _html(response)


@pytest.mark.django_db
def test_handover_through_the_page_moves_every_country(client, users, portfolio, successor, nodes):
    extra = CountryFactory(iso2="YE", iso3="YEE", name="Eastmarch", node=nodes[NodeCode.ACTEUR])
    services.portfolio_assign(country=extra, ipslo=users["ipslo"], by=users["lant51"])
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:portfolio_handover"),
        {"handover-from_ipslo": users["ipslo"].pk, "handover-to_ipslo": successor.pk},
        follow=True,
    )
    assert "2 countries handed over" in _html(response)
    assert not PortfolioAssignment.objects.filter(ipslo=users["ipslo"], end_date__isnull=True).exists()
    assert set(
        PortfolioAssignment.objects.filter(ipslo=successor, end_date__isnull=True).values_list(
            "country__iso3", flat=True
        )
    ) == {"XAX", "YEE"}


@pytest.mark.django_db
def test_handover_to_the_same_person_is_refused_and_changes_nothing(client, users, portfolio):
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:portfolio_handover"),
        {"handover-from_ipslo": users["ipslo"].pk, "handover-to_ipslo": users["ipslo"].pk},
    )
    assert response.status_code == 200
    html = _html(response)
    assert 'id="id_handover-to_ipslo_error"' in html
    assert "must be a different person" in html
    assert PortfolioAssignment.objects.get(country=portfolio["country"]).end_date is None


@pytest.mark.django_db
def test_handover_to_an_ipslo_of_another_node_is_refused_and_changes_nothing(client, users, portfolio):
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:portfolio_handover"),
        {"handover-from_ipslo": users["ipslo"].pk, "handover-to_ipslo": users["other_ipslo"].pk},
    )
    assert response.status_code == 200
    assert "is covered by ACTEUR" in _html(response)
    assert PortfolioAssignment.objects.filter(ipslo=users["ipslo"], end_date__isnull=True).count() == 1
    assert PortfolioAssignment.objects.filter(ipslo=users["other_ipslo"]).count() == 1


@pytest.mark.django_db
def test_handover_from_someone_with_no_portfolio_is_refused(client, users, portfolio, successor):
    client.force_login(users["lant51"])
    response = client.post(
        reverse("countries:portfolio_handover"),
        {"handover-from_ipslo": successor.pk, "handover-to_ipslo": users["ipslo"].pk},
    )
    assert response.status_code == 200
    assert "has no current portfolio to hand over" in _html(response)


# --- navigation and home ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("psa1", {"Countries", "Portfolios", "Program dashboard", "Findings"}),
        # LANT-51's home is the program dashboard.
        ("lant51", {"Countries", "Portfolios", "Findings"}),
        ("ipslo", {"Countries", "Findings"}),
        ("viewer", {"Countries"}),
        ("norole", set()),
    ],
)
def test_navigation_shows_only_pages_the_role_may_open(client, users, role, links):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    shown = {label for _, label in response.context["nav_links"]}
    assert shown & {"Countries", "Portfolios", "Program dashboard", "Findings"} == links
    for _, label in response.context["nav_links"]:
        assert label in _html(response)


@pytest.mark.django_db
def test_home_links_an_ipslo_to_their_portfolio_countries(client, users, portfolio):
    client.force_login(users["ipslo"])
    html = _html(client.get(reverse("home")))
    link = f"{reverse('countries:list')}?ipslo={users['ipslo'].pk}"
    assert link in html
    assert _names(client.get(link)) == ["Atlantis"]


@pytest.mark.django_db
def test_login_page_reports_missing_fields_beside_them(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert "usa-form-group--error" in _html(response)
    assert "This field is required." in _html(response)
