"""May this user do this action on this object? Asked here, and only here.

Every HTML view, API endpoint and template asks :func:`can` (one object) or :func:`restrict`
(a queryset). Actions are named like Django permissions, ``"<app>.<verb>_<model>"`` for object
actions and ``"<app>.<verb>"`` for actions on no object (``"countries.manage_portfolios"``).

Object rights that follow the portfolio are django-guardian object permissions, kept in step with
portfolio assignments by :mod:`countries.services`; role rights come from group membership.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from ips.roles import Role

Rule = Callable[[Any, Any], bool]
Scope = Callable[[QuerySet, Any], QuerySet]

_RULES: dict[str, Rule] = {}
_SCOPES: dict[tuple[str, str], Scope] = {}


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _any_role(user) -> bool:
    return _is_active(user) and (user.is_superuser or bool(user.roles))


def _manager(user) -> bool:
    """LANT-51 or an administrator."""
    return _is_active(user) and user.has_role(Role.LANT51)


def _program_manager(user) -> bool:
    return _is_active(user) and user.has_role(Role.PSA1)


def _holds_object_perm(user, perm: str, obj) -> bool:
    """The django-guardian object permission granted by the portfolio."""
    return _is_active(user) and Role.IPSLO in user.roles and user.has_perm(perm, obj)


def rule(*actions: str):
    def register(fn: Rule) -> Rule:
        for action in actions:
            _RULES[action] = fn
        return fn

    return register


def scope(model_label: str, *actions: str):
    def register(fn: Scope) -> Scope:
        for action in actions:
            _SCOPES[(model_label, action)] = fn
        return fn

    return register


# --- countries -------------------------------------------------------------------------------


@rule("countries.view_country", "countries.view_port", "countries.view_portfacility")
def _view_reference(user, obj) -> bool:
    return _any_role(user)


@rule("countries.change_country")
def _change_country(user, country) -> bool:
    if _manager(user):
        return True
    return country is not None and _holds_object_perm(user, "countries.change_country", country)


@rule("countries.change_country_node")
def _change_country_node(user, country) -> bool:
    return _manager(user)


@rule(
    "countries.add_port", "countries.change_port",
    "countries.add_portfacility", "countries.change_portfacility",
)
def _change_ports(user, obj) -> bool:
    country = getattr(obj, "country", None) or getattr(getattr(obj, "port", None), "country", None) or obj
    return _change_country(user, country)


@rule("countries.view_portfolios")
def _view_portfolios(user, obj) -> bool:
    return _manager(user) or _program_manager(user)


@rule("countries.manage_portfolios")
def _manage_portfolios(user, obj) -> bool:
    return _manager(user)


@rule("countries.view_audit")
def _view_audit(user, obj) -> bool:
    return _is_active(user) and user.has_role(Role.PSA1, Role.LANT51, Role.IPSLO)


@scope("countries.country", "view")
def _scope_countries_view(qs, user):
    return qs if _any_role(user) else qs.none()


@scope("countries.country", "change")
def _scope_countries_change(qs, user):
    if _manager(user):
        return qs
    if _is_active(user) and Role.IPSLO in user.roles:
        return get_objects_for_user(
            user, "countries.change_country", qs, accept_global_perms=False, with_superuser=False
        )
    return qs.none()


# --- assessments -----------------------------------------------------------------------------

_CASE_OWNER_PERM = "assessments.change_assessment"  # the case's IPSLO (granted with the portfolio)
_CASE_TEAM_PERM = "assessments.record_assessment"  # visit team members with an account


def _case_of(obj):
    """The case an assessment-related object belongs to."""
    from assessments.models import Assessment

    if obj is None or isinstance(obj, Assessment):
        return obj
    if hasattr(obj, "assessment"):
        return obj.assessment
    if hasattr(obj, "finding"):
        return obj.finding.assessment
    return None


def _case_owner(user, case) -> bool:
    return case is not None and _holds_object_perm(user, _CASE_OWNER_PERM, case)


def _case_team(user, case) -> bool:
    return case is not None and _is_active(user) and user.has_perm(_CASE_TEAM_PERM, case)


def _team_leader(user, case) -> bool:
    return _case_team(user, case) and any(m.user_id == user.pk and m.is_leader for m in case.team.all())


@rule("assessments.view_assessment", "assessments.view_report", "assessments.view_evidence",
      "assessments.view_finding")
def _view_case(user, obj) -> bool:
    """Need to know: the case's team, its IPSLO, LANT-51 and PSA-1."""
    case = _case_of(obj)
    if _manager(user) or _program_manager(user):
        return True
    return _case_owner(user, case) or _case_team(user, case)


