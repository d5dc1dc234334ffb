"""What every case workspace page shares: loading the case the user may see, and its header."""

from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404

from assessments.choices import AssessmentState, DeterminationState
from assessments.models import Assessment
from assessments.workflow import NEXT_STEPS, Move, moves_from
from ips import permissions

# The workspace tabs: URL name in the "assessments" namespace (each takes the case pk) and label.
CASE_TABS = (
    ("detail", "Plan"),
    ("team", "Team and itinerary"),
    ("facilities", "Facilities"),
    ("checklist", "Checklist"),
    ("findings", "Findings"),
    ("report", "Report"),
    ("history", "History"),
)

RECOMMENDABLE_STATES = frozenset({AssessmentState.UNDER_REVIEW, AssessmentState.ACCESS_DENIED})


def case_for(request, pk: int, action: str = "assessments.view_assessment") -> Assessment:
    """The case ``pk`` if the user may see it (else 404) and may do ``action`` on it (else 403).

    Someone whose role never sees case material is refused outright (403, as by the API).
    """
    permissions.require(request.user, "assessments.view_assessment")
    case = get_object_or_404(
        Assessment.objects.restrict(request.user, "view").select_related(
            "country", "country__node", "ipslo", "checklist_template"
        ),
        pk=pk,
    )
    permissions.require(request.user, action, case)
    return case


@dataclass
class AvailableMove:
    """A workflow step the user may take on the case, and what is still missing for it."""

    move: Move
    problems: list[str] = field(default_factory=list)


def available_moves(user, case: Assessment) -> list[AvailableMove]:
    """The bare steps (not those made by recommending or deciding) the user may take from the case's state."""
    prefetch_related_objects([case], "team", "visit_facilities")
    return [
        AvailableMove(move=move, problems=move.guard(case))
        for move in moves_from(case.state)
        if not move.via_determination and permissions.can(user, f"assessments.move_{move.name}", case)
    ]


def _pending_determination(user, case: Assessment):
    if case.state != AssessmentState.AWAITING_DETERMINATION:
        return None
    if not permissions.can(user, "assessments.view_determination"):
        return None
    return case.determinations.filter(state=DeterminationState.RECOMMENDED).first()


def case_context(request, case: Assessment, tab: str, **extra) -> dict:
    """The context of the workspace header and tabs. Every workspace page shows FOUO material."""
    user = request.user
    return {
        "case": case,
        "tab": tab,
        "next_step": NEXT_STEPS[case.state],
        "fouo": True,
        "case_tabs": CASE_TABS,
        "available_moves": available_moves(user, case),
        "can_recommend": case.state in RECOMMENDABLE_STATES
        and permissions.can(user, "assessments.recommend_determination", case),
        "pending_determination": _pending_determination(user, case),
        "can_plan_case": permissions.can(user, "assessments.change_plan", case),
        **extra,
    }
