"""The case list, opening a case, and the planning side of the case workspace (plan, team and itinerary,
facilities, history) with the workflow steps. Views check permissions, call selectors and services,
and render; the htmx requests get the changed section only, the others a redirect or the whole page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.errors import HTTP_STATUS, WorkflowError
from assessments.forms.cases import (
    CaseCreateForm,
    CaseFilterForm,
    ItineraryForm,
    PlanForm,
    TeamMemberForm,
    TransitionForm,
    VisitFacilityAddForm,
    VisitFacilityForm,
)
from assessments.models import Assessment, ItineraryItem, TeamMember, VisitFacility
from assessments.views import cases_determinations, cases_engagements
from assessments.views.common import case_context, case_for
from assessments.workflow import MOVES
from ips import permissions
from ips.forms import answer_status, apply_service_error

CASES_PER_PAGE = 50


def require_staff(user) -> None:
    """Case material is for program staff (PSA-1, LANT-51, IPSLOs); a Viewer has no need to know."""
    permissions.require(user, "assessments.view_assessment")


def _htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


# --- the case list and opening a case --------------------------------------------------------


@login_required
def case_list(request):
    require_staff(request.user)
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list(user=request.user, **form.filters())
    paginator = Paginator(cases, CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/case_list.html",
        {
            "form": form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": any(request.GET.get(name) for name in ("state", "node", "country", "mine")),
            "can_open": selectors.countries_user_may_open(user=request.user).exists(),
        },
    )


@login_required
def case_create(request):
    require_staff(request.user)
    permissions.require(request.user, "assessments.add_assessment")
    initial = {"country": request.GET.get("country", "").upper()} if request.method == "GET" else None
    form = CaseCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.assessment_create(
                country=data["country"], by=request.user, proposed_start=data["proposed_start"],
                proposed_end=data["proposed_end"], objective=data["objective"].strip(),
            )
        except WorkflowError as exc:
            form.add_error("country", exc.messages)
        except ValidationError as exc:
            _service_errors_to(form, exc, fallback="country")
        else:
            messages.success(request, f"The assessment of {case.country.name} was opened.")
            return redirect(case)
    return render(request, "assessments/case_create.html", {"form": form})


def _service_errors_to(form, error: ValidationError, *, fallback: str) -> None:
    """A service's errors beside their fields; errors naming no field of the form go beside ``fallback``;
    a save over someone else's change is shown as a conflict (ips.forms)."""
    apply_service_error(form, error, fallback=fallback)


# --- plan ------------------------------------------------------------------------------------


@login_required
def case_detail(request, pk: int):
    case = case_for(request, pk)
    can_edit = permissions.can(request.user, "assessments.change_plan", case)
    form = PlanForm(instance=case) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            permissions.require(request.user, "assessments.change_plan", case)
        form = PlanForm(request.POST, instance=case)
        if form.is_valid():
            try:
                with transaction.atomic():
                    current = Assessment.objects.select_for_update().get(pk=case.pk)
                    if current.updated_at != form.cleaned_data["version"]:
                        form = form.after_conflict(current)
                        status = 409
                    else:
                        services.assessment_update_plan(
                            assessment=case, by=request.user, data=form.service_data()
                        )
            except WorkflowError as exc:
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                _service_errors_to(form, exc, fallback="proposed_end")
            else:
                if status == 200:
                    messages.success(request, "The plan was saved.")
                    return redirect(case)
    return render(
        request, "assessments/case_detail.html",
        case_context(request, case, "detail", form=form, can_edit=can_edit), status=status,
    )


# --- team and itinerary ----------------------------------------------------------------------


def _team_context(request, case, *, member_form=None, itinerary_form=None, editing=None, notice="") -> dict:
    team = selectors.case_team(case=case)
    can_team = permissions.can(request.user, "assessments.change_team", case)
    can_plan = permissions.can(request.user, "assessments.change_plan", case)
    if can_team and member_form is None:
        member_form = TeamMemberForm(case=case, team=team, prefix="member")
    if can_plan and itinerary_form is None:
        itinerary_form = ItineraryForm(case=case, prefix="item", instance=editing)
    return {
        "team": team,
        "itinerary": selectors.case_itinerary(case=case),
        "member_form": member_form if can_team else None,
        "itinerary_form": itinerary_form if can_plan else None,
        "editing": editing,
        "can_team": can_team,
        "can_plan": can_plan,
        "notice": notice,
    }


def _team_response(request, case, *, section: str, status: int = 200, **kwargs):
    """The changed section for htmx, else the whole team page."""
    context = _team_context(request, case, **kwargs)
    if _htmx(request):
        return render(request, f"assessments/_{section}.html", {"case": case, **context}, status=status)
    return render(request, "assessments/case_team.html", case_context(request, case, "team", **context), status=status)


