"""Pages of the correspondence app: thin, asking ips.permissions and calling the services."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.models import Assessment
from correspondence import constants, selectors, services
from correspondence.choices import HAND_WRITTEN_KINDS, JobState
from correspondence.errors import ErrorCode, LetterError
from correspondence.forms import DayForm, IncomingForm, LetterWordingForm, NewLetterForm
from correspondence.models import IncomingCorrespondence, Letter
from countries.models import Country
from ips import permissions
from ips.forms import STALE_FORM, VersionForm, answer_status, apply_service_error
from ips.upload_handlers import submitted_files


def _country(request, iso3: str) -> Country:
    country = Country.objects.select_related("node").filter(iso3=iso3.upper()).first()
    if country is None:
        raise Http404(f"No country with ISO alpha-3 code {iso3.upper()}.")
    permissions.require(request.user, "correspondence.view_correspondence", country)
    return country


def _letter(request, pk: int, action: str = "correspondence.view_letter") -> Letter:
    letter = selectors.letter_for_page(pk=pk)
    if letter is None or not permissions.can(request.user, "correspondence.view_letter", letter):
        raise Http404("No such letter.")
    permissions.require(request.user, action, letter)
    return letter


def _form_errors(form, error: ValidationError, *, field_map: dict | None = None) -> None:
    apply_service_error(form, error, field_map=field_map)


def _private_file(handle, *, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- lists -----------------------------------------------------------------------------------


@login_required
def letter_index(request):
    permissions.require(request.user, "correspondence.view_correspondence")
    letters = selectors.letters_visible(user=request.user).order_by("-letter_date", "-id")
    stalled = request.GET.get("job") == "stalled"  # the program dashboard's "Letters stalled" links here
    if stalled:
        letters = letters.filter(selectors.stalled_condition())
    page = Paginator(letters, constants.LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "correspondence/letter_index.html", {
        "page": page, "page_range": page.paginator.get_elided_page_range(page.number), "stalled": stalled,
        "stalled_minutes": settings.IPS_LETTER_STALLED_MINUTES,
        "fouo": any(letter.is_fouo for letter in page),
    })


@login_required
def country_letters(request, iso3: str):
    country = _country(request, iso3)
    history = selectors.country_history(country=country, user=request.user)
    can_decide = permissions.can(request.user, "correspondence.approve_letter")
    return render(request, "correspondence/country.html", {
        "country": country,
        "history": history,
        "can_add_letter": permissions.can(request.user, "correspondence.add_letter", country),
        "can_add_incoming": permissions.can(request.user, "correspondence.add_incomingcorrespondence", country),
        "missing": selectors.determinations_without_letter(country=country) if can_decide else [],
        "fouo": any(entry.letter is not None and entry.letter.is_fouo for entry in history),
    })


@login_required
@require_POST
def country_generate_missing(request, iso3: str):
    """Queue again the letters of approved determinations that have none (their job failed or was lost)."""
    country = _country(request, iso3)
    permissions.require(request.user, "correspondence.approve_letter")
    missing = services.determination_letters_owe_missing(country=country, by=request.user)
    messages.success(request, f"Queued {len(missing)} letter{'s' if len(missing) != 1 else ''}.")
    return redirect("correspondence:country", iso3=country.iso3)


# --- new letters and incoming items ------------------------------------------------------------


@login_required
def letter_new(request, iso3: str):
    country = _country(request, iso3)
    permissions.require(request.user, "correspondence.add_letter", country)
    form = NewLetterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_create(country=country, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"Letter {letter.reference} created; its PDF is being prepared.")
            return redirect(letter)
    return render(request, "correspondence/letter_new.html", {
        "country": country, "form": form, "kinds": sorted(HAND_WRITTEN_KINDS),
    })


@login_required
def incoming_new(request, iso3: str):
    country = _country(request, iso3)
    permissions.require(request.user, "correspondence.add_incomingcorrespondence", country)
    form = IncomingForm(request.POST or None, submitted_files(request) or None, country=country)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            services.incoming_record(country=country, by=request.user, upload=upload, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "The item was added to the correspondence log.")
            return redirect("correspondence:country", iso3=country.iso3)
    return render(request, "correspondence/incoming_new.html", {"country": country, "form": form})


@login_required
def incoming_file(request, pk: int):
    item = get_object_or_404(IncomingCorrespondence.objects.select_related("country", "assessment"), pk=pk)
    permissions.require(request.user, "correspondence.view_incomingcorrespondence", item)
    if not item.file:
        raise Http404("No file is attached.")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc
    return _private_file(handle, content_type=item.content_type,
                         filename=f"{item.country.iso3}-{item.kind}-{item.received_on:%Y%m%d}{item.extension}")


# --- one letter ------------------------------------------------------------------------------


def _detail_context(request, letter: Letter, **extra) -> dict:
    user = request.user
    can_change = letter.is_draft and permissions.can(user, "correspondence.change_letter", letter)
    correction = selectors.letter_correction(letter=letter)
    context = {
        "letter": letter,
        "fouo": letter.is_fouo,
        "correction": correction,
        "can_change": can_change,
        "can_retry": can_change and (letter.job_state == JobState.FAILED or (
            letter.is_stalled and permissions.can(user, "correspondence.retry_stalled_letter", letter))),
        "stalled_minutes": settings.IPS_LETTER_STALLED_MINUTES,
        "can_approve": letter.is_draft and permissions.can(user, "correspondence.approve_letter", letter),
        "can_send": letter.status == "approved" and permissions.can(user, "correspondence.send_letter", letter),
        "can_acknowledge": letter.status == "sent"
        and permissions.can(user, "correspondence.acknowledge_letter", letter),
        "can_correct": letter.is_frozen and correction is None
        and permissions.can(user, "correspondence.correct_letter", letter),
        "history": [
            ("Created", letter.created_at, letter.created_by or "The system, on the determination's approval"),
            ("Approved", letter.approved_at, letter.approved_by),
            ("Sent", letter.sent_on, letter.sent_by),
            ("Acknowledged", letter.acknowledged_on, letter.acknowledged_by),
        ],
    }
    if can_change and "form" not in extra:
        context["form"] = LetterWordingForm(instance=letter, prefix="wording")
    if context["can_send"] and "sent_form" not in extra:
        context["sent_form"] = DayForm(label="Sent on", prefix="sent")
    if context["can_acknowledge"] and "ack_form" not in extra:
        context["ack_form"] = DayForm(label="Acknowledged on", prefix="ack")
    context.update(extra)
    return context


@login_required
def letter_detail(request, pk: int):
    """The letter: metadata, status history, job state; its wording can be edited while it is a draft."""
    letter = _letter(request, pk)
    if request.method == "POST":
        permissions.require(request.user, "correspondence.change_letter", letter)
        if not letter.is_draft:
            raise PermissionDenied(ErrorCode.FROZEN.label if letter.is_frozen else ErrorCode.NOT_DRAFT.label)
        form = LetterWordingForm(request.POST, instance=selectors.letter_for_page(pk=pk), prefix="wording")
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                services.letter_update(letter=letter, by=request.user, data=data,
                                       expected_revision=form.expected_version)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "The wording was saved; the PDF is being prepared again.")
                return redirect(letter)
        letter = selectors.letter_for_page(pk=pk)
        return render(request, "correspondence/letter_detail.html", _detail_context(request, letter, form=form),
                      status=answer_status(form, 400 if form.errors else 200))
    return render(request, "correspondence/letter_detail.html", _detail_context(request, letter))


@login_required
def letter_job(request, pk: int):
    """The job state alone (polled by the letter page while the PDF is being prepared)."""
    letter = _letter(request, pk)
    return render(request, "correspondence/_job_state.html", _detail_context(request, letter))


def _step(request, pk: int, action: str, call, success: str, *, form_name: str | None = None, label: str = ""):
    letter = _letter(request, pk, action)
    form = None
    kwargs = {}
    if form_name:
        form = DayForm(request.POST, label=label, prefix=form_name)
        if not form.is_valid():
            context = _detail_context(request, letter, **{f"{form_name}_form": form})
            return render(request, "correspondence/letter_detail.html", context, status=400)
        kwargs = {"sent_on" if form_name == "sent" else "acknowledged_on": form.cleaned_data["day"]}
    try:
        result = call(letter=letter, by=request.user, **kwargs)
    except LetterError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(letter)
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return redirect(letter)
        _form_errors(form, exc, field_map={"sent_on": "day", "acknowledged_on": "day"})
        context = _detail_context(request, letter, **{f"{form_name}_form": form})
        return render(request, "correspondence/letter_detail.html", context, status=400)
    messages.success(request, success)
    return redirect(result if isinstance(result, Letter) else letter)


@login_required
@require_POST
def letter_approve(request, pk: int):
    """Approve the wording the approver read: its revision comes with the form."""
    _letter(request, pk, "correspondence.approve_letter")  # refusals first, whatever was posted
    form = VersionForm(request.POST, version=0)
    if not form.is_valid():
        messages.error(request, STALE_FORM)
        return redirect("correspondence:letter", pk=pk)
    approve = partial(services.letter_approve, expected_revision=form.expected_version)
    return _step(request, pk, "correspondence.approve_letter", approve, "The letter is approved: its PDF is final.")


@login_required
@require_POST
def letter_send(request, pk: int):
    return _step(request, pk, "correspondence.send_letter", services.letter_mark_sent,
                 "The letter is recorded as sent.", form_name="sent", label="Sent on")


@login_required
@require_POST
def letter_acknowledge(request, pk: int):
    return _step(request, pk, "correspondence.acknowledge_letter", services.letter_mark_acknowledged,
                 "The acknowledgement is recorded.", form_name="ack", label="Acknowledged on")


@login_required
@require_POST
def letter_correct(request, pk: int):
    return _step(request, pk, "correspondence.correct_letter", services.letter_correct,
                 "A correction was drafted; edit its wording, then approve and send it.")


@login_required
@require_POST
def letter_retry(request, pk: int):
    return _step(request, pk, "correspondence.change_letter", services.letter_retry,
                 "The PDF job was queued again.")


@login_required
def letter_pdf(request, pk: int):
    """The stored PDF, to those who may see the letter; never rendered here."""
    letter = _letter(request, pk)
    if not letter.pdf or letter.job_state != JobState.READY:
        raise Http404("The letter's PDF is not ready.")
    try:
        handle = letter.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored PDF is missing.") from exc
    return _private_file(handle, content_type="application/pdf", filename=letter.download_name)


# --- the visit request letter of a case ----------------------------------------------------------


@login_required
def case_visit_request(request, pk: int):
    case = get_object_or_404(
        Assessment.objects.restrict(request.user, "view").select_related("country", "ipslo"), pk=pk
    )
    permissions.require(request.user, "correspondence.request_visit_letter", case)
    existing = case.letters.filter(kind="visit_request", replaces__isnull=True).first()
    if request.method == "POST":
        try:
            letter, created = services.letter_visit_request(assessment=case, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(reverse("correspondence:case_visit_request", args=[case.pk]))
        if created:
            messages.success(request, f"Visit request letter {letter.reference} created; its PDF is being prepared.")
        else:
            messages.info(request, f"The case already has its visit request letter, {letter.reference}.")
        return redirect(letter)
    return render(request, "correspondence/case_visit_request.html", {"case": case, "existing": existing})
