"""Reads of the correspondence app: each page's rows in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from assessments.choices import DeterminationState
from assessments.models import Determination
from correspondence import constants, wording
from correspondence.choices import JobState
from correspondence.models import IncomingCorrespondence, Letter, stalled_cutoff
from ips import permissions


def letters_visible(*, user) -> QuerySet[Letter]:
    return Letter.objects.restrict(user, "view").select_related("country", "replaces")


def stalled_condition(*, now=None) -> Q:
    """Letters whose PDF job has been queued, or rendering, for longer than ``IPS_LETTER_STALLED_MINUTES``
    (the rule of ``Letter.is_stalled``)."""
    cutoff = stalled_cutoff(now)
    return Q(job_state=JobState.QUEUED, job_queued_at__lt=cutoff) | Q(job_state=JobState.RENDERING,
                                                                       job_started_at__lt=cutoff)


def letter_for_page(*, pk: int) -> Letter | None:
    return (
        Letter.objects.select_related(
            "country", "country__node", "assessment", "determination", "created_by", "approved_by", "sent_by",
            "acknowledged_by", "replaces",
        )
        .filter(pk=pk).first()
    )


def letter_correction(*, letter: Letter) -> Letter | None:
    return Letter.objects.filter(replaces=letter).only("pk", "reference", "status").first()


@dataclass(frozen=True)
class HistoryEntry:
    """One row of a country's correspondence history: a letter sent or an item received."""

    day: object
    direction: str  # "out" or "in"
    letter: Letter | None = None
    incoming: IncomingCorrespondence | None = None


def country_history(*, country, user) -> list[HistoryEntry]:
    """The country's correspondence, outgoing and incoming, newest first (two queries, whatever the size)."""
    letters = list(
        letters_visible(user=user).filter(country=country).select_related(None).select_related("replaces")
        .order_by("-letter_date", "-id")[: constants.COUNTRY_HISTORY_LIMIT]
    )
    entries = [HistoryEntry(day=letter.sent_on or letter.letter_date, direction="out", letter=letter)
               for letter in letters]
    if permissions.can(user, "correspondence.view_incomingcorrespondence"):
        incoming = (
            IncomingCorrespondence.objects.restrict(user, "view").filter(country=country)
            .select_related("answers").order_by("-received_on", "-id")[: constants.COUNTRY_HISTORY_LIMIT]
        )
        entries.extend(HistoryEntry(day=item.received_on, direction="in", incoming=item) for item in incoming)
    entries.sort(key=lambda entry: (entry.day, entry.direction == "in"), reverse=True)
    return entries


def determinations_without_letter(*, country) -> list[Determination]:
    """Approved determinations of the country whose letter was never made (e.g. the job could not be queued)."""
    approved = list(
        Determination.objects.filter(country=country, state=DeterminationState.APPROVED).order_by("-decided_at")
    )
    have = set(
        Letter.objects.filter(determination__in=approved, replaces__isnull=True).values_list("determination_id",
                                                                                             "kind")
    )
    return [d for d in approved if (d.pk, wording.kind_for_outcome(d.outcome)) not in have]
