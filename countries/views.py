from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from countries.models import Country
from ips import permissions


@login_required
def country_list(request):
    permissions.require(request.user, "countries.view_country")
    countries = Country.objects.restrict(request.user, "view").select_related("node").with_current_ipslo()
    return render(request, "countries/country_list.html", {"countries": countries})


@login_required
def country_detail(request, iso3: str):
    country = get_object_or_404(Country.objects.restrict(request.user, "view"), iso3=iso3.upper())
    return render(request, "countries/country_detail.html", {"country": country})


@login_required
def portfolios(request):
    permissions.require(request.user, "countries.view_portfolios")
    return render(request, "countries/portfolios.html", {})
