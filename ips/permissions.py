"""May this user do this action on this object? Asked here, and only here.

Every HTML view, API endpoint, service and template asks :func:`can` (one object), :func:`refusal`
(why not), :func:`require` / :func:`enforce` (refuse with a reason) or :func:`restrict` (a
queryset). Actions are named like Django permissions, ``"<app>.<verb>_<model>"`` for object actions
and ``"<app>.<verb>"`` for actions on no object (``"countries.manage_portfolios"``).

Rights are derived at request time, never stored: role rights from group membership, object rights
from the user's *current* portfolio assignments (a country they cover today, as primary or
alternate IPSLO) and from the visit teams they sit on. Ending an assignment, a handover, removing a
team member, removing a role or deactivating a user therefore take effect on the next question.
Within one web request the user's portfolio and teams are read once (see :func:`request_scope`);
services that change them call :func:`forget`.

A refusal carries one :class:`Reason`, which the pages and the API both show.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ips.roles import STAFF_ROLES, Role


class Reason(models.TextChoices):
    """Why an action is refused: one stable code, shown by the page and by the API."""

    PERMISSION_DENIED = "permission_denied", "You may not do this."
    ROLE_REQUIRED = "role_required", "Your role does not allow this."
    NOT_ASSIGNED = "not_assigned", (
        "Only the country's IPSLO, the case's visit team, LANT-51 and PSA-1 may do this."
    )
    TEAM_LEADER_ONLY = "team_leader_only", (
        "Only the country's IPSLO, the visit team's leader or LANT-51 may do this."
    )
    RECORD_CLOSED = "record_closed", "The case is closed; its records no longer change."
    SEPARATION_OF_DUTIES = "separation_of_duties", (
        "Separation of duties: a determination is decided by a PSA-1 member who neither recommended it "
        "nor wrote the report it rests on."
    )
    READ_ONLY_CLIENT = "read_only_client", "API client accounts are read-only."


@dataclass(frozen=True)
class Denial:
    """A refused action: falsy, with its reason code and the sentence to show."""

    code: str
    message: str

    def __bool__(self) -> bool:
        return False


def deny(reason: Reason, message: str | None = None) -> Denial:
    return Denial(code=reason.value, message=message or reason.label)


class Refused(PermissionDenied):
    """A refusal with its reason; a 403 on the page and in the API, with the same code."""

    def __init__(self, denial: Denial):
        super().__init__(denial.message)
        self.code = denial.code
        self.message = denial.message


Rule = Callable[[Any, Any], "bool | Denial"]
Scope = Callable[[QuerySet, Any], QuerySet]

_RULES: dict[str, Rule] = {}
_SCOPES: dict[tuple[str, str], Scope] = {}


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


# --- what the user holds today ----------------------------------------------------------------

_request_cache: ContextVar[dict | None] = ContextVar("ips_permission_cache", default=None)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Read each user's portfolio and teams at most once inside the block (one web request)."""
    token = _request_cache.set({})
    try:
        yield
    finally:
        _request_cache.reset(token)


def forget() -> None:
    """Drop what the current request has read: a service has just changed someone's rights."""
    cache = _request_cache.get()
    if cache is not None:
        cache.clear()


def _memo(user, key: str, compute: Callable[[], Any]) -> Any:
    cache = _request_cache.get()
    if cache is None:
        return compute()
    slot = (user.pk, key)
    if slot not in cache:
        cache[slot] = compute()
    return cache[slot]


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _any_role(user) -> bool:
    return _is_active(user) and (user.is_superuser or bool(user.roles))


def _staff(user) -> bool:
    """PSA-1, LANT-51 or an IPSLO: program staff with a need to know case material."""
    return _is_active(user) and user.has_role(*STAFF_ROLES)


def _manager(user) -> bool:
    """LANT-51 or an administrator."""
    return _is_active(user) and user.has_role(Role.LANT51)


def _program_manager(user) -> bool:
    return _is_active(user) and user.has_role(Role.PSA1)


