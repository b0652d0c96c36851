"""The outbox: one row per message, claimed once, retried with backoff on transient errors."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from prm.outbox.models import EmailStatus, OutboundEmail
from prm.outbox.services import email_enqueue, email_send, emails_due
from prm.outbox.tasks import flush_outbox, send_outbound_email


@pytest.fixture
def make_email(db):
    def make(**fields):
        values = {"tenant": None, "to": ["someone@example.com"], "subject": "Hello", "body_text": "Plain body"}
        values.update(fields)
        return email_enqueue(**values)

    return make


@pytest.fixture
def smtp_down(monkeypatch):
    """Every send fails the way a dropped SMTP connection does; counts the attempts."""
    calls = []

    def fail(self, fail_silently=False):
        calls.append(self.to)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
    return calls


def _reload(email):
    return OutboundEmail.objects.get(pk=email.pk)


def test_enqueue_sends_after_commit(make_email, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = make_email(subject="Multi\nline subject")
    assert mailoutbox == []
    assert _reload(email).status == EmailStatus.PENDING
    assert email.subject == "Multi line subject"

    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    sent = _reload(email)
    assert (sent.status, sent.attempts) == (EmailStatus.SENT, 1)
    assert sent.sent_at is not None


def test_sending_twice_sends_one_message(make_email, mailoutbox):
    email = make_email()
    send_outbound_email(email.pk)
    send_outbound_email(email.pk)
    send_outbound_email.delay(email.pk)
    assert email_send(email_id=email.pk) is False

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Hello"
    assert mailoutbox[0].body == "Plain body"
    row = _reload(email)
    assert (row.status, row.attempts) == (EmailStatus.SENT, 1)


def test_html_alternative_is_attached_when_set(make_email, mailoutbox):
    plain = make_email(subject="plain")
    rich = make_email(subject="rich", body_html="<p>Hello <b>there</b></p>", headers={"X-PRM-Kind": "test"})
    email_send(email_id=plain.pk)
    email_send(email_id=rich.pk)

    by_subject = {m.subject: m for m in mailoutbox}
    assert by_subject["plain"].alternatives == []
    assert [(a.content, a.mimetype) for a in by_subject["rich"].alternatives] == [("<p>Hello <b>there</b></p>", "text/html")]
    assert by_subject["rich"].body == "Plain body"
    assert by_subject["rich"].extra_headers["X-PRM-Kind"] == "test"


def test_transient_failure_goes_back_to_pending_with_backoff(make_email, smtp_down, mailoutbox):
    email = make_email()

    before = timezone.now()
    assert email_send(email_id=email.pk) is False
    after = timezone.now()
    row = _reload(email)
    assert row.status == EmailStatus.PENDING
    assert row.attempts == 1
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert before + timedelta(seconds=30) <= row.next_attempt_at <= after + timedelta(seconds=30)
    first_delay = row.next_attempt_at - after

    before = timezone.now()
    email_send(email_id=email.pk)
    after = timezone.now()
    row = _reload(email)
    assert (row.status, row.attempts) == (EmailStatus.PENDING, 2)
    assert before + timedelta(seconds=60) <= row.next_attempt_at <= after + timedelta(seconds=60)
    assert row.next_attempt_at - after > first_delay  # the wait grows

    email_send(email_id=email.pk)
    row = _reload(email)
    assert row.attempts == 3
    assert row.next_attempt_at >= timezone.now() + timedelta(seconds=115)
    assert len(smtp_down) == 3
    assert mailoutbox == []


def test_gives_up_after_max_attempts(make_email, smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = make_email()
    for _ in range(3):
        email_send(email_id=email.pk)
    row = _reload(email)
    assert row.status == EmailStatus.FAILED
    assert row.attempts == 3
    assert row.next_attempt_at is None
    assert "SMTPServerDisconnected" in row.last_error

    # A failed message is not picked up again.
    assert email_send(email_id=email.pk) is False
    assert len(smtp_down) == 3
    assert email.pk not in emails_due(now=timezone.now() + timedelta(days=1))


def test_a_later_success_clears_the_error(make_email, smtp_down, monkeypatch, mailoutbox):
    email = make_email()
    email_send(email_id=email.pk)
    monkeypatch.undo()
    assert email_send(email_id=email.pk) is True
    row = _reload(email)
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 2, "")
    assert len(mailoutbox) == 1


def test_emails_due_picks_due_rows_and_reclaims_stuck_ones(make_email):
    now = timezone.now()

    def row(subject, **update):
        email = make_email(subject=subject)
        OutboundEmail.objects.filter(pk=email.pk).update(**update)
        return email.pk

    retry_due = row("retry due", next_attempt_at=now - timedelta(seconds=1))
    retry_later = row("retry later", next_attempt_at=now + timedelta(minutes=5))
    fresh = row("fresh, its on-commit task is on the way")
    lost = row("task lost", created_at=now - timedelta(minutes=2))
    stuck = row("stuck", status=EmailStatus.SENDING, claimed_at=now - timedelta(minutes=16), attempts=1)
    sending = row("still sending", status=EmailStatus.SENDING, claimed_at=now - timedelta(minutes=5), attempts=1)
    sent = row("sent", status=EmailStatus.SENT, created_at=now - timedelta(hours=1))
    failed = row("failed", status=EmailStatus.FAILED, created_at=now - timedelta(hours=1))

    due = emails_due(now=now)

    assert set(due) == {retry_due, lost, stuck}
    assert not {retry_later, fresh, sending, sent, failed} & set(due)
    reclaimed = OutboundEmail.objects.get(pk=stuck)
    assert reclaimed.status == EmailStatus.PENDING
    assert OutboundEmail.objects.get(pk=sending).status == EmailStatus.SENDING


def test_flush_outbox_sends_due_and_stuck_rows(make_email, mailoutbox):
    now = timezone.now()
    due = make_email(subject="due")
    OutboundEmail.objects.filter(pk=due.pk).update(next_attempt_at=now - timedelta(seconds=5), attempts=1)
    stuck = make_email(subject="stuck")
    OutboundEmail.objects.filter(pk=stuck.pk).update(status=EmailStatus.SENDING, claimed_at=now - timedelta(minutes=20), attempts=1)
    later = make_email(subject="later")
    OutboundEmail.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(minutes=10), attempts=1)

    flush_outbox()

    assert sorted(m.subject for m in mailoutbox) == ["due", "stuck"]
    assert _reload(due).status == _reload(stuck).status == EmailStatus.SENT
    assert _reload(stuck).attempts == 2
    assert _reload(later).status == EmailStatus.PENDING

    flush_outbox()  # nothing left to do
    assert len(mailoutbox) == 2


def test_permanent_error_fails_the_message_instead_of_retrying_forever(make_email, monkeypatch, mailoutbox):
    def broken(self, fail_silently=False):
        raise ValueError("Header values can't contain newlines")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    email = make_email()
    assert email_send(email_id=email.pk) is False
    row = _reload(email)
    assert row.status == EmailStatus.FAILED
    assert row.attempts == 1
    assert row.last_error == "ValueError: Header values can't contain newlines"
    # Not picked up again, even long after.
    assert email.pk not in emails_due(now=timezone.now() + timedelta(days=1))


def test_stuck_rows_out_of_attempts_are_failed_not_retried(make_email, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    now = timezone.now()
    email = make_email()
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, claimed_at=now - timedelta(minutes=20), attempts=3)
    assert email.pk not in emails_due(now=now)
    row = _reload(email)
    assert row.status == EmailStatus.FAILED
    assert "gave up" in row.last_error


def test_soft_time_limit_is_retried(make_email, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def hang(self, fail_silently=False):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(EmailMultiAlternatives, "send", hang)
    email = make_email()
    email_send(email_id=email.pk)
    row = _reload(email)
    assert (row.status, row.attempts) == (EmailStatus.PENDING, 1)
    assert row.next_attempt_at > timezone.now()


def test_a_multipart_message_gets_a_boundary_that_is_not_in_its_text(monkeypatch):
    from email import message_from_bytes

    from prm.outbox import services

    taken = "=_prm_taken"
    candidates = iter([taken, "=_prm_free"])
    monkeypatch.setattr(services, "_boundary", lambda: next(candidates))
    message = services.OutboxMessage(subject="Hi", body=f"Text that happens to hold {taken}.", to=["a@example.com"])
    message.attach_alternative("<p>Hello</p>", "text/html")

    raw = message.message().as_bytes(linesep="\r\n")

    parsed = message_from_bytes(raw)
    assert parsed.get_boundary() == "=_prm_free"
    text, html = parsed.get_payload()
    assert text.get_payload(decode=True).decode() == f"Text that happens to hold {taken}."
    assert html.get_payload(decode=True).decode() == "<p>Hello</p>"
