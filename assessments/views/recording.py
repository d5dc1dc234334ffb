"""The recording side of the case workspace: checklist answers (here), findings and evidence, the report,
and the checklist editor (in the recording_*.py modules, whose routes are gathered below).

Views are thin: they load the case the user may see, call the recording selectors and the services,
and render. An htmx request gets the part of the page it swaps; a plain request gets the full page, so
every form also works without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from assessments.models import ChecklistResponse
from assessments.views import recording_checklists, recording_findings, recording_report
from assessments.views.common import case_context, case_for
from assessments.views.recording_common import template_for, wants_partial
from ips import permissions
from ips.concurrency import ConcurrentEditError, version_of
from ips.forms import answer_status

ANSWER_ACTION = "assessments.change_checklistresponse"


@dataclass
class RowStatus:
    """What the status area of a checklist row says: the version its fields are based on (in ``form``)
    and what became of the last save. An inline save answers with this area only."""

    form: ChecklistAnswerForm
    state: str  # idle, saved, invalid or conflict
    text: str
    question: str
    conflict: ConcurrentEditError | None = None
    progress: dict | None = None


def _row_status(row, form: ChecklistAnswerForm, *, saved: ChecklistResponse | None = None,
                conflict: ConcurrentEditError | None = None) -> RowStatus:
    question = row.item.code
    if conflict is not None:
        theirs = conflict.instance
        text = (f"Not saved: this answer was changed by {conflict.change.describe()} to "
                f"“{theirs.get_rating_display()}”"
                + (f" (notes: “{theirs.notes}”)" if theirs.notes else " (no notes)")
                + ". Your rating and notes are kept here: save yours over theirs, or use theirs.")
        return RowStatus(form, "conflict", text, question, conflict=conflict)
    if saved is not None:
        return RowStatus(form, "saved", f"Saved at {timezone.localtime(saved.updated_at):%H:%M}", question)
    if form.is_bound and form.errors:
        if "rating" in form.errors:
            text = "Not saved: choose a rating to save this answer. Your notes are kept here."
        else:
            text = "Not saved: " + " ".join(str(e) for errors in form.errors.values() for e in errors)
        return RowStatus(form, "invalid", text, question)
    if row.response is not None:
        when = timezone.localtime(row.response.updated_at)
        return RowStatus(form, "idle", f"Answered by {row.response.answered_by}, {when:%d %b %H:%M}", question)
    return RowStatus(form, "idle", "Not answered", question)


def _answer_url(case, row) -> str:
    if row.visit_facility is None:
        return reverse("assessments:checklist_answer", args=[case.pk, row.item.pk])
    return reverse("assessments:checklist_answer_facility", args=[case.pk, row.item.pk, row.visit_facility.pk])


def _answer_form(row, data=None) -> ChecklistAnswerForm:
    initial = {"rating": row.response.rating, "notes": row.response.notes} if row.response else None
    return ChecklistAnswerForm(data, prefix=row.key, initial=initial, version=version_of(row.response))


def _checklist_page(request, case, *, bound: tuple[str, RowStatus] | None = None, status: int = 200):
    sheet = selectors.checklist_sheet(case=case)
    can_answer = permissions.can(request.user, ANSWER_ACTION, case)
    if can_answer:
        for group in sheet.groups:
            for row in group.rows:
                row.url = _answer_url(case, row)
                if bound and bound[0] == row.key:
                    row.status = bound[1]
                    row.form = row.status.form
                else:
                    row.form = _answer_form(row)
                    row.status = _row_status(row, row.form)
    context = case_context(
        request, case, "checklist", sheet=sheet, can_answer=can_answer,
        can_manage_checklists=permissions.can(request.user, "assessments.manage_checklists"),
    )
    template = template_for(request, "assessments/checklist.html", "assessments/checklist_body.html")
    return render(request, template, context, status=status)


@login_required
def checklist(request, pk: int):
    case = case_for(request, pk)
    return _checklist_page(request, case)


@login_required
@require_POST
def checklist_answer(request, pk: int, item_id: int, vf_id: int | None = None):
    """Save one answer, based on the version of it the page was loaded with.

    htmx (an inline save): only the row's status area comes back (with the new version), so nothing
    typed meanwhile in the row is replaced; an answer saved meanwhile by someone else is refused
    (409) and named there. Otherwise: back to the page.
    """
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
    saved = conflict = None
    if form.is_valid():
        try:
            saved = services.checklist_answer(
                assessment=case, item=item, by=request.user, rating=form.cleaned_data["rating"],
                notes=form.cleaned_data["notes"], visit_facility=visit_facility,
                expected_version=form.expected_version,
            )
        except ConcurrentEditError as exc:
            conflict = exc
            form.add_service_error(exc)
        except ValidationError as exc:
            form.add_service_error(exc)
    where = f"{item.section.code} / {item.code}" + (f" for {visit_facility.facility.name}" if visit_facility else "")
    if not wants_partial(request):
        if saved is not None:
            messages.success(request, f"Answer to {where} saved.")
            return redirect(reverse("assessments:checklist", args=[case.pk]) + f"#{row.key}")
        status = _row_status(row, form, conflict=conflict)
        if conflict is not None:
            messages.error(request, f"Your answer to {where} was not saved: see the question below.")
        return _checklist_page(request, case, bound=(row.key, status), status=answer_status(form))
    if saved is not None:
        row = selectors.checklist_row(case=case, item=item, visit_facility=visit_facility)
        form = _answer_form(row)
    status = _row_status(row, form, saved=saved, conflict=conflict)
    answered, total = selectors.checklist_group_progress(case=case, section=item.section, visit_facility=visit_facility)
    group_key = f"s{item.section.pk}" + (f"-f{visit_facility.pk}" if visit_facility else "")
    status.progress = {"key": group_key, "answered": answered, "total": total}
    return render(request, "assessments/checklist_row_status.html", {"status": status}, status=answer_status(form))


urlpatterns = [
    path("<int:pk>/checklist/", checklist, name="checklist"),
    path("<int:pk>/checklist/q<int:item_id>/", checklist_answer, name="checklist_answer"),
    path("<int:pk>/checklist/q<int:item_id>/f<int:vf_id>/", checklist_answer, name="checklist_answer_facility"),
    *recording_findings.urlpatterns,
    *recording_report.urlpatterns,
    *recording_checklists.urlpatterns,
]
