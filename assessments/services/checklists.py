"""Checklist versions. A published version never changes: every edit makes a new version."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch

from assessments import checklist_content
from assessments.models import ChecklistItem, ChecklistSection, ChecklistTemplate
from ips import permissions
from ips.audit import acting_as


@transaction.atomic
def checklist_load_reference() -> tuple[ChecklistTemplate, bool]:
    """Create the first checklist version from the program's content, once. Returns (template, created)."""
    existing = ChecklistTemplate.objects.order_by("version").first()
    if existing is not None:
        return existing, False
    template = ChecklistTemplate.objects.create(
        version=1, name=checklist_content.TEMPLATE_NAME, note="First version."
    )
    for s_pos, section in enumerate(checklist_content.SECTIONS, start=1):
        sec = ChecklistSection.objects.create(
            template=template, code=section["code"], title=section["title"], scope=section["scope"],
            source=section["source"], position=s_pos,
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(section=sec, code=code, text=text, reference=reference, position=i_pos)
            for i_pos, (code, text, reference) in enumerate(section["items"], start=1)
        )
    return template, True


def checklist_current() -> ChecklistTemplate | None:
    return ChecklistTemplate.objects.order_by("-version").first()


def _snapshot(template: ChecklistTemplate) -> list[dict]:
    items = Prefetch("items", queryset=ChecklistItem.objects.order_by("position"))
    sections = template.sections.prefetch_related(items)
    return [
        {
            "code": s.code, "title": s.title, "scope": s.scope, "source": s.source,
            "items": [{"code": i.code, "text": i.text, "reference": i.reference} for i in s.items.all()],
        }
        for s in sections.order_by("position")
    ]


@transaction.atomic
def checklist_revise(*, by, section_code: str, item_code: str, text: str | None = None,
                     reference: str | None = None, retire: bool = False, note: str = "") -> ChecklistTemplate:
    """Make a new version with one question added, reworded or retired; earlier versions stay."""
    permissions.enforce(by, "assessments.manage_checklists")
    current = ChecklistTemplate.objects.select_for_update().order_by("-version").first()
    if current is None:
        raise ValidationError("No checklist is loaded yet.")
    sections = _snapshot(current)
    section = next((s for s in sections if s["code"] == section_code), None)
    if section is None:
        raise ValidationError({"section_code": f"There is no section {section_code}."})
    item_code = item_code.strip()
    if not item_code:
        raise ValidationError({"item_code": "Give the question's code."})
    item = next((i for i in section["items"] if i["code"] == item_code), None)
    if retire:
        if item is None:
            raise ValidationError({"item_code": f"There is no question {item_code} in section {section_code}."})
        section["items"].remove(item)
        summary = f"Retired {item_code}."
    elif item is None:
        if not (text or "").strip():
            raise ValidationError({"text": "Write the new question."})
        section["items"].append({"code": item_code, "text": text.strip(), "reference": (reference or "").strip()})
        summary = f"Added {item_code}."
    else:
        if not (text or "").strip():
            raise ValidationError({"text": "Write the question."})
        item["text"] = text.strip()
        if reference is not None:
            item["reference"] = reference.strip()
        summary = f"Reworded {item_code}."
    version = (ChecklistTemplate.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    with acting_as(by):
        template = ChecklistTemplate.objects.create(
            version=version, name=current.name, note=note.strip() or summary, created_by=by
        )
        for s_pos, sec in enumerate(sections, start=1):
            new_section = ChecklistSection.objects.create(
                template=template, code=sec["code"], title=sec["title"], scope=sec["scope"], source=sec["source"],
                position=s_pos,
            )
            ChecklistItem.objects.bulk_create(
                ChecklistItem(section=new_section, code=i["code"], text=i["text"], reference=i["reference"],
                              position=i_pos)
                for i_pos, i in enumerate(sec["items"], start=1)
            )
    return template