def _leadership(user) -> bool:
    return _manager(user) or _program_manager(user)


def _is_ipslo(user) -> bool:
    return _is_active(user) and Role.IPSLO in user.roles


def _current_assignments(user) -> QuerySet:
    from countries.models import PortfolioAssignment

    return PortfolioAssignment.objects.filter(ipslo=user, end_date__isnull=True)


def _team_memberships(user) -> QuerySet:
    from assessments.models import TeamMember

    return TeamMember.objects.filter(user=user)


def covered_country_ids(user) -> frozenset[int]:
    """The countries ``user`` covers today as an IPSLO (primary or alternate)."""
    if not _is_ipslo(user):
        return frozenset()
    return _memo(user, "countries", lambda: frozenset(_current_assignments(user).values_list("country_id", flat=True)))


def _teams(user) -> dict[int, bool]:
    """The cases whose visit team ``user`` sits on, each with whether they lead it."""
    if not _any_role(user):
        return {}

    def read() -> dict[int, bool]:
        teams: dict[int, bool] = {}
        for case_id, leader in _team_memberships(user).values_list("assessment_id", "is_leader"):
            teams[case_id] = teams.get(case_id, False) or leader
        return teams

    return _memo(user, "teams", read)


def _pk(obj) -> int | None:
    return obj if isinstance(obj, int) or obj is None else obj.pk


def _covers(user, country) -> bool:
    """``user`` is an IPSLO of ``country`` today (``country`` may be a pk)."""
    return country is not None and _pk(country) in covered_country_ids(user)


def _on_team(user, case) -> bool:
    return case is not None and _pk(case) in _teams(user)


def _leads_team(user, case) -> bool:
    return case is not None and _teams(user).get(_pk(case), False)


def _covered_countries_filter(user, field: str = "country") -> Q:
    """A filter for rows whose ``field`` is a country ``user`` covers today."""
    if not _is_ipslo(user):
        return Q(pk__in=[])
    return Q(**{f"{field}__in": _current_assignments(user).values("country_id")})


def _team_cases_filter(user, field: str = "pk") -> Q:
    """A filter for rows whose ``field`` is a case whose visit team ``user`` sits on."""
    if not _any_role(user):
        return Q(pk__in=[])
    return Q(**{f"{field}__in": _team_memberships(user).values("assessment_id")})


def _role_or(fallback: Reason, user, *roles: str) -> Denial:
    """The reason to give someone who may not: no such role at all, or not this record."""
    if not _is_active(user) or not user.has_role(*roles):
        return deny(Reason.ROLE_REQUIRED)
    return deny(fallback)


# --- countries -------------------------------------------------------------------------------


@rule("countries.view_country", "countries.view_port", "countries.view_portfacility")
def _view_reference(user, obj):
    return _any_role(user)


@rule("countries.change_country")
def _change_country(user, country):
    """The country's record, ports and facilities: LANT-51, or the IPSLO who covers it today."""
    if _manager(user) or _covers(user, country):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, Role.LANT51, Role.IPSLO)


@rule("countries.change_country_node")
def _change_country_node(user, country):
    return _manager(user) or deny(Reason.ROLE_REQUIRED)


@rule(
    "countries.add_port", "countries.change_port",
    "countries.add_portfacility", "countries.change_portfacility",
)
def _change_ports(user, obj):
    country = getattr(obj, "country", None) or getattr(getattr(obj, "port", None), "country", None) or obj
    return _change_country(user, country)


@rule("countries.view_portfolios")
def _view_portfolios(user, obj):
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("countries.manage_portfolios")
def _manage_portfolios(user, obj):
    return _manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("countries.view_own_portfolio")
def _view_own_portfolio(user, obj):
    """"My portfolio": IPSLOs."""
    return _is_ipslo(user) or deny(Reason.ROLE_REQUIRED)


@rule("countries.view_audit")
def _view_audit(user, obj):
    return _staff(user) or deny(Reason.ROLE_REQUIRED)


