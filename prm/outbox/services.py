"""Enqueue and send outbound email. Nothing is sent from a web request: rows are sent by tasks."""

import logging
import secrets
import smtplib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from prm.bulk_insert import insert_objects, unsaved
from prm.enqueue import enqueue_on_commit
from prm.i18n.languages import language_for_recipient
from prm.tenancy.models import Tenant

from .models import EmailStatus, OutboundEmail
from .signals import email_bounced

logger = logging.getLogger(__name__)

# A send that hits the task's soft time limit (a hung SMTP server) is worth another try too.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, TimeoutError, SoftTimeLimitExceeded)
STUCK_AFTER = timedelta(minutes=15)
BATCH_SIZE = 50  # messages per task, sent over one SMTP connection


REDACTED = "[erased after delivery: this message held a secret link]"


def email_enqueue(*, tenant: Tenant | None, to: Iterable[str], subject: str, body_text: str, body_html: str = "",
                  headers: dict[str, str] | None = None, kind: str = "", from_email: str | None = None,
                  sensitive: bool = False, send: bool | None = True) -> OutboundEmail:
    """Store one message and send it after the surrounding transaction commits.

    `send=False` leaves the sending to the caller, who batches many rows into one task.
    """
    email = email_build(tenant=tenant, to=to, subject=subject, body_text=body_text, body_html=body_html,
                        headers=headers, kind=kind, from_email=from_email, sensitive=sensitive)
    if send is None:
        return email  # unsaved: the caller bulk-creates many
    email.save(force_insert=True)
    if send:
        enqueue_on_commit("prm.outbox.tasks.send_outbound_email", email_id=email.pk)
    return email


def emails_store(*, emails: list[OutboundEmail]) -> list[int]:
    """Insert unsaved rows (see email_build) in one statement (fast for many:
    prm/bulk_insert.py); returns their ids for emails_send_later."""
    return [email.pk for email in insert_objects(OutboundEmail.objects, emails)]


def email_batches(email_ids: Sequence[int]) -> list[list[int]]:
    """`email_ids` in slices of BATCH_SIZE: one task, over one SMTP connection, each."""
    ids = list(email_ids)
    return [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]


def emails_send_later(email_ids: Sequence[int]) -> None:
    """Send these stored rows in batch tasks once the current transaction commits."""
    for batch in email_batches(email_ids):
        enqueue_on_commit("prm.outbox.tasks.send_outbound_batch", email_ids=batch)


def email_build(*, tenant: Tenant | None, to: Iterable[str], subject: str, body_text: str, body_html: str = "",
                headers: dict[str, str] | None = None, kind: str = "", from_email: str | None = None,
                sensitive: bool = False) -> OutboundEmail:
    """An unsaved outbox row (see email_enqueue)."""
    return unsaved(
        OutboundEmail, tenant=tenant, kind=kind, to=list(to), from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        subject=" ".join(subject.splitlines()).strip(), body_text=body_text, body_html=body_html,
        headers=headers or {}, sensitive=sensitive,
    )


def email_render_and_enqueue(*, template: str, context: dict[str, Any], tenant: Tenant | None, to: Iterable[str],
                             headers: dict[str, str] | None = None, sensitive: bool = False,
                             language: str | None = None) -> OutboundEmail:
    """Render templates/<template>_subject.txt, _body.txt and (optional) _body.html, then enqueue.

    The message is written in `language`, else in its recipient's (their account's choice, else the
    program's default; callers send one message per recipient), with times in the program's zone.
    """
    email = email_render(template=template, context=context, tenant=tenant, to=to, headers=headers,
                         sensitive=sensitive, language=language)
    email.save(force_insert=True)
    enqueue_on_commit("prm.outbox.tasks.send_outbound_email", email_id=email.pk)
    return email


def email_render(*, template: str, context: dict[str, Any], tenant: Tenant | None, to: Iterable[str],
                 headers: dict[str, str] | None = None, sensitive: bool = False,
                 language: str | None = None) -> OutboundEmail:
    """An unsaved outbox row rendered as email_render_and_enqueue does: for callers that store many
    at once (emails_store, then emails_send_later)."""
    recipients = list(to)
    language = language or language_for_recipient(recipients[0], tenant)
    with translation.override(language), timezone.override(tenant.time_zone if tenant else "UTC"):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}_body.txt", context)
        try:
            html = render_to_string(f"{template}_body.html", context)
        except Exception:  # noqa: BLE001 — the HTML part is optional
            html = ""
    return email_build(
        tenant=tenant, to=recipients, subject=subject, body_text=text, body_html=html, kind=template,
        headers={"Content-Language": language, **(headers or {})}, sensitive=sensitive,
    )


def email_send(*, email_id: int) -> bool:
    """Claim one pending message and send it. Returns True if this call sent it."""
    return emails_send(email_ids=[email_id]) == 1


