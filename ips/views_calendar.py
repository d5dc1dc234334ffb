"""The private calendar feed: the page that shows (and revokes or renews) the user's feed URL, and the
feed itself, reached without signing in by the secret token in its URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET, require_POST

from ips import calendar, permissions


def _require_staff(user) -> None:
    """Visits and deadlines are program staff's (PSA-1, LANT-51, IPSLOs)."""
    permissions.require(user, "ips.view_calendar")


@login_required
def calendar_page(request):
    _require_staff(request.user)
    token = calendar.calendar_token_current(user=request.user)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token.token})) if token else ""
    return render(request, "notifications/calendar.html", {"token": token, "feed_url": feed_url})


@login_required
@require_POST
def calendar_issue(request):
    _require_staff(request.user)
    had_one = calendar.calendar_token_current(user=request.user) is not None
    calendar.calendar_token_issue(user=request.user)
    if had_one:
        messages.success(request, "A new calendar link was made. The old link no longer works: subscribe again with "
                                  "the new one.")
    else:
        messages.success(request, "Your calendar link was made.")
    return redirect("calendar")


@login_required
@require_POST
def calendar_revoke(request):
    _require_staff(request.user)
    if calendar.calendar_token_revoke(user=request.user):
        messages.success(request, "Your calendar link was revoked; calendars subscribed to it stop updating.")
    else:
        messages.info(request, "You had no calendar link to revoke.")
    return redirect("calendar")


@require_GET
def calendar_feed(request, token: str):
    """The iCalendar feed. No session: the token is the credential; an unknown or revoked one is a 404."""
    owner = calendar.calendar_feed_owner(token=token)
    if owner is None:
        raise Http404("No such calendar.")
    body = calendar.calendar_build(user=owner, entries=calendar.calendar_entries(user=owner))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ips-calendar.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/new/", calendar_issue, name="calendar_issue"),
    path("calendar/revoke/", calendar_revoke, name="calendar_revoke"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{16,64})\.ics$", calendar_feed, name="calendar_feed"),
]
