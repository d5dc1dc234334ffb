"""In-app notifications and their email copies.

A notification's key makes it reach a person once: the unique (recipient, key) constraint keeps one row
however often, or however many at once, the jobs run. Its email goes out once too: a sending run
claims each unsent notification with one conditional UPDATE (only one run wins the row), sends it,
then marks it sent. A failed send releases the claim, counts the attempt and keeps the error, so a
later run sends it; a claim left by a run that died is taken again after ``EMAIL_CLAIM_TIMEOUT``.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ips.models import Notification, User

logger = logging.getLogger(__name__)

# A claim older than this belongs to a run that died before marking its emails: another run may take them.
EMAIL_CLAIM_TIMEOUT = dt.timedelta(minutes=30)
# After this many failed attempts an email is no longer tried (its in-app notification stands).
EMAIL_MAX_ATTEMPTS = 10
EMAIL_ERROR_MAX_CHARS = 1000


@dataclass(frozen=True)
class Notice:
    recipient: User
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


@dataclass
class EmailDelivery:
    """What one sending run did: emails sent, emails that could not be sent, and why."""

    sent: int = 0
    failed: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def reason(self) -> str:
        return "; ".join(dict.fromkeys(self.reasons))

    def summary(self) -> str:
        text = f"{self.sent} sent"
        if self.failed:
            text += f", {self.failed} could not be sent: {self.reason}"
        return text


class EmailDeliveryFailed(Exception):
    """Some notification emails could not be sent; they stay queued for the next run."""

    def __init__(self, delivery: EmailDelivery):
        self.delivery = delivery
        super().__init__(f"Notification emails: {delivery.summary()}")


def notify(notices: Iterable[Notice], *, email: bool = True) -> list[Notification]:
    """Create the notifications not sent before (by recipient and key). Returns those created now.

    Safe to call again with the same notices: the unique key (recipient, key) keeps every reminder to one
    per person, even when two runs overlap. With ``email``, their emails are sent once the transaction
    commits; whatever cannot be sent then is sent by the next :func:`email_pending` run.
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
    if email:
        transaction.on_commit(partial(_email_quietly, sorted({n.key for n in fresh})))
    return created


def _email_quietly(keys: list[str]) -> None:
    delivery = email_pending(keys=keys)
    if not delivery.ok:
        logger.warning("notifications: %s; they stay queued for the next run", delivery.summary())


def email_pending(*, keys: Iterable[str] | None = None, batch_size: int | None = None) -> EmailDelivery:
    """Email every notification not emailed yet (only those with ``keys`` when given), in batches.

    Each batch is claimed with one conditional UPDATE before anything is sent, so two runs at the same
    moment (threads, processes, a cron run beside a Celery worker) never send the same email. Run it
    outside a transaction: each claim and each "sent" mark must be committed as it is made.
    """
    batch_size = batch_size or settings.IPS_JOB_BATCH_SIZE
    token = uuid.uuid4().hex
    delivery = EmailDelivery()
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, email_attempts__lt=EMAIL_MAX_ATTEMPTS,
                                    recipient__is_active=True)
        .exclude(recipient__email="")
    )
    if keys is not None:
        pending = pending.filter(key__in=list(keys))
    last_pk = 0
    while True:
        now = timezone.now()
        free = Q(email_claim="") | Q(email_claimed_at__lt=now - EMAIL_CLAIM_TIMEOUT)
        batch = list(pending.filter(free, pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        last_pk = batch[-1]
        # The claim: of two runs updating the same rows, the second finds them taken and skips them.
        Notification.objects.filter(free, pk__in=batch, emailed_at__isnull=True).update(
            email_claim=token, email_claimed_at=now
        )
        mine = list(
            Notification.objects.filter(email_claim=token, emailed_at__isnull=True)
            .select_related("recipient").order_by("pk")
        )
        if not mine:
            continue
        if not _send(mine, token, delivery):
            # The mail server cannot be reached: the rest waits for the next run, untouched.
            delivery.failed += pending.filter(free, pk__gt=last_pk).count()
            break
    return delivery


def _message(item: Notification) -> EmailMessage:
    link = f"{settings.IPS_SITE_URL.rstrip('/')}{item.url}" if item.url else ""
    return EmailMessage(
        subject=f"[IPS] {item.title}",
        body="\n\n".join(filter(None, [item.body, link])),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[item.recipient.email],
    )


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _describe(exc: BaseException) -> str:
    """A short reason a person can act on, e.g. "the mail server refused x@y (550 Mailbox unavailable)"."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {_text(message)})" for address, (code, message) in exc.recipients.items()
        )
        return f"the mail server refused {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the mail server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).strip() or type(exc).__name__


def _release(items: list[Notification], token: str, reason: str) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in items], email_claim=token).update(
        email_claim="", email_claimed_at=None, email_attempts=F("email_attempts") + 1,
        email_error=reason[:EMAIL_ERROR_MAX_CHARS],
    )


def _send(items: list[Notification], token: str, delivery: EmailDelivery) -> bool:
    """Send the claimed ``items`` over one connection. False when the mail server cannot be reached."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # any failure to connect (refused, timeout, TLS, authentication)
        where = f" at {connection.host}:{connection.port}" if hasattr(connection, "host") else ""
        reason = f"cannot reach the mail server{where}: {_describe(exc)}"
        logger.warning("notifications: cannot reach the mail server: %s", reason)
        _release(items, token, reason)
        delivery.failed += len(items)
        delivery.reasons.append(reason)
        return False
    try:
        for item in items:
            try:
                if not connection.send_messages([_message(item)]):
                    raise RuntimeError("the mail backend sent nothing")
            except Exception as exc:  # this email failed; the others are still tried
                reason = _describe(exc)
                logger.warning("notifications: email %s to %s failed: %s", item.pk, item.recipient_id, reason)
                _release([item], token, reason)
                delivery.failed += 1
                delivery.reasons.append(reason)
                continue
            Notification.objects.filter(pk=item.pk, email_claim=token).update(
                emailed_at=timezone.now(), email_claim="", email_claimed_at=None, email_error=""
            )
            delivery.sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a connection the server already dropped
            logger.debug("notifications: closing the mail connection failed", exc_info=True)
    return True


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
