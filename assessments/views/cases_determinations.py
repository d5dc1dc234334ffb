"""Determinations (recommended by LANT-51, decided by PSA-1), credible reports, and the two queues.

An approved determination has no edit form anywhere; deciding one that is already decided is refused.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.choices import AssessmentState, Basis, DeterminationState, Outcome
from assessments.errors import ErrorCode, WorkflowError
from assessments.forms.determinations import CredibleReportForm, DecisionForm, RecommendForm
from assessments.views.common import RECOMMENDABLE_STATES, case_context, case_for
from ips import permissions
from ips.reauth import require_recent_sign_in

DETERMINATIONS_PER_PAGE = 50


def _service_errors(form, error: ValidationError, *, fallback: str | None = None) -> None:
    if hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else fallback, texts)
    else:
        form.add_error(fallback, error.messages)


# --- recommending ----------------------------------------------------------------------------


@login_required
def case_recommend(request, pk: int):
    """LANT-51 recommends a determination from a case under review or one where access was denied."""
    case = case_for(request, pk, "assessments.recommend_determination")
    if case.state not in RECOMMENDABLE_STATES:
        messages.error(
            request,
            f"A determination is recommended from a case under review or with access denied; this case is "
            f"{case.get_state_display().lower()}.",
        )
        return redirect(case)
    access_denied = case.state == AssessmentState.ACCESS_DENIED
    initial = {"outcome": Outcome.NOT_SUBSTANTIALLY, "basis": Basis.D} if access_denied else {}
    initial["effective_date"] = timezone.localdate()
    form = RecommendForm(request.POST or None, access_denied=access_denied, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            determination = services.determination_recommend(
                assessment=case, by=request.user, **form.service_data()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "The recommendation was sent to PSA-1 for decision.")
            return redirect("assessments:determination", pk=determination.pk)
    return render(
        request, "assessments/case_recommend.html",
        case_context(request, case, "detail", form=form, access_denied=access_denied),
    )


@login_required
def credible_report_recommend(request, pk: int):
    permissions.require(request.user, "assessments.view_crediblereport")
    report = selectors.credible_report_for_page(pk=pk)
    if report is None:
        raise Http404("No such credible report.")
    permissions.require(request.user, "assessments.view_crediblereport", report)
    permissions.require(request.user, "assessments.recommend_determination")
    initial = {"outcome": Outcome.NOT_SUBSTANTIALLY, "basis": Basis.C, "effective_date": timezone.localdate()}
    form = RecommendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            determination = services.determination_recommend(
                credible_report=report, by=request.user, **form.service_data()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "The recommendation was sent to PSA-1 for decision.")
            return redirect("assessments:determination", pk=determination.pk)
    return render(
        request, "assessments/credible_report_recommend.html", {"report": report, "form": form, "fouo": True}
    )


# --- the determination page and the decision ------------------------------------------------


def _determination_page(request, determination, *, approve_form=None, return_form=None, status=200):
    user = request.user
    refusal = permissions.refusal(user, "assessments.decide_determination", determination)
    pending = determination.state == DeterminationState.RECOMMENDED
    can_decide = pending and refusal is None
    case = determination.assessment
    context = {
        "determination": determination,
        "fouo": True,
        "can_decide": can_decide,
        "why_not": refusal if pending and refusal is not None else None,
        "show_rationale": permissions.can(user, "assessments.view_determination_rationale", determination),
        "approve_form": approve_form or DecisionForm(prefix="approve"),
        "return_form": return_form or DecisionForm(prefix="return", comment_required=True),
        "case_visible": case is not None and permissions.can(user, "assessments.view_assessment", case),
        "country_determinations": selectors.country_determinations(country=determination.country, user=user),
        "can_recommend_again": determination.state == DeterminationState.RETURNED
        and permissions.can(user, "assessments.recommend_determination"),
    }
    return render(request, "assessments/determination_detail.html", context, status=status)


def _determination_or_404(request, pk: int):
    permissions.require(request.user, "assessments.view_determination")
    determination = selectors.determination_for_page(pk=pk)
    if determination is None:
        raise Http404("No such determination.")
    permissions.require(request.user, "assessments.view_determination", determination)
    return determination


@login_required
def determination_detail(request, pk: int):
    return _determination_page(request, _determination_or_404(request, pk))


def _decide(request, pk: int, *, approve: bool):
    determination = _determination_or_404(request, pk)
    permissions.require(request.user, "assessments.decide_determination", determination)
    prefix = "approve" if approve else "return"
    form = DecisionForm(request.POST, prefix=prefix, comment_required=not approve)
    forms = {"approve_form": form} if approve else {"return_form": form}
    if determination.state != DeterminationState.RECOMMENDED:
        messages.error(request, ErrorCode.ALREADY_DECIDED.label + " Nothing was changed.")
        return redirect("assessments:determination", pk=determination.pk)
    if not form.is_valid():
        return _determination_page(request, determination, **forms)
    try:
        if approve:
            services.determination_approve(
                determination=determination, by=request.user, comment=form.cleaned_data["comment"]
            )
        else:
            services.determination_return(
                determination=determination, by=request.user, comment=form.cleaned_data["comment"]
            )
    except WorkflowError as exc:
        if exc.error_code == ErrorCode.COMMENT_REQUIRED:
            form.add_error("comment", exc.error_code.label)
            return _determination_page(request, determination, **forms)
        messages.error(request, f"{exc.error_code.label} Nothing was changed.")
        return redirect("assessments:determination", pk=determination.pk)
    if approve:
        messages.success(request, f"The determination was approved; {determination.country.name}'s status is updated.")
    else:
        messages.success(request, "The recommendation was returned to LANT-51.")
    return redirect("assessments:determination", pk=determination.pk)


@login_required
@require_POST
@require_recent_sign_in
def determination_approve(request, pk: int):
    return _decide(request, pk, approve=True)


@login_required
@require_POST
@require_recent_sign_in
def determination_return(request, pk: int):
    return _decide(request, pk, approve=False)


@login_required
def determination_list(request):
    permissions.require(request.user, "assessments.view_determination")
    country = request.GET.get("country", "")
    state = request.GET.get("state", "")
    if state not in DeterminationState.values:
        state = ""
    paginator = Paginator(
        selectors.determination_list(user=request.user, country=country, state=state), DETERMINATIONS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "assessments/determination_list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "country": country,
            "state": state,
            "states": DeterminationState.choices,
            "can_record_report": permissions.can(request.user, "assessments.add_crediblereport"),
        },
    )


# --- credible reports ------------------------------------------------------------------------


@login_required
def credible_report_list(request):
    permissions.require(request.user, "assessments.view_crediblereport")
    paginator = Paginator(selectors.credible_report_list(user=request.user), DETERMINATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "assessments/credible_report_list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "can_record_report": permissions.can(request.user, "assessments.add_crediblereport"),
        },
    )


@login_required
def credible_report_create(request):
    permissions.require(request.user, "assessments.add_crediblereport")
    initial = {"country": request.GET.get("country", "").upper()} if request.method == "GET" else None
    form = CredibleReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.credible_report_record(
                country=form.cleaned_data["country"], by=request.user, **form.service_data()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, f"The credible report on {report.country.name} was recorded.")
            return redirect("assessments:credible_report", pk=report.pk)
    return render(request, "assessments/credible_report_form.html", {"form": form, "fouo": True})


@login_required
def credible_report_detail(request, pk: int):
    permissions.require(request.user, "assessments.view_crediblereport")
    report = selectors.credible_report_for_page(pk=pk)
    if report is None:
        raise Http404("No such credible report.")
    permissions.require(request.user, "assessments.view_crediblereport", report)
    return render(
        request, "assessments/credible_report_detail.html",
        {
            "report": report,
            "fouo": True,
            "can_recommend": permissions.can(request.user, "assessments.recommend_determination"),
        },
    )


# --- queues ----------------------------------------------------------------------------------


@login_required
def review_queue(request):
    permissions.require(request.user, "assessments.view_queue_review")
    return render(
        request, "assessments/queue_review.html",
        {
            "cases": list(selectors.review_queue_cases(user=request.user)),
            "returned": list(selectors.returned_determinations(user=request.user)),
            "now": timezone.now(),
        },
    )


@login_required
def decision_queue(request):
    permissions.require(request.user, "assessments.view_queue_decision")
    return render(
        request, "assessments/queue_decisions.html",
        {"determinations": list(selectors.decision_queue(user=request.user)), "now": timezone.now()},
    )


urlpatterns = [
    path("<int:pk>/recommend/", case_recommend, name="recommend"),
    path("determinations/", determination_list, name="determinations"),
    path("determinations/<int:pk>/", determination_detail, name="determination"),
    path("determinations/<int:pk>/approve/", determination_approve, name="determination_approve"),
    path("determinations/<int:pk>/return/", determination_return, name="determination_return"),
    path("credible-reports/", credible_report_list, name="credible_reports"),
    path("credible-reports/new/", credible_report_create, name="credible_report_create"),
    path("credible-reports/<int:pk>/", credible_report_detail, name="credible_report"),
    path("credible-reports/<int:pk>/recommend/", credible_report_recommend, name="credible_report_recommend"),
    path("queue/review/", review_queue, name="queue_review"),
    path("queue/decisions/", decision_queue, name="queue_decisions"),
]
