"""The findings of every case the user may see, filtered by checklist section, severity, status, node,
country and year, with CSV and Excel downloads of the filtered rows. Findings are FOR OFFICIAL USE ONLY:
the page carries the marking and so do the files (see ips.exports)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse

from assessments import selectors_findings
from assessments.filters import FindingFilter
from ips import exports, permissions

FINDINGS_PER_PAGE = 50
# Sortable columns: label, and how the ascending and descending orders read in the table caption.
SORTABLE_COLUMNS = {
    "case": ("Case", "oldest case first", "newest case first"),
    "severity": ("Severity", "most severe first", "least severe first"),
    "status": ("Status", "open findings first", "closed findings first"),
}


def _sort_columns(current: str) -> dict[str, dict]:
    """For each sortable column: its aria-sort value, the sort its header link asks for and how it reads."""
    columns = {}
    for key, (label, ascending, descending) in SORTABLE_COLUMNS.items():
        active = current.lstrip("-") == key
        is_descending = current.startswith("-")
        ask = f"-{key}" if active and not is_descending else key
        columns[key] = {
            "label": label,
            "aria_sort": ("descending" if is_descending else "ascending") if active else None,
            "next": ask,
            "next_label": descending if ask.startswith("-") else ascending,
        }
    return columns


def _sort_label(current: str) -> str:
    _, ascending, descending = SORTABLE_COLUMNS[current.lstrip("-")]
    return descending if current.startswith("-") else ascending


def _filtered(request) -> FindingFilter:
    return FindingFilter(request.GET, queryset=selectors_findings.finding_list(user=request.user))


@login_required
def finding_list(request):
    permissions.require(request.user, "assessments.view_finding_list")
    filterset = _filtered(request)
    paginator = Paginator(filterset.qs, FINDINGS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    sort = filterset.current_sort
    return render(
        request,
        "assessments/finding_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "columns": _sort_columns(sort),
            "sort": sort,
            "sort_label": _sort_label(sort),
            "filtered": filterset.active,
            "can_export": permissions.can(request.user, "ips.export_finding"),
            "fouo": True,
        },
    )


@login_required
def finding_export(request, fmt: str):
    """The filtered findings (every page, in the page's order) as CSV or Excel, marked FOUO."""
    permissions.require(request.user, "ips.export_finding")
    exports.check_format(fmt)
    filterset = _filtered(request)
    if (count := exports.excel_rows_over_limit(fmt, filterset.qs)) is not None:
        messages.error(
            request,
            f"These filters select {count:,} findings; an Excel download holds at most "
            f"{settings.IPS_EXPORT_EXCEL_MAX_ROWS:,}. Narrow the filters, or download CSV, which has no limit.",
        )
        return redirect(f"{reverse('assessments:finding_list')}?{request.GET.urlencode()}")

    @functools.cache
    def case_url(case_id: int) -> str:  # a case has many findings: reverse its address once
        return request.build_absolute_uri(reverse("assessments:findings", args=[case_id]))

    def link(case_id: int, finding_id: int) -> str:
        return f"{case_url(case_id)}#finding-{finding_id}"

    return exports.export_response(
        fmt,
        stem="findings",
        columns=selectors_findings.EXPORT_COLUMNS,
        rows=selectors_findings.finding_export_rows(findings=filterset.qs, link=link),
        title="Findings",
        marking=exports.FOUO,
    )


urlpatterns = [
    path("findings/", finding_list, name="finding_list"),
    path("findings/export.<slug:fmt>", finding_export, name="finding_export"),
]