@scope("countries.country", "view")
def _scope_countries_view(qs, user):
    return qs if _any_role(user) else qs.none()


@scope("countries.country", "change")
def _scope_countries_change(qs, user):
    if _manager(user):
        return qs
    return qs.filter(_covered_countries_filter(user, "pk"))


# --- assessments -----------------------------------------------------------------------------


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


def _case_ipslo(user, case) -> bool:
    """An IPSLO who covers the case's country today acts as the case's IPSLO, whoever opened it."""
    return case is not None and _covers(user, case.country_id)


def _knows_case(user, case) -> bool:
    """Need to know: the case's team, its country's IPSLO, LANT-51 and PSA-1."""
    if _leadership(user):
        return True
    return _case_ipslo(user, case) or _on_team(user, case)


@rule("assessments.view_assessment", "assessments.view_report", "assessments.view_evidence",
      "assessments.view_finding")
def _view_case(user, obj):
    """Without an object: may open case material at all (program staff). With one: need to know."""
    if obj is None:
        return _staff(user) or deny(Reason.ROLE_REQUIRED)
    return _knows_case(user, _case_of(obj)) or _role_or(Reason.NOT_ASSIGNED, user, *STAFF_ROLES)


def _covers_or_any(user, country) -> bool:
    """``user`` covers ``country`` today; without a country, covers any."""
    return bool(covered_country_ids(user)) if country is None else _covers(user, country)


@rule("assessments.add_assessment")
def _open_case(user, country):
    if _manager(user) or _covers_or_any(user, country):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, Role.LANT51, Role.IPSLO)


@rule("assessments.change_assessment", "assessments.change_team", "assessments.change_plan")
def _plan_case(user, obj):
    case = _case_of(obj)
    if case is None:
        return deny(Reason.PERMISSION_DENIED)
    if not case.is_open:
        return deny(Reason.RECORD_CLOSED)
    if _manager(user) or _case_ipslo(user, case):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, Role.LANT51, Role.IPSLO)


@rule("assessments.record_assessment", "assessments.add_finding", "assessments.change_finding",
      "assessments.add_evidence", "assessments.change_checklistresponse")
def _record_visit(user, obj):
    case = _case_of(obj)
    if case is None:
        return deny(Reason.PERMISSION_DENIED)
    if not case.is_open:
        return deny(Reason.RECORD_CLOSED)
    if _manager(user) or _case_ipslo(user, case) or _on_team(user, case):
        return True
    return deny(Reason.NOT_ASSIGNED)


@rule("assessments.change_finding_status")
def _finding_status(user, finding):
    """A finding's status moves after the case closes too (mitigation, closure): LANT-51 and the
    country's IPSLO always, the team while the case is open."""
    case = _case_of(finding)
    if case is not None and (_manager(user) or _case_ipslo(user, case)):
        return True
    return _record_visit(user, finding)


@rule("assessments.change_report")
def _draft_report(user, obj):
    from assessments.choices import AssessmentState

    case = _case_of(obj)
    if case is None:
        return deny(Reason.PERMISSION_DENIED)
    if not case.is_open:
        return deny(Reason.RECORD_CLOSED)
    if case.state not in {AssessmentState.ON_SITE, AssessmentState.REPORT_DRAFTING}:
        return deny(Reason.PERMISSION_DENIED, "The report is drafted while the team is on site or drafting.")
    if _manager(user) or _case_ipslo(user, case) or _leads_team(user, case):
        return True
    return deny(Reason.TEAM_LEADER_ONLY)


@rule("assessments.recommend_determination")
def _recommend(user, obj):
    return _manager(user) or deny(Reason.ROLE_REQUIRED, "Only LANT-51 recommends determinations.")


def _authored_report(user, case) -> bool:
    return case is not None and case.reports.filter(author=user).exists()


