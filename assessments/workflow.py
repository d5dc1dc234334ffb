"""The case lifecycle: one transition table.

Each move names the states it leaves from, the state it leads to, the roles that may make it (the
permission module turns these into rules that also ask for the case's object permission), whether a
comment is required, and the conditions that must hold first. ``assessments.services`` carries moves
out; nothing else assigns ``Assessment.state``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assessments.choices import AssessmentState as S
from assessments.choices import VisitFacilityStatus
from ips.roles import Role

TEAM_LEADER = "team_leader"


def _needs_proposed_dates(case) -> list[str]:
    return [] if case.proposed_start and case.proposed_end else ["Enter the proposed visit dates."]


def _notify_ready(case) -> list[str]:
    problems = _needs_proposed_dates(case)
    if not case.informal_notice_on:
        problems.append("Record the date the informal notice was given.")
    if not case.visit_request_sent_on:
        problems.append("Record the date the visit request letter was sent.")
    return problems


def _confirm_ready(case) -> list[str]:
    return [] if case.host_confirmed_on else ["Record the date the host agreed to the visit."]


def _dates_confirmed(case) -> list[str]:
    return [] if case.visit_start and case.visit_end else ["Confirm the visit dates with the host."]


def _prepare_ready(case) -> list[str]:
    problems = _dates_confirmed(case)
    if not any(m.is_leader for m in case.team.all()):
        problems.append("Name the team leader.")
    return problems


def _on_site_ready(case) -> list[str]:
    problems = _prepare_ready(case)
    agreed = {VisitFacilityStatus.APPROVED, VisitFacilityStatus.VISITED}
    if not any(vf.status in agreed for vf in case.visit_facilities.all()) and not case.no_facility_reason.strip():
        problems.append("Approve at least one port facility with the host, or record why none will be visited.")
    return problems


def _report_ready(case) -> list[str]:
    problems = []
    visited = any(vf.status == VisitFacilityStatus.VISITED for vf in case.visit_facilities.all())
    if not visited and not case.no_facility_reason.strip():
        problems.append("Mark at least one facility as visited, or record why none was.")
    report = case.reports.order_by("-number").first()
    if report is None:
        problems.append("Write the report.")
    elif report.missing_sections:
        problems.append("Complete the report sections: " + ", ".join(report.missing_sections) + ".")
    return problems


def _has_recommendation(case) -> list[str]:
    from assessments.choices import DeterminationState

    live = case.determinations.filter(state=DeterminationState.RECOMMENDED).exists()
    return [] if live else ["LANT-51 must first record a recommendation."]


def _nothing(case) -> list[str]:
    return []


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: back to the state the case came from
    actors: frozenset[str]
    guard: Callable = _nothing
    comment_required: bool = False
    via_determination: bool = False  # made by recommending or deciding, not as a bare step
    style: str = ""  # button style: "", "secondary", "outline"
    help: str = ""


PRE_VISIT = frozenset({S.PLANNED, S.NOTIFIED, S.CONFIRMED, S.PREPARING})
MANAGERS = frozenset({Role.LANT51})
OWNERS = frozenset({Role.IPSLO, Role.LANT51})

MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move("notify", "Record notice and visit request", frozenset({S.PLANNED}), S.NOTIFIED, OWNERS,
             _notify_ready, help="Informal notice given and visit request letter sent 60 to 90 days ahead."),
        Move("confirm", "Record host confirmation", frozenset({S.NOTIFIED}), S.CONFIRMED, OWNERS, _confirm_ready),
        Move("prepare", "Start preparations", frozenset({S.CONFIRMED}), S.PREPARING, OWNERS, _prepare_ready,
             help="Information exchange and the facility list."),
        Move("start_visit", "Start the on-site visit", frozenset({S.PREPARING}), S.ON_SITE, OWNERS,
             _on_site_ready),
        Move("finish_visit", "Finish the visit", frozenset({S.ON_SITE}), S.REPORT_DRAFTING,
             OWNERS | {TEAM_LEADER}),
        Move("submit_report", "Submit the report for review", frozenset({S.REPORT_DRAFTING}), S.UNDER_REVIEW,
             OWNERS | {TEAM_LEADER}, _report_ready),
        Move("return_report", "Return the report", frozenset({S.UNDER_REVIEW}), S.REPORT_DRAFTING, MANAGERS,
             comment_required=True, style="secondary"),
        Move("recommend", "Recommend a determination", frozenset({S.UNDER_REVIEW, S.ACCESS_DENIED}),
             S.AWAITING_DETERMINATION, MANAGERS, _has_recommendation, via_determination=True),
        Move("return_recommendation", "Return the recommendation", frozenset({S.AWAITING_DETERMINATION}), None,
             frozenset({Role.PSA1}), comment_required=True, via_determination=True),
        Move("approve", "Approve the determination", frozenset({S.AWAITING_DETERMINATION}), S.CLOSED,
             frozenset({Role.PSA1}), via_determination=True),
        Move("postpone", "Postpone", PRE_VISIT, S.POSTPONED, OWNERS, comment_required=True, style="outline"),
        Move("resume", "Resume planning", frozenset({S.POSTPONED}), S.PLANNED, OWNERS),
        Move("cancel", "Cancel the visit", PRE_VISIT | {S.POSTPONED}, S.CANCELLED, MANAGERS,
             comment_required=True, style="outline"),
        Move("deny_access", "Record denial of access", PRE_VISIT - {S.PLANNED} | {S.ON_SITE}, S.ACCESS_DENIED,
             OWNERS, comment_required=True, style="outline",
             help="The host denied access; a determination with basis (d) follows."),
    )
}


@dataclass(frozen=True)
class NextStep:
    text: str
    actor: str


NEXT_STEPS: dict[str, NextStep] = {
    S.PLANNED: NextStep("Give the host informal notice and send the visit request letter.", "IPSLO"),
    S.NOTIFIED: NextStep("Wait for and record the host's agreement to the visit.", "IPSLO"),
    S.CONFIRMED: NextStep("Confirm the dates, name the team and its leader, and start preparations.", "IPSLO"),
    S.PREPARING: NextStep(
        "Exchange information, agree the facility list with the host, then go on site.", "IPSLO"
    ),
    S.ON_SITE: NextStep("Record checklist answers and findings; share findings with the host daily.", "Visit team"),
    S.REPORT_DRAFTING: NextStep("Draft the report and submit it for review.", "Team leader"),
    S.UNDER_REVIEW: NextStep("Review the report, then recommend a determination or return it.", "LANT-51"),
    S.AWAITING_DETERMINATION: NextStep("Approve or return the recommended determination.", "PSA-1"),
    S.ACCESS_DENIED: NextStep("Recommend a determination with basis (d).", "LANT-51"),
    S.POSTPONED: NextStep("Resume planning when new dates are known, or cancel.", "IPSLO or LANT-51"),
    S.CLOSED: NextStep("Nothing: the case is closed.", "—"),
    S.CANCELLED: NextStep("Nothing: the case was cancelled.", "—"),
}


@dataclass
class Availability:
    move: Move
    allowed: bool
    problems: list[str] = field(default_factory=list)


def moves_from(state: str) -> list[Move]:
    return [move for move in MOVES.values() if state in move.sources]