@rule("assessments.add_assessment")
def _open_case(user, country) -> bool:
    return _manager(user) or (country is not None and _holds_object_perm(user, "countries.change_country", country))


@rule("assessments.change_assessment", "assessments.change_team", "assessments.change_plan")
def _plan_case(user, obj) -> bool:
    case = _case_of(obj)
    if case is None or not case.is_open:
        return False
    return _manager(user) or _case_owner(user, case)


@rule("assessments.record_assessment", "assessments.add_finding", "assessments.change_finding",
      "assessments.add_evidence", "assessments.change_checklistresponse")
def _record_visit(user, obj) -> bool:
    case = _case_of(obj)
    if case is None or not case.is_open:
        return False
    return _manager(user) or _case_owner(user, case) or _case_team(user, case)


@rule("assessments.change_report")
def _draft_report(user, obj) -> bool:
    from assessments.choices import AssessmentState

    case = _case_of(obj)
    if case is None or case.state not in {AssessmentState.ON_SITE, AssessmentState.REPORT_DRAFTING}:
        return False
    return _manager(user) or _case_owner(user, case) or _team_leader(user, case)


@rule("assessments.recommend_determination")
def _recommend(user, obj) -> bool:
    return _manager(user)


@rule("assessments.decide_determination")
def _decide(user, determination) -> bool:
    """PSA-1, but never the recommender nor the author of the report the determination rests on."""
    if not _program_manager(user):
        return False
    if determination is None:
        return True
    if determination.recommended_by_id == user.pk:
        return False
    case = determination.assessment
    return not (case is not None and case.reports.filter(author=user).exists())


@rule("assessments.view_determination", "assessments.view_crediblereport")
def _view_determination(user, obj) -> bool:
    return _is_active(user) and user.has_role(Role.PSA1, Role.LANT51, Role.IPSLO)


@rule("assessments.add_crediblereport")
def _record_credible_report(user, obj) -> bool:
    return _manager(user) or _program_manager(user)


@rule("assessments.view_engagement")
def _view_engagement(user, obj) -> bool:
    return _is_active(user) and user.has_role(Role.PSA1, Role.LANT51, Role.IPSLO)


@rule("assessments.add_engagement", "assessments.change_engagement")
def _record_engagement(user, obj) -> bool:
    country = getattr(obj, "country", obj)
    return _manager(user) or (country is not None and _holds_object_perm(user, "countries.change_country", country))


@rule("assessments.manage_checklists")
def _manage_checklists(user, obj) -> bool:
    return _manager(user)


@rule("assessments.view_queue_review")
def _review_queue(user, obj) -> bool:
    return _manager(user)


@rule("assessments.view_queue_decision")
def _decision_queue(user, obj) -> bool:
    return _program_manager(user)


@rule("assessments.view_plan")
def _view_plan(user, obj) -> bool:
    """The annual visit plan: LANT-51 plans it, PSA-1 reads it."""
    return _manager(user) or _program_manager(user)


@rule("assessments.plan_visits")
def _plan_visits(user, obj) -> bool:
    return _manager(user)


def _may_make(move, user, case) -> bool:
    """A move of the case workflow: the table names the roles; IPSLOs also need the case's object right."""
    from assessments.workflow import TEAM_LEADER

    if not _is_active(user) or case is None:
        return False
    if Role.PSA1 in move.actors and _program_manager(user):
        return True
    if Role.LANT51 in move.actors and _manager(user):
        return True
    if Role.IPSLO in move.actors and _case_owner(user, case):
        return True
    return TEAM_LEADER in move.actors and _team_leader(user, case)


def _register_moves() -> None:
    from functools import partial

    from assessments.workflow import MOVES

    for move in MOVES.values():
        _RULES[f"assessments.move_{move.name}"] = partial(_may_make, move)


_register_moves()


@scope("assessments.assessment", "view")
def _scope_cases(qs, user):
    if _manager(user) or _program_manager(user):
        return qs
    if not _is_active(user):
        return qs.none()
    return get_objects_for_user(
        user, [_CASE_OWNER_PERM, _CASE_TEAM_PERM], qs, any_perm=True, accept_global_perms=False,
        with_superuser=False,
    )


@scope("assessments.finding", "view")
def _scope_findings(qs, user):
    """Findings follow their case: everyone who may see the case sees its findings."""
    from assessments.models import Assessment

    if _manager(user) or _program_manager(user):
        return qs
    if not _is_active(user):
        return qs.none()
    return qs.filter(assessment__in=_scope_cases(Assessment.objects.all(), user).values("pk"))


