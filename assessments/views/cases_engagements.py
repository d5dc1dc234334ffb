"""Other engagements: abbreviated assessments, assistance, capacity building, liaison visits and the like."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from assessments import selectors, services
from assessments.errors import WorkflowError
from assessments.forms.engagements import EngagementFilterForm, EngagementForm
from countries.models import Country
from ips import permissions
from ips.forms import answer_status, apply_service_error

ENGAGEMENTS_PER_PAGE = 50


def _engagement_or_404(request, pk: int):
    permissions.require(request.user, "assessments.view_engagement")
    engagement = selectors.engagement_for_page(pk=pk)
    if engagement is None:
        raise Http404("No such engagement.")
    return engagement


def _save(request, form: EngagementForm, *, country=None, engagement=None):
    try:
        saved = services.engagement_save(
            by=request.user, data=form.service_data(), findings=list(form.cleaned_data["findings"]),
            country=country, engagement=engagement, expected_version=form.expected_version,
        )
    except WorkflowError as exc:
        form.add_error(None, exc.messages)
    except ValidationError as exc:
        apply_service_error(form, exc)
    else:
        return saved
    return None


@login_required
def engagement_list(request):
    permissions.require(request.user, "assessments.view_engagement")
    form = EngagementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    paginator = Paginator(
        selectors.engagement_list(user=request.user, country=filters.get("country", ""), kind=filters.get("kind", "")),
        ENGAGEMENTS_PER_PAGE,
    )
    page = paginator.get_page(request.GET.get("page"))
    may_add = Country.objects.restrict(request.user, "change")
    return render(
        request, "assessments/engagement_list.html",
        {
            "form": form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": any(request.GET.get(name) for name in ("country", "kind")),
            "can_add": may_add.exists(),
        },
    )


@login_required
def engagement_create(request):
    permissions.require(request.user, "assessments.view_engagement")
    permissions.require(request.user, "assessments.add_engagement")
    countries = Country.objects.restrict(request.user, "change").select_related("node").order_by("name")
    iso3 = (request.GET.get("country") or "").upper()
    country = countries.filter(iso3=iso3).first() if iso3 else None
    if country is None:
        # First choose the country: its open findings are what the engagement can address.
        return render(
            request, "assessments/engagement_country.html",
            {"countries": countries, "unknown": bool(iso3), "iso3": iso3},
            status=404 if iso3 and not Country.objects.filter(iso3=iso3).exists() else 200,
        )
    permissions.require(request.user, "assessments.add_engagement", country)
    form = EngagementForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, country=country)
        if saved is not None:
            messages.success(request, f"The engagement “{saved.title}” was recorded.")
            return redirect("assessments:engagement", pk=saved.pk)
    return render(
        request, "assessments/engagement_form.html", {"form": form, "country": country, "engagement": None}
    )


@login_required
def engagement_detail(request, pk: int):
    engagement = _engagement_or_404(request, pk)
    user = request.user
    findings = [
        (finding, permissions.can(user, "assessments.view_finding", finding.assessment))
        for finding in engagement.findings.all()
    ]
    return render(
        request, "assessments/engagement_detail.html",
        {
            "engagement": engagement,
            "findings": findings,
            "can_change": permissions.can(user, "assessments.change_engagement", engagement),
        },
    )


@login_required
def engagement_edit(request, pk: int):
    engagement = _engagement_or_404(request, pk)
    permissions.require(request.user, "assessments.change_engagement", engagement)
    form = EngagementForm(request.POST or None, instance=engagement, country=engagement.country)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, engagement=engagement)
        if saved is not None:
            messages.success(request, f"The engagement “{saved.title}” was saved.")
            return redirect("assessments:engagement", pk=saved.pk)
    return render(
        request, "assessments/engagement_form.html",
        {"form": form, "country": engagement.country, "engagement": engagement}, status=answer_status(form),
    )


urlpatterns = [
    path("engagements/", engagement_list, name="engagements"),
    path("engagements/new/", engagement_create, name="engagement_create"),
    path("engagements/<int:pk>/", engagement_detail, name="engagement"),
    path("engagements/<int:pk>/edit/", engagement_edit, name="engagement_edit"),
]
