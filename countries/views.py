"""Country, port and portfolio pages. Views check permissions, call selectors and services, and render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from countries import selectors, selectors_export, services
from countries.filters import CountryFilter
from countries.forms import (
    AssignForm,
    CountryForm,
    EndAssignmentForm,
    HandoverForm,
    PortFacilityForm,
    PortForm,
)
from countries.models import Port, PortFacility
from ips import exports, permissions
from ips.forms import answer_status

COUNTRIES_PER_PAGE = 50
SORTABLE_COLUMNS = (("name", "Country"), ("iso3", "ISO alpha-3"), ("node", "Node"), ("ipslo", "Primary IPSLO"))


def _posted(request):
    """The submitted data on POST (even if empty, so missing fields are reported), else None."""
    return request.POST if request.method == "POST" else None


def _country_or_404(request, iso3: str):
    """The country the user may see, after checking the role (no role: 403; unknown country: 404)."""
    permissions.require(request.user, "countries.view_country")
    country = selectors.country_for_page(user=request.user, iso3=iso3)
    if country is None:
        raise Http404(f"No country with ISO alpha-3 code {iso3.upper()}.")
    return country


def _sort_columns(current: str) -> list[dict]:
    columns = []
    for key, label in SORTABLE_COLUMNS:
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        columns.append(
            {
                "key": key,
                "label": label,
                "aria_sort": ("descending" if descending else "ascending") if active else None,
                "next": f"-{key}" if active and not descending else key,
            }
        )
    return columns


@login_required
def country_list(request):
    permissions.require(request.user, "countries.view_country")
    filterset = CountryFilter(request.GET, queryset=selectors.country_list(user=request.user))
    paginator = Paginator(filterset.qs, COUNTRIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "countries/country_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "columns": _sort_columns(filterset.current_sort),
            "filtered": filterset.active,
            "can_export": permissions.can(request.user, "ips.export_country"),
        },
    )


@login_required
def country_export(request, fmt: str):
    """The country status of exactly the countries the list shows for the same query string (same
    filters and order, every page) as CSV or Excel."""
    permissions.require(request.user, "ips.export_country")
    exports.check_format(fmt)
    filterset = CountryFilter(request.GET, queryset=selectors.country_list(user=request.user))
    table = selectors_export.country_status_table(
        countries=filterset.qs, user=request.user, on=timezone.localdate()
    )
    return exports.export_response(
        fmt, stem="country-status", columns=table.columns, rows=table.rows, title="Country status"
    )


@login_required
def country_detail(request, iso3: str):
    country = _country_or_404(request, iso3)
    user = request.user
    can_view_audit = permissions.can(user, "countries.view_audit", country)
    ports = selectors.country_ports(country=country)
    return render(
        request,
        "countries/country_detail.html",
        {
            "country": country,
            "ports": ports,
            "facilities": [facility for port in ports for facility in port.facilities.all()],
            "history": selectors.country_portfolio_history(country=country),
            "audit_rows": selectors.country_audit_history(country=country) if can_view_audit else None,
            "can_edit": permissions.can(user, "countries.change_country", country),
            "can_add_port": permissions.can(user, "countries.add_port", country),
            "can_change_port": permissions.can(user, "countries.change_port", country),
            "can_add_facility": permissions.can(user, "countries.add_portfacility", country),
            "can_change_facility": permissions.can(user, "countries.change_portfacility", country),
            "can_open_case": permissions.can(user, "assessments.add_assessment", country),
            "can_view_correspondence": permissions.can(user, "correspondence.view_correspondence", country),
            "audit_limit": selectors.AUDIT_ROWS_SHOWN,
        },
    )


@login_required
def country_edit(request, iso3: str):
    country = _country_or_404(request, iso3)
    permissions.require(request.user, "countries.change_country", country)
    allow_node = permissions.can(request.user, "countries.change_country_node", country)
    form = CountryForm(_posted(request), instance=country, allow_node=allow_node)
    if request.method == "POST" and form.is_valid():
        try:
            services.country_update(
                country=country,
                data=form.cleaned_data,
                fields=form.model_fields,
                by=request.user,
                expected_updated_at=form.cleaned_data["version"],
            )
        except services.ConcurrentEditError as exc:
            form = form.after_conflict(exc.instance, exc)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{country.name} was saved.")
            return redirect(country)
    return render(request, "countries/country_form.html", {"country": country, "form": form})


def _port_form_page(request, *, country, port=None):
    form = PortForm(_posted(request), instance=port, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            if port is None:
                port = services.port_create(country=country, data=form.data_for_service, by=request.user)
                messages.success(request, f"Port {port} was added to {country.name}.")
            else:
                port = services.port_update(
                    port=port, data=form.data_for_service, by=request.user, expected_version=form.expected_version
                )
                messages.success(request, f"Port {port} was saved.")
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect(f"{country.get_absolute_url()}#ports")
    return render(request, "countries/port_form.html", {"country": country, "port": port, "form": form},
                  status=answer_status(form))


@login_required
def port_add(request, iso3: str):
    country = _country_or_404(request, iso3)
    permissions.require(request.user, "countries.add_port", country)
    return _port_form_page(request, country=country)


@login_required
def port_edit(request, iso3: str, locode: str):
    country = _country_or_404(request, iso3)
    port = get_object_or_404(Port, country=country, locode=locode.upper())
    permissions.require(request.user, "countries.change_port", port)
    return _port_form_page(request, country=country, port=port)


def _facility_form_page(request, *, country, facility=None):
    initial = {}
    if facility is None and request.GET.get("port"):
        initial["port"] = Port.objects.filter(country=country, locode=request.GET["port"].upper()).first()
    form = PortFacilityForm(_posted(request), instance=facility, country=country, initial=initial)
    if request.method == "POST" and form.is_valid():
        port = form.cleaned_data["port"]
        try:
            if facility is None:
                facility = services.port_facility_create(port=port, data=form.data_for_service, by=request.user)
                messages.success(request, f"Port facility {facility} was added to {port.name}.")
            else:
                facility = services.port_facility_update(
                    facility=facility, data={"port": port, **form.data_for_service}, by=request.user,
                    expected_version=form.expected_version,
                )
                messages.success(request, f"Port facility {facility} was saved.")
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return redirect(f"{country.get_absolute_url()}#ports")
    return render(request, "countries/facility_form.html", {"country": country, "facility": facility, "form": form},
                  status=answer_status(form))


@login_required
def facility_add(request, iso3: str):
    country = _country_or_404(request, iso3)
    permissions.require(request.user, "countries.add_portfacility", country)
    return _facility_form_page(request, country=country)


@login_required
def facility_edit(request, iso3: str, imo_number: str):
    country = _country_or_404(request, iso3)
    facility = get_object_or_404(
        PortFacility.objects.select_related("port"), port__country=country, imo_number=imo_number.upper()
    )
    permissions.require(request.user, "countries.change_portfacility", facility)
    return _facility_form_page(request, country=country, facility=facility)


# --- portfolios ------------------------------------------------------------------------------


def _portfolios_page(request, *, assign_form=None, handover_form=None, end_form=None, status=200):
    can_manage = permissions.can(request.user, "countries.manage_portfolios")
    if can_manage and assign_form is None:
        preselect = request.GET.get("country", "").upper()
        assign_form = AssignForm(prefix="assign", initial={"country": preselect} if preselect else None)
    if can_manage and handover_form is None:
        handover_form = HandoverForm(prefix="handover")
    return render(
        request,
        "countries/portfolios.html",
        {
            "overview": selectors.portfolio_overview(),
            "can_manage": can_manage,
            "assign_form": assign_form if can_manage else None,
            "handover_form": handover_form if can_manage else None,
            "end_form": end_form,
        },
        status=status,
    )


@login_required
def portfolios(request):
    permissions.require(request.user, "countries.view_portfolios")
    return _portfolios_page(request)


@login_required
@require_POST
def portfolio_assign(request):
    permissions.require(request.user, "countries.manage_portfolios")
    form = AssignForm(request.POST, prefix="assign")
    if form.is_valid():
        country, ipslo = form.cleaned_data["country"], form.cleaned_data["ipslo"]
        try:
            services.portfolio_assign(country=country, ipslo=ipslo, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{ipslo} is now the primary IPSLO of {country.name}.")
            return redirect("countries:portfolios")
    return _portfolios_page(request, assign_form=form)


@login_required
@require_POST
def portfolio_end(request):
    permissions.require(request.user, "countries.manage_portfolios")
    form = EndAssignmentForm(request.POST)
    if form.is_valid():
        assignment = form.cleaned_data["assignment"]
        services.portfolio_end(assignment=assignment, by=request.user)
        messages.success(request, f"{assignment.ipslo} no longer covers {assignment.country.name}.")
        return redirect("countries:portfolios")
    return _portfolios_page(request, end_form=form)


@login_required
@require_POST
def portfolio_handover(request):
    permissions.require(request.user, "countries.manage_portfolios")
    form = HandoverForm(request.POST, prefix="handover")
    if form.is_valid():
        departing, successor = form.cleaned_data["from_ipslo"], form.cleaned_data["to_ipslo"]
        try:
            created = services.portfolio_handover(from_ipslo=departing, to_ipslo=successor, by=request.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                f"{len(created)} {'country' if len(created) == 1 else 'countries'} handed over "
                f"from {departing} to {successor}.",
            )
            return redirect("countries:portfolios")
    return _portfolios_page(request, handover_form=form)
