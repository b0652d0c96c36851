"""Reminders 90, 30 and 7 days before expiry to the certified person, each once; renewed ones are not reminded."""

from datetime import date, timedelta

from partners.training import sweeps, tasks
from partners.training.models import CompletionStatus
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail

from .conftest import completion

TODAY = date(2026, 3, 31)


def _sent():
    return sorted((e.to[0], e.subject) for e in OutboundEmail.objects.all())


def test_each_stage_is_sent_once_on_its_day(world, in_tenant, courses):
    expiring = completion(world.northwind_rep, courses["sales"], date(2025, 6, 29), TODAY + timedelta(days=90))
    with in_tenant(world.acme):
        assert sweeps.remind_expiring(tenant=world.acme, today=TODAY - timedelta(days=1)) == 0  # 91 days left
        for day, left, sent in [(0, 90, 1), (0, 90, 0), (1, 89, 0), (60, 30, 1), (61, 29, 0), (83, 7, 1), (84, 6, 0), (89, 1, 0)]:
            assert sweeps.remind_expiring(tenant=world.acme, today=TODAY + timedelta(days=day)) == sent, (day, left)
        assert sweeps.remind_expiring(tenant=world.acme, today=TODAY + timedelta(days=90)) == 0  # expired today
    expiring.refresh_from_db()
    assert expiring.reminded_days == 7
    mails = OutboundEmail.objects.order_by("id")
    assert [m.to for m in mails] == [["rep@northwind.example"]] * 3
    assert "Your certification “Sales” expires soon" in mails[0].subject
    assert "in 90 days" in mails[0].body_text and "in 30 days" in mails[1].body_text and "in 7 days" in mails[2].body_text
    assert "/portal/training/" in mails[0].body_text
    days = list(AuditEvent.unscoped.filter(verb="completion.reminded").order_by("id").values_list("data", flat=True))
    assert [d["stage"] for d in days] == [90, 30, 7]


def test_a_sweep_that_missed_days_sends_only_the_latest_stage(world, in_tenant, courses):
    completion(world.northwind_rep, courses["sales"], date(2025, 6, 29), TODAY + timedelta(days=20))
    with in_tenant(world.acme):
        assert sweeps.remind_expiring(tenant=world.acme, today=TODAY) == 1  # 20 days left: the 30-day reminder
        assert sweeps.remind_expiring(tenant=world.acme, today=TODAY + timedelta(days=5)) == 0
        assert sweeps.remind_expiring(tenant=world.acme, today=TODAY + timedelta(days=13)) == 1  # 7 days left
    assert len(_sent()) == 2


def test_renewed_pending_unexpiring_and_other_tenants_certifications_are_not_reminded(world, in_tenant, courses):
    completion(world.northwind_rep, courses["sales"], date(2025, 4, 10), TODAY + timedelta(days=10))
    completion(world.northwind_rep, courses["sales"], TODAY, date(2027, 3, 31))  # the renewal outlasts it
    completion(world.northwind_admin, courses["firewall"], date(2025, 4, 10), TODAY + timedelta(days=10),
               status=CompletionStatus.PENDING)
    completion(world.northwind_admin, courses["cloud"], date(2025, 4, 10))  # never expires
    completion(world.contoso_rep, courses["retired"], date(2025, 4, 10), TODAY + timedelta(days=10))  # switched off
    with in_tenant(world.acme):
        assert sweeps.remind_expiring(tenant=world.acme, today=TODAY) == 0
    assert _sent() == []


def test_the_nightly_task_runs_the_sweep_in_every_tenant(world, courses):
    from django.utils import timezone

    completion(world.northwind_rep, courses["sales"], date(2025, 6, 29), timezone.localdate() + timedelta(days=7))
    assert tasks.remind_expiring() == {"acme": 1, "globex": 0}
    assert tasks.remind_expiring() == {"acme": 0, "globex": 0}