@rule("assessments.decide_determination")
def _decide(user, determination):
    """PSA-1, but never the recommender nor the author of the report the determination rests on."""
    if not _program_manager(user):
        return deny(Reason.ROLE_REQUIRED, "Only PSA-1 decides determinations.")
    if determination is None:
        return True
    if determination.recommended_by_id == user.pk:
        return deny(
            Reason.SEPARATION_OF_DUTIES,
            "You recommended this determination; another PSA-1 member must decide it (separation of duties).",
        )
    if _authored_report(user, determination.assessment):
        return deny(
            Reason.SEPARATION_OF_DUTIES,
            "You wrote the report this determination rests on; another PSA-1 member must decide it "
            "(separation of duties).",
        )
    return True


def _knows_determination(user, determination) -> bool:
    """Need to know: LANT-51, PSA-1, the country's IPSLO and the team of the case it rests on."""
    if _leadership(user):
        return True
    return _covers(user, determination.country_id) or _on_team(user, determination.assessment_id)


@rule("assessments.view_determination")
def _view_determination(user, determination):
    """Before approval, need to know; once approved, its outcome, basis and dates to all program staff."""
    from assessments.choices import DeterminationState

    if not _staff(user):
        return deny(Reason.ROLE_REQUIRED)
    if determination is None or determination.state == DeterminationState.APPROVED:
        return True
    return _knows_determination(user, determination) or deny(Reason.NOT_ASSIGNED)


@rule("assessments.view_determination_rationale")
def _view_determination_rationale(user, determination):
    """The rationale and PSA-1's comments quote the FOUO report: need to know, whatever the state."""
    if not _staff(user):
        return deny(Reason.ROLE_REQUIRED)
    if determination is not None and _knows_determination(user, determination):
        return True
    return _leadership(user) or deny(Reason.NOT_ASSIGNED)


@rule("assessments.view_crediblereport")
def _view_credible_report(user, report):
    """PSA-1, LANT-51 and the country's IPSLO (without an object: whoever may see some)."""
    if _leadership(user):
        return True
    if report is None:
        return _is_ipslo(user) or deny(Reason.ROLE_REQUIRED)
    return _covers(user, report.country_id) or _role_or(Reason.NOT_ASSIGNED, user, Role.IPSLO)


@rule("assessments.add_crediblereport")
def _record_credible_report(user, obj):
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("assessments.view_engagement")
def _view_engagement(user, obj):
    return _staff(user) or deny(Reason.ROLE_REQUIRED)


@rule("assessments.add_engagement", "assessments.change_engagement")
def _record_engagement(user, obj):
    country = getattr(obj, "country", obj)
    if _manager(user) or _covers_or_any(user, country):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, Role.LANT51, Role.IPSLO)


@rule("assessments.manage_checklists")
def _manage_checklists(user, obj):
    return _manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("assessments.view_queue_review")
def _review_queue(user, obj):
    return _manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("assessments.view_queue_decision")
def _decision_queue(user, obj):
    return _program_manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("assessments.view_plan")
def _view_plan(user, obj):
    """The annual visit plan: LANT-51 plans it, PSA-1 reads it."""
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("assessments.plan_visits")
def _plan_visits(user, obj):
    return _manager(user) or deny(Reason.ROLE_REQUIRED)


def _may_make(move, user, case):
    """A move of the case workflow: the table names the roles; an IPSLO must cover the case's country."""
    from assessments.workflow import TEAM_LEADER

    if not _is_active(user) or case is None:
        return deny(Reason.PERMISSION_DENIED)
    if Role.PSA1 in move.actors and _program_manager(user):
        return True
    if Role.LANT51 in move.actors and _manager(user):
        return True
    if Role.IPSLO in move.actors and _case_ipslo(user, case):
        return True
    if TEAM_LEADER in move.actors and _leads_team(user, case):
        return True
    roles = [actor for actor in move.actors if actor in Role.values]
    if TEAM_LEADER in move.actors:
        return _role_or(Reason.TEAM_LEADER_ONLY, user, *STAFF_ROLES)
    return _role_or(Reason.NOT_ASSIGNED, user, *roles)


