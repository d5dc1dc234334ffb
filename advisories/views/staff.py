"""Staff pages of the advisories app (/advisories/...). Every page shows FOR OFFICIAL USE ONLY material."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from advisories import selectors, services
from advisories.choices import AdvisoryStatus, ProposalState, RequestState, Section
from advisories.errors import AdvisoryError
from advisories.forms import (
    CorrectionForm,
    DecisionNoteForm,
    DraftForm,
    EscalationForm,
    ExemptionForm,
    ListingAddForm,
    ListingForm,
    RequestDecisionForm,
    RequestForm,
    ReviewForm,
)
from advisories.models import AdvisoryExemption, AdvisoryListing, ListingProposal
from assessments.models import Determination
from countries.models import Country, PortFacility
from ips import permissions
from ips.forms import STALE_FORM, VersionForm, answer_status
from ips.upload_handlers import submitted_files


def _render(request, template: str, context: dict, status: int = 200):
    user = request.user
    base = {
        "fouo": True,
        "nav_proposals": permissions.can(user, "advisories.view_listingproposal"),
        "nav_requests": permissions.can(user, "advisories.view_separateconsiderationrequest"),
    }
    return render(request, f"advisories/{template}", {**base, **context}, status=status)


def _sections(advisory) -> list[tuple[str, str, str]]:
    return [(section.value, section.label, advisory.section_text(section.value)) for section in Section]


def _advisory_or_404(request, pk: int, action: str = "advisories.view_portsecurityadvisory"):
    permissions.require(request.user, "advisories.view_portsecurityadvisory")
    advisory = selectors.advisory_for_page(pk=pk, user=request.user)
    if advisory is None:
        raise Http404("No such advisory.")
    permissions.require(request.user, action, advisory)
    return advisory


def _refused(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


# --- the list and one advisory ----------------------------------------------------------------


@login_required
def advisory_list(request):
    permissions.require(request.user, "advisories.view_portsecurityadvisory")
    user = request.user
    advisories = list(selectors.advisories_for_list(user=user))
    return _render(request, "advisory_list.html", {
        "advisories": advisories,
        "draft": next((a for a in advisories if a.is_draft), None),
        "can_start": permissions.can(user, "advisories.change_portsecurityadvisory"),
    })


@login_required
def advisory_detail(request, pk: int):
    advisory = _advisory_or_404(request, pk)
    user = request.user
    return _render(request, "advisory_detail.html", {
        "advisory": advisory,
        "sections": _sections(advisory),
        "can_edit": permissions.can(user, "advisories.change_portsecurityadvisory", advisory),
        "can_publish": advisory.is_draft and permissions.can(user, "advisories.publish_portsecurityadvisory",
                                                             advisory),
        "can_correct": advisory.is_in_force and permissions.can(user, "advisories.correct_portsecurityadvisory",
                                                                advisory),
        "can_see_determinations": permissions.can(user, "assessments.view_determination"),
    })


# --- the draft revision ----------------------------------------------------------------------


@login_required
@require_POST
def draft_start(request):
    permissions.require(request.user, "advisories.change_portsecurityadvisory")
    try:
        draft = services.advisory_draft_start(by=request.user)
    except AdvisoryError as exc:
        _refused(request, exc)
        existing = selectors.draft_revision()
        return redirect("advisories:edit", pk=existing.pk) if existing else redirect("advisories:list")
    messages.success(request, "A draft revision was started from the advisory in force and the accepted proposals.")
    return redirect("advisories:edit", pk=draft.pk)


def _editor(request, advisory, *, form=None, exemption_form=None, listing_forms=None, add_form=None, status=200):
    listing_forms = listing_forms or {}
    return _render(request, "advisory_edit.html", {
        "advisory": advisory,
        "form": form or DraftForm(instance=advisory),
        "listing_rows": [
            (listing, listing_forms.get(listing.pk) or ListingForm(instance=listing))
            for listing in advisory.listings.all()
        ],
        "exemption_form": exemption_form or ExemptionForm(advisory=advisory),
        "add_form": add_form or ListingAddForm(advisory=advisory),
        "waiting_proposals": ListingProposal.objects.filter(state=ProposalState.ACCEPTED).filter(
            Q(advisory__isnull=True) | ~Q(advisory=advisory) & Q(advisory__status=AdvisoryStatus.DRAFT)
        ).select_related("country"),
        "waiting_requests": [
            r for r in selectors.accepted_requests_waiting()
            if not any(e.request_id == r.pk for e in advisory.exemptions.all())
        ],
        "can_publish": permissions.can(request.user, "advisories.publish_portsecurityadvisory", advisory),
    }, status=status)


@login_required
def draft_edit(request, pk: int):
    advisory = _advisory_or_404(request, pk, "advisories.change_portsecurityadvisory")
    form = DraftForm(request.POST or None, instance=advisory)
    if request.method == "POST" and form.is_valid():
        try:
            services.advisory_draft_update(advisory=advisory, by=request.user, data=form.cleaned_data,
                                           expected_version=form.expected_version)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "The draft was saved.")
            return redirect("advisories:edit", pk=advisory.pk)
    return _editor(request, advisory, form=form, status=answer_status(form, 400 if form.errors else 200))


@login_required
@require_POST
def draft_apply(request, pk: int):
    advisory = _advisory_or_404(request, pk, "advisories.change_portsecurityadvisory")
    try:
        counts = services.advisory_draft_apply(advisory=advisory, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, f"Taken into the draft: {counts['listed']} listed, {counts['removed']} removed, "
                     f"{counts['exempted']} facilities excepted.",
        )
    return redirect("advisories:edit", pk=advisory.pk)


@login_required
@require_POST
def draft_discard(request, pk: int):
    advisory = _advisory_or_404(request, pk, "advisories.change_portsecurityadvisory")
    try:
        services.advisory_draft_discard(advisory=advisory, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("advisories:detail", pk=pk)
    messages.success(request, "The draft was discarded. Its accepted proposals wait for the next draft.")
    return redirect("advisories:list")


@login_required
@require_POST
def listing_update(request, pk: int, listing_id: int):
    advisory = _advisory_or_404(request, pk, "advisories.change_portsecurityadvisory")
    listing = get_object_or_404(AdvisoryListing.objects.select_related("country", "advisory"), pk=listing_id,
                                advisory=advisory)
    if "remove" in request.POST:
        try:
            services.advisory_listing_remove(listing=listing, by=request.user)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"{listing.country} was taken out of the draft.")
        return redirect("advisories:edit", pk=advisory.pk)
    form = ListingForm(request.POST, instance=AdvisoryListing.objects.get(pk=listing.pk))
    if form.is_valid():
        try:
            services.advisory_listing_update(listing=listing, by=request.user, data=form.cleaned_data,
                                             expected_version=form.expected_version)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The listing of {listing.country} was saved.")
            return redirect("advisories:edit", pk=advisory.pk)
    return _editor(request, advisory, listing_forms={listing.pk: form}, status=answer_status(form, 400))


@login_required
@require_POST
def listing_add(request, pk: int):
    advisory = _advisory_or_404(request, pk, "advisories.change_portsecurityadvisory")
    form = ListingAddForm(request.POST, advisory=advisory)
    if form.is_valid():
        try:
            services.advisory_listing_add(advisory=advisory, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{form.cleaned_data['country']} was listed in the draft.")
            return redirect("advisories:edit", pk=advisory.pk)
    return _editor(request, advisory, add_form=form, status=400)


@login_required
@require_POST
def exemption_add(request, pk: int):
    advisory = _advisory_or_404(request, pk, "advisories.change_portsecurityadvisory")
    form = ExemptionForm(request.POST, advisory=advisory)
    if form.is_valid():
        try:
            services.advisory_exemption_add(advisory=advisory, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "The facility was excepted in the draft.")
            return redirect("advisories:edit", pk=advisory.pk)
    return _editor(request, advisory, exemption_form=form, status=400)


@login_required
@require_POST
def exemption_remove(request, pk: int, exemption_id: int):
    advisory = _advisory_or_404(request, pk, "advisories.change_portsecurityadvisory")
    exemption = get_object_or_404(AdvisoryExemption.objects.select_related("advisory"), pk=exemption_id,
                                  advisory=advisory)
    try:
        services.advisory_exemption_remove(exemption=exemption, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"{exemption.name} is no longer excepted in the draft.")
    return redirect("advisories:edit", pk=advisory.pk)


@login_required
@require_POST
def publish(request, pk: int):
    advisory = _advisory_or_404(request, pk, "advisories.publish_portsecurityadvisory")
    form = VersionForm(request.POST, version=0)
    if not form.is_valid():
        messages.error(request, STALE_FORM)
        return redirect("advisories:edit" if advisory.is_draft else "advisories:detail", pk=advisory.pk)
    try:
        published = services.advisory_publish(advisory=advisory, by=request.user,
                                               expected_version=form.expected_version)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("advisories:edit" if advisory.is_draft else "advisories:detail", pk=advisory.pk)
    messages.success(request, f"{published.label} is published and in force.")
    return redirect("advisories:detail", pk=published.pk)


@login_required
def correct(request, pk: int):
    advisory = _advisory_or_404(request, pk, "advisories.correct_portsecurityadvisory")
    if not advisory.is_in_force:
        messages.error(request, "Only the advisory in force can be re-released with a correction.")
        return redirect("advisories:detail", pk=advisory.pk)
    initial = {"effective_date": timezone.localdate()}
    section = request.GET.get("section", "")
    if section in {"A", "B", "C", "D", "E"}:
        initial.update(section=section, text=advisory.section_text(section))
    form = CorrectionForm(request.POST or None, initial=initial, version=advisory.version)
    if request.method == "POST" and form.is_valid():
        try:
            release = services.advisory_correct(advisory=advisory, by=request.user, **form.service_data(),
                                                expected_version=form.expected_version)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{advisory.label} was re-released (release {release.number}).")
            return redirect("advisories:detail", pk=advisory.pk)
    return _render(request, "advisory_correct.html", {"advisory": advisory, "form": form},
                   status=answer_status(form, 400 if form.errors else 200))


# --- proposals and escalation ---------------------------------------------------------------


@login_required
def proposals(request):
    permissions.require(request.user, "advisories.view_listingproposal")
    return _render(request, "proposals.html", {
        **selectors.proposals_waiting(),
        "draft": selectors.draft_revision(),
        "can_decide": permissions.can(request.user, "advisories.decide_listingproposal"),
        "can_start": permissions.can(request.user, "advisories.change_portsecurityadvisory"),
        "form": DecisionNoteForm(),
    })


@login_required
@require_POST
def proposal_decide(request, proposal_id: int):
    permissions.require(request.user, "advisories.view_listingproposal")
    proposal = get_object_or_404(ListingProposal.objects.select_related("country"), pk=proposal_id)
    permissions.require(request.user, "advisories.decide_listingproposal", proposal)
    form = DecisionNoteForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        services.listing_proposal_decide(proposal=proposal, by=request.user, accept=accept,
                                         note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"The proposal for {proposal.country} was {'accepted' if accept else 'dismissed'}.")
    return redirect("advisories:proposals")


@login_required
def escalations(request):
    permissions.require(request.user, "advisories.view_escalations")
    return _render(request, "escalations.html", {
        "rows": selectors.escalation_board(on=timezone.localdate()),
        "can_record": permissions.can(request.user, "advisories.add_escalationstep"),
    })


@login_required
def escalation_record(request, determination_id: int):
    permissions.require(request.user, "advisories.view_escalations")
    determination = get_object_or_404(Determination.objects.select_related("country"), pk=determination_id)
    permissions.require(request.user, "advisories.add_escalationstep", determination)
    due = selectors.escalation_due(determination=determination, on=timezone.localdate())
    form = EscalationForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_record(determination=determination, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"The escalation step for {determination.country} was recorded.")
            return redirect("advisories:escalations")
    return _render(request, "escalation_form.html", {"determination": determination, "due": due, "form": form},
                   status=400 if form.errors else 200)


# --- separate consideration -------------------------------------------------------------------


@login_required
def request_list(request):
    permissions.require(request.user, "advisories.view_separateconsiderationrequest")
    return _render(request, "request_list.html", {
        "requests": selectors.requests_for_list(user=request.user),
        "can_add": permissions.can(request.user, "advisories.add_separateconsiderationrequest"),
    })


def _facilities_for(user):
    """Facilities of the countries the user may log a request for (LANT-51: all; an IPSLO: the portfolio)."""
    countries = Country.objects.restrict(user, "change")
    return PortFacility.objects.filter(port__country__in=countries).select_related("port__country").order_by(
        "port__country__name", "name"
    )


@login_required
def request_new(request):
    permissions.require(request.user, "advisories.add_separateconsiderationrequest")
    form = RequestForm(request.POST or None, submitted_files(request) or None, facilities=_facilities_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            created = services.separate_consideration_receive(by=request.user, **data)
        except ValidationError as exc:
            form.add_service_error(_rename(exc, {"plan_file": "plan", "report_file": "report"}))
        else:
            messages.success(request, "The request was logged; LANT-51 reviews it next.")
            return redirect(created)
    return _render(request, "request_new.html", {"form": form}, status=400 if form.errors else 200)


def _rename(error: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(key, key): value for key, value in error.message_dict.items()})


def _request_or_404(request, pk: int):
    permissions.require(request.user, "advisories.view_separateconsiderationrequest")
    found = selectors.request_for_page(pk=pk, user=request.user)
    if found is None:
        raise Http404("No such request.")
    return found


def _request_page(request, item, *, review_form=None, decide_form=None, status=200):
    user = request.user
    live = item.state in (RequestState.RECEIVED, RequestState.UNDER_REVIEW)
    return _render(request, "request_detail.html", {
        "item": item,
        "states": RequestState,
        "can_review": live and permissions.can(user, "advisories.review_separateconsiderationrequest", item),
        "can_decide": item.state == RequestState.UNDER_REVIEW
        and permissions.can(user, "advisories.decide_separateconsiderationrequest", item),
        "can_write_letter": item.state in (RequestState.ACCEPTED, RequestState.REFUSED)
        and item.answer_letter_id is None and permissions.can(user, "correspondence.add_letter", item.country),
        "review_form": review_form or ReviewForm(initial={"recommendation": item.recommendation,
                                                          "notes": item.review_notes}),
        "decide_form": decide_form or RequestDecisionForm(),
    }, status=status)


@login_required
def request_detail(request, pk: int):
    return _request_page(request, _request_or_404(request, pk))


@login_required
@require_POST
def request_review(request, pk: int):
    item = _request_or_404(request, pk)
    permissions.require(request.user, "advisories.review_separateconsiderationrequest", item)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.separate_consideration_review(request=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "The review was saved; PSA-1 decides next.")
            return redirect(item)
    return _request_page(request, item, review_form=form, status=400)


@login_required
@require_POST
def request_decide(request, pk: int):
    item = _request_or_404(request, pk)
    permissions.require(request.user, "advisories.decide_separateconsiderationrequest", item)
    form = RequestDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.separate_consideration_decide(
                request=item, by=request.user, accept=form.cleaned_data["decision"] == "accept",
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "The decision was recorded. An accepted facility is excepted in the next "
                                      "revision of the advisory.")
            return redirect(item)
    return _request_page(request, item, decide_form=form, status=400)


@login_required
@require_POST
def request_letter(request, pk: int):
    item = _request_or_404(request, pk)
    permissions.require(request.user, "correspondence.add_letter", item.country)
    try:
        letter = services.separate_consideration_letter(request=item, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(item)
    messages.success(request, "The answer letter was drafted in Letters.")
    return redirect(letter)


@login_required
def request_file(request, pk: int, which: str):
    """Stream the plan or the verification report to someone who may see the request; anyone else gets a 404."""
    item = _request_or_404(request, pk)
    stored = {"plan": item.plan_file, "report": item.report_file}.get(which)
    if stored is None or not stored:
        raise Http404("No such document.")
    try:
        handle = stored.storage.open(stored.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The document's file is missing from storage.") from exc
    kind = "augmented-security-plan" if which == "plan" else "verification-report"
    filename = f"{item.facility.imo_number}-{kind}.pdf"
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("", advisory_list, name="list"),
    path("drafts/new/", draft_start, name="draft_start"),
    path("<int:pk>/", advisory_detail, name="detail"),
    path("<int:pk>/edit/", draft_edit, name="edit"),
    path("<int:pk>/apply/", draft_apply, name="apply"),
    path("<int:pk>/discard/", draft_discard, name="discard"),
    path("<int:pk>/listings/", listing_add, name="listing_add"),
    path("<int:pk>/listings/<int:listing_id>/", listing_update, name="listing"),
    path("<int:pk>/exemptions/", exemption_add, name="exemption_add"),
    path("<int:pk>/exemptions/<int:exemption_id>/remove/", exemption_remove, name="exemption_remove"),
    path("<int:pk>/publish/", publish, name="publish"),
    path("<int:pk>/correct/", correct, name="correct"),
    path("proposals/", proposals, name="proposals"),
    path("proposals/<int:proposal_id>/decide/", proposal_decide, name="proposal_decide"),
    path("escalations/", escalations, name="escalations"),
    path("escalations/<int:determination_id>/record/", escalation_record, name="escalation_record"),
    path("requests/", request_list, name="requests"),
    path("requests/new/", request_new, name="request_new"),
    path("requests/<int:pk>/", request_detail, name="request"),
    path("requests/<int:pk>/review/", request_review, name="request_review"),
    path("requests/<int:pk>/decide/", request_decide, name="request_decide"),
    path("requests/<int:pk>/letter/", request_letter, name="request_letter"),
    path("requests/<int:pk>/<str:which>.pdf", request_file, name="request_file"),
]
