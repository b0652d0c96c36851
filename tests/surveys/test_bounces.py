"""A survey email refused for good (5xx) marks the invitation bounced and suppresses the address."""

import smtplib

import pytest
from django.utils import timezone

from prm.outbox.models import EmailStatus, OutboundEmail
from surveys import services
from surveys.models import InvitationStatus, Suppression, Survey, SurveyInvitation
from tests.support import eager_celery  # noqa: F401


@pytest.fixture(autouse=True)
def _eager(eager_celery):  # noqa: F811
    pass


def _due_invitation(world, in_tenant):
    with in_tenant(world.acme):
        survey = Survey.objects.create(tenant=world.acme, name="After the project")
        return SurveyInvitation.objects.create(tenant=world.acme, survey=survey, partner=world.northwind,
                                               email="gone@customer.example", status=InvitationStatus.QUEUED,
                                               send_after=timezone.now())


def _refuse_with(code, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"gone@customer.example": (code, b"mailbox unavailable")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


def test_permanent_refusal_is_a_bounce(world, in_tenant, monkeypatch, django_capture_on_commit_callbacks):
    invitation = _due_invitation(world, in_tenant)
    _refuse_with(550, monkeypatch)
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        services.dispatch_due(tenant=world.acme)
    with in_tenant(world.acme):
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.BOUNCED
        assert Suppression.objects.get(email="gone@customer.example").reason == "bounce"
    assert OutboundEmail.objects.get().status == EmailStatus.FAILED


def test_temporary_refusal_is_retried_not_bounced(world, in_tenant, monkeypatch, django_capture_on_commit_callbacks):
    invitation = _due_invitation(world, in_tenant)
    _refuse_with(451, monkeypatch)
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        services.dispatch_due(tenant=world.acme)
    with in_tenant(world.acme):
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.SENT
        assert not Suppression.objects.exists()
    email = OutboundEmail.objects.get()
    assert email.status == EmailStatus.PENDING and email.next_attempt_at is not None
