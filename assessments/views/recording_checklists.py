"""The checklist editor (LANT-51). Every change makes a new checklist version; cases keep theirs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from assessments import selectors_recording as selectors
from assessments.forms.recording import ChecklistAddForm, ChecklistRetireForm, ChecklistRewordForm
from assessments.services.checklists import checklist_current, checklist_revise
from ips import permissions

MANAGE = "assessments.manage_checklists"


def _question_initial(request, sections, key: str) -> dict | None:
    """Prefill the reword or retire form from ``?reword=<section>|<code>`` (a link beside each question)."""
    value = request.GET.get(key, "")
    section_code, _, item_code = value.partition("|")
    for section in sections:
        if section.code != section_code:
            continue
        for item in section.items.all():
            if item.code == item_code:
                return {"question": value, "text": item.text, "reference": item.reference}
    return None


def _editor(request, *, template=None, bound=None):
    current = checklist_current()
    shown = template or current
    if shown is None:
        return render(request, "assessments/checklists.html", {"current": None, "versions": []})
    sections = selectors.checklist_sections(template=shown)
    context = {"current": current, "shown": shown, "sections": sections, "versions": selectors.checklist_versions()}
    if shown.pk == current.pk:
        current_sections = sections
        forms = {
            "add_form": ChecklistAddForm(sections=current_sections, prefix="add"),
            "reword_form": ChecklistRewordForm(
                template=current, sections=current_sections, prefix="reword",
                initial=_question_initial(request, current_sections, "reword"),
            ),
            "retire_form": ChecklistRetireForm(
                template=current, sections=current_sections, prefix="retire",
                initial=_question_initial(request, current_sections, "retire"),
            ),
        }
        if bound is not None:
            forms[bound[0]] = bound[1]
        context.update(forms, editing=True)
    return render(request, "assessments/checklists.html", context)


@login_required
def checklists(request):
    permissions.require(request.user, MANAGE)
    return _editor(request)


@login_required
def checklist_version(request, version: int):
    permissions.require(request.user, MANAGE)
    template = next((t for t in selectors.checklist_versions() if t.version == version), None)
    if template is None:
        raise Http404(f"There is no checklist version {version}.")
    return _editor(request, template=template)


def _revise(request, form, name: str, **kwargs):
    try:
        template = checklist_revise(by=request.user, **kwargs)
    except ValidationError as exc:
        form.add_service_error(exc)
        return _editor(request, bound=(name, form))
    messages.success(request, f"Checklist version {template.version} saved: {template.note}")
    return redirect("assessments:checklists")


def _current_or_404():
    current = checklist_current()
    if current is None:
        raise Http404("No checklist is loaded yet.")
    return current, selectors.checklist_sections(template=current)


@login_required
@require_POST
def checklist_add(request):
    permissions.require(request.user, MANAGE)
    _, sections = _current_or_404()
    form = ChecklistAddForm(request.POST, sections=sections, prefix="add")
    if not form.is_valid():
        return _editor(request, bound=("add_form", form))
    data = form.cleaned_data
    return _revise(request, form, "add_form", section_code=data["section"], item_code=data["item_code"],
                   text=data["text"], reference=data["reference"], note=data["note"])


@login_required
@require_POST
def checklist_reword(request):
    permissions.require(request.user, MANAGE)
    current, sections = _current_or_404()
    form = ChecklistRewordForm(request.POST, template=current, sections=sections, prefix="reword")
    if not form.is_valid():
        return _editor(request, bound=("reword_form", form))
    section_code, item_code = form.codes()
    data = form.cleaned_data
    return _revise(request, form, "reword_form", section_code=section_code, item_code=item_code, text=data["text"],
                   reference=data["reference"], note=data["note"])


@login_required
@require_POST
def checklist_retire(request):
    permissions.require(request.user, MANAGE)
    current, sections = _current_or_404()
    form = ChecklistRetireForm(request.POST, template=current, sections=sections, prefix="retire")
    if not form.is_valid():
        return _editor(request, bound=("retire_form", form))
    section_code, item_code = form.codes()
    return _revise(request, form, "retire_form", section_code=section_code, item_code=item_code, retire=True,
                   note=form.cleaned_data["note"])


urlpatterns = [
    path("checklists/", checklists, name="checklists"),
    path("checklists/v<int:version>/", checklist_version, name="checklist_version"),
    path("checklists/add/", checklist_add, name="checklists_add"),
    path("checklists/reword/", checklist_reword, name="checklists_reword"),
    path("checklists/retire/", checklist_retire, name="checklists_retire"),
]
