"""The API and the browser agree on permissions: both ask ips.permissions for the same user and object."""

import pytest
from django.test import Client

from ips import permissions

PEOPLE = ["psa1", "lant51", "ipslo", "other_ipslo", "viewer", "norole", "leader"]


def refused(status: int) -> bool:
    return status in (401, 403, 404)


@pytest.fixture
def checks(case, country):
    """(name, permission action, object, API request, browser request). Each POST is refused by the
    service for a missing comment or unmet conditions, so nothing changes whoever is allowed."""
    api_step = f"/api/v1/assessments/{case.pk}/transitions/"
    page_step = f"/assessments/{case.pk}/transitions/"
    return [
        ("view case", "assessments.view_assessment", case,
         ("get", f"/api/v1/assessments/{case.pk}/"), ("get", f"/assessments/{case.pk}/")),
        ("case history", "assessments.view_assessment", case,
         ("get", f"/api/v1/assessments/{case.pk}/"), ("get", f"/assessments/{case.pk}/history/")),
        ("notify", "assessments.move_notify", case, ("post", api_step + "notify/"), ("post", page_step + "notify/")),
        ("postpone", "assessments.move_postpone", case,
         ("post", api_step + "postpone/"), ("post", page_step + "postpone/")),
        ("cancel", "assessments.move_cancel", case, ("post", api_step + "cancel/"), ("post", page_step + "cancel/")),
        ("determinations", "assessments.view_determination", None,
         ("get", "/api/v1/determinations/"), ("get", "/assessments/determinations/")),
        ("country", "countries.view_country", country, ("get", "/api/v1/countries/XAX/"), ("get", "/countries/XAX/")),
    ]


@pytest.mark.parametrize("person", PEOPLE)
def test_api_and_browser_answer_as_the_permission_module(case, users, leader, checks, token_for, person):
    from assessments import services

    user = leader if person == "leader" else users[person]
    if person == "leader":
        services.team_member_add(assessment=case, by=users["ipslo"], user=leader, is_leader=False)
    api = token_for(user)
    browser = Client()
    browser.force_login(user)
    for name, action, obj, (api_method, api_url), (page_method, page_url) in checks:
        allowed = permissions.can(user, action, obj)
        api_status = getattr(api, api_method)(api_url, {}, format="json").status_code
        page_status = getattr(browser, page_method)(page_url).status_code
        assert refused(api_status) is not allowed, (person, name, api_status)
        assert refused(page_status) is not allowed, (person, name, page_status)
        if not allowed:
            assert api_status == page_status, (person, name, api_status, page_status)
    case.refresh_from_db()
    assert case.state == "planned"
