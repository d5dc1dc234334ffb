"""Findings of a case: list, inline add and edit, status changes, evidence upload and download."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessments import selectors_recording as selectors
from assessments import services
from assessments.forms.recording import EvidenceForm, FindingForm, FindingStatusForm
from assessments.models import Assessment, Evidence, Finding
from assessments.views.common import case_context, case_for
from assessments.views.recording_common import template_for, wants_partial
from ips import permissions
from ips.forms import answer_status
from ips.upload_handlers import submitted_files


@dataclass
class FindingRow:
    """One finding on the page, shown (with its status and evidence forms) or being edited."""

    finding: Finding
    edit_form: FindingForm | None = None
    status_form: FindingStatusForm | None = None
    evidence_form: EvidenceForm | None = None
    notice: str = ""

    @property
    def dom_target(self) -> str:
        return f"#finding-{self.finding.pk}"

    @property
    def status_open(self) -> bool:
        return bool(self.status_form is not None and self.status_form.is_bound and self.status_form.errors)

    @property
    def evidence_open(self) -> bool:
        return bool(self.evidence_form is not None and self.evidence_form.is_bound and self.evidence_form.errors)


@dataclass(frozen=True)
class FindingRights:
    add: bool
    change: bool
    status: bool
    evidence: bool


def _rights(user, case: Assessment) -> FindingRights:
    """Asked once per page: the rules depend on the case only, never on the single finding."""
    change = permissions.can(user, "assessments.change_finding", case)
    return FindingRights(
        add=permissions.can(user, "assessments.add_finding", case),
        change=change,
        status=permissions.can(user, "assessments.change_finding_status", case),
        evidence=permissions.can(user, "assessments.add_evidence", case),
    )


def _finding_form(case: Assessment, data=None, *, finding: Finding | None = None, files=None) -> FindingForm:
    return FindingForm(
        data, files, facilities=selectors.finding_facility_choices(case=case),
        items=selectors.finding_item_choices(case=case), finding=finding,
        prefix=f"f{finding.pk}" if finding else "new",
    )


def _status_form(finding: Finding, data=None) -> FindingStatusForm:
    return FindingStatusForm(data, prefix=f"s{finding.pk}", initial={"status": finding.status}, version=finding.version)


def _row(finding: Finding, rights: FindingRights, **forms) -> FindingRow:
    row = FindingRow(finding=finding, **forms)
    if rights.status and row.status_form is None:
        row.status_form = _status_form(finding)
    if rights.evidence and row.evidence_form is None:
        row.evidence_form = EvidenceForm(prefix=f"e{finding.pk}")
    return row


def _findings_page(request, case: Assessment, *, new_form: FindingForm | None = None,
                   override: FindingRow | None = None, status: int = 200):
    rights = _rights(request.user, case)
    rows = []
    for finding in selectors.findings_for_case(case=case):
        if override is not None and override.finding.pk == finding.pk:
            rows.append(_row(finding, rights, edit_form=override.edit_form, status_form=override.status_form,
                             evidence_form=override.evidence_form))
        else:
            rows.append(_row(finding, rights))
    if rights.add and new_form is None:
        new_form = _finding_form(case)
    context = case_context(request, case, "findings", rows=rows, rights=rights, new_form=new_form)
    return render(request, template_for(request, "assessments/findings.html", "assessments/findings_body.html"),
                  context, status=status)


def _finding_or_404(case: Assessment, finding_id: int) -> Finding:
    finding = selectors.finding_for_case(case=case, finding_id=finding_id)
    if finding is None:
        raise Http404("No such finding in this case.")
    return finding


def _render_row(request, case: Assessment, row: FindingRow, rights: FindingRights, *, status: int = 200, **extra):
    return render(request, "assessments/finding_row.html", {"case": case, "row": row, "rights": rights, **extra},
                  status=status)


def _back_to(case: Assessment, finding: Finding):
    return redirect(reverse("assessments:findings", args=[case.pk]) + f"#finding-{finding.pk}")


@login_required
def findings(request, pk: int):
    case = case_for(request, pk)
    return _findings_page(request, case)


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request, pk: int):
    case = case_for(request, pk, "assessments.add_finding")
    if request.method == "GET":
        if wants_partial(request):
            return render(request, "assessments/finding_new.html", {"case": case, "form": _finding_form(case)})
        return redirect(reverse("assessments:findings", args=[case.pk]) + "#finding-new")
    form = _finding_form(case, request.POST)
    created = None
    if form.is_valid():
        try:
            created = services.finding_create(assessment=case, by=request.user, data=form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
    if not wants_partial(request):
        if created is not None:
            messages.success(request, f"Finding {created.number} saved.")
            return _back_to(case, created)
        return _findings_page(request, case, new_form=form)
    context = {"case": case, "form": form}
    if created is not None:
        rights = _rights(request.user, case)
        context.update(
            form=_finding_form(case), created=_row(_finding_or_404(case, created.pk), rights), rights=rights,
        )
    return render(request, "assessments/finding_new.html", context)


@login_required
def finding_row(request, pk: int, finding_id: int):
    """One finding as shown in the list (htmx: to cancel an edit); a plain request goes to the list."""
    case = case_for(request, pk)
    finding = _finding_or_404(case, finding_id)
    if not wants_partial(request):
        return _back_to(case, finding)
    rights = _rights(request.user, case)
    return _render_row(request, case, _row(finding, rights), rights)


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk: int, finding_id: int):
    case = case_for(request, pk, "assessments.change_finding")
    finding = _finding_or_404(case, finding_id)
    rights = _rights(request.user, case)
    if request.method == "GET":
        form = _finding_form(case, finding=finding)
    else:
        form = _finding_form(case, request.POST, finding=finding)
        if form.is_valid():
            try:
                services.finding_update(finding=finding, by=request.user, data=form.service_data(),
                                        expected_version=form.expected_version)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if not wants_partial(request):
                    messages.success(request, f"Finding {finding.number} saved.")
                    return _back_to(case, finding)
                row = _row(_finding_or_404(case, finding.pk), rights)
                return _render_row(request, case, row, rights, notice=f"Finding {finding.number} saved.")
    status = answer_status(form)
    if wants_partial(request):
        return _render_row(request, case, _row(finding, rights, edit_form=form), rights, status=status)
    return _findings_page(request, case, override=FindingRow(finding=finding, edit_form=form), status=status)


@login_required
@require_POST
def finding_status(request, pk: int, finding_id: int):
    case = case_for(request, pk)
    finding = _finding_or_404(case, finding_id)
    permissions.require(request.user, "assessments.change_finding_status", finding)
    rights = _rights(request.user, case)
    form = _status_form(finding, request.POST)
    if form.is_valid():
        try:
            services.finding_set_status(
                finding=finding, by=request.user, status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"], expected_version=form.expected_version,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
            finding = _finding_or_404(case, finding.pk)  # shown as saved now, beside the refused change
        else:
            finding = _finding_or_404(case, finding.pk)
            notice = f"Finding {finding.number} is now {finding.get_status_display().lower()}."
            if not wants_partial(request):
                messages.success(request, notice)
                return _back_to(case, finding)
            return _render_row(request, case, _row(finding, rights), rights, notice=notice)
    status = answer_status(form)
    if wants_partial(request):
        return _render_row(request, case, _row(finding, rights, status_form=form), rights, status=status)
    return _findings_page(request, case, override=FindingRow(finding=finding, status_form=form), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request, pk: int, finding_id: int):
    case = case_for(request, pk, "assessments.add_evidence")
    finding = _finding_or_404(case, finding_id)
    if request.method == "GET":
        return _back_to(case, finding)
    rights = _rights(request.user, case)
    form = EvidenceForm(request.POST, submitted_files(request), prefix=f"e{finding.pk}")
    if form.is_valid():
        try:
            evidence = services.evidence_add(
                finding=finding, by=request.user, upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"], keep_metadata=form.cleaned_data["keep_metadata"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            notice = f"{evidence.original_name} attached to finding {finding.number}."
            if not wants_partial(request):
                messages.success(request, notice)
                return _back_to(case, finding)
            return _render_row(request, case, _row(_finding_or_404(case, finding.pk), rights), rights, notice=notice)
    if wants_partial(request):
        return _render_row(request, case, _row(finding, rights, evidence_form=form), rights)
    return _findings_page(request, case, override=FindingRow(finding=finding, evidence_form=form))


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def download_name(evidence: Evidence) -> str:
    """The uploaded name without any path, quotes or control characters, with the checked extension."""
    base = PurePosixPath(evidence.original_name.replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._-")[:100]
    return f"{stem or f'evidence-{evidence.pk}'}{evidence.extension}"


@login_required
def evidence_download(request, evidence_id: int):
    """Stream an attachment to someone who may see its case; anyone else gets a 404 (a role that never
    sees case material, a 403)."""
    permissions.require(request.user, "assessments.view_evidence")
    visible_cases = Assessment.objects.restrict(request.user, "view")
    evidence = selectors.evidence_for_download(evidence_id=evidence_id, cases=visible_cases)
    if evidence is None or not permissions.can(request.user, "assessments.view_evidence", evidence):
        raise Http404("No such attachment.")
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("The attachment's file is missing from storage.") from exc
    response = FileResponse(
        handle, content_type=evidence.content_type, as_attachment=True, filename=download_name(evidence)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("<int:pk>/findings/", findings, name="findings"),
    path("<int:pk>/findings/new/", finding_new, name="finding_new"),
    path("<int:pk>/findings/<int:finding_id>/", finding_row, name="finding"),
    path("<int:pk>/findings/<int:finding_id>/edit/", finding_edit, name="finding_edit"),
    path("<int:pk>/findings/<int:finding_id>/status/", finding_status, name="finding_status"),
    path("<int:pk>/findings/<int:finding_id>/evidence/", evidence_upload, name="finding_evidence"),
    path("evidence/<int:evidence_id>/", evidence_download, name="evidence"),
]