@login_required
def case_team(request, pk: int):
    case = case_for(request, pk)
    context = case_context(request, case, "team", **_team_context(request, case))
    return render(request, "assessments/case_team.html", context)


@login_required
@require_POST
def team_member_add(request, pk: int):
    case = case_for(request, pk, "assessments.change_team")
    form = TeamMemberForm(request.POST, case=case, team=selectors.case_team(case=case), prefix="member")
    if form.is_valid():
        try:
            member = services.team_member_add(assessment=case, by=request.user, **form.service_data())
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _service_errors_to(form, exc, fallback="user" if form.cleaned_data["user"] else "name")
        else:
            notice = f"{member.name} was added to the team."
            if not _htmx(request):
                messages.success(request, notice)
                return redirect(reverse("assessments:team", args=[case.pk]) + "#team-members")
            return _team_response(request, case, section="team_members", notice=notice)
    return _team_response(request, case, section="team_members", member_form=form)


@login_required
@require_POST
def team_member_remove(request, pk: int, member_pk: int):
    case = case_for(request, pk, "assessments.change_team")
    member = get_object_or_404(TeamMember, pk=member_pk, assessment=case)
    services.team_member_remove(member=member, by=request.user)
    notice = f"{member.name} was removed from the team."
    if not _htmx(request):
        messages.success(request, notice)
        return redirect(reverse("assessments:team", args=[case.pk]) + "#team-members")
    return _team_response(request, case, section="team_members", notice=notice)


def _itinerary_save(request, case, item: ItineraryItem | None):
    form = ItineraryForm(request.POST, case=case, prefix="item", instance=item)
    if form.is_valid():
        try:
            saved = services.itinerary_item_save(assessment=case, by=request.user, data=form.service_data(), item=item,
                                                 expected_version=form.expected_version)
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _service_errors_to(form, exc, fallback="notes")
        else:
            notice = f"{saved.get_kind_display()} on {saved.day:%d %b %Y} was {'saved' if item else 'added'}."
            if not _htmx(request):
                messages.success(request, notice)
                return redirect(reverse("assessments:team", args=[case.pk]) + "#itinerary")
            return _team_response(request, case, section="itinerary", notice=notice)
    return _team_response(
        request, case, section="itinerary", itinerary_form=form, editing=item, status=answer_status(form)
    )


@login_required
@require_POST
def itinerary_add(request, pk: int):
    case = case_for(request, pk, "assessments.change_plan")
    return _itinerary_save(request, case, None)


@login_required
def itinerary_edit(request, pk: int, item_pk: int):
    case = case_for(request, pk, "assessments.change_plan")
    item = get_object_or_404(ItineraryItem, pk=item_pk, assessment=case)
    if request.method == "POST":
        return _itinerary_save(request, case, item)
    return _team_response(request, case, section="itinerary", editing=item)


@login_required
@require_POST
def itinerary_delete(request, pk: int, item_pk: int):
    case = case_for(request, pk, "assessments.change_plan")
    item = get_object_or_404(ItineraryItem, pk=item_pk, assessment=case)
    notice = f"{item.get_kind_display()} on {item.day:%d %b %Y} was deleted."
    services.itinerary_item_delete(item=item, by=request.user)
    if not _htmx(request):
        messages.success(request, notice)
        return redirect(reverse("assessments:team", args=[case.pk]) + "#itinerary")
    return _team_response(request, case, section="itinerary", notice=notice)


# --- facilities ------------------------------------------------------------------------------


def _facilities_context(request, case, *, add_form=None, bound: VisitFacilityForm | None = None,
                        bound_pk: int | None = None, notice="") -> dict:
    can_add = permissions.can(request.user, "assessments.change_plan", case)
    can_update = permissions.can(request.user, "assessments.record_assessment", case)
    rows = []
    for item in selectors.case_visit_facilities(case=case):
        form = None
        if can_update:
            form = bound if item.pk == bound_pk else VisitFacilityForm(instance=item, prefix=f"vf{item.pk}")
        rows.append((item, form))
    if can_add and add_form is None:
        add_form = VisitFacilityAddForm(case=case, prefix="add")
    return {
        "rows": rows,
        "add_form": add_form if can_add else None,
        "can_update": can_update,
        "notice": notice,
    }


def _facilities_response(request, case, *, status: int = 200, **kwargs):
    context = _facilities_context(request, case, **kwargs)
    if _htmx(request):
        return render(request, "assessments/_visit_facilities.html", {"case": case, **context}, status=status)
    return render(
        request, "assessments/case_facilities.html", case_context(request, case, "facilities", **context), status=status
    )