def _register_moves() -> None:
    from functools import partial

    from assessments.workflow import MOVES

    for move in MOVES.values():
        _RULES[f"assessments.move_{move.name}"] = partial(_may_make, move)


_register_moves()


@scope("assessments.assessment", "view")
def _scope_cases(qs, user):
    if _leadership(user):
        return qs
    if not _staff(user):
        return qs.none()
    return qs.filter(_covered_countries_filter(user) | _team_cases_filter(user))


@scope("assessments.finding", "view")
def _scope_findings(qs, user):
    """Findings follow their case: everyone who may see the case sees its findings."""
    if _leadership(user):
        return qs
    if not _staff(user):
        return qs.none()
    return qs.filter(_covered_countries_filter(user, "assessment__country") | _team_cases_filter(user, "assessment"))


@rule("assessments.view_finding_list")
def _view_finding_list(user, obj):
    """The list of findings across cases (each row then narrowed by :func:`_scope_findings`)."""
    return _staff(user) or deny(Reason.ROLE_REQUIRED)


@scope("assessments.determination", "view")
def _scope_determinations(qs, user):
    from assessments.choices import DeterminationState

    if _leadership(user):
        return qs
    if not _staff(user):
        return qs.none()
    return qs.filter(
        Q(state=DeterminationState.APPROVED) | _covered_countries_filter(user) | _team_cases_filter(user, "assessment")
    )


@scope("assessments.crediblereport", "view")
def _scope_credible_reports(qs, user):
    if _leadership(user):
        return qs
    return qs.filter(_covered_countries_filter(user))


@scope("assessments.engagement", "view")
def _scope_engagements(qs, user):
    return qs if _staff(user) else qs.none()


# --- correspondence --------------------------------------------------------------------------


def _knows_correspondence(user, obj) -> bool:
    """PSA-1, LANT-51, the country's IPSLO and the team of the case the letter or item comes from."""
    if _leadership(user):
        return True
    return _covers(user, obj.country_id) or _on_team(user, obj.assessment_id)


@rule("correspondence.view_letter")
def _view_letter(user, letter):
    """A FOUO letter only with a need to know; any other letter to every role."""
    if not _any_role(user):
        return deny(Reason.ROLE_REQUIRED)
    if letter is None or not letter.is_fouo:
        return True
    return _knows_correspondence(user, letter) or deny(Reason.NOT_ASSIGNED)


@rule("correspondence.view_correspondence")
def _view_correspondence(user, country):
    return _any_role(user) or deny(Reason.ROLE_REQUIRED)


@rule("correspondence.view_incomingcorrespondence")
def _view_incoming(user, item):
    if not _staff(user):
        return deny(Reason.ROLE_REQUIRED)
    if item is None:
        return True
    return _knows_correspondence(user, item) or deny(Reason.NOT_ASSIGNED)


@rule("correspondence.add_letter", "correspondence.add_incomingcorrespondence")
def _write_correspondence(user, country):
    if _manager(user) or _covers(user, country):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, Role.LANT51, Role.IPSLO)


@rule("correspondence.change_letter", "correspondence.correct_letter")
def _change_letter(user, letter):
    """The wording (while a draft), re-rendering and corrections: PSA-1, LANT-51, the country's IPSLO."""
    if _leadership(user) or (letter is not None and _covers(user, letter.country_id)):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, *STAFF_ROLES)


@rule("correspondence.retry_stalled_letter")
def _retry_stalled_letter(user, letter):
    """Send a stalled PDF job again (lost with a worker or the broker): PSA-1 and LANT-51, who see every
    stalled letter on the program dashboard. A failed job is retried by whoever may change the letter."""
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("correspondence.approve_letter")
def _approve_letter(user, letter):
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("correspondence.send_letter", "correspondence.acknowledge_letter")
def _send_letter(user, letter):
    if _manager(user) or (letter is not None and _covers(user, letter.country_id)):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, Role.LANT51, Role.IPSLO)


