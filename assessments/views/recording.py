"""The recording side of the case workspace: checklist answers (here), findings and evidence, the report,
and the checklist editor (in the recording_*.py modules, whose routes are gathered below).

Views are thin: they load the case the user may see, call the recording selectors and the services,
and render. An htmx request gets the part of the page it swaps; a plain request gets the full page, so
every form also works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import selectors_recording as selectors
from assessments import services
from assessments.forms.recording import ChecklistAnswerForm
from assessments.views import recording_checklists, recording_findings, recording_report
from assessments.views.common import case_context, case_for
from assessments.views.recording_common import template_for, wants_partial
from ips import permissions

ANSWER_ACTION = "assessments.change_checklistresponse"


def _answer_url(case, row) -> str:
    if row.visit_facility is None:
        return reverse("assessments:checklist_answer", args=[case.pk, row.item.pk])
    return reverse("assessments:checklist_answer_facility", args=[case.pk, row.item.pk, row.visit_facility.pk])


def _answer_form(row, data=None) -> ChecklistAnswerForm:
    initial = {"rating": row.response.rating, "notes": row.response.notes} if row.response else None
    return ChecklistAnswerForm(data, prefix=row.key, initial=initial)


def _checklist_page(request, case, *, bound: tuple[str, ChecklistAnswerForm] | None = None):
    sheet = selectors.checklist_sheet(case=case)
    can_answer = permissions.can(request.user, ANSWER_ACTION, case)
    if can_answer:
        for group in sheet.groups:
            for row in group.rows:
                row.url = _answer_url(case, row)
                row.form = bound[1] if bound and bound[0] == row.key else _answer_form(row)
    context = case_context(
        request, case, "checklist", sheet=sheet, can_answer=can_answer,
        can_manage_checklists=permissions.can(request.user, "assessments.manage_checklists"),
    )
    template = template_for(request, "assessments/checklist.html", "assessments/checklist_body.html")
    return render(request, template, context)


@login_required
def checklist(request, pk: int):
    case = case_for(request, pk)
    return _checklist_page(request, case)


@login_required
@require_POST
def checklist_answer(request, pk: int, item_id: int, vf_id: int | None = None):
    """Save one answer. htmx: the row comes back with a "Saved" status; otherwise back to the page."""
    case = case_for(request, pk, ANSWER_ACTION)
    item = selectors.checklist_item_for_case(case=case, item_id=item_id)
    if item is None:
        raise Http404("No such question in this case's checklist.")
    visit_facility = None
    if vf_id is not None:
        visit_facility = selectors.checklist_facility_for_case(case=case, visit_facility_id=vf_id)
        if visit_facility is None:
            raise Http404("No such facility on this case's list.")
    row = selectors.checklist_row(case=case, item=item, visit_facility=visit_facility)
    form = _answer_form(row, request.POST)
    saved = False
    if form.is_valid():
        try:
            services.checklist_answer(
                assessment=case, item=item, by=request.user, rating=form.cleaned_data["rating"],
                notes=form.cleaned_data["notes"], visit_facility=visit_facility,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            saved = True
    where = f"{item.section.code} / {item.code}" + (f" for {visit_facility.facility.name}" if visit_facility else "")
    if not wants_partial(request):
        if saved:
            messages.success(request, f"Answer to {where} saved.")
            return redirect(reverse("assessments:checklist", args=[case.pk]) + f"#{row.key}")
        return _checklist_page(request, case, bound=(row.key, form))
    if saved:
        row = selectors.checklist_row(case=case, item=item, visit_facility=visit_facility)
        form = _answer_form(row)
    row.form, row.url = form, _answer_url(case, row)
    answered, total = selectors.checklist_group_progress(case=case, section=item.section, visit_facility=visit_facility)
    group_key = f"s{item.section.pk}" + (f"-f{visit_facility.pk}" if visit_facility else "")
    return render(request, "assessments/checklist_row.html", {
        "case": case, "row": row, "can_answer": True, "saved": saved, "where": where,
        "saved_at": timezone.localtime() if saved else None,
        "progress": {"key": group_key, "answered": answered, "total": total}, "oob": True,
    })


urlpatterns = [
    path("<int:pk>/checklist/", checklist, name="checklist"),
    path("<int:pk>/checklist/q<int:item_id>/", checklist_answer, name="checklist_answer"),
    path("<int:pk>/checklist/q<int:item_id>/f<int:vf_id>/", checklist_answer, name="checklist_answer_facility"),
    *recording_findings.urlpatterns,
    *recording_report.urlpatterns,
    *recording_checklists.urlpatterns,
]