@rule("assessments.view_finding_list")
def _view_finding_list(user, obj) -> bool:
    """The list of findings across cases (each row then narrowed by :func:`_scope_findings`)."""
    return _is_active(user) and user.has_role(Role.PSA1, Role.LANT51, Role.IPSLO)


@scope("assessments.determination", "view")
def _scope_determinations(qs, user):
    return qs if _view_determination(user, None) else qs.none()


@scope("assessments.engagement", "view")
def _scope_engagements(qs, user):
    return qs if _view_engagement(user, None) else qs.none()


# --- correspondence --------------------------------------------------------------------------


def _country_ipslo(user, country) -> bool:
    """The country's IPSLO: holds the object right granted with the portfolio."""
    return country is not None and _holds_object_perm(user, "countries.change_country", country)


def _letter_need_to_know(user, obj) -> bool:
    """PSA-1, LANT-51, the country's IPSLO and the team of the case the letter or item comes from."""
    if _manager(user) or _program_manager(user):
        return True
    return _country_ipslo(user, obj.country) or _case_team(user, obj.assessment)


@rule("correspondence.view_letter")
def _view_letter(user, letter) -> bool:
    """A FOUO letter only with a need to know; any other letter to every role."""
    if not _any_role(user):
        return False
    if letter is None or not letter.is_fouo:
        return True
    return _letter_need_to_know(user, letter)


@rule("correspondence.view_correspondence")
def _view_correspondence(user, country) -> bool:
    return _any_role(user)


@rule("correspondence.view_incomingcorrespondence")
def _view_incoming(user, item) -> bool:
    if item is None:
        return _is_active(user) and user.has_role(Role.PSA1, Role.LANT51, Role.IPSLO)
    return _is_active(user) and _letter_need_to_know(user, item)


@rule("correspondence.add_letter", "correspondence.add_incomingcorrespondence")
def _write_correspondence(user, country) -> bool:
    return _manager(user) or _country_ipslo(user, country)


@rule("correspondence.change_letter", "correspondence.correct_letter")
def _change_letter(user, letter) -> bool:
    """The wording (while a draft), re-rendering and corrections: PSA-1, LANT-51, the country's IPSLO."""
    if _manager(user) or _program_manager(user):
        return True
    return letter is not None and _country_ipslo(user, letter.country)


@rule("correspondence.approve_letter")
def _approve_letter(user, letter) -> bool:
    return _manager(user) or _program_manager(user)


@rule("correspondence.send_letter", "correspondence.acknowledge_letter")
def _send_letter(user, letter) -> bool:
    return _manager(user) or (letter is not None and _country_ipslo(user, letter.country))


@rule("correspondence.request_visit_letter")
def _request_visit_letter(user, case) -> bool:
    """The case's IPSLO and LANT-51."""
    return _manager(user) or _case_owner(user, case)


@scope("correspondence.letter", "view")
def _scope_letters(qs, user):
    from django.db.models import Q

    from assessments.models import Assessment
    from countries.models import Country

    if _manager(user) or _program_manager(user):
        return qs
    if not _any_role(user):
        return qs.none()
    allowed = Q(marking="")
    if Role.IPSLO in user.roles:
        countries = get_objects_for_user(
            user, "countries.change_country", Country, accept_global_perms=False, with_superuser=False
        )
        allowed |= Q(country__in=countries.values("pk"))
    cases = get_objects_for_user(user, _CASE_TEAM_PERM, Assessment, accept_global_perms=False, with_superuser=False)
    allowed |= Q(assessment__in=cases.values("pk"))
    return qs.filter(allowed)


@scope("correspondence.incomingcorrespondence", "view")
def _scope_incoming(qs, user):
    from django.db.models import Q

    from assessments.models import Assessment
    from countries.models import Country

    if _manager(user) or _program_manager(user):
        return qs
    if not _is_active(user):
        return qs.none()
    cases = get_objects_for_user(user, _CASE_TEAM_PERM, Assessment, accept_global_perms=False, with_superuser=False)
    allowed = Q(assessment__in=cases.values("pk"))
    if Role.IPSLO in user.roles:
        countries = get_objects_for_user(
            user, "countries.change_country", Country, accept_global_perms=False, with_superuser=False
        )
        allowed |= Q(country__in=countries.values("pk"))
    return qs.filter(allowed)


# --- advisories ------------------------------------------------------------------------------


@rule("advisories.view_portsecurityadvisory")
def _view_advisory(user, advisory) -> bool:
    """A published advisory is public; a draft revision only for PSA-1 and LANT-51."""
    if not _any_role(user):
        return False
    if advisory is None or not advisory.is_draft:
        return True
    return _manager(user) or _program_manager(user)


