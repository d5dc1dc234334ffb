"""LANT-51's annual visit plan: countries ranked by priority and due date against the year's capacity,
and one click to turn a row into a planned case. PSA-1 reads the plan; nobody else sees it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import selectors, selectors_planning, services
from assessments.errors import WorkflowError
from assessments.forms.planning import PlanCaseForm, PlanYearForm
from ips import permissions


@login_required
def plan(request):
    permissions.require(request.user, "assessments.view_plan")
    today = timezone.localdate()
    form = PlanYearForm(request.GET or None, on=today)
    annual = selectors_planning.annual_plan(year=form.year, on=today)
    return render(
        request,
        "assessments/plan.html",
        {
            "form": form,
            "plan": annual,
            "today": today,
            "can_plan": permissions.can(request.user, "assessments.plan_visits"),
            "quarter_labels": ("Q1 (Oct–Dec)", "Q2 (Jan–Mar)", "Q3 (Apr–Jun)", "Q4 (Jul–Sep)"),
        },
    )


def _back_to_plan(form: PlanCaseForm, iso3: str = "") -> str:
    url = reverse("assessments:plan")
    year = form.cleaned_data.get("fy") if hasattr(form, "cleaned_data") else None
    if year:
        url += f"?fy={year}"
    return f"{url}#country-{iso3}" if iso3 else url


@login_required
@require_POST
def plan_case(request):
    """Open a planned case for the chosen country, assigned to its portfolio IPSLO."""
    permissions.require(request.user, "assessments.plan_visits")
    form = PlanCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(_back_to_plan(form))
    country = form.cleaned_data["country"]
    back = _back_to_plan(form, country.iso3)
    existing = selectors.open_case_of(country=country)
    if existing is not None:
        messages.error(
            request,
            f"{country.name} already has an open case ({existing.get_state_display().lower()}); "
            "no second case was opened.",
        )
        return redirect(back)
    year = form.cleaned_data.get("fy")
    objective = f"Reassessment of {country.name} planned for FY{year}." if year else ""
    try:
        case = services.assessment_create(country=country, by=request.user, objective=objective)
    except WorkflowError as exc:
        messages.error(request, str(exc.message))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"A planned case for {country.name} was opened and assigned to {case.ipslo}.")
    return redirect(back)


urlpatterns = [
    path("plan/", plan, name="plan"),
    path("plan/open-case/", plan_case, name="plan_case"),
]