def emails_send(*, email_ids: Iterable[int]) -> int:
    """Claim and send many messages over one SMTP connection; returns how many this call sent.

    One statement claims the batch (rows another worker holds are skipped), so two workers given
    the same ids send each message once. Delivered rows are marked sent MARK_EVERY at a time; a
    failure is recorded on its own row and does not stop the others.
    """
    with transaction.atomic():
        ids = list(OutboundEmail.objects.select_for_update(skip_locked=True)
                   .filter(pk__in=list(email_ids), status=EmailStatus.PENDING).values_list("pk", flat=True))
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=EmailStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if not ids:
        return 0
    sent = 0
    delivered = []
    connection = get_connection()
    try:
        for email in OutboundEmail.objects.filter(pk__in=ids).order_by("pk"):
            if _deliver(email, connection):
                delivered.append(email)
                sent += 1
                if len(delivered) >= MARK_EVERY:
                    _mark_sent(delivered)
                    delivered = []
    finally:
        _mark_sent(delivered)
        connection.close()
    return sent


MARK_EVERY = 10


def _mark_sent(emails: list[OutboundEmail]) -> None:
    if not emails:
        return
    now = timezone.now()
    plain = [e.pk for e in emails if not e.sensitive]
    secret = [e.pk for e in emails if e.sensitive]
    if plain:
        OutboundEmail.objects.filter(pk__in=plain).update(status=EmailStatus.SENT, sent_at=now, last_error="")
    if secret:
        # Once delivered, the only copy of the link is in the recipient's mailbox.
        OutboundEmail.objects.filter(pk__in=secret).update(status=EmailStatus.SENT, sent_at=now, last_error="",
                                                          body_text=REDACTED, body_html="")


class OutboxMessage(EmailMultiAlternatives):
    """Picks its own multipart boundary: left to itself, the email package compiles a regular
    expression for every message to find one that is not in the text, a seventh of the cost of
    turning a message into bytes. 128 random bits, checked against the text all the same."""

    def message(self):
        msg = super().message()
        if msg.is_multipart():
            text = "".join([self.body, *(str(alternative[0]) for alternative in self.alternatives)])
            boundary = _boundary()
            while boundary in text:
                boundary = _boundary()
            msg.set_boundary(boundary)
        return msg


def _boundary() -> str:
    return f"=_prm_{secrets.token_hex(16)}"


def _deliver(email: OutboundEmail, connection: BaseEmailBackend) -> bool:
    """Send one claimed row; records a failure on the row. The caller marks delivered rows sent."""
    message = OutboxMessage(
        subject=email.subject, body=email.body_text, from_email=email.from_email, to=email.to,
        headers=email.headers, connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        # Open it ourselves: send_messages() on a closed connection opens and closes it around
        # every single message. A no-op while open; reopens after a transient error; a server
        # that refuses the connection is a transient failure of this message like any other.
        connection.open()
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
        _record_failure(email, exc, final=permanent)
        if permanent:
            email_bounced.send(sender=OutboundEmail, email=email, addresses=list(exc.recipients))
        return False
    except TRANSIENT_ERRORS as exc:
        _record_failure(email, exc)
        connection.close()  # the next message starts on a fresh connection
        return False
    except Exception as exc:
        # Not a delivery hiccup (e.g. a malformed header): retrying cannot help, so fail it now
        # rather than leave it in "sending" to be reclaimed and retried forever.
        logger.exception("Outbound email %s failed permanently", email.pk)
        _record_failure(email, exc, final=True)
        return False
    return True


def _record_failure(email: OutboundEmail, exc: BaseException, final: bool = False) -> None:
    final = final or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    backoff = timedelta(seconds=30 * 2 ** (email.attempts - 1))
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED if final else EmailStatus.PENDING,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=None if final else timezone.now() + backoff,
    )


def emails_due(now: datetime | None = None) -> list[int]:
    """Ids to (re)send: pending and due, or stuck in 'sending' after a worker died mid-send."""
    now = now or timezone.now()
    stuck = OutboundEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=now - STUCK_AFTER)
    # A message whose every attempt died mid-send is not retried past OUTBOX_MAX_ATTEMPTS.
    stuck.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=EmailStatus.FAILED, next_attempt_at=None, last_error="Stuck in sending on its last attempt; gave up."
    )
    stuck.update(status=EmailStatus.PENDING, next_attempt_at=now)
    # A fresh row without next_attempt_at is normally sent by its on-commit task; pick it up only
    # if that task was lost (broker down at commit time).
    due = OutboundEmail.objects.filter(status=EmailStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True, created_at__lt=now - timedelta(minutes=1)) | Q(next_attempt_at__lte=now)
    )
    return list(due.values_list("pk", flat=True)[:1000])
