"""Invitations through a real SMTP server on loopback (aiosmtpd), and what happens when it is down.

The outbox row is written with the invitation, the on-commit task sends it over SMTP; the link in
the message that arrived is used once, then refused. With the server down, nothing reaches the
person who sent the invitation: the row waits for a retry with backoff, and the retry delivers it.
"""

import email
import socket
from datetime import timedelta
from email import policy
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create
from prm.outbox.models import OutboundEmail
from prm.outbox.tasks import flush_outbox
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Membership, Role

from .helpers import invitation_link, wait_for

NEW_EMAIL = "newrep@northwind.example"
NEW_PASSWORD = "Lantern-orbit-Kettle-42"
INVITE_KIND = "invitations/email/invite"


class Inbox:
    """aiosmtpd handler: keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append(SimpleNamespace(mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos), message=message))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(settings, controller.port)
    inbox.port = controller.port
    yield inbox
    controller.stop()


def invite_from_dashboard(client_as, world, capture_on_commit):
    """The Acme channel manager invites NEW_EMAIL on Northwind's page; on-commit work runs."""
    manager = client_as(world.acme_manager)
    with capture_on_commit(execute=True) as callbacks:
        response = manager.post(f"/manage/partners/{world.northwind.pk}/invite/", {"email": NEW_EMAIL, "role": "partner_user"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/manage/partners/{world.northwind.pk}/"
    assert callbacks, "the outbox send should wait for the commit"
    return manager


def only_message(inbox):
    assert len(inbox.messages) == 1, [m.message["Subject"] for m in inbox.messages]
    return inbox.messages[0]


def assert_invitation_message(received, world, host):
    """The SMTP server got the invitation for NEW_EMAIL; returns the link in it."""
    message = received.message
    assert received.rcpt_tos == [NEW_EMAIL]
    assert message["To"] == NEW_EMAIL
    inviter = world.acme_manager.user.get_full_name()
    assert message["Subject"] == f"{inviter} invited you to the Acme Networks partner program"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Northwind Traders" in text
    link = invitation_link(text)
    assert urlsplit(link).netloc.split(":")[0] == host
    assert link in html
    return link


def test_invitation_sent_over_smtp_is_used_once(world, smtp_server, client_as, django_capture_on_commit_callbacks):
    invite_from_dashboard(client_as, world, django_capture_on_commit_callbacks)

    link = assert_invitation_message(only_message(smtp_server), world, "acme.localhost")
    outbound = OutboundEmail.objects.get(kind=INVITE_KIND)
    assert outbound.to == [NEW_EMAIL]
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("sent", 1, "")
    assert outbound.sent_at is not None

    # The link from the SMTP message, on Acme's host.
    path = urlsplit(link).path
    visitor = Client(HTTP_HOST="acme.localhost")
    page = visitor.get(path)
    assert page.status_code == 200
    assert "Join Acme Networks" in page.content.decode()
    accepted = visitor.post(path, {"full_name": "Nora Newrep", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                            follow=True)
    assert accepted.redirect_chain[-1][0] == "/portal/"
    assert "Northwind Traders" in accepted.content.decode()
    with tenant_context(world.acme):
        membership = Membership.objects.get(user__email=NEW_EMAIL)
    assert (membership.role, membership.partner_id) == (Role.PARTNER_USER, world.northwind.pk)

    # Second use, from anyone (here a fresh visitor): refused with the 410 page, no account change.
    for again in (Client(HTTP_HOST="acme.localhost").get(path),
                  Client(HTTP_HOST="acme.localhost").post(path, {"full_name": "Mallory", "password1": NEW_PASSWORD,
                                                                 "password2": NEW_PASSWORD})):
        assert again.status_code == 410
        assert "This invitation link cannot be used" in again.content.decode()
    with tenant_context(world.acme):
        assert Membership.objects.filter(user__email=NEW_EMAIL).count() == 1
    assert only_message(smtp_server)  # nothing else was sent


def test_smtp_down_keeps_the_email_pending_for_a_retry(world, settings, client_as, django_capture_on_commit_callbacks):
    use_smtp(settings, free_port())  # nothing listens there: connection refused
    before = timezone.now()

    manager = invite_from_dashboard(client_as, world, django_capture_on_commit_callbacks)

    # The person who invited sees the normal outcome; the invitation exists and is pending.
    page = manager.get(f"/manage/partners/{world.northwind.pk}/")
    assert f"Invitation sent to {NEW_EMAIL}." in page.content.decode()
    with tenant_context(world.acme):
        assert Invitation.objects.get(email=NEW_EMAIL).status == "pending"

    # The outbox row waits for a retry: one attempt, the error, the next attempt after the backoff.
    outbound = OutboundEmail.objects.get(kind=INVITE_KIND)
    assert (outbound.status, outbound.attempts, outbound.sent_at) == ("pending", 1, None)
    assert outbound.last_error.startswith("ConnectionRefusedError"), outbound.last_error
    assert outbound.next_attempt_at is not None
    assert before + timedelta(seconds=29) <= outbound.next_attempt_at <= timezone.now() + timedelta(seconds=31)
    flush_outbox.delay()  # not due yet: nothing happens
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("pending", 1)

    # Once the server is back and the backoff has passed, the beat task delivers it.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        use_smtp(settings, controller.port)
        OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        flush_outbox.delay()
    finally:
        controller.stop()
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("sent", 2, "")
    assert_invitation_message(only_message(inbox), world, "acme.localhost")


@pytest.mark.browser
def test_smtp_invitation_link_opened_in_chromium_works_once(world, site, smtp_server, new_page):
    with tenant_context(world.acme):
        invitation_create(tenant=world.acme, actor_membership=world.acme_manager, email=NEW_EMAIL,
                          role=Role.PARTNER_USER, partner=world.northwind)
    # live_server tests run without a wrapping transaction: the send ran when the service committed.
    received = wait_for(lambda: smtp_server.messages, message="the SMTP server to receive the invitation")
    link = assert_invitation_message(received[0], world, "acme.localhost")
    assert link.startswith(site.url(world.acme, "/invitations/"))

    person = new_page()
    response = person.goto(link)
    assert response.status == 200
    expect(person.get_by_role("heading", level=1)).to_have_text("Join Acme Networks")
    person.fill('input[name="full_name"]', "Nora Newrep")
    person.fill('input[name="password1"]', NEW_PASSWORD)
    person.fill('input[name="password2"]', NEW_PASSWORD)
    person.get_by_role("button", name="Accept invitation").click()
    expect(person).to_have_url(site.url(world.acme, "/portal/"))
    expect(person.locator("main .lead")).to_contain_text("Northwind Traders")

    # The same link again, in another browser: refused.
    stranger = new_page()
    response = stranger.goto(link)
    assert response.status == 410
    expect(stranger.get_by_role("heading", level=1)).to_have_text("This invitation link cannot be used")
    expect(stranger.locator('input[name="password1"]')).not_to_be_attached()  # no way to create an account
    expect(stranger.get_by_role("link", name="Sign in")).to_be_visible()
