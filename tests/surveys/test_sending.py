"""Sending surveys: due invitations through the outbox, quarantine, suppression (RFC 8058 one-click),
reminders, the shared per-minute budget, and the invitations of won deals."""

import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context
from surveys import services, tasks, throttle, tokens
from surveys.models import InvitationStatus, Suppression, SurveyInvitation
from tests.dealreg.helpers import make_deal

from .helpers import INVITATION_KIND, REMINDER_KIND, make_invitation, make_survey, outbound, set_settings, utc

T0 = utc(2025, 3, 3, 10, 0)  # a Monday
SCORE_LINK = re.compile(r"https?://acme\.localhost/s/([^/\s\"'<>?]+)/\?score=(\d+)")
UNSUBSCRIBE_HEADER = re.compile(r"^<(https?://acme\.localhost/u/[^/\s>]+/)>$")


@pytest.fixture
def survey(acme):
    return make_survey(acme.acme, "Customer NPS")


@pytest.fixture
def frozen_budget(monkeypatch):
    """The send budget's clock stands still (one minute for the whole test) unless the test moves it."""
    clock = SimpleNamespace(now=1_700_000_000.0)
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(fn, *args, **kwargs): call it and run what it left for after the commit (the outbox sends)."""

    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return call


def due(survey, partner, email, *, when=T0, **fields):
    return make_invitation(survey, partner, email, status=InvitationStatus.SCHEDULED, send_after=when, **fields)


def refreshed(invitation):
    return SurveyInvitation.unscoped.get(pk=invitation.pk)


# --- sending ------------------------------------------------------------------------------------


def test_dispatch_sends_due_invitations_with_eleven_score_links_and_one_click_unsubscribe(acme, survey, committed,
                                                                                         mailoutbox):
    invitation = due(survey, acme.northwind, "dana@fabrikam.example", name="Dana", company="Fabrikam")
    later = due(survey, acme.northwind, "later@fabrikam.example", when=T0 + timedelta(days=1))

    outcome = committed(services.dispatch_due, tenant=acme.acme, now=T0)

    assert outcome == {"sent": 1, "skipped": 0, "noop": 0, "deferred": 0}
    row = refreshed(invitation)
    assert (row.status, row.sent_at) == (InvitationStatus.SENT, T0)
    assert row.next_reminder_at == T0 + timedelta(days=4)  # default reminder interval
    assert refreshed(later).status == InvitationStatus.SCHEDULED  # not due yet

    [email] = outbound(INVITATION_KIND)
    assert (email.to, email.status, email.tenant_id) == (["dana@fabrikam.example"], "sent", acme.acme.pk)
    assert email.subject == "Northwind Traders and Acme Networks: how did we do?"
    for body in (email.body_text, email.body_html):
        links = SCORE_LINK.findall(body)
        assert [int(score) for _, score in links] == list(range(11))
        [token] = {token for token, _ in links}  # one link, eleven preselected scores
        assert tokens.read_answer_token(token, acme.acme) == invitation.pk

    [message] = mailoutbox
    assert message.to == ["dana@fabrikam.example"]
    headers = message.message()
    unsubscribe = UNSUBSCRIBE_HEADER.match(headers["List-Unsubscribe"])
    assert unsubscribe, headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = urlsplit(unsubscribe.group(1)).path.split("/")[2]
    assert tokens.read_unsubscribe_token(token, acme.acme) == "dana@fabrikam.example"
    assert unsubscribe.group(1) in message.body  # the same link is in the text for people


def test_the_eleven_score_buttons_look_the_same_so_no_colour_steers_the_answer(acme, survey, committed):
    due(survey, acme.northwind, "dana@fabrikam.example")
    committed(services.dispatch_due, tenant=acme.acme, now=T0)
    [email] = outbound(INVITATION_KIND)
    buttons = re.findall(r'<a href="[^"]*\?score=(\d+)" aria-label="\d+" style="([^"]*)">', email.body_html)
    assert [int(score) for score, _ in buttons] == list(range(11))
    assert len({style for _, style in buttons}) == 1  # one look for 0 and for 10
    for red_amber_green in ("#b91c1c", "#92400e", "#166534"):
        assert red_amber_green not in email.body_html


def test_one_batch_gives_each_email_its_own_partner_and_links_rendered_as_the_templates_would(acme, survey, monkeypatch):
    # The bodies are rendered once per survey with slots; each email must equal a direct rendering
    # with its own values, escaping included.
    import django.core.signing
    from django.template.loader import render_to_string

    # Signed links carry the second they were signed in: the same second for the batch and the check.
    monkeypatch.setattr(django.core.signing.time, "time", lambda: T0.timestamp())
    from django.urls import reverse

    from prm.tenancy.links import tenant_url
    from surveys.texts import texts_for

    acme.contoso.name = "O'Brien & <Sons>"
    acme.contoso.save()
    first = due(survey, acme.northwind, "dana@fabrikam.example")
    second = due(survey, acme.contoso, "lee@tailspin.example")

    services.invitations_send(tenant=acme.acme, invitation_ids=[first.pk, second.pk], now=T0)

    for invitation in (first, second):
        row = SurveyInvitation.objects.select_related("tenant", "partner", "survey").get(pk=invitation.pk)
        answer_url = tenant_url(acme.acme, reverse("survey_answer", args=[tokens.answer_token(row)]))
        unsubscribe_url = tenant_url(acme.acme, reverse("survey_unsubscribe",
                                                        args=[tokens.unsubscribe_token(acme.acme, row.email)]))
        texts = texts_for(survey, row.partner.name, acme.acme.name)
        context = {"texts": texts, "survey": survey, "tenant": acme.acme, "answer_url": answer_url,
                   "unsubscribe_url": unsubscribe_url,
                   "scores": [(score, f"{answer_url}?score={score}") for score in range(11)]}
        [email] = OutboundEmail.objects.filter(to=[row.email])
        assert email.subject == texts["subject"]
        assert email.body_text == render_to_string("surveys/email/survey_body.txt", context)
        assert email.body_html == render_to_string("surveys/email/survey_body.html", context)
        assert email.headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    contoso_html = OutboundEmail.objects.get(to=["lee@tailspin.example"]).body_html
    assert "O&#x27;Brien &amp; &lt;Sons&gt;" in contoso_html and "<Sons>" not in contoso_html
    assert all("prm-slot" not in e.body_html + e.body_text + e.subject for e in OutboundEmail.objects.all())
    # No line is long enough to need quoted-printable: the parts go out as they are.
    assert max(len(line) for e in OutboundEmail.objects.all() for line in e.body_html.splitlines()) < 998


def test_the_task_run_twice_sends_once(acme, survey, committed, mailoutbox):
    due(survey, acme.northwind, "dana@fabrikam.example", when=timezone.now() - timedelta(minutes=1))

    committed(tasks.dispatch_surveys.delay)
    committed(tasks.dispatch_surveys.delay)
    committed(tasks.dispatch_surveys.delay, tenant_id=acme.acme.pk)

    assert OutboundEmail.objects.filter(kind=INVITATION_KIND).count() == 1
    assert len(mailoutbox) == 1


def test_sending_the_same_invitation_twice_is_a_noop(acme, survey):
    invitation = due(survey, acme.northwind, "dana@fabrikam.example")
    outcomes, email_ids = services.invitations_send(tenant=acme.acme, invitation_ids=[invitation.pk], now=T0)
    assert (outcomes["sent"], len(email_ids)) == (1, 1)  # the outbox row, for the caller to batch
    again, none = services.invitations_send(tenant=acme.acme, invitation_ids=[invitation.pk], now=T0)
    assert (again["noop"], none) == (1, [])
    assert [row.pk for row in outbound(INVITATION_KIND)] == email_ids
    assert outbound(INVITATION_KIND)[0].to == ["dana@fabrikam.example"]


def test_the_task_sends_only_in_the_tenant_it_is_asked_for(world, committed, mailoutbox):
    acme_invitation = due(make_survey(world.acme), world.northwind, "a@example.com", when=timezone.now())
    globex_invitation = due(make_survey(world.globex), world.initech, "g@example.com", when=timezone.now())

    committed(tasks.dispatch_surveys.delay, tenant_id=world.globex.pk)

    assert refreshed(acme_invitation).status == InvitationStatus.SCHEDULED
    assert refreshed(globex_invitation).status == InvitationStatus.SENT
    assert [m.to for m in mailoutbox] == [["g@example.com"]]
    assert outbound(INVITATION_KIND)[0].body_text.count("http://globex.localhost/s/") == 11


# --- quarantine ---------------------------------------------------------------------------------


def test_an_address_surveyed_recently_is_skipped_and_surveyed_again_after_the_quarantine(acme, committed, mailoutbox):
    set_settings(acme.acme, quarantine_days=90)
    first, second, third = (make_survey(acme.acme, name) for name in ("Onboarding", "Support", "Renewal"))
    sent = due(first, acme.northwind, "pat@example.com")
    assert committed(services.dispatch_due, tenant=acme.acme, now=T0)["sent"] == 1

    # Another partner, another survey, 30 days later: skipped, with the reason.
    soon = due(second, acme.contoso, "pat@example.com", when=T0 + timedelta(days=30))
    assert committed(services.dispatch_due, tenant=acme.acme, now=T0 + timedelta(days=30))["skipped"] == 1
    row = refreshed(soon)
    assert (row.status, row.skip_reason, row.sent_at) == (InvitationStatus.SKIPPED, "surveyed in the last 90 days", None)
    assert row.next_reminder_at is None

    # A few days after the quarantine: sent.
    later = due(third, acme.contoso, "pat@example.com", when=T0 + timedelta(days=91))
    assert committed(services.dispatch_due, tenant=acme.acme, now=T0 + timedelta(days=91))["sent"] == 1
    assert refreshed(later).status == InvitationStatus.SENT

    assert [m.to for m in mailoutbox] == [["pat@example.com"], ["pat@example.com"]]
    assert refreshed(sent).status == InvitationStatus.SENT


def test_quarantine_is_per_tenant(world, committed):
    due(make_survey(world.globex), world.initech, "pat@example.com")
    acme_invitation = due(make_survey(world.acme), world.northwind, "pat@example.com")
    with tenant_context(world.globex):
        assert committed(services.dispatch_due, tenant=world.globex, now=T0)["sent"] == 1
    with tenant_context(world.acme):
        assert committed(services.dispatch_due, tenant=world.acme, now=T0 + timedelta(days=1))["sent"] == 1
    assert refreshed(acme_invitation).status == InvitationStatus.SENT


def test_two_due_invitations_for_one_address_send_one(acme, committed, mailoutbox):
    due(make_survey(acme.acme), acme.northwind, "pat@example.com")
    due(make_survey(acme.acme), acme.contoso, "pat@example.com")
    outcome = committed(services.dispatch_due, tenant=acme.acme, now=T0)
    assert (outcome["sent"], outcome["skipped"]) == (1, 1)
    assert len(mailoutbox) == 1


# --- suppression (one-click unsubscribe) --------------------------------------------------------


def _unsubscribe_path(tenant, email):
    return f"/u/{tokens.unsubscribe_token(tenant, email)}/"


def test_get_on_the_unsubscribe_link_only_asks(acme, survey):
    invitation = due(survey, acme.northwind, "pat@example.com")
    response = Client(HTTP_HOST="acme.localhost").get(_unsubscribe_path(acme.acme, "pat@example.com"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop surveys to pat@example.com?" in html
    assert '<form method="post">' in html
    assert not Suppression.unscoped.exists()
    assert refreshed(invitation).status == InvitationStatus.SCHEDULED


def test_one_click_post_suppresses_the_address_and_stops_pending_sends_and_reminders(acme, committed, mailoutbox):
    set_settings(acme.acme, reminders=2, reminder_interval_days=4)
    first, second = make_survey(acme.acme, "One"), make_survey(acme.acme, "Two")
    reminded = due(first, acme.northwind, "pat@example.com")
    committed(services.dispatch_due, tenant=acme.acme, now=T0)
    pending = due(second, acme.contoso, "pat@example.com", when=T0 + timedelta(days=200))
    bystander = due(second, acme.contoso, "sam@example.com", when=T0 + timedelta(days=200))
    assert len(mailoutbox) == 1

    # As a mail client does it (RFC 8058): a POST with this body, no cookie, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True, HTTP_HOST="acme.localhost")
    response = mail_client.post(_unsubscribe_path(acme.acme, "PAT@example.com"), data="List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()

    [suppression] = Suppression.unscoped.all()
    assert (suppression.tenant_id, suppression.email, suppression.reason) == (acme.acme.pk, "pat@example.com", "unsubscribe")
    assert refreshed(reminded).status == InvitationStatus.OPTED_OUT
    assert refreshed(reminded).next_reminder_at is None
    assert refreshed(pending).status == InvitationStatus.OPTED_OUT
    assert refreshed(bystander).status == InvitationStatus.SCHEDULED

    later = T0 + timedelta(days=200)
    assert committed(services.send_reminders, tenant=acme.acme, now=later) == 0
    assert committed(services.dispatch_due, tenant=acme.acme, now=later)["sent"] == 1  # only sam
    assert [m.to for m in mailoutbox] == [["pat@example.com"], ["sam@example.com"]]

    # A second click changes nothing.
    assert mail_client.post(_unsubscribe_path(acme.acme, "pat@example.com"), data="List-Unsubscribe=One-Click",
                            content_type="application/x-www-form-urlencoded").status_code == 200
    assert Suppression.unscoped.count() == 1


def test_an_invitation_made_after_the_unsubscribe_is_skipped_at_send_time(acme, survey, committed, mailoutbox):
    services.unsubscribe(tenant=acme.acme, email="pat@example.com")
    invitation = due(survey, acme.northwind, "pat@example.com")
    assert committed(services.dispatch_due, tenant=acme.acme, now=T0)["skipped"] == 1
    row = refreshed(invitation)
    assert (row.status, row.skip_reason) == (InvitationStatus.SKIPPED, "the address unsubscribed or bounced")
    assert mailoutbox == []


def test_an_unsubscribe_link_is_for_its_own_tenant_only(world):
    response = Client(HTTP_HOST="globex.localhost").post(_unsubscribe_path(world.acme, "pat@example.com"),
                                                         data="List-Unsubscribe=One-Click",
                                                         content_type="application/x-www-form-urlencoded")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert not Suppression.unscoped.exists()
    forged = Client(HTTP_HOST="acme.localhost").post("/u/forged/", data="List-Unsubscribe=One-Click",
                                                     content_type="application/x-www-form-urlencoded")
    assert forged.status_code == 404
    assert not Suppression.unscoped.exists()


# --- reminders ----------------------------------------------------------------------------------


def _sent(acme, survey, committed, email="pat@example.com"):
    invitation = due(survey, acme.northwind, email)
    committed(services.dispatch_due, tenant=acme.acme, now=T0)
    return invitation


def test_reminders_are_spaced_and_capped(acme, survey, committed, mailoutbox):
    set_settings(acme.acme, reminders=2, reminder_interval_days=4)
    invitation = _sent(acme, survey, committed)

    def remind(days):
        return committed(services.send_reminders, tenant=acme.acme, now=T0 + timedelta(days=days))

    assert [remind(3.9), remind(4), remind(4), remind(7.9), remind(8), remind(8), remind(30)] == [0, 1, 0, 0, 1, 0, 0]
    row = refreshed(invitation)
    assert (row.reminders_sent, row.next_reminder_at, row.status) == (2, None, InvitationStatus.SENT)
    reminders = outbound(REMINDER_KIND)
    assert [r.subject for r in reminders] == ["Reminder: Northwind Traders and Acme Networks: how did we do?"] * 2
    assert all(len(SCORE_LINK.findall(r.body_text)) == 11 for r in reminders)
    assert [m.subject.startswith("Reminder: ") for m in mailoutbox] == [False, True, True]
    assert all(m.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mailoutbox)


def test_no_reminders_when_the_program_sends_none(acme, survey, committed):
    set_settings(acme.acme, reminders=0)
    invitation = _sent(acme, survey, committed)
    assert refreshed(invitation).next_reminder_at is None
    assert committed(services.send_reminders, tenant=acme.acme, now=T0 + timedelta(days=60)) == 0
    assert outbound(REMINDER_KIND) == []


def test_an_answer_stops_the_reminders(acme, survey, committed):
    set_settings(acme.acme, reminders=3, reminder_interval_days=2)
    invitation = _sent(acme, survey, committed)
    assert committed(services.send_reminders, tenant=acme.acme, now=T0 + timedelta(days=2)) == 1
    services.answer_record(invitation=refreshed(invitation), score=9, now=T0 + timedelta(days=3))
    assert committed(services.send_reminders, tenant=acme.acme, now=T0 + timedelta(days=10)) == 0
    assert len(outbound(REMINDER_KIND)) == 1
    assert refreshed(invitation).status == InvitationStatus.ANSWERED


def test_an_opt_out_stops_the_reminders(acme, survey, committed):
    set_settings(acme.acme, reminders=3, reminder_interval_days=2)
    _sent(acme, survey, committed)
    services.unsubscribe(tenant=acme.acme, email="pat@example.com")
    assert committed(services.send_reminders, tenant=acme.acme, now=T0 + timedelta(days=10)) == 0
    assert outbound(REMINDER_KIND) == []


def test_a_suppression_added_without_the_service_still_stops_the_reminder(acme, survey, committed):
    """A suppression written straight to the table (a staff entry, a bounce) is honoured at reminder time."""
    set_settings(acme.acme, reminders=1, reminder_interval_days=2)
    invitation = _sent(acme, survey, committed)
    Suppression.objects.create(tenant=acme.acme, email="pat@example.com", reason="bounce")
    assert committed(services.send_reminders, tenant=acme.acme, now=T0 + timedelta(days=3)) == 0
    assert refreshed(invitation).status == InvitationStatus.OPTED_OUT
    assert outbound(REMINDER_KIND) == []


# --- the shared per-minute budget ---------------------------------------------------------------


def test_take_grants_at_most_the_budget_per_minute_and_tenant():
    minute = 1_700_000_040.0  # a whole minute: 28_333_334 * 60
    assert minute % 60 == 0
    assert throttle.take(1, 5, 3, now=minute) == 3
    assert throttle.take(1, 5, 3, now=minute + 30) == 2  # same minute: only 2 left
    assert throttle.take(1, 5, 1, now=minute + 59.9) == 0
    assert throttle.take(2, 5, 5, now=minute) == 5  # another tenant has its own budget
    assert throttle.take(1, 5, 4, now=minute + 60) == 4  # the next minute starts afresh
    assert throttle.take(1, 5, 0, now=minute + 60) == 0
    assert throttle.take(1, 5, 1, now=minute + 60) == 1
    assert throttle.take(1, 5, 1, now=minute + 61) == 0


def test_a_refused_take_gives_back_what_it_did_not_use():
    minute = 1_700_000_040.0
    assert throttle.take(7, 5, 10, now=minute) == 5
    assert throttle.take(7, 5, 10, now=minute) == 0
    assert throttle.take(8, 5, 3, now=minute) == 3
    assert throttle.take(8, 5, 10, now=minute) == 2  # the refused 8 are not counted as used
    assert throttle.take(8, 5, 1, now=minute) == 0


def test_dispatch_sends_within_the_budget_and_the_rest_waits(acme, survey, committed, mailoutbox, frozen_budget):
    set_settings(acme.acme, sends_per_minute=5)
    invitations = [due(survey, acme.northwind, f"c{i:02}@example.com", when=T0 + timedelta(seconds=i)) for i in range(12)]
    now = T0 + timedelta(minutes=1)

    assert committed(services.dispatch_due, tenant=acme.acme, now=now) == {"sent": 5, "skipped": 0, "noop": 0, "deferred": 0}
    # A second worker in the same minute: the budget is spent.
    assert committed(services.dispatch_due, tenant=acme.acme, now=now) == {"sent": 0, "skipped": 0, "noop": 0, "deferred": 5}
    statuses = [refreshed(i).status for i in invitations]
    assert statuses == [InvitationStatus.SENT] * 5 + [InvitationStatus.SCHEDULED] * 7  # oldest first
    assert len(mailoutbox) == 5

    frozen_budget.now += 60
    assert committed(services.dispatch_due, tenant=acme.acme, now=now)["sent"] == 5
    frozen_budget.now += 60
    assert committed(services.dispatch_due, tenant=acme.acme, now=now)["sent"] == 2
    assert len(mailoutbox) == 12
    assert len(outbound(INVITATION_KIND)) == 12


def test_two_task_runs_in_one_minute_share_the_budget(acme, survey, committed, mailoutbox, frozen_budget):
    set_settings(acme.acme, sends_per_minute=5)
    for i in range(12):
        due(survey, acme.northwind, f"c{i:02}@example.com", when=timezone.now() - timedelta(minutes=5))
    committed(tasks.dispatch_surveys.delay, tenant_id=acme.acme.pk)
    committed(tasks.dispatch_surveys.delay, tenant_id=acme.acme.pk)
    assert len(mailoutbox) == 5
    assert SurveyInvitation.objects.filter(status=InvitationStatus.SCHEDULED).count() == 7


def test_reminders_share_the_budget_with_first_sends(acme, survey, committed, frozen_budget):
    set_settings(acme.acme, sends_per_minute=3, reminders=1, reminder_interval_days=1)
    for i in range(3):
        due(survey, acme.northwind, f"old{i}@example.com")
    assert committed(services.dispatch_due, tenant=acme.acme, now=T0)["sent"] == 3
    frozen_budget.now += 60
    for i in range(2):
        due(survey, acme.contoso, f"new{i}@example.com", when=T0 + timedelta(days=1))
    later = T0 + timedelta(days=1)
    assert committed(services.dispatch_due, tenant=acme.acme, now=later)["sent"] == 2
    assert committed(services.send_reminders, tenant=acme.acme, now=later) == 1  # 3 due, 1 left in the minute
    frozen_budget.now += 60
    assert committed(services.send_reminders, tenant=acme.acme, now=later) == 2


# --- won deals ----------------------------------------------------------------------------------


def _won(world, partner, by, **fields):
    return make_deal(partner, by=by, status="won", staff=world.acme_manager.user, **fields)


def test_won_deals_get_one_invitation_each_days_after_the_win(acme):
    set_settings(acme.acme, days_after_won=14)
    survey = make_survey(acme.acme, "Won deals", for_won_deals=True)
    make_survey(acme.acme, "Other survey")
    first = _won(acme, acme.northwind, acme.northwind_rep.user, contact_email="Dana@Fabrikam.example",
                 contact_name="Dana Whitfield", customer_name="Fabrikam")
    second = _won(acme, acme.contoso, acme.contoso_rep.user)
    make_deal(acme.northwind, by=acme.northwind_rep.user, status="approved", staff=acme.acme_manager.user)  # not won

    assert services.schedule_won_deals(tenant=acme.acme) == 2
    assert services.schedule_won_deals(tenant=acme.acme) == 0  # none twice
    tasks.schedule_won_deal_surveys.delay()
    assert SurveyInvitation.objects.count() == 2

    invitation = SurveyInvitation.objects.get(deal=first)
    assert (invitation.survey, invitation.partner, invitation.email, invitation.name, invitation.company) == (
        survey, acme.northwind, "dana@fabrikam.example", "Dana Whitfield", "Fabrikam")
    assert invitation.status == InvitationStatus.SCHEDULED
    assert invitation.send_after == first.closed_at + timedelta(days=14)
    assert SurveyInvitation.objects.get(deal=second).partner == acme.contoso

    # Not due before the 14 days are over.
    assert services.dispatch_due(tenant=acme.acme, now=first.closed_at + timedelta(days=13))["sent"] == 0
    assert services.dispatch_due(tenant=acme.acme, now=first.closed_at + timedelta(days=14, minutes=1))["sent"] == 2


def test_won_deals_are_not_surveyed_without_a_won_deal_survey(acme):
    make_survey(acme.acme, "Manual only", for_won_deals=False)
    make_survey(acme.acme, "Retired", for_won_deals=True, is_active=False)
    _won(acme, acme.northwind, acme.northwind_rep.user)
    assert services.schedule_won_deals(tenant=acme.acme) == 0
    assert not SurveyInvitation.objects.exists()


def test_a_contact_already_invited_to_the_survey_is_not_invited_again(acme):
    survey = make_survey(acme.acme, "Won deals", for_won_deals=True)
    make_invitation(survey, acme.contoso, "dana@fabrikam.example")
    _won(acme, acme.northwind, acme.northwind_rep.user, contact_email="dana@fabrikam.example")
    assert services.schedule_won_deals(tenant=acme.acme) == 0
    assert SurveyInvitation.objects.count() == 1


def test_the_hourly_task_schedules_each_tenants_won_deals_in_that_tenant(world, in_tenant):
    with in_tenant(world.acme):
        make_survey(world.acme, "Acme won deals", for_won_deals=True)
        deal = _won(world, world.northwind, world.northwind_rep.user)
    with in_tenant(world.globex):
        make_survey(world.globex, "Globex, no won deals")
    tasks.schedule_won_deal_surveys.delay()
    assert list(SurveyInvitation.unscoped.values_list("tenant_id", "deal_id")) == [(world.acme.pk, deal.pk)]
