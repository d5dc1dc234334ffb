"""The visit report [NVIC 02-05 Encl. (1) 4]: FOR OFFICIAL USE ONLY, shown only to those with a need to know.

The five sections are drafted here and saved as numbered versions; the surveyed facilities and the
findings are filled in from the case whenever the report is shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods

from assessments import selectors_recording as selectors
from assessments import services
from assessments.forms.recording import ReportForm
from assessments.models import Assessment, ReportVersion
from assessments.views.common import case_context, case_for
from assessments.views.recording_common import template_for, wants_partial
from ips import permissions

VIEW = "assessments.view_report"
CHANGE = "assessments.change_report"


def _filled_in(case: Assessment, shown: ReportVersion | None) -> dict:
    """The five sections of the version shown, and what the report takes from the case."""
    return {
        "report_sections": [
            (capfirst(ReportVersion._meta.get_field(name).verbose_name), getattr(shown, name) if shown else "")
            for name in ReportVersion.SECTIONS
        ],
        "facility_results": selectors.report_facility_results(case=case),
        "report_findings": selectors.report_findings(case=case),
    }


def _conflict_form(request, latest: ReportVersion) -> ReportForm:
    """The user's text, kept, now based on the version saved meanwhile, with an explanation."""
    data = request.POST.copy()
    data["base_version"] = str(latest.number)
    form = ReportForm(data)
    form.is_valid()
    saved_at = timezone.localtime(latest.created_at)
    form.add_error(None, (
        f"Version {latest.number} was saved by {latest.author} at {saved_at:%d %b %Y %H:%M} while you were "
        f"editing. Nothing was saved; your text is kept below. Compare it with version {latest.number}, "
        "then save again."
    ))
    return form


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    case = case_for(request, pk, VIEW if request.method == "GET" else CHANGE)
    versions = selectors.report_versions(case=case)
    current = versions[0] if versions else None
    can_edit = permissions.can(request.user, CHANGE, case)
    form = ReportForm(version=current) if can_edit else None
    notice = ""
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            base = form.cleaned_data.get("base_version")
            if current is not None and base != current.number:
                form = _conflict_form(request, current)
            else:
                try:
                    saved = services.report_save_draft(assessment=case, by=request.user, sections=form.sections())
                except ValidationError as exc:
                    form.add_service_error(exc)
                else:
                    notice = f"Draft saved as version {saved.number}."
                    if not wants_partial(request):
                        messages.success(request, notice)
                        return redirect("assessments:report", pk=case.pk)
                    versions = selectors.report_versions(case=case)
                    current = versions[0]
                    form = ReportForm(version=current)
    context = case_context(
        request, case, "report", versions=versions, current=current, shown=current, can_edit=can_edit,
        form=form, notice=notice, **_filled_in(case, current),
    )
    return render(request, template_for(request, "assessments/report.html", "assessments/report_body.html"), context)


@login_required
def report_version(request, pk: int, number: int):
    """An earlier (or the current) draft, read-only."""
    case = case_for(request, pk, VIEW)
    versions = selectors.report_versions(case=case)
    shown = next((v for v in versions if v.number == number), None)
    if shown is None:
        raise Http404(f"This case has no report version {number}.")
    context = case_context(
        request, case, "report", versions=versions, current=versions[0], shown=shown, can_edit=False, form=None,
        read_only=True, report_url=reverse("assessments:report", args=[case.pk]), **_filled_in(case, shown),
    )
    return render(
        request, template_for(request, "assessments/report_version.html", "assessments/report_body.html"), context
    )


urlpatterns = [
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/report/v<int:number>/", report_version, name="report_version"),
]
