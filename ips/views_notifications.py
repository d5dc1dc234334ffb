"""The signed-in user's notifications: the list (newest first, unread highlighted) and marking them read.

Only a person's own notifications are reachable; anyone else's is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ips import notifications, permissions
from ips.models import Notification

NOTIFICATIONS_PER_PAGE = 50


def _safe_link(request, url: str) -> str:
    """The notification's link if it stays on this site, else nothing."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return ""


@login_required
def notification_list(request):
    paginator = Paginator(Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id"),
                          NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for item in page.object_list:
        item.link = _safe_link(request, item.url)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "unread": notifications.unread_count(request.user),
            "can_subscribe": permissions.can(request.user, "ips.view_calendar"),
        },
    )


def _back(request) -> str:
    """Back to the list page the button was on."""
    page = request.POST.get("page", "")
    url = reverse("notifications")
    return f"{url}?page={page}" if page.isdigit() else url


@login_required
@require_POST
def notification_read(request, pk: int):
    item = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(user=request.user, notification_ids=[item.pk])
    if request.POST.get("open") and (link := _safe_link(request, item.url)):
        return redirect(link)
    messages.success(request, f"Marked as read: {item.title}")
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.mark_read(user=request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    else:
        messages.info(request, "There was no unread notification.")
    return redirect(_back(request))


urlpatterns = [
    path("notifications/", notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notification_read, name="notification_read"),
    path("notifications/read-all/", notification_read_all, name="notifications_read_all"),
]
