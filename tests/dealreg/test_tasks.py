"""Periodic work: approval SLA reminders and escalations, protection expiry and the 14-day warning.

Time never passes here: the sweeps get an explicit `now=`, or timestamps are moved in the database
before the Celery task (which uses the real clock) runs. Every email goes through the outbox.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django_celery_beat.models import PeriodicTask

from dealreg import services, sweeps, tasks
from dealreg.models import Deal, DealStatus
from prm.outbox.models import EmailStatus, OutboundEmail
from prm.tenancy.models import Membership

from .helpers import end_protection, make_deal, outbox, recipients, refresh, set_rules

UTC = UTC
NORTHWIND_USERS = ["admin@northwind.example", "rep@northwind.example"]
# A Wednesday 15:00 UTC deadline; the tenant works in UTC and the SLA is 48 business hours, so the
# reminder is due from 12 business hours before it: Tuesday 11:00.
DUE = datetime(2024, 6, 19, 15, 0, tzinfo=UTC)


@pytest.fixture
def waiting(acme, rep):
    """A submitted Northwind deal whose approval clock ends at DUE."""
    deal = make_deal(acme.northwind, by=rep, status="submitted")
    Deal.unscoped.filter(pk=deal.pk).update(sla_due_at=DUE)
    return refresh(deal)


def _sent(kind, deal=None):
    """Sent messages of one kind (they passed through the outbox and out)."""
    rows = OutboundEmail.objects.filter(kind=f"dealreg/email/{kind}")
    if deal is not None:
        rows = rows.filter(subject__contains=deal.reference)
    assert all(row.status == EmailStatus.SENT for row in rows)
    return rows


def test_periodic_tasks_are_scheduled_in_the_database(db):
    tasks_by_name = dict(PeriodicTask.objects.values_list("task", "crontab__hour"))
    assert tasks_by_name["dealreg.tasks.check_approval_slas"] == "*"
    assert tasks_by_name["dealreg.tasks.expire_protection"] == "1"
    assert tasks_by_name["dealreg.tasks.warn_expiring_protection"] == "1"


# --- approval SLA ----------------------------------------------------------------------------------

def test_no_reminder_while_more_than_a_quarter_of_the_clock_is_left(acme, waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # Tuesday 10:00: 7 + 6 = 13 business hours left of 48.
        assert sweeps.remind_and_escalate(tenant=acme.acme, now=datetime(2024, 6, 18, 10, 0, tzinfo=UTC)) == (0, 0)
    assert refresh(waiting).reminded_at is None
    assert outbox() == [("submitted", ["manager@acme.example"])]


def test_reminder_is_sent_once_to_channel_managers(acme, waiting, django_capture_on_commit_callbacks, mailoutbox):
    mailoutbox.clear()
    now = datetime(2024, 6, 18, 11, 0, tzinfo=UTC)  # 12 business hours left: exactly a quarter
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.remind_and_escalate(tenant=acme.acme, now=now) == (1, 0)
        assert sweeps.remind_and_escalate(tenant=acme.acme, now=now + timedelta(hours=2)) == (0, 0)
    assert refresh(waiting).reminded_at == now
    assert recipients("sla_reminder") == ["manager@acme.example"]
    [email] = _sent("sla_reminder")
    assert email.subject == f"Waiting for a decision: {waiting.reference} {waiting.customer_name} (12 business hours left)"
    assert f"{date_format(datetime(2024, 6, 19, 15, 0, tzinfo=UTC), 'DATETIME_FORMAT')} UTC" in email.body_text
    assert [m.to for m in mailoutbox] == [["manager@acme.example"]]


def test_reminder_uses_the_tenants_sla(acme, waiting, django_capture_on_commit_callbacks):
    set_rules(acme.acme, approval_sla_hours=80)  # a quarter is 20 hours: Monday 14:00 qualifies
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.remind_and_escalate(tenant=acme.acme, now=datetime(2024, 6, 17, 14, 0, tzinfo=UTC)) == (1, 0)
    assert recipients("sla_reminder") == ["manager@acme.example"]


def test_overdue_deal_is_escalated_once_to_tenant_admins(acme, waiting, django_capture_on_commit_callbacks, mailoutbox):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.remind_and_escalate(tenant=acme.acme, now=DUE) == (0, 1)
        assert sweeps.remind_and_escalate(tenant=acme.acme, now=DUE + timedelta(days=2)) == (0, 0)
    assert refresh(waiting).escalated_at == DUE
    assert recipients("sla_escalation") == ["admin@acme.example"]
    assert outbox("sla_reminder") == []  # past due: escalated, not reminded
    [email] = _sent("sla_escalation")
    assert email.subject == f"Overdue: {waiting.reference} {waiting.customer_name} waited past its approval SLA"
    assert [m.to for m in mailoutbox] == [["admin@acme.example"]]


def test_reminder_then_escalation(acme, waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sweeps.remind_and_escalate(tenant=acme.acme, now=datetime(2024, 6, 19, 9, 0, tzinfo=UTC))
        sweeps.remind_and_escalate(tenant=acme.acme, now=datetime(2024, 6, 19, 16, 0, tzinfo=UTC))
        sweeps.remind_and_escalate(tenant=acme.acme, now=datetime(2024, 6, 20, 16, 0, tzinfo=UTC))
    assert [kind for kind, _ in outbox()] == ["submitted", "sla_reminder", "sla_escalation"]


def test_decided_deals_are_not_chased(acme, waiting, staff, django_capture_on_commit_callbacks):
    services.deal_request_info(deal=waiting, actor=staff, question="Which site?")
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.remind_and_escalate(tenant=acme.acme, now=DUE + timedelta(hours=1)) == (0, 0)
    assert outbox("sla_escalation") == [] and outbox("sla_reminder") == []


def test_sla_task_escalates_every_tenant_to_its_own_admins(world, in_tenant, django_capture_on_commit_callbacks):
    past = timezone.now() - timedelta(hours=1)
    made = {}
    for tenant, partner, member in ((world.acme, world.northwind, world.northwind_rep),
                                    (world.globex, world.initech, world.initech_admin)):
        with in_tenant(tenant):
            made[tenant.slug] = make_deal(partner, by=member.user, status="submitted")
    Deal.unscoped.update(sla_due_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.check_approval_slas.delay()
    assert recipients("sla_escalation", made["acme"]) == ["admin@acme.example"]
    assert recipients("sla_escalation", made["globex"]) == ["admin@globex.example"]
    assert all(d.escalated_at is not None for d in Deal.unscoped.all())


# --- expiry ----------------------------------------------------------------------------------------

def test_nightly_expiry_expires_lapsed_protections_and_tells_the_partner(world, in_tenant, django_capture_on_commit_callbacks, mailoutbox):
    staff = world.acme_manager.user
    with in_tenant(world.acme):
        lapsed = make_deal(world.northwind, by=world.northwind_rep.user, status="approved", staff=staff)
        protected = make_deal(world.contoso, by=world.contoso_rep.user, status="approved", staff=staff)
    end_protection(lapsed)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.expire_protection.delay()
        tasks.expire_protection.delay()  # a second run finds nothing to do
    assert refresh(lapsed).status == DealStatus.EXPIRED
    assert refresh(protected).status == DealStatus.APPROVED
    assert recipients("expired") == NORTHWIND_USERS  # never Contoso's people
    [email, _] = _sent("expired")
    assert email.subject == f"Protection ended: {lapsed.reference} {lapsed.customer_name}"
    assert sorted(m.to[0] for m in mailoutbox) == NORTHWIND_USERS


def test_expiry_sweep_honours_its_now_argument(acme, staff, rep, django_capture_on_commit_callbacks):
    deal = refresh(make_deal(acme.northwind, by=rep, status="approved", staff=staff))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.expire_protection(tenant=acme.acme, now=deal.protected_until - timedelta(minutes=1)) == 0
        assert refresh(deal).status == DealStatus.APPROVED
        assert sweeps.expire_protection(tenant=acme.acme, now=deal.protected_until + timedelta(minutes=1)) == 1
    assert refresh(deal).status == DealStatus.EXPIRED
    assert recipients("expired") == NORTHWIND_USERS


def test_inactive_members_get_no_deal_email(acme, staff, rep, django_capture_on_commit_callbacks):
    Membership.objects.filter(pk=acme.northwind_rep.pk).update(is_active=False)
    deal = make_deal(acme.northwind, by=rep, status="approved", staff=staff)
    end_protection(deal)
    with django_capture_on_commit_callbacks(execute=True):
        sweeps.expire_protection(tenant=acme.acme)
    assert recipients("expired") == ["admin@northwind.example"]


# --- the 14-day warning ----------------------------------------------------------------------------

def test_expiry_warning_once_and_again_after_an_extension(acme, staff, rep, django_capture_on_commit_callbacks, mailoutbox):
    set_rules(acme.acme, extension_days=30)
    deal = refresh(make_deal(acme.northwind, by=rep, status="approved", staff=staff))
    other = refresh(make_deal(acme.contoso, by=acme.contoso_rep.user, status="approved", staff=staff))
    Deal.unscoped.filter(pk=other.pk).update(protected_until=deal.protected_until + timedelta(days=20))
    end = deal.protected_until
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.warn_expiring(tenant=acme.acme, now=end - timedelta(days=15)) == 0
        assert sweeps.warn_expiring(tenant=acme.acme, now=end - timedelta(days=14)) == 1
        assert sweeps.warn_expiring(tenant=acme.acme, now=end - timedelta(days=3)) == 0
    assert refresh(deal).expiry_warned_at == end - timedelta(days=14)
    assert recipients("expiring") == NORTHWIND_USERS
    assert {e.subject for e in _sent("expiring")} == {f"Protection ends in 14 days: {deal.reference} {deal.customer_name}"}

    services.deal_extend_protection(deal=deal, actor=rep)
    deal = refresh(deal)
    assert (deal.protected_until, deal.expiry_warned_at) == (end + timedelta(days=30), None)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.warn_expiring(tenant=acme.acme, now=end - timedelta(days=3)) == 0  # 33 days left now
        assert sweeps.warn_expiring(tenant=acme.acme, now=end + timedelta(days=25)) == 1
        assert sweeps.warn_expiring(tenant=acme.acme, now=end + timedelta(days=26)) == 0
    assert [e.subject.split(":")[0] for e in _sent("expiring", deal).order_by("id")] == [
        "Protection ends in 14 days", "Protection ends in 14 days", "Protection ends in 5 days", "Protection ends in 5 days",
    ]
    assert recipients("expiring", deal) == sorted(NORTHWIND_USERS * 2)
    assert outbox("expiring", other) == []  # Contoso's protection runs 20 days longer
    assert sorted(m.to[0] for m in mailoutbox) == sorted(NORTHWIND_USERS * 2)


def test_warning_task_uses_the_real_clock(world, in_tenant, django_capture_on_commit_callbacks):
    with in_tenant(world.acme):
        soon = make_deal(world.northwind, by=world.northwind_rep.user, status="approved", staff=world.acme_manager.user)
        later = make_deal(world.contoso, by=world.contoso_rep.user, status="approved", staff=world.acme_manager.user)
    Deal.unscoped.filter(pk=soon.pk).update(protected_until=timezone.now() + timedelta(days=10, hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.warn_expiring_protection.delay()
        tasks.warn_expiring_protection.delay()
    assert recipients("expiring") == NORTHWIND_USERS
    assert outbox("expiring", later) == []
    assert {e.subject.split(":")[0] for e in _sent("expiring")} == {"Protection ends in 10 days"}
