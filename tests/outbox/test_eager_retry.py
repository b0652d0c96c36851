"""Eager mode (the embedded default) has no beat: a message whose send failed for a passing reason
is sent again by a later request, and a failed send never turns a committed write into a 500."""

import smtplib
from datetime import timedelta

import pytest
from celery import current_app
from django.core.mail import EmailMultiAlternatives
from django.db import OperationalError
from django.utils import timezone

from prm.outbox.models import EmailStatus, OutboundEmail
from prm.outbox.services import email_enqueue
from surveys.models import Answer, FollowUpCase
from surveys.tokens import answer_token
from tests.surveys.helpers import OPENED_KIND, make_invitation, make_survey


@pytest.fixture
def smtp_fails_once(monkeypatch):
    """The first send fails the way a dropped SMTP connection does; later ones go through."""
    deliver = EmailMultiAlternatives.send
    calls = []

    def send(self, fail_silently=False):
        calls.append(self.to)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return deliver(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    return calls


@pytest.fixture
def every_request_checks(settings):
    settings.OUTBOX_EAGER_RETRY_SECONDS = 0


def _reload(email):
    return OutboundEmail.objects.get(pk=email.pk)


def _later(email, **moved):
    """Time passes for this row: its backoff, or the minute a lost hand-off is given, is over."""
    OutboundEmail.objects.filter(pk=email.pk).update(**moved)


def test_a_send_that_failed_once_is_delivered_by_a_later_request(
        world, anon_client, smtp_fails_once, every_request_checks, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_enqueue(tenant=world.acme, to=["dana@fabrikam.example"], subject="Hello", body_text="Body")
    row = _reload(email)
    assert (row.status, row.attempts, mailoutbox) == (EmailStatus.PENDING, 1, [])
    assert row.next_attempt_at > timezone.now()

    browser = anon_client(world.acme)
    browser.get("/s/thanks/")  # before the backoff is over: not yet
    assert (_reload(email).attempts, mailoutbox) == (1, [])

    _later(email, next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert browser.get("/s/thanks/").status_code == 200
    row = _reload(email)
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 2, "")
    assert [message.to for message in mailoutbox] == [["dana@fabrikam.example"]]
    assert len(smtp_fails_once) == 2


def test_an_answer_whose_email_could_not_be_sent_is_not_a_server_error_and_its_email_follows(
        world, anon_client, monkeypatch, every_request_checks, django_capture_on_commit_callbacks, mailoutbox):
    survey = make_survey(world.acme, "After the project")
    invitation = make_invitation(survey, world.northwind, "dana@fabrikam.example")

    def locked(**_):
        raise OperationalError("database is locked")

    monkeypatch.setattr("prm.outbox.tasks.email_send", locked)  # the eager task fails after the commit
    customer = anon_client(world.acme)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer.post(f"/s/{answer_token(invitation)}/", {"score": "3"})
    assert response.status_code == 302
    assert Answer.unscoped.filter(invitation=invitation).count() == 1
    assert FollowUpCase.unscoped.count() == 1
    emails = OutboundEmail.objects.filter(kind=OPENED_KIND)
    assert emails.exists()
    assert set(emails.values_list("status", "attempts")) == {(EmailStatus.PENDING, 0)}
    assert mailoutbox == []

    monkeypatch.undo()
    for email in emails:  # the hand-off was lost: a minute later the row counts as due
        _later(email, created_at=timezone.now() - timedelta(minutes=2))
    customer.get("/s/thanks/")
    assert set(emails.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert sorted(message.to[0] for message in mailoutbox) == sorted(emails.values_list("to__0", flat=True))


def test_one_request_per_interval_retries(world, anon_client, settings, mailoutbox):
    settings.OUTBOX_EAGER_RETRY_SECONDS = 3600
    due = timezone.now() - timedelta(seconds=1)
    first = email_enqueue(tenant=world.acme, to=["a@x.example"], subject="A", body_text="A", send=False)
    _later(first, next_attempt_at=due)
    browser = anon_client(world.acme)
    browser.get("/s/thanks/")
    assert _reload(first).status == EmailStatus.SENT

    second = email_enqueue(tenant=world.acme, to=["b@x.example"], subject="B", body_text="B", send=False)
    _later(second, next_attempt_at=due)
    browser.get("/s/thanks/")  # within the hour: this request does not look
    assert _reload(second).status == EmailStatus.PENDING
    assert len(mailoutbox) == 1


def test_with_a_broker_requests_leave_retries_to_beat(world, anon_client, every_request_checks, mailoutbox):
    current_app.conf.task_always_eager = False  # the eager_celery fixture puts it back
    email = email_enqueue(tenant=world.acme, to=["a@x.example"], subject="A", body_text="A", send=False)
    _later(email, next_attempt_at=timezone.now() - timedelta(seconds=1))
    anon_client(world.acme).get("/s/thanks/")
    assert _reload(email).status == EmailStatus.PENDING
    assert mailoutbox == []
