"""LANT-51's checklist editor: every change makes a new version; cases keep theirs and their answers."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.choices import Rating
from assessments.models import ChecklistResponse, ChecklistTemplate

pytestmark = pytest.mark.django_db


def current():
    return ChecklistTemplate.objects.order_by("-version").first()


@pytest.mark.parametrize(("role", "status"), [
    ("lant51", 200), ("psa1", 403), ("ipslo", 403), ("other_ipslo", 403), ("viewer", 403), ("norole", 403),
])
def test_checklist_editor_is_for_lant51_only(client, checklist, users, role, status):
    client.force_login(users[role])

    assert client.get(reverse("assessments:checklists")).status_code == status
    assert client.get(reverse("assessments:checklist_version", args=[1])).status_code == status


def test_checklist_editor_sends_anonymous_users_to_log_in(client, checklist):
    response = client.get(reverse("assessments:checklists"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["psa1", "ipslo", "viewer"])
def test_other_roles_cannot_revise_the_checklist(client, checklist, users, role):
    client.force_login(users[role])

    response = client.post(reverse("assessments:checklists_add"), {
        "add-section": "F", "add-item_code": "F.9", "add-text": "Is there a cyber incident plan?"})

    assert response.status_code == 403
    assert ChecklistTemplate.objects.count() == 1


def test_editor_shows_the_current_version_and_the_version_list(client, checklist, users):
    client.force_login(users["lant51"])

    page = client.get(reverse("assessments:checklists")).content.decode()

    assert "Version 1 (current)" in page
    assert "14.2.2" in page and "All versions" in page
    assert page.count("<h1") == 1


def test_adding_a_question_makes_a_new_version_and_leaves_the_old_one(client, checklist, users):
    client.force_login(users["lant51"])

    response = client.post(reverse("assessments:checklists_add"), {
        "add-section": "F", "add-item_code": "F.9", "add-text": "Is there a cyber incident response plan?",
        "add-reference": "PSA-WI-01 G.1.d", "add-note": "Cyber focus."})

    assert response.status_code == 302
    new = current()
    assert new.version == 2 and new.note == "Cyber focus." and new.created_by == users["lant51"]
    assert new.sections.get(code="F").items.filter(code="F.9", text="Is there a cyber incident response plan?").exists()
    assert not checklist.sections.get(code="F").items.filter(code="F.9").exists()
    assert new.sections.count() == checklist.sections.count()


def test_adding_a_question_with_a_code_already_used_is_refused_beside_the_field(client, checklist, users):
    client.force_login(users["lant51"])

    response = client.post(reverse("assessments:checklists_add"), {
        "add-section": "A14.2", "add-item_code": "14.2.2", "add-text": "Typed question kept"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "already has a question 14.2.2" in body and "usa-error-message" in body and "Typed question kept" in body
    assert ChecklistTemplate.objects.count() == 1


def test_rewording_needs_the_new_wording(client, checklist, users):
    client.force_login(users["lant51"])

    response = client.post(reverse("assessments:checklists_reword"), {"reword-question": "A14.2|14.2.2",
                                                                      "reword-text": "  "})

    assert "This field is required." in response.content.decode()
    assert ChecklistTemplate.objects.count() == 1


def test_the_reword_link_prefills_the_form_with_the_current_wording(client, checklist, users):
    client.force_login(users["lant51"])
    item = checklist.sections.get(code="A14.2").items.get(code="14.2.2")

    page = client.get(reverse("assessments:checklists"), {"reword": "A14.2|14.2.2"}).content.decode()

    assert f">\n{item.text}</textarea>" in page
    assert '<option value="A14.2|14.2.2" selected>' in page


def test_revising_keeps_earlier_cases_on_their_version_with_their_answers(client, case, users, portfolio):
    answered, reworded = case.checklist_template.sections.get(code="1").items.order_by("position")[:2]
    old_text = reworded.text
    services.checklist_answer(assessment=case, item=answered, by=users["ipslo"], rating=Rating.PARTIALLY,
                              notes="Before the change.")
    answers_before = list(ChecklistResponse.objects.values_list("pk", "item_id", "rating", "notes"))
    client.force_login(users["lant51"])

    client.post(reverse("assessments:checklists_reword"), {
        "reword-question": f"1|{reworded.code}", "reword-text": "Has the government passed ISPS legislation?"})
    client.post(reverse("assessments:checklists_retire"), {"retire-question": f"1|{answered.code}"})

    assert current().version == 3
    case.refresh_from_db()
    assert case.checklist_template.version == 1
    reworded.refresh_from_db()
    assert reworded.text == old_text
    assert list(ChecklistResponse.objects.values_list("pk", "item_id", "rating", "notes")) == answers_before
    client.force_login(users["ipslo"])
    page = client.get(reverse("assessments:checklist", args=[case.pk])).content.decode()
    assert old_text in page and answered.text in page and "Before the change." in page
    assert "passed ISPS legislation" not in page

    new_case = services.assessment_create(country=portfolio["other_country"], by=users["other_ipslo"])
    assert new_case.checklist_template.version == 3
    new_items = new_case.checklist_template.sections.get(code="1").items
    assert new_items.get(code=reworded.code).text == "Has the government passed ISPS legislation?"
    assert not new_items.filter(code=answered.code).exists()
    client.force_login(users["other_ipslo"])
    new_page = client.get(reverse("assessments:checklist", args=[new_case.pk])).content.decode()
    assert "passed ISPS legislation" in new_page and answered.text not in new_page


def test_an_old_version_can_be_viewed_read_only(client, checklist, users):
    client.force_login(users["lant51"])
    client.post(reverse("assessments:checklists_retire"), {"retire-question": "A14.2|14.2.7"})

    old = client.get(reverse("assessments:checklist_version", args=[1])).content.decode()
    new = client.get(reverse("assessments:checklists")).content.decode()

    assert "14.2.7" in old and "Add a question" not in old
    assert "Retired 14.2.7." in new and "Version 2 (current)" in new
    assert client.get(reverse("assessments:checklist_version", args=[9])).status_code == 404
