"""Every rule is asked once, of the object, and a refusal has one reason code on the page and in the API."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.choices import DeterminationState
from assessments.models import Assessment
from assessments.workflow import MOVES
from ips.roles import Role
from tests.assessments.conftest import drive_to

pytestmark = pytest.mark.django_db

BARE_MOVES = sorted(name for name, move in MOVES.items() if not move.via_determination)


def _clients(user):
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    return client, api


def _page_answer(response) -> tuple[str, str]:
    """(outcome, reason code) of a page's answer to a workflow step."""
    if response.status_code == 302:
        return "done", ""
    if response.status_code == 404:
        return "404", "not_found"
    context = response.context
    if response.status_code == 403:
        return "403", context["reason_code"]
    return str(response.status_code), context["transition_error"]["code"]


def _api_answer(response) -> tuple[str, str]:
    if response.status_code == 200:
        return "done", ""
    return str(response.status_code), response.json()["code"]


@pytest.fixture
def author_psa1(make_user, users):
    """A PSA-1 member who also leads the visit team and so writes the report."""
    author = make_user("psa1.author", Role.PSA1, "ACTEUR")
    author.groups.add(*users["ipslo"].groups.all())
    return author


def test_the_report_author_may_neither_approve_nor_return_by_page_or_api(case, users, author_psa1):
    drive_to(case, "awaiting_determination", users, leader=author_psa1)
    determination = case.determinations.get(state=DeterminationState.RECOMMENDED)
    client, api = _clients(author_psa1)

    for step in ("approve", "return"):
        page = client.post(reverse(f"assessments:determination_{step}", args=[determination.pk]),
                           {f"{step}-comment": "Deciding my own report."})
        answer = api.post(f"/api/v1/determinations/{determination.pk}/{step}/", {"comment": "Deciding."},
                          format="json")
        assert (page.status_code, answer.status_code) == (403, 403), step
        assert page.context["reason_code"] == answer.json()["code"] == "separation_of_duties"

    determination.refresh_from_db()
    assert determination.state == DeterminationState.RECOMMENDED
    # The page says why before anyone tries.
    page = client.get(reverse("assessments:determination", args=[determination.pk]))
    assert page.context["can_decide"] is False and page.context["why_not"].code == "separation_of_duties"


@pytest.mark.parametrize("state", ["notified", "preparing", "under_review"])
def test_every_workflow_step_is_answered_alike_by_page_and_api(state, case, users, leader):
    drive_to(case, state, users, leader=leader)
    people = {**{name: users[name] for name in ("ipslo", "other_ipslo", "lant51", "psa1", "viewer")}, "leader": leader}
    seen = set()
    for who, user in people.items():
        client, api = _clients(user)
        for name in BARE_MOVES:
            page = _page_answer(client.post(reverse("assessments:transition", args=[case.pk, name]),
                                            {"comment": "A comment."}))
            Assessment.objects.filter(pk=case.pk).update(state=state)
            answer = _api_answer(api.post(f"/api/v1/assessments/{case.pk}/transitions/{name}/",
                                          {"comment": "A comment."}, format="json"))
            Assessment.objects.filter(pk=case.pk).update(state=state)
            assert page == answer, (who, name, page, answer)
            seen.add(answer[1])
    # The matrix really met refusals of several kinds.
    assert {"not_found", "role_required", "not_allowed_from_state"} <= seen