@rule("correspondence.request_visit_letter")
def _request_visit_letter(user, case):
    """The case's IPSLO and LANT-51."""
    if _manager(user) or _case_ipslo(user, case):
        return True
    return _role_or(Reason.NOT_ASSIGNED, user, Role.LANT51, Role.IPSLO)


@scope("correspondence.letter", "view")
def _scope_letters(qs, user):
    if _leadership(user):
        return qs
    if not _any_role(user):
        return qs.none()
    return qs.filter(Q(marking="") | _covered_countries_filter(user) | _team_cases_filter(user, "assessment"))


@scope("correspondence.incomingcorrespondence", "view")
def _scope_incoming(qs, user):
    if _leadership(user):
        return qs
    if not _staff(user):
        return qs.none()
    return qs.filter(_covered_countries_filter(user) | _team_cases_filter(user, "assessment"))


# --- advisories ------------------------------------------------------------------------------


@rule("advisories.view_portsecurityadvisory")
def _view_advisory(user, advisory):
    """A published advisory is public; a draft revision only for PSA-1 and LANT-51."""
    if not _any_role(user):
        return deny(Reason.ROLE_REQUIRED)
    if advisory is None or not advisory.is_draft:
        return True
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("advisories.change_portsecurityadvisory")
def _change_advisory(user, advisory):
    """Start a draft revision, edit it, discard it: PSA-1, and only while it is a draft."""
    if not _program_manager(user):
        return deny(Reason.ROLE_REQUIRED)
    return advisory is None or advisory.is_draft or deny(Reason.PERMISSION_DENIED, "Only a draft revision changes.")


@rule("advisories.publish_portsecurityadvisory", "advisories.correct_portsecurityadvisory")
def _publish_advisory(user, advisory):
    return _program_manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("advisories.view_listingproposal", "advisories.view_escalations")
def _view_proposals(user, obj):
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("advisories.decide_listingproposal", "advisories.add_escalationstep")
def _decide_proposal(user, obj):
    return _program_manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("advisories.view_separateconsiderationrequest")
def _view_request(user, request):
    """PSA-1, LANT-51, and the IPSLO of the facility's country."""
    if _leadership(user):
        return True
    if request is None:
        return _is_ipslo(user) or deny(Reason.ROLE_REQUIRED)
    return _covers(user, request.country_id) or _role_or(Reason.NOT_ASSIGNED, user, Role.IPSLO)


@rule("advisories.add_separateconsiderationrequest")
def _add_request(user, country):
    if _manager(user):
        return True
    if country is None:
        return _is_ipslo(user) or deny(Reason.ROLE_REQUIRED)
    return _covers(user, country) or _role_or(Reason.NOT_ASSIGNED, user, Role.IPSLO)


@rule("advisories.review_separateconsiderationrequest")
def _review_request(user, request):
    return _manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("advisories.decide_separateconsiderationrequest")
def _decide_request(user, request):
    return _program_manager(user) or deny(Reason.ROLE_REQUIRED)


@scope("advisories.portsecurityadvisory", "view")
def _scope_advisories(qs, user):
    from advisories.choices import AdvisoryStatus

    if _leadership(user):
        return qs
    if _any_role(user):
        return qs.exclude(status=AdvisoryStatus.DRAFT)
    return qs.none()


@scope("advisories.separateconsiderationrequest", "view")
def _scope_requests(qs, user):
    if _leadership(user):
        return qs
    return qs.filter(_covered_countries_filter(user))


# --- dashboards, homes and the calendar ------------------------------------------------------


@rule("ips.view_program_dashboard")
def _view_program_dashboard(user, obj):
    """The program dashboard: LANT-51 runs the program from it, PSA-1 reads it."""
    return _leadership(user) or deny(Reason.ROLE_REQUIRED)


@rule("ips.view_calendar")
def _view_calendar(user, obj):
    """The private calendar feed of one's deadlines: program staff."""
    return _staff(user) or deny(Reason.ROLE_REQUIRED)