@rule("advisories.change_portsecurityadvisory")
def _change_advisory(user, advisory) -> bool:
    """Start a draft revision, edit it, discard it: PSA-1, and only while it is a draft."""
    return _program_manager(user) and (advisory is None or advisory.is_draft)


@rule("advisories.publish_portsecurityadvisory", "advisories.correct_portsecurityadvisory")
def _publish_advisory(user, advisory) -> bool:
    return _program_manager(user)


@rule("advisories.view_listingproposal", "advisories.view_escalations")
def _view_proposals(user, obj) -> bool:
    return _manager(user) or _program_manager(user)


@rule("advisories.decide_listingproposal", "advisories.add_escalationstep")
def _decide_proposal(user, obj) -> bool:
    return _program_manager(user)


@rule("advisories.view_separateconsiderationrequest")
def _view_request(user, request) -> bool:
    """PSA-1, LANT-51, and the IPSLO of the facility's country."""
    if _manager(user) or _program_manager(user):
        return True
    if request is None:
        return _is_active(user) and Role.IPSLO in user.roles
    return _country_ipslo(user, request.country)


@rule("advisories.add_separateconsiderationrequest")
def _add_request(user, country) -> bool:
    if _manager(user):
        return True
    if country is None:
        return _is_active(user) and Role.IPSLO in user.roles
    return _country_ipslo(user, country)


@rule("advisories.review_separateconsiderationrequest")
def _review_request(user, request) -> bool:
    return _manager(user)


@rule("advisories.decide_separateconsiderationrequest")
def _decide_request(user, request) -> bool:
    return _program_manager(user)


@scope("advisories.portsecurityadvisory", "view")
def _scope_advisories(qs, user):
    from advisories.choices import AdvisoryStatus

    if _manager(user) or _program_manager(user):
        return qs
    if _any_role(user):
        return qs.exclude(status=AdvisoryStatus.DRAFT)
    return qs.none()


@scope("advisories.separateconsiderationrequest", "view")
def _scope_requests(qs, user):
    from countries.models import Country

    if _manager(user) or _program_manager(user):
        return qs
    if _is_active(user) and Role.IPSLO in user.roles:
        countries = get_objects_for_user(
            user, "countries.change_country", Country, accept_global_perms=False, with_superuser=False
        )
        return qs.filter(country__in=countries.values("pk"))
    return qs.none()


# --- dashboards -----------------------------------------------------------------------------


@rule("ips.view_program_dashboard")
def _view_program_dashboard(user, obj) -> bool:
    """The program dashboard: LANT-51 runs the program from it, PSA-1 reads it."""
    return _manager(user) or _program_manager(user)


@rule("ips.export_country")
def _export_countries(user, obj) -> bool:
    """The country status export: whoever may read the country list (rows as on the page)."""
    return _any_role(user)


@rule("ips.export_finding")
def _export_findings(user, obj) -> bool:
    """The findings export: whoever may open the findings list (rows narrowed like the page)."""
    return _view_finding_list(user, obj)


# --- notifications ----------------------------------------------------------------------------


@rule("ips.view_notification", "ips.change_notification")
def _own_notification(user, notification) -> bool:
    """A person's own notifications: to read them and mark them read."""
    return _is_active(user) and (notification is None or notification.recipient_id == user.pk)


# --- api ------------------------------------------------------------------------------------


@rule("ips.manage_api_clients")
def _manage_api_clients(user, obj) -> bool:
    """Create REST client accounts, issue and revoke their tokens: LANT-51 or an administrator."""
    return _manager(user)


@rule("ips.use_api")
def _use_api(user, obj) -> bool:
    return _any_role(user)


# --- the questions ---------------------------------------------------------------------------


def can(user, action: str, obj: Model | None = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown actions are refused."""
    check = _RULES.get(action)
    if check is None:
        return False
    return bool(check(user, obj))


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """Narrow ``queryset`` to the rows on which ``user`` may do ``action``."""
    label = queryset.model._meta.label_lower
    narrow = _SCOPES.get((label, action))
    if narrow is None:
        return queryset.none()
    return narrow(queryset, user)


def require(user, action: str, obj: Model | None = None) -> None:
    """Raise PermissionDenied when ``user`` may not do ``action``.

    An object the user may not even see is a 404, so that its existence is not revealed.
    """
    if can(user, action, obj):
        return
    if obj is not None:
        view_action = _view_action_for(obj)
        if view_action and not can(user, view_action, obj):
            raise Http404
    raise PermissionDenied


def _view_action_for(obj: Model) -> str | None:
    meta = obj._meta
    action = f"{meta.app_label}.view_{meta.model_name}"
    return action if action in _RULES else None


def registered_actions() -> list[str]:
    return sorted(_RULES)
