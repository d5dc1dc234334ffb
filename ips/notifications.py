"""In-app notifications and their email copies. A notification's key makes it reach a person once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from ips.models import Notification, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    recipient: User
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


def notify(notices: Iterable[Notice]) -> list[Notification]:
    """Create the notifications not sent before (by recipient and key) and email them.

    Returns the notifications created now. Safe to call again with the same notices: the unique key
    (recipient, key) keeps every reminder to one per person, even when two runs overlap.
    """
    notices = [n for n in notices if n.recipient.is_active]
    if not notices:
        return []
    keys = {n.key for n in notices}
    sent = set(
        Notification.objects.filter(key__in=keys, recipient__in={n.recipient.pk for n in notices}).values_list(
            "recipient_id", "key"
        )
    )
    fresh = []
    seen = set()
    for n in notices:
        ident = (n.recipient.pk, n.key)
        if ident in sent or ident in seen:
            continue
        seen.add(ident)
        fresh.append(
            Notification(recipient=n.recipient, kind=n.kind, key=n.key, title=n.title[:200], body=n.body, url=n.url)
        )
    if not fresh:
        return []
    created = Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    transaction.on_commit(lambda: _email([(n.recipient.pk, n.key) for n in fresh]))
    return created


def _email(idents: list[tuple[int, str]]) -> None:
    """Email the notifications just created (once: ``emailed_at`` marks them)."""
    keys = {key for _, key in idents}
    pending = Notification.objects.filter(key__in=keys, emailed_at__isnull=True).select_related("recipient")
    pending = [n for n in pending if (n.recipient_id, n.key) in set(idents) and n.recipient.email]
    if not pending:
        return
    messages = [
        (
            f"[IPS] {n.title}",
            "\n\n".join(filter(None, [n.body, f"{settings.IPS_SITE_URL.rstrip('/')}{n.url}" if n.url else ""])),
            settings.DEFAULT_FROM_EMAIL,
            [n.recipient.email],
        )
        for n in pending
    ]
    try:
        send_mass_mail(messages, fail_silently=False)
    except OSError:
        logger.exception("notifications: email delivery failed; the in-app notifications stand")
        return
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
