"""Writes of the advisories app. Views, the determination service and the demo builder call these only.

Every service checks the user's right itself, validates before writing and writes inside one
transaction, so a refused or invalid step changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from advisories import constants
from advisories.choices import (
    LIVE_REQUEST_STATES,
    AdvisoryStatus,
    ProposalKind,
    ProposalState,
    Recommendation,
    ReleaseKind,
    RequestState,
    Section,
)
from advisories.errors import AdvisoryError, ErrorCode
from advisories.models import (
    AdvisoryExemption,
    AdvisoryListing,
    EscalationStep,
    ListingProposal,
    PortSecurityAdvisory,
    ReleaseRecord,
    SeparateConsiderationRequest,
)
from assessments.choices import DeterminationState, Outcome
from ips import concurrency, dates, permissions, uploads
from ips.audit import acting_as

if TYPE_CHECKING:
    from assessments.models import Determination
    from countries.models import Country, PortFacility

SECTION_FIELDS = {section.value: f"section_{section.value.lower()}" for section in Section}
DRAFT_FIELDS = ("title", "effective_date", "federal_register_citation", *SECTION_FIELDS.values())
REQUIRED_TO_PUBLISH = {
    "title": "Give the advisory a title.",
    "effective_date": "Give the date from which the advisory applies.",
    "section_a": "Section A (background and effective date) is required.",
    "section_c": "Section C (actions required by vessels) is required.",
    "section_d": "Section D (actions on arrival in the United States) is required.",
}


def _require(user, action: str, obj=None) -> None:
    permissions.enforce(user, action, obj)


def _clear_public_cache() -> None:
    transaction.on_commit(lambda: cache.delete(constants.PUBLIC_JSON_CACHE_KEY))


def _in_force() -> PortSecurityAdvisory | None:
    return PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE).first()


def _listed_in_force(country_id: int) -> bool:
    return AdvisoryListing.objects.filter(advisory__status=AdvisoryStatus.IN_FORCE, country_id=country_id).exists()


def _pending(qs):
    """Proposals still to act on: open, or accepted but not yet in a published revision."""
    return qs.filter(
        Q(state=ProposalState.OPEN)
        | Q(state=ProposalState.ACCEPTED)
        & (Q(advisory__isnull=True) | Q(advisory__status=AdvisoryStatus.DRAFT))
    )


# --- from determination to proposal ----------------------------------------------------------


def listing_proposals_raise(*, determination: Determination) -> ListingProposal | None:
    """Called by the approval of a determination, inside its transaction.

    Not substantially implementing: propose listing the country unless it is listed or already
    proposed. Substantially or minimally implementing, for a listed country: propose removing it.
    An open proposal the new determination contradicts is dismissed as overtaken.
    """
    from advisories.selectors import latest_approved_determination

    if determination.state != DeterminationState.APPROVED:
        return None
    country_id = determination.country_id
    latest = latest_approved_determination(country_id=country_id)
    if latest is None or latest.pk != determination.pk:
        return None  # an older determination approved late does not change where the country stands
    listing = determination.outcome == Outcome.NOT_SUBSTANTIALLY
    kind = ProposalKind.LIST if listing else ProposalKind.DELIST
    contrary = ProposalKind.DELIST if listing else ProposalKind.LIST
    proposals = ListingProposal.objects.filter(country_id=country_id)
    overtaken = list(proposals.select_for_update().filter(state=ProposalState.OPEN, kind=contrary))
    for proposal in overtaken:
        proposal.state = ProposalState.DISMISSED
        proposal.decided_at = timezone.now()
        proposal.decision_note = (
            f"Overtaken by the determination effective {determination.effective_date:%d %B %Y} "
            f"({determination.get_outcome_display().lower()})."
        )
        proposal.save(update_fields=["state", "decided_at", "decision_note"])
    # Where the country is heading: listed in force, unless an accepted proposal awaiting publication turns it.
    heading_listed = _listed_in_force(country_id)
    if _pending(proposals.filter(kind=contrary, state=ProposalState.ACCEPTED)).exists():
        heading_listed = contrary == ProposalKind.LIST
    if listing == heading_listed or _pending(proposals.filter(kind=kind)).exists():
        return None
    proposal = ListingProposal(country_id=country_id, kind=kind, determination=determination)
    proposal.save()
    return proposal


@transaction.atomic
def listing_proposal_decide(*, proposal: ListingProposal, by, accept: bool, note: str = "") -> ListingProposal:
    """PSA-1 accepts a proposal (it goes into the next revision) or dismisses it (with a note)."""
    _require(by, "advisories.decide_listingproposal", proposal)
    locked = ListingProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.state != ProposalState.OPEN:
        raise AdvisoryError(ErrorCode.ALREADY_DECIDED)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": "Say why the proposal is dismissed."})
    with acting_as(by):
        locked.state = ProposalState.ACCEPTED if accept else ProposalState.DISMISSED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return locked


# --- the draft revision -----------------------------------------------------------------------


@transaction.atomic
def advisory_draft_start(*, by) -> PortSecurityAdvisory:
    """PSA-1 starts the next revision: a copy of the advisory in force plus everything accepted since."""
    _require(by, "advisories.change_portsecurityadvisory")
    current = PortSecurityAdvisory.objects.select_for_update().filter(status=AdvisoryStatus.IN_FORCE).first()
    if PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.DRAFT).exists():
        raise AdvisoryError(ErrorCode.DRAFT_EXISTS)
    draft = PortSecurityAdvisory(created_by=by, supersedes=current, title="Port Security Advisory")
    if current is not None:
        draft.title = current.title
        draft.federal_register_citation = ""
        for name in SECTION_FIELDS.values():
            setattr(draft, name, getattr(current, name))
    with acting_as(by):
        draft.save()
        if current is not None:
            AdvisoryListing.objects.bulk_create([
                AdvisoryListing(advisory=draft, country_id=row.country_id, conditions_of_entry=row.conditions_of_entry,
                                effective_date=row.effective_date, note=row.note, determination_id=row.determination_id)
                for row in current.listings.all()
            ])
            AdvisoryExemption.objects.bulk_create([
                AdvisoryExemption(advisory=draft, country_id=row.country_id, facility_id=row.facility_id,
                                  imo_number=row.imo_number, name=row.name, request_id=row.request_id)
                for row in current.exemptions.all()
            ])
        _apply_accepted(draft)
    return draft


def _apply_accepted(draft: PortSecurityAdvisory) -> dict[str, int]:
    """Take up into ``draft`` the accepted proposals and accepted separate-consideration requests not yet in it."""
    counts = {"listed": 0, "removed": 0, "exempted": 0}
    other_drafts = PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.DRAFT).exclude(pk=draft.pk)
    waiting = ListingProposal.objects.select_for_update().filter(
        Q(advisory__isnull=True) | Q(advisory_id__in=other_drafts.values("pk")), state=ProposalState.ACCEPTED,
    ).order_by("decided_at", "pk")
    for proposal in waiting:
        if proposal.kind == ProposalKind.LIST:
            _, created = AdvisoryListing.objects.get_or_create(
                advisory=draft, country_id=proposal.country_id,
                defaults={"determination_id": proposal.determination_id, "conditions_of_entry": True},
            )
            counts["listed"] += int(created)
        else:
            removed, _ = AdvisoryListing.objects.filter(advisory=draft, country_id=proposal.country_id).delete()
            AdvisoryExemption.objects.filter(advisory=draft, country_id=proposal.country_id).delete()
            counts["removed"] += int(bool(removed))
        proposal.advisory = draft
        proposal.save(update_fields=["advisory"])
    listed = set(draft.listings.values_list("country_id", flat=True))
    taken = set(draft.exemptions.exclude(request=None).values_list("request_id", flat=True))
    taken_numbers = set(draft.exemptions.exclude(imo_number="").values_list("imo_number", flat=True))
    accepted = SeparateConsiderationRequest.objects.filter(state=RequestState.ACCEPTED).select_related("facility")
    for request in accepted:
        if request.pk in taken or request.country_id not in listed or request.facility.imo_number in taken_numbers:
            continue
        AdvisoryExemption.objects.create(
            advisory=draft, country_id=request.country_id, facility=request.facility,
            imo_number=request.facility.imo_number, name=request.facility.name, request=request,
        )
        taken_numbers.add(request.facility.imo_number)
        counts["exempted"] += 1
    return counts


def _locked_draft(advisory: PortSecurityAdvisory) -> PortSecurityAdvisory:
    locked = PortSecurityAdvisory.objects.select_for_update().get(pk=advisory.pk)
    if not locked.is_draft:
        raise AdvisoryError(ErrorCode.NOT_DRAFT)
    return locked


@transaction.atomic
def advisory_draft_apply(*, advisory: PortSecurityAdvisory, by) -> dict[str, int]:
    """Bring into the draft what PSA-1 accepted after it was started."""
    _require(by, "advisories.change_portsecurityadvisory", advisory)
    draft = _locked_draft(advisory)
    with acting_as(by):
        return _apply_accepted(draft)


@transaction.atomic
def advisory_draft_update(*, advisory: PortSecurityAdvisory, by, data: dict,
                          expected_version: int | None = None) -> PortSecurityAdvisory:
    """Change the draft's title, effective date, Federal Register citation and section texts. With
    ``expected_version`` (the version the editor loaded) a change saved meanwhile by someone else is
    not overwritten: ConcurrentEditError."""
    _require(by, "advisories.change_portsecurityadvisory", advisory)
    draft = _locked_draft(advisory)
    concurrency.check(draft, expected_version, what="The draft revision")
    for name in DRAFT_FIELDS:
        if name in data:
            value = data[name]
            setattr(draft, name, value.strip() if isinstance(value, str) else value)
    draft.full_clean(validate_constraints=False)
    with acting_as(by):
        concurrency.save(draft, update_fields=[name for name in DRAFT_FIELDS if name in data] + ["updated_at"])
    return draft


@transaction.atomic
def advisory_listing_update(*, listing: AdvisoryListing, by, data: dict,
                            expected_version: int | None = None) -> AdvisoryListing:
    """The conditions of entry, the date they apply from, and the public note of one listed country.
    ``expected_version`` as for :func:`advisory_draft_update`."""
    _require(by, "advisories.change_portsecurityadvisory", listing.advisory)
    _locked_draft(listing.advisory)
    locked = concurrency.lock(AdvisoryListing.objects.select_related("country"), pk=listing.pk,
                              expected=expected_version, what=f"The listing of {listing.country}")
    for name in ("conditions_of_entry", "effective_date", "note"):
        if name in data:
            value = data[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean(validate_constraints=False)
    with acting_as(by):
        concurrency.save(locked, update_fields=["conditions_of_entry", "effective_date", "note"])
    return locked


@transaction.atomic
def advisory_listing_add(*, advisory: PortSecurityAdvisory, by, country: Country, note: str = "",
                         determination: Determination | None = None) -> AdvisoryListing:
    """List a country directly, without a proposal: for example a state sponsor of terrorism, or a
    listing carried over from an advisory published before the program kept its records here."""
    _require(by, "advisories.change_portsecurityadvisory", advisory)
    draft = _locked_draft(advisory)
    if draft.listings.filter(country=country).exists():
        raise ValidationError({"country": f"{country} is already listed in this revision."})
    if determination is not None and determination.country_id != country.pk:
        raise ValidationError({"determination": "The determination is not one of this country's."})
    listing = AdvisoryListing(advisory=draft, country=country, note=(note or "").strip(), determination=determination)
    listing.full_clean(validate_constraints=False)
    with acting_as(by):
        listing.save()
    return listing


@transaction.atomic
def advisory_listing_remove(*, listing: AdvisoryListing, by) -> None:
    """Take a country (and its excepted facilities) out of the draft."""
    _require(by, "advisories.change_portsecurityadvisory", listing.advisory)
    draft = _locked_draft(listing.advisory)
    with acting_as(by):
        AdvisoryExemption.objects.filter(advisory=draft, country_id=listing.country_id).delete()
        AdvisoryListing.objects.filter(pk=listing.pk).delete()


@transaction.atomic
def advisory_exemption_add(*, advisory: PortSecurityAdvisory, by, country: Country, imo_number: str,
                           name: str) -> AdvisoryExemption:
    """Except a facility of a listed country, by its IMO number (linked to our facility table when known)."""
    from countries.models import PortFacility

    _require(by, "advisories.change_portsecurityadvisory", advisory)
    draft = _locked_draft(advisory)
    imo_number = (imo_number or "").strip().upper()
    name = (name or "").strip()
    facility = PortFacility.objects.select_related("port").filter(imo_number=imo_number).first() if imo_number else None
    if facility is not None:
        if facility.port.country_id != country.pk:
            raise ValidationError(
                {"imo_number": f"Facility {imo_number} is in {facility.port.country}, not {country}."}
            )
        name = name or facility.name
    if not draft.listings.filter(country=country).exists():
        raise ValidationError({"country": f"{country} is not listed in this revision."})
    if imo_number and draft.exemptions.filter(imo_number=imo_number).exists():
        raise ValidationError({"imo_number": "This facility is already excepted in this revision."})
    exemption = AdvisoryExemption(advisory=draft, country=country, facility=facility, imo_number=imo_number, name=name)
    exemption.full_clean(validate_constraints=False)
    with acting_as(by):
        exemption.save()
    return exemption


@transaction.atomic
def advisory_exemption_remove(*, exemption: AdvisoryExemption, by) -> None:
    _require(by, "advisories.change_portsecurityadvisory", exemption.advisory)
    _locked_draft(exemption.advisory)
    with acting_as(by):
        AdvisoryExemption.objects.filter(pk=exemption.pk).delete()


@transaction.atomic
def advisory_draft_discard(*, advisory: PortSecurityAdvisory, by) -> None:
    """Throw the draft away; the proposals it had taken up wait for the next draft."""
    _require(by, "advisories.change_portsecurityadvisory", advisory)
    draft = _locked_draft(advisory)
    with acting_as(by):
        ListingProposal.objects.filter(advisory=draft).update(advisory=None)
        draft.delete()


# --- publishing and correcting ----------------------------------------------------------------


def _check_ready(draft: PortSecurityAdvisory) -> None:
    problems = {name: message for name, message in REQUIRED_TO_PUBLISH.items() if not getattr(draft, name)}
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def advisory_publish(*, advisory: PortSecurityAdvisory, by, published_at: dt.datetime | None = None,
                     expected_version: int | None = None) -> PortSecurityAdvisory:
    """PSA-1 publishes a draft: it takes the next number of the year, comes into force and supersedes the
    advisory in force, all at once.

    The draft row and the row in force are locked (draft first, then the one in force), so of two
    publications at the same moment one goes through and the other is refused: the same draft is
    already published, or another draft was published after this one was started. The unique
    constraint on the status "in force" is the last guard.

    ``published_at`` records an advisory published earlier (it decides the year of the number);
    it defaults to now. With ``expected_version`` (the version PSA-1 read) a draft changed since is
    not published unseen: ConcurrentEditError.
    """
    _require(by, "advisories.publish_portsecurityadvisory", advisory)
    draft = PortSecurityAdvisory.objects.select_for_update().filter(pk=advisory.pk).first()
    if draft is None:
        raise AdvisoryError(ErrorCode.NOT_DRAFT, "The draft no longer exists.")
    if not draft.is_draft:
        raise AdvisoryError(ErrorCode.ALREADY_PUBLISHED)
    concurrency.check(draft, expected_version, what="The draft revision")
    current = PortSecurityAdvisory.objects.select_for_update().filter(status=AdvisoryStatus.IN_FORCE).first()
    if (current.pk if current else None) != draft.supersedes_id:
        raise AdvisoryError(ErrorCode.STALE_DRAFT)
    _check_ready(draft)
    now = published_at or timezone.now()
    if now > timezone.now():
        raise ValidationError({"published_at": "The publication time cannot be in the future."})
    if current is not None and now <= current.published_at:
        raise ValidationError({"published_at": f"The revision must be published after {current.label}."})
    year = timezone.localdate(now).year % 100
    last = PortSecurityAdvisory.objects.filter(year=year).aggregate(last=Max("sequence"))["last"] or 0
    with acting_as(by):
        try:
            with transaction.atomic():
                if current is not None:
                    current.status = AdvisoryStatus.SUPERSEDED
                    current.superseded_at = now
                    concurrency.save(current, update_fields=["status", "superseded_at", "updated_at"])
                draft.status = AdvisoryStatus.IN_FORCE
                draft.sequence = last + 1
                draft.year = year
                draft.published_at = now
                draft.published_by = by
                concurrency.save(
                    draft, update_fields=["status", "sequence", "year", "published_at", "published_by", "updated_at"]
                )
        except IntegrityError as exc:
            raise AdvisoryError(ErrorCode.STALE_DRAFT) from exc
        draft.listings.filter(effective_date__isnull=True).update(
            effective_date=draft.effective_date, version=F("version") + 1
        )
        ReleaseRecord.objects.create(
            advisory=draft, number=1, kind=ReleaseKind.ORIGINAL, effective_date=draft.effective_date,
            released_at=now, released_by=by,
        )
    _clear_public_cache()
    return draft


@transaction.atomic
def advisory_correct(*, advisory: PortSecurityAdvisory, by, section: str, text: str, effective_date: dt.date,
                     note: str, released_at: dt.datetime | None = None,
                     expected_version: int | None = None) -> ReleaseRecord:
    """Re-release the advisory in force with an administrative correction to one section; it keeps its number.
    With ``expected_version`` a correction released meanwhile by someone else is not overwritten."""
    _require(by, "advisories.correct_portsecurityadvisory", advisory)
    locked = PortSecurityAdvisory.objects.select_for_update().get(pk=advisory.pk)
    if not locked.is_in_force:
        raise AdvisoryError(ErrorCode.NOT_IN_FORCE)
    concurrency.check(locked, expected_version)
    errors = {}
    if section not in SECTION_FIELDS:
        errors["section"] = "Choose the section that changes (A to E)."
    if effective_date is None:
        errors["effective_date"] = "Give the date the correction takes effect."
    elif problem := dates.date_problem(effective_date, dates.DateKind.PLANNED):
        errors["effective_date"] = problem
    elif effective_date < locked.effective_date:
        errors["effective_date"] = "A correction cannot take effect before the advisory itself."
    if not (note or "").strip():
        errors["note"] = "Say what the correction changes."
    text = (text or "").strip()
    if not text:
        errors["text"] = "Give the corrected text of the section."
    if errors:
        raise ValidationError(errors)
    field = SECTION_FIELDS[section]
    previous = getattr(locked, field)
    if previous.strip() == text:
        raise AdvisoryError(ErrorCode.NO_CHANGE)
    number = (locked.releases.aggregate(last=Max("number"))["last"] or 0) + 1
    with acting_as(by):
        setattr(locked, field, text)
        concurrency.save(locked, update_fields=[field, "updated_at"])
        release = ReleaseRecord.objects.create(
            advisory=locked, number=number, kind=ReleaseKind.CORRECTION, section=section,
            effective_date=effective_date, note=note.strip(), previous_text=previous,
            released_at=max(released_at or timezone.now(), locked.published_at), released_by=by,
        )
    _clear_public_cache()
    return release


# --- escalation -------------------------------------------------------------------------------


@transaction.atomic
def escalation_record(*, determination: Determination, by, kind: str, federal_register_citation: str,
                      issued_on: dt.date, note: str = "") -> EscalationStep:
    """PSA-1 records the second stage of escalation for a country whose mitigation period ended."""
    from advisories.selectors import escalation_due

    _require(by, "advisories.add_escalationstep", determination)
    if escalation_due(determination=determination, on=timezone.localdate()) is None:
        raise ValidationError(
            "Escalation is due only when the 90-day mitigation period of the country's latest approved "
            "determination (not substantially implementing) has ended."
        )
    step = EscalationStep(
        country_id=determination.country_id, determination=determination, kind=kind,
        federal_register_citation=(federal_register_citation or "").strip(), issued_on=issued_on,
        note=(note or "").strip(), recorded_by=by,
    )
    step.full_clean()
    with acting_as(by):
        step.save()
    return step


# --- separate consideration -------------------------------------------------------------------


def _checked_pdf(upload, field: str) -> tuple[bytes, str]:
    """The upload's bytes and hash if it really is a PDF that passes ips.uploads' checks (judged by content,
    never by name or claimed type)."""
    if upload is None:
        raise ValidationError({field: "Attach the file (PDF)."})
    try:
        checked = uploads.checked_upload(upload, accept=[uploads.PDF], not_accepted="Only PDF files can be attached.")
    except ValidationError as exc:
        raise ValidationError({field: exc}) from None
    return checked.data, checked.sha256


def _upload_name(upload) -> str:
    return (getattr(upload, "name", "") or "document.pdf")[-255:]


@transaction.atomic
def separate_consideration_receive(*, facility: PortFacility, by, received_on: dt.date, plan, report,
                                   rso_name: str, rso_qualifications: str, rso_independence: str,
                                   cost_borne_by: str) -> SeparateConsiderationRequest:
    """Log a facility's request with its augmented security plan and the RSO's verification report."""
    country = facility.port.country
    _require(by, "advisories.add_separateconsiderationrequest", country)
    errors = {}
    files = {}
    for field, upload in (("plan_file", plan), ("report_file", report)):
        try:
            files[field] = _checked_pdf(upload, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if received_on and received_on > timezone.localdate():
        errors["received_on"] = "The date received cannot be in the future."
    if SeparateConsiderationRequest.objects.filter(facility=facility, state__in=LIVE_REQUEST_STATES).exists():
        errors["facility"] = "This facility already has a request awaiting a decision."
    request = SeparateConsiderationRequest(
        facility=facility, country=country, received_on=received_on, rso_name=(rso_name or "").strip(),
        rso_qualifications=(rso_qualifications or "").strip(), rso_independence=(rso_independence or "").strip(),
        cost_borne_by=cost_borne_by, created_by=by, plan_name=_upload_name(plan), report_name=_upload_name(report),
        plan_sha256=files.get("plan_file", (b"", ""))[1], report_sha256=files.get("report_file", (b"", ""))[1],
        plan_size=len(files.get("plan_file", (b"",))[0]), report_size=len(files.get("report_file", (b"",))[0]),
    )
    try:
        request.full_clean(exclude=["plan_file", "report_file"], validate_constraints=False)
    except ValidationError as exc:
        errors.update({k: v for k, v in exc.message_dict.items() if k not in errors})
    if errors:
        raise ValidationError(errors)
    saved = []
    try:
        for field, (data, _digest) in files.items():
            getattr(request, field).save("upload.pdf", ContentFile(data), save=False)
            saved.append(getattr(request, field))
        with acting_as(by):
            request.save()
    except Exception:
        for stored in saved:  # each upload was stored under a new name: nothing else refers to it
            stored.delete(save=False)
        raise
    return request


def _locked_request(request: SeparateConsiderationRequest) -> SeparateConsiderationRequest:
    return SeparateConsiderationRequest.objects.select_for_update().select_related("facility", "country").get(
        pk=request.pk
    )


@transaction.atomic
def separate_consideration_review(*, request: SeparateConsiderationRequest, by, recommendation: str,
                                  notes: str) -> SeparateConsiderationRequest:
    """LANT-51 reviews the plan and the verification and recommends accepting or refusing.

    Saving a review again before PSA-1 decides replaces the recommendation.
    """
    _require(by, "advisories.review_separateconsiderationrequest", request)
    locked = _locked_request(request)
    if locked.state not in LIVE_REQUEST_STATES:
        raise AdvisoryError(ErrorCode.ALREADY_DECIDED)
    errors = {}
    if recommendation not in Recommendation.values:
        errors["recommendation"] = "Recommend accepting or refusing the request."
    if not (notes or "").strip():
        errors["notes"] = "Give the review's findings."
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        locked.state = RequestState.UNDER_REVIEW
        locked.recommendation = recommendation
        locked.review_notes = notes.strip()
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["state", "recommendation", "review_notes", "reviewed_by", "reviewed_at"])
    return locked


@transaction.atomic
def separate_consideration_decide(*, request: SeparateConsiderationRequest, by, accept: bool,
                                  reasons: str) -> SeparateConsiderationRequest:
    """PSA-1 accepts (the facility is excepted in the next revision) or refuses, after LANT-51's review."""
    _require(by, "advisories.decide_separateconsiderationrequest", request)
    locked = _locked_request(request)
    if locked.state in (RequestState.ACCEPTED, RequestState.REFUSED):
        raise AdvisoryError(ErrorCode.ALREADY_DECIDED)
    if locked.state != RequestState.UNDER_REVIEW:
        raise AdvisoryError(ErrorCode.WRONG_STATE, "LANT-51 reviews the request before PSA-1 decides it.")
    if not (reasons or "").strip():
        raise ValidationError({"reasons": "Give the reasons for the decision."})
    with acting_as(by):
        locked.state = RequestState.ACCEPTED if accept else RequestState.REFUSED
        locked.decision_reasons = reasons.strip()
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decision_reasons", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def separate_consideration_letter(*, request: SeparateConsiderationRequest, by):
    """Draft the answer to the facility through the correspondence app (a letter of kind
    "answer to a separate-consideration request"), once PSA-1 has decided. The letter's wording,
    approval, rendering and sending are the correspondence app's."""
    from correspondence.choices import LetterKind
    from correspondence.services import letter_create
    from correspondence.wording import default_body

    locked = _locked_request(request)
    if locked.state not in (RequestState.ACCEPTED, RequestState.REFUSED):
        raise AdvisoryError(ErrorCode.WRONG_STATE, "The answer is drafted once PSA-1 has decided the request.")
    if locked.answer_letter_id is not None:
        raise AdvisoryError(ErrorCode.LETTER_EXISTS)
    facility = locked.facility
    subject = f"Request for separate consideration of {facility.name} ({facility.imo_number})"
    if locked.state == RequestState.ACCEPTED:
        answer = (
            f"The augmented security plan of {facility.name} ({facility.imo_number}), as verified by "
            f"{locked.rso_name}, is acceptable. The facility will be excepted from the conditions of entry in the "
            "next revision of the Port Security Advisory."
        )
    else:
        answer = (
            f"The augmented security plan of {facility.name} ({facility.imo_number}) is not acceptable, for these "
            f"reasons: {locked.decision_reasons}"
        )
    body = "\n\n".join([
        default_body(kind=LetterKind.SEPARATE_CONSIDERATION, country=locked.country), answer,
    ])
    letter = letter_create(country=locked.country, kind=LetterKind.SEPARATE_CONSIDERATION, by=by,
                           subject=subject[:300], body=body)
    with acting_as(by):
        locked.answer_letter = letter
        locked.save(update_fields=["answer_letter"])
    return letter
