"""The partners stuck in onboarding (ages computed by hand), and reminders at most once per partner per N days."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from partners.checklist import services, sweeps
from partners.checklist.models import Activation
from partners.checklist.selectors import stuck_partners
from partners.models import Partner, PartnerStatus
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail

from ...factories import PartnerFactory
from .helpers import add_step

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def _onboarding_since(partner, when):
    Partner.unscoped.filter(pk=partner.pk).update(status=PartnerStatus.ONBOARDING, created_at=when)
    partner.refresh_from_db()
    return partner


def test_stuck_partners_are_the_onboarding_ones_past_the_tenants_days_oldest_first(world, in_tenant):
    with in_tenant(world.acme):
        call = add_step(world, "manual", title="Kick-off call")
        add_step(world, "manual", title="Training")
        northwind = _onboarding_since(world.northwind, datetime(2026, 2, 20, 9, 0, tzinfo=UTC))  # 39 days 3 h
        contoso = _onboarding_since(world.contoso, datetime(2026, 1, 1, 13, 0, tzinfo=UTC))  # 88 days 23 h
        recent = _onboarding_since(PartnerFactory(tenant=world.acme, name="Fresh Co"),
                                   datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # 29 days: not yet stuck
        active = PartnerFactory(tenant=world.acme, name="Old Active")
        Partner.objects.filter(pk=active.pk).update(created_at=datetime(2025, 1, 1, tzinfo=UTC))
        services.manual_step_tick(partner=northwind, step=call, actor=world.acme_manager.user, done=True)
        rows = stuck_partners(world.acme, now=NOW)
        assert [(row.partner.name, row.age_days, row.state.done, row.state.total) for row in rows] == [
            ("Contoso Integration", 88, 0, 2), ("Northwind Traders", 39, 1, 2)]
        services.checklist_settings_update(tenant=world.acme, actor=world.acme_admin.user, activation=Activation.AUTOMATIC,
                                           stuck_after_days=29, remind_every_days=7)
        assert [row.partner.pk for row in stuck_partners(world.acme, now=NOW)] == [contoso.pk, northwind.pk, recent.pk]
    with in_tenant(world.globex):
        assert stuck_partners(world.globex, now=NOW) == []


def test_the_stuck_page_lists_them_with_their_age(world, client_as, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "manual", title="Kick-off call")
        _onboarding_since(world.contoso, timezone.now() - timedelta(days=60))
    page = client_as(world.acme_manager).get("/manage/checklist/stuck/").content.decode()
    assert "Contoso Integration" in page and "0 of 1 step done" in page and "Northwind" not in page


def _reminders():
    return list(OutboundEmail.objects.filter(kind="partners/checklist/email/reminder").values_list("to", flat=True))


def test_a_stalled_checklist_is_reminded_at_most_once_in_n_days(world, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "manual", title="Kick-off call")
        _onboarding_since(world.northwind, NOW - timedelta(days=10))
        _onboarding_since(world.contoso, NOW - timedelta(days=3))  # younger than a week: not stalled yet
        assert sweeps.remind_stalled(tenant=world.acme, now=NOW) == 1
        assert _reminders() == [["admin@northwind.example"]]
        assert sweeps.remind_stalled(tenant=world.acme, now=NOW + timedelta(days=6, hours=23)) == 0
        assert sweeps.remind_stalled(tenant=world.acme, now=NOW + timedelta(days=7)) == 1
        assert len(_reminders()) == 2
        body = OutboundEmail.objects.filter(kind="partners/checklist/email/reminder").first().body_text
        assert "Kick-off call" in body and "/portal/checklist/" in body and "0 of 1 steps" in body
        assert AuditEvent.objects.filter(verb="checklist.reminded", target_id=str(world.northwind.pk)).count() == 2


def test_a_finished_checklist_or_a_tenant_without_steps_is_not_reminded(world, in_tenant):
    with in_tenant(world.acme):
        _onboarding_since(world.northwind, NOW - timedelta(days=10))
        assert sweeps.remind_stalled(tenant=world.acme, now=NOW) == 0  # no checklist
        services.checklist_settings_update(tenant=world.acme, actor=world.acme_admin.user, activation=Activation.MANAGER,
                                           stuck_after_days=30, remind_every_days=7)
        call = add_step(world, "manual", title="Kick-off call")
        services.manual_step_tick(partner=world.northwind, step=call, actor=world.acme_manager.user, done=True)
        assert sweeps.remind_stalled(tenant=world.acme, now=NOW) == 0  # finished, waiting for a manager
        assert _reminders() == []


def test_the_nightly_refresh_finishes_checklists_that_are_done(world, in_tenant):
    with in_tenant(world.acme):
        add_step(world, "colleagues", threshold=1)  # admin and rep: one colleague
        _onboarding_since(world.northwind, NOW - timedelta(days=2))
        _onboarding_since(world.contoso, NOW - timedelta(days=2))  # only a rep: no colleague
        assert sweeps.refresh_onboarding(tenant=world.acme, now=NOW) == 1
        assert Partner.objects.get(pk=world.northwind.pk).status == PartnerStatus.ACTIVE
        assert Partner.objects.get(pk=world.contoso.pk).status == PartnerStatus.ONBOARDING