@login_required
def case_facilities(request, pk: int):
    case = case_for(request, pk)
    return render(
        request, "assessments/case_facilities.html",
        case_context(request, case, "facilities", **_facilities_context(request, case)),
    )


@login_required
@require_POST
def visit_facility_add(request, pk: int):
    case = case_for(request, pk, "assessments.change_plan")
    form = VisitFacilityAddForm(request.POST, case=case, prefix="add")
    if form.is_valid():
        try:
            item = services.visit_facility_add(assessment=case, facility=form.cleaned_data["facility"], by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _service_errors_to(form, exc, fallback="facility")
        else:
            notice = f"{item.facility.name} was added to the list as proposed."
            if not _htmx(request):
                messages.success(request, notice)
                return redirect("assessments:facilities", pk=case.pk)
            return _facilities_response(request, case, notice=notice)
    return _facilities_response(request, case, add_form=form)


@login_required
@require_POST
def visit_facility_update(request, pk: int, item_pk: int):
    case = case_for(request, pk, "assessments.record_assessment")
    item = get_object_or_404(VisitFacility.objects.select_related("facility"), pk=item_pk, assessment=case)
    form = VisitFacilityForm(request.POST, instance=item, prefix=f"vf{item.pk}")
    if form.is_valid():
        try:
            services.visit_facility_update(visit_facility=item, by=request.user, data=form.service_data(),
                                           expected_version=form.expected_version)
        except WorkflowError as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _service_errors_to(form, exc, fallback="status")
        else:
            notice = f"{item.facility.name} was saved."
            if not _htmx(request):
                messages.success(request, notice)
                return redirect("assessments:facilities", pk=case.pk)
            return _facilities_response(request, case, notice=notice)
    return _facilities_response(request, case, bound=form, bound_pk=item.pk, status=answer_status(form))


# --- history ---------------------------------------------------------------------------------


@login_required
def case_history(request, pk: int):
    case = case_for(request, pk)
    return render(
        request, "assessments/case_history.html",
        case_context(
            request, case, "history",
            transitions=selectors.case_transitions(case=case),
            audit_rows=selectors.case_audit_history(case=case),
            audit_limit=selectors.HISTORY_ROWS_SHOWN,
        ),
    )


# --- workflow steps --------------------------------------------------------------------------


def _back_to(request, case) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return case.get_absolute_url()


@login_required
@require_POST
def case_transition(request, pk: int, name: str):
    case = case_for(request, pk)
    move = MOVES.get(name)
    if move is None:
        raise Http404("There is no such step.")
    permissions.require(request.user, f"assessments.move_{name}", case)
    form = TransitionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    before = case.get_state_display()
    try:
        services.assessment_transition(assessment=case, name=name, by=request.user, comment=comment)
    except WorkflowError as exc:
        status = HTTP_STATUS.get(exc.error_code, 400)
        context = case_context(
            request, case, "detail",
            form=PlanForm(instance=case) if permissions.can(request.user, "assessments.change_plan", case) else None,
            can_edit=permissions.can(request.user, "assessments.change_plan", case),
            transition_error={"move": move, "message": exc.error_code.label, "code": exc.error_code.value,
                              "problems": exc.problems, "comment": comment},
        )
        return render(request, "assessments/case_detail.html", context, status=status)
    messages.success(request, f"{move.label}: the case moved from {before} to {case.get_state_display()}.")
    return redirect(_back_to(request, case))


urlpatterns = [
    path("", case_list, name="list"),
    path("new/", case_create, name="create"),
    path("<int:pk>/", case_detail, name="detail"),
    path("<int:pk>/team/", case_team, name="team"),
    path("<int:pk>/team/add/", team_member_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", team_member_remove, name="team_remove"),
    path("<int:pk>/itinerary/add/", itinerary_add, name="itinerary_add"),
    path("<int:pk>/itinerary/<int:item_pk>/edit/", itinerary_edit, name="itinerary_edit"),
    path("<int:pk>/itinerary/<int:item_pk>/delete/", itinerary_delete, name="itinerary_delete"),
    path("<int:pk>/facilities/", case_facilities, name="facilities"),
    path("<int:pk>/facilities/add/", visit_facility_add, name="facility_add"),
    path("<int:pk>/facilities/<int:item_pk>/", visit_facility_update, name="facility_update"),
    path("<int:pk>/history/", case_history, name="history"),
    path("<int:pk>/transitions/<slug:name>/", case_transition, name="transition"),
    *cases_determinations.urlpatterns,
    *cases_engagements.urlpatterns,
]