@rule("ips.export_country")
def _export_countries(user, obj):
    """The country status export: whoever may read the country list (rows as on the page)."""
    return _any_role(user) or deny(Reason.ROLE_REQUIRED)


@rule("ips.export_finding")
def _export_findings(user, obj):
    """The findings export: whoever may open the findings list (rows narrowed like the page)."""
    return _view_finding_list(user, obj)


@rule("ips.view_psa1_home")
def _view_psa1_home(user, obj):
    return _program_manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("ips.view_ipslo_home")
def _view_ipslo_home(user, obj):
    return _is_ipslo(user) or deny(Reason.ROLE_REQUIRED)


def home_page(user) -> str:
    """Which home page ``user`` gets: ``"psa1"``, ``"program"`` (LANT-51), ``"ipslo"`` or ``"shortcuts"``."""
    return {Role.PSA1: "psa1", Role.LANT51: "program", Role.IPSLO: "ipslo"}.get(
        user.primary_role if _is_active(user) else None, "shortcuts"
    )


# --- notifications ----------------------------------------------------------------------------


@rule("ips.view_notification", "ips.change_notification")
def _own_notification(user, notification):
    """A person's own notifications: to read them and mark them read."""
    if not _is_active(user):
        return deny(Reason.ROLE_REQUIRED)
    return notification is None or notification.recipient_id == user.pk or deny(Reason.PERMISSION_DENIED)


@rule("ips.view_notification_list")
def _notification_list(user, obj):
    return _any_role(user) or deny(Reason.ROLE_REQUIRED)


# --- api ------------------------------------------------------------------------------------


@rule("ips.manage_api_clients")
def _manage_api_clients(user, obj):
    """Create REST client accounts, issue and revoke their tokens: LANT-51 or an administrator."""
    return _manager(user) or deny(Reason.ROLE_REQUIRED)


@rule("ips.use_api")
def _use_api(user, obj):
    return _any_role(user) or deny(Reason.ROLE_REQUIRED)


# --- the questions ---------------------------------------------------------------------------


def refusal(user, action: str, obj: Model | None = None) -> Denial | None:
    """Why ``user`` may not do ``action`` (on ``obj``), or None when they may. Unknown actions are refused."""
    check = _RULES.get(action)
    if check is None:
        return deny(Reason.PERMISSION_DENIED)
    answer = check(user, obj)
    if isinstance(answer, Denial):
        return answer
    return None if answer else deny(Reason.PERMISSION_DENIED)


def can(user, action: str, obj: Model | None = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)?"""
    return refusal(user, action, obj) is None


def enforce(user, action: str, obj: Model | None = None) -> None:
    """Raise :class:`Refused` with the reason when ``user`` may not do ``action`` (services ask this)."""
    denial = refusal(user, action, obj)
    if denial is not None:
        raise Refused(denial)


def require(user, action: str, obj: Model | None = None) -> None:
    """Like :func:`enforce`, but an object the user may not even see is a 404, so its existence is not revealed."""
    denial = refusal(user, action, obj)
    if denial is None:
        return
    if obj is not None:
        view_action = view_action_for(obj)
        if view_action and view_action != action and not can(user, view_action, obj):
            raise Http404
        if view_action == action:
            raise Http404
    raise Refused(denial)


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """Narrow ``queryset`` to the rows on which ``user`` may do ``action``."""
    label = queryset.model._meta.label_lower
    narrow = _SCOPES.get((label, action))
    if narrow is None:
        return queryset.none()
    return narrow(queryset, user)


def view_action_for(obj: Model) -> str | None:
    """The registered action that reads ``obj`` (``"<app>.view_<model>"``), if there is one."""
    meta = obj._meta
    action = f"{meta.app_label}.view_{meta.model_name}"
    return action if action in _RULES else None


def registered_actions() -> list[str]:
    return sorted(_RULES)
