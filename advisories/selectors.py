"""Reads of the advisories app.

The public selectors (``public_*``) name every field they read: nothing else of the advisory, and
nothing of the determinations, findings, reports, escalation steps or requests behind it, can
reach a public page, the JSON document or the feed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from advisories import constants
from advisories.choices import PUBLISHED_STATUSES, AdvisoryStatus, ProposalState, ReleaseKind, RequestState, Section
from advisories.models import (
    AdvisoryExemption,
    AdvisoryListing,
    EscalationStep,
    ListingProposal,
    PortSecurityAdvisory,
    ReleaseRecord,
    SeparateConsiderationRequest,
)
from advisories.models.advisory import format_number
from assessments.choices import DeterminationState, Outcome
from assessments.models import Determination, ReportVersion
from countries.choices import ComplianceStatus
from countries.models import Country

# --- for the REST API and other apps ------------------------------------------------------------


def country_advisory_status() -> dict[int, tuple[str, bool]]:
    """``{country_id: ("PSA 1-24", conditions_of_entry)}`` for every country listed in the advisory in force.

    One query. Countries not listed are absent.
    """
    rows = AdvisoryListing.objects.filter(advisory__status=AdvisoryStatus.IN_FORCE).values_list(
        "country_id", "advisory__sequence", "advisory__year", "conditions_of_entry"
    )
    return {
        country_id: (f"{constants.NUMBER_PREFIX} {format_number(sequence, year)}", conditions)
        for country_id, sequence, year, conditions in rows
    }


def advisory_in_force() -> PortSecurityAdvisory | None:
    return PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE).first()


def latest_approved_determination(*, country_id: int) -> Determination | None:
    """The country's latest approved determination, in the order the country's status uses."""
    return (
        Determination.objects.filter(country_id=country_id, state=DeterminationState.APPROVED)
        .order_by("-effective_date", "-decided_at", "-id")
        .first()
    )


# --- staff pages ---------------------------------------------------------------------------------


def advisories_for_list(*, user):
    return (
        PortSecurityAdvisory.objects.restrict(user, "view")
        .select_related("published_by", "created_by", "supersedes")
        .annotate(country_count=Count("listings", distinct=True), release_count=Count("releases", distinct=True))
        .order_by(
            # drafts first, then newest publication first
            "-status", "-published_at", "-id",
        )
    )


def advisory_for_page(*, pk: int, user) -> PortSecurityAdvisory | None:
    return (
        PortSecurityAdvisory.objects.restrict(user, "view")
        .select_related("published_by", "created_by", "supersedes")
        .prefetch_related(
            Prefetch("listings", queryset=AdvisoryListing.objects.select_related("country", "determination")),
            Prefetch("exemptions", queryset=AdvisoryExemption.objects.select_related("country", "facility",
                                                                                     "request")),
            Prefetch("releases", queryset=ReleaseRecord.objects.select_related("released_by")),
            Prefetch("proposals", queryset=ListingProposal.objects.select_related("country")),
        )
        .filter(pk=pk)
        .first()
    )


def draft_revision() -> PortSecurityAdvisory | None:
    return PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.DRAFT).order_by("pk").first()


def proposals_waiting() -> dict[str, list[ListingProposal]]:
    """The queue: open proposals, and accepted ones not yet in a published revision."""
    base = ListingProposal.objects.select_related("country", "determination", "decided_by", "advisory")
    open_ = list(base.filter(state=ProposalState.OPEN).order_by("raised_at", "pk"))
    accepted = list(
        base.filter(state=ProposalState.ACCEPTED)
        .filter(Q(advisory__isnull=True) | Q(advisory__status=AdvisoryStatus.DRAFT))
        .order_by("decided_at", "pk")
    )
    recent = list(
        base.filter(state=ProposalState.DISMISSED).order_by("-decided_at", "-pk")[:20]
    )
    return {"open": open_, "accepted": accepted, "dismissed": recent}


def accepted_requests_waiting() -> list[SeparateConsiderationRequest]:
    """Accepted requests whose facility is not yet excepted in the advisory in force."""
    in_force = AdvisoryExemption.objects.filter(advisory__status=AdvisoryStatus.IN_FORCE, request=OuterRef("pk"))
    return list(
        SeparateConsiderationRequest.objects.filter(state=RequestState.ACCEPTED)
        .annotate(in_force=Exists(in_force))
        .filter(in_force=False)
        .select_related("facility", "country")
    )


def _with_report_at(qs):
    latest_report = ReportVersion.objects.filter(assessment_id=OuterRef("assessment_id")).order_by("-number")
    return qs.annotate(report_at=Subquery(latest_report.values("created_at")[:1]))


def escalation_due(*, determination: Determination, on: dt.date) -> dt.date | None:
    """The day the mitigation period ended, if escalation of ``determination`` is due on ``on``; else None.

    Due when the determination is approved, not substantially implementing, still the country's
    latest approved determination (no better one since), its 90-day mitigation period has ended,
    and no escalation step has been recorded for it.
    """
    from assessments.scheduling import mitigation_end

    if determination.state != DeterminationState.APPROVED or determination.outcome != Outcome.NOT_SUBSTANTIALLY:
        return None
    latest = latest_approved_determination(country_id=determination.country_id)
    if latest is None or latest.pk != determination.pk:
        return None
    if EscalationStep.objects.filter(determination=determination).exists():
        return None
    ends = mitigation_end(determination)
    return ends if ends <= on else None


@dataclass
class EscalationRow:
    country: Country
    determination: Determination
    mitigation_ends: dt.date
    due: bool
    listed: bool
    steps: list[EscalationStep] = field(default_factory=list)


def escalation_board(*, on: dt.date) -> list[EscalationRow]:
    """Every country whose latest approved determination is "not substantially implementing": when its
    mitigation period ends (or ended), whether escalation is due, and the steps recorded."""
    from assessments.scheduling import mitigation_end

    latest = Determination.objects.filter(country=OuterRef("pk"), state=DeterminationState.APPROVED).order_by(
        "-effective_date", "-decided_at", "-id"
    )
    ids = list(
        Country.objects.filter(compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY)
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .values_list("latest_id", flat=True)
    )
    determinations = _with_report_at(
        Determination.objects.filter(pk__in=[pk for pk in ids if pk], outcome=Outcome.NOT_SUBSTANTIALLY)
    ).select_related("country").prefetch_related(
        Prefetch("escalation_steps", queryset=EscalationStep.objects.select_related("recorded_by"))
    )
    listed = set(country_advisory_status())
    rows = []
    for determination in determinations:
        ends = mitigation_end(determination)
        steps = list(determination.escalation_steps.all())
        rows.append(EscalationRow(
            country=determination.country, determination=determination, mitigation_ends=ends,
            due=ends <= on and not steps, listed=determination.country_id in listed, steps=steps,
        ))
    rows.sort(key=lambda row: (not row.due, row.mitigation_ends, row.country.name))
    return rows


def requests_for_list(*, user):
    return (
        SeparateConsiderationRequest.objects.restrict(user, "view")
        .select_related("facility", "facility__port", "country", "answer_letter")
        .order_by("-received_on", "-pk")
    )


def request_for_page(*, pk: int, user) -> SeparateConsiderationRequest | None:
    return (
        SeparateConsiderationRequest.objects.restrict(user, "view")
        .select_related("facility", "facility__port", "country", "reviewed_by", "decided_by", "created_by",
                        "answer_letter")
        .prefetch_related(Prefetch("exemptions", queryset=AdvisoryExemption.objects.select_related("advisory")))
        .filter(pk=pk)
        .first()
    )


# --- public -----------------------------------------------------------------------------------
# Only these fields of these rows are ever read for the public pages, the JSON document and the feed.

PUBLIC_ADVISORY_FIELDS = (
    "pk", "sequence", "year", "title", "effective_date", "status", "federal_register_citation", "published_at",
    "superseded_at", "section_a", "section_b", "section_c", "section_d", "section_e",
)
PUBLIC_LISTING_FIELDS = (
    "advisory_id", "country_id", "country__name", "country__iso2", "country__iso3", "conditions_of_entry",
    "effective_date", "note",
)
PUBLIC_EXEMPTION_FIELDS = ("advisory_id", "country_id", "imo_number", "name")
PUBLIC_RELEASE_FIELDS = ("advisory_id", "number", "kind", "section", "effective_date", "note", "released_at")


def _public_advisories(**filters) -> list[dict]:
    rows = list(
        PortSecurityAdvisory.objects.filter(status__in=PUBLISHED_STATUSES, **filters)
        .order_by("-published_at", "-pk")
        .values(*PUBLIC_ADVISORY_FIELDS)
    )
    ids = [row["pk"] for row in rows]
    listings = AdvisoryListing.objects.filter(advisory_id__in=ids).order_by("country__name").values(
        *PUBLIC_LISTING_FIELDS
    )
    exemptions = AdvisoryExemption.objects.filter(advisory_id__in=ids).order_by("name", "imo_number").values(
        *PUBLIC_EXEMPTION_FIELDS
    )
    releases = ReleaseRecord.objects.filter(advisory_id__in=ids).order_by("number").values(*PUBLIC_RELEASE_FIELDS)
    by_advisory: dict[int, dict] = {}
    for row in rows:
        row["number"] = format_number(row["sequence"], row["year"])
        row["label"] = f"{constants.NUMBER_PREFIX} {row['number']}"
        row["status_label"] = AdvisoryStatus(row["status"]).label
        row["is_in_force"] = row["status"] == AdvisoryStatus.IN_FORCE
        row["sections"] = [
            {"code": section.value, "heading": section.label, "text": row[f"section_{section.value.lower()}"]}
            for section in Section
        ]
        row["countries"] = []
        row["releases"] = []
        by_advisory[row["pk"]] = row
    countries: dict[tuple[int, int], dict] = {}
    for listing in listings:
        country = {
            "name": listing["country__name"], "iso2": listing["country__iso2"], "iso3": listing["country__iso3"],
            "conditions_of_entry": listing["conditions_of_entry"], "effective_date": listing["effective_date"],
            "note": listing["note"], "exempted_facilities": [],
        }
        countries[(listing["advisory_id"], listing["country_id"])] = country
        by_advisory[listing["advisory_id"]]["countries"].append(country)
    for exemption in exemptions:
        country = countries.get((exemption["advisory_id"], exemption["country_id"]))
        if country is not None:
            country["exempted_facilities"].append({"imo_number": exemption["imo_number"], "name": exemption["name"]})
    for release in releases:
        release["section_label"] = Section(release["section"]).label if release["section"] else ""
        release["is_correction"] = release["kind"] == ReleaseKind.CORRECTION
        by_advisory[release["advisory_id"]]["releases"].append(release)
    return rows


def public_advisory_in_force() -> dict | None:
    rows = _public_advisories(status=AdvisoryStatus.IN_FORCE)
    return rows[0] if rows else None


def public_advisory(*, number: str) -> dict | None:
    """A published advisory by its number "N-YY"; None for a draft or an unknown number."""
    match = constants.NUMBER_PATTERN.match(number or "")
    if match is None:
        return None
    rows = _public_advisories(sequence=int(match["sequence"]), year=int(match["year"]))
    return rows[0] if rows else None


def public_advisory_index() -> list[dict]:
    """Every published advisory, newest first: number, title, dates, status (no texts)."""
    rows = (
        PortSecurityAdvisory.objects.filter(status__in=PUBLISHED_STATUSES)
        .order_by("-published_at", "-pk")
        .values("sequence", "year", "title", "effective_date", "status", "published_at", "superseded_at")
    )
    return [
        {**row, "number": format_number(row["sequence"], row["year"]),
         "label": f"{constants.NUMBER_PREFIX} {format_number(row['sequence'], row['year'])}",
         "status_label": AdvisoryStatus(row["status"]).label}
        for row in rows
    ]


def _day(value) -> str | None:
    """A date as YYYY-MM-DD; a moment as the program's date (in settings.TIME_ZONE), never UTC's."""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return value.isoformat() if value else None


def public_document() -> dict:
    """The JSON document for ship operators and agents: the advisory in force and the earlier ones."""
    advisory = public_advisory_in_force()
    document = {
        "publisher": constants.PUBLISHER,
        "conditions_apply_to": (
            f"Vessels that called in a listed country (outside its excepted facilities) within their last "
            f"{constants.LAST_PORT_CALLS} port calls."
        ),
        "advisory_in_force": None,
        "earlier_advisories": [
            {"number": row["label"], "title": row["title"], "effective_date": _day(row["effective_date"]),
             "superseded_on": _day(row["superseded_at"])}
            for row in public_advisory_index() if row["status"] == AdvisoryStatus.SUPERSEDED
        ],
    }
    if advisory is not None:
        document["advisory_in_force"] = {
            "number": advisory["label"],
            "title": advisory["title"],
            "effective_date": _day(advisory["effective_date"]),
            "published_on": _day(advisory["published_at"]),
            "federal_register_citation": advisory["federal_register_citation"] or None,
            "release": advisory["releases"][-1]["number"] if advisory["releases"] else 1,
            "releases": [
                {"release": release["number"], "kind": release["kind"], "section": release["section"] or None,
                 "effective_date": _day(release["effective_date"]), "note": release["note"]}
                for release in advisory["releases"]
            ],
            "sections": {section["code"]: section["text"] for section in advisory["sections"]},
            "countries": [
                {"name": c["name"], "iso2": c["iso2"], "iso3": c["iso3"],
                 "conditions_of_entry": c["conditions_of_entry"], "effective_date": _day(c["effective_date"]),
                 "note": c["note"],
                 "exempted_facilities": [
                     {"imo_number": f["imo_number"] or None, "name": f["name"]} for f in c["exempted_facilities"]
                 ]}
                for c in advisory["countries"]
            ],
        }
    return document


@dataclass(frozen=True)
class FeedEntry:
    entry_id: str
    title: str
    link_number: str
    summary: str
    updated: dt.datetime


def public_feed_entries() -> list[FeedEntry]:
    """One entry per release of every published advisory, newest first, with a stable identifier."""
    advisories = sorted(_public_advisories(), key=lambda row: (row["published_at"], row["pk"]))
    entries = []
    previous_countries: set[str] = set()
    for advisory in advisories:
        countries = {c["name"] for c in advisory["countries"]}
        added, removed = sorted(countries - previous_countries), sorted(previous_countries - countries)
        previous_countries = countries
        for release in advisory["releases"]:
            year = 2000 + advisory["year"]
            entry_id = f"tag:{constants.TAG_AUTHORITY},{year}:psa/{advisory['number']}/release/{release['number']}"
            if release["is_correction"]:
                title = f"{advisory['label']} re-released: administrative correction to Section {release['section']}"
                summary = (
                    f"{advisory['label']} was re-released with an administrative correction to Section "
                    f"{release['section']}, effective {release['effective_date']:%d %B %Y}. "
                    f"The other sections are unchanged. {release['note']}"
                )
            else:
                title = f"{advisory['label']}: {advisory['title']}"
                parts = [f"{advisory['label']} takes effect {advisory['effective_date']:%d %B %Y}."]
                if added:
                    parts.append(f"Countries added: {', '.join(added)}.")
                if removed:
                    parts.append(f"Countries removed: {', '.join(removed)}.")
                parts.append(f"Countries listed: {', '.join(sorted(countries)) or 'none'}.")
                summary = " ".join(parts)
            entries.append(FeedEntry(entry_id=entry_id, title=title, link_number=advisory["number"],
                                     summary=summary.strip(), updated=release["released_at"]))
    entries.sort(key=lambda entry: entry.updated, reverse=True)
    return entries
