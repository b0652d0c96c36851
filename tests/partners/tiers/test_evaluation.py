"""The evaluation against hand-computed partners: each requirement, combined requirements, upgrades at once
or after approval, the grace period of a downgrade, holds, overrides, a certification expiring, NPS below
the minimum sample, and snapshots stored only when something changed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partners.tiers import services
from partners.tiers.audit_verbs import TierVerb
from partners.tiers.models import ChangeStatus, PartnerTierHold, Proposal, TierChange, TierEvaluation
from partners.tiers.signals import tier_changed
from prm.audit.models import AuditEvent
from prm.tenancy.context import tenant_context
from surveys.models import PartnerScore

from ...factories import PartnerFactory
from .evaluation_fixtures import (
    CERTS,
    NOW,
    TODAY,
    _no_certs,  # noqa: F401 — an autouse fixture
    gold_figures,
    make_ladder,
    nps,
    tier_of,
    won,
)

pytestmark = pytest.mark.django_db


def evaluate(tenant, days=0):
    with tenant_context(tenant):
        return services.evaluate_tenant(tenant=tenant, now=NOW + timedelta(days=days))


def latest(partner) -> TierEvaluation:
    with tenant_context(partner.tenant):
        return TierEvaluation.objects.get(partner=partner, is_latest=True)


def changes(partner):
    with tenant_context(partner.tenant):
        return list(TierChange.objects.filter(partner=partner).order_by("id"))


def verbs(partner):
    return list(AuditEvent.unscoped.filter(target_type="partners.partner", target_id=str(partner.pk),
                                           verb__startswith="tier.").order_by("id").values_list("verb", flat=True))


@pytest.fixture
def moved():
    seen = []

    def listener(sender, partner, old, new, **kwargs):
        seen.append((partner.pk, old.name if old else None, new.name if new else None))

    tier_changed.connect(listener)
    yield seen
    tier_changed.disconnect(listener)


def test_a_partner_meeting_every_gold_requirement_moves_up_at_once(world, moved):
    registered, silver, gold = make_ladder(world.acme)
    gold_figures(world.northwind)
    evaluate(world.acme)
    assert tier_of(world.northwind) == gold
    snapshot = latest(world.northwind)
    assert (snapshot.current_tier, snapshot.qualified_tier, snapshot.proposal) == (silver, gold, Proposal.UPGRADE)
    figures = {(f["tier"], f["kind"]): f for f in snapshot.figures}
    value = figures[(gold.pk, "won_value")]
    assert value == {"requirement": value["requirement"], "tier": gold.pk, "kind": "won_value", "target": "100000",
                     "value": "120000", "sample": 3, "met": True}
    assert figures[(gold.pk, "won_deals")]["value"] == "3" and figures[(gold.pk, "nps")]["value"] == "40"
    assert figures[(gold.pk, "nps")]["sample"] == 50
    [change] = changes(world.northwind)
    assert (change.status, change.from_tier, change.to_tier, change.evaluation_id) == (
        ChangeStatus.APPLIED, silver, gold, snapshot.pk)
    assert verbs(world.northwind) == [TierVerb.UPGRADED]
    assert moved == [(world.northwind.pk, "Silver", "Gold")]


def test_each_gold_requirement_alone_short_keeps_silver(world):
    registered, silver, gold = make_ladder(world.acme)
    partners = [PartnerFactory(tenant=world.acme, tier="Silver") for _ in range(4)]
    short_value, short_deals, short_nps, short_certs = partners
    for partner in partners:
        won(partner, "60000", 20)
        CERTS[partner.pk] = [("Ann Lee", TODAY + timedelta(days=500)), ("Bo Chen", TODAY + timedelta(days=500))]
    won(short_value, "20000", 30)
    won(short_value, "10000", 40)  # 90,000 in 3 deals: value short
    won(short_deals, "50000", 30)  # 110,000 in 2 deals: deals short
    won(short_nps, "30000", 30)
    won(short_nps, "20000", 40)
    won(short_certs, "30000", 30)
    won(short_certs, "20000", 40)
    CERTS[short_certs.pk] = CERTS[short_certs.pk][:1]
    nps(world.acme, {short_value: (50.0, 40), short_deals: (50.0, 40), short_nps: (29.9, 400), short_certs: (50.0, 40)})
    evaluate(world.acme)
    for partner in partners:
        snapshot = latest(partner)
        assert (tier_of(partner), snapshot.qualified_tier, snapshot.proposal) == (silver, silver, Proposal.NONE), partner
        unmet = {f["kind"] for f in snapshot.figures if f["tier"] == gold.pk and not f["met"]}
        assert len(unmet) == 1
    assert {f["kind"] for f in latest(short_nps).figures if not f["met"]} == {"nps"}


def test_no_requirement_met_is_the_tier_without_requirements(world):
    registered, silver, gold = make_ladder(world.acme, grace_days=0)
    evaluate(world.acme)
    assert latest(world.northwind).qualified_tier == registered
    assert tier_of(world.northwind) == registered  # no grace: moved down at once


def test_nps_below_the_minimum_answers_does_not_meet_gold(world):
    registered, silver, gold = make_ladder(world.acme)
    gold_figures(world.northwind)
    PartnerScore.unscoped.filter(partner=world.northwind).update(shrunk=90.0, n=29)  # a fine score on too few answers
    evaluate(world.acme)
    figure = next(f for f in latest(world.northwind).figures if f["kind"] == "nps")
    assert figure["value"] is None and figure["sample"] == 29 and figure["met"] is False
    assert tier_of(world.northwind) == silver


def test_upgrades_wait_for_approval_when_the_program_says_so(world, moved):
    registered, silver, gold = make_ladder(world.acme, upgrades="approval")
    gold_figures(world.northwind)
    evaluate(world.acme)
    [change] = changes(world.northwind)
    assert (change.status, change.to_tier, tier_of(world.northwind)) == (ChangeStatus.PENDING, gold, silver)
    evaluate(world.acme, days=1)
    assert len(changes(world.northwind)) == 1  # still the one open proposal
    with tenant_context(world.acme):
        services.tier_upgrade_approve(partner=world.northwind, actor=world.acme_manager.user)
    change.refresh_from_db()
    assert (change.status, change.decided_by, tier_of(world.northwind)) == (ChangeStatus.APPLIED, world.acme_manager.user, gold)
    assert verbs(world.northwind) == [TierVerb.UPGRADE_PROPOSED, TierVerb.UPGRADED]
    assert moved == [(world.northwind.pk, "Silver", "Gold")]


def test_a_rejected_upgrade_is_not_proposed_again(world):
    registered, silver, gold = make_ladder(world.acme, upgrades="approval")
    gold_figures(world.northwind)
    evaluate(world.acme)
    with tenant_context(world.acme):
        services.tier_upgrade_reject(partner=world.northwind, actor=world.acme_manager.user, reason="Not this quarter")
        with pytest.raises(ValidationError):
            services.tier_upgrade_approve(partner=world.northwind, actor=world.acme_manager.user)
    evaluate(world.acme, days=1)
    assert [c.status for c in changes(world.northwind)] == [ChangeStatus.REJECTED]
    assert tier_of(world.northwind) == silver


def test_a_downgrade_waits_for_the_grace_period_then_applies(world, moved):
    registered, silver, gold = make_ladder(world.acme)
    world.northwind.tier = gold
    world.northwind.save(update_fields=["tier"])
    won(world.northwind, "60000", 10)
    evaluate(world.acme)
    [change] = changes(world.northwind)
    assert (change.status, change.to_tier, change.due_on) == (ChangeStatus.PENDING, silver, TODAY + timedelta(days=60))
    assert tier_of(world.northwind) == gold
    evaluate(world.acme, days=59)
    assert tier_of(world.northwind) == gold
    evaluate(world.acme, days=60)
    change.refresh_from_db()
    assert (change.status, tier_of(world.northwind)) == (ChangeStatus.APPLIED, silver)
    assert verbs(world.northwind) == [TierVerb.GRACE_STARTED, TierVerb.DOWNGRADED]
    assert [m for m in moved if m[0] == world.northwind.pk] == [(world.northwind.pk, "Gold", "Silver")]


def test_qualifying_again_cancels_the_grace_period(world):
    registered, silver, gold = make_ladder(world.acme)
    world.northwind.tier = gold
    world.northwind.save(update_fields=["tier"])
    evaluate(world.acme)
    gold_figures(world.northwind)
    evaluate(world.acme, days=10)
    [change] = changes(world.northwind)
    assert (change.status, tier_of(world.northwind)) == (ChangeStatus.CANCELLED, gold)
    assert verbs(world.northwind) == [TierVerb.GRACE_STARTED, TierVerb.CHANGE_CANCELLED]
    evaluate(world.acme, days=70)
    assert tier_of(world.northwind) == gold


def test_a_held_partner_gets_figures_but_no_proposal(world):
    registered, silver, gold = make_ladder(world.acme)
    gold_figures(world.northwind)
    with tenant_context(world.acme):
        services.tier_hold(partner=world.northwind, actor=world.acme_manager.user, reason="Contract renewal",
                           until=None)
        with pytest.raises(ValidationError):
            services.tier_hold(partner=world.northwind, actor=world.acme_manager.user, reason="Twice")
    evaluate(world.acme)
    snapshot = latest(world.northwind)
    assert (snapshot.qualified_tier, snapshot.proposal, tier_of(world.northwind)) == (gold, Proposal.HELD, silver)
    assert changes(world.northwind) == []
    with tenant_context(world.acme):
        services.tier_release(partner=world.northwind, actor=world.acme_manager.user)
    evaluate(world.acme, days=1)
    assert tier_of(world.northwind) == gold
    assert verbs(world.northwind) == [TierVerb.HELD, TierVerb.RELEASED, TierVerb.UPGRADED]


def test_holding_cancels_an_open_downgrade_and_a_hold_ends_on_its_day(world):
    registered, silver, gold = make_ladder(world.acme)
    world.northwind.tier = gold
    world.northwind.save(update_fields=["tier"])
    evaluate(world.acme)
    with tenant_context(world.acme):
        services.tier_hold(partner=world.northwind, actor=world.acme_manager.user, reason="Ramp-up",
                           until=TODAY + timedelta(days=90))
    [change] = changes(world.northwind)
    assert change.status == ChangeStatus.CANCELLED
    evaluate(world.acme, days=90)
    assert latest(world.northwind).proposal == Proposal.HELD
    evaluate(world.acme, days=91)  # the hold ended: the grace period starts afresh
    with tenant_context(world.acme):
        assert not PartnerTierHold.objects.filter(partner=world.northwind, released_at__isnull=True).exists()
    open_change = changes(world.northwind)[-1]
    assert (open_change.status, open_change.due_on) == (ChangeStatus.PENDING, TODAY + timedelta(days=151))


def test_an_override_sets_the_tier_with_its_reason_and_holds_it(world, moved):
    registered, silver, gold = make_ladder(world.acme, upgrades="approval")
    gold_figures(world.northwind, value="60000")  # qualifies for Silver only
    with tenant_context(world.acme):
        with pytest.raises(ValidationError) as refused:
            services.tier_override(partner=world.northwind, actor=world.acme_manager.user, tier=gold, reason=" ")
        assert "reason" in refused.value.message_dict
        services.tier_override(partner=world.northwind, actor=world.acme_manager.user, tier=gold,
                               reason="Strategic account")
    assert tier_of(world.northwind) == gold
    [change] = changes(world.northwind)
    assert (change.direction, change.status, change.reason) == ("override", ChangeStatus.APPLIED, "Strategic account")
    evaluate(world.acme)
    assert latest(world.northwind).proposal == Proposal.HELD
    assert tier_of(world.northwind) == gold  # not downgraded: the override holds
    event = AuditEvent.unscoped.get(verb=TierVerb.OVERRIDDEN, target_id=str(world.northwind.pk))
    assert event.data["reason"] == "Strategic account" and event.actor == world.acme_manager.user
    assert moved == [(world.northwind.pk, "Silver", "Gold")]


def test_an_override_replaces_an_open_proposal(world):
    registered, silver, gold = make_ladder(world.acme, upgrades="approval")
    gold_figures(world.northwind)
    evaluate(world.acme)
    with tenant_context(world.acme):
        services.tier_override(partner=world.northwind, actor=world.acme_manager.user, tier=registered, reason="Audit")
    assert [c.status for c in changes(world.northwind)] == [ChangeStatus.OVERRIDDEN, ChangeStatus.APPLIED]
    assert tier_of(world.northwind) == registered


def test_a_certification_expiring_puts_gold_at_risk(world):
    registered, silver, gold = make_ladder(world.acme)
    world.northwind.tier = gold
    world.northwind.save(update_fields=["tier"])
    gold_figures(world.northwind)
    CERTS[world.northwind.pk] = [("Ann Lee", TODAY + timedelta(days=20)), ("Bo Chen", TODAY + timedelta(days=400))]
    evaluate(world.acme)
    snapshot = latest(world.northwind)
    assert snapshot.proposal == Proposal.NONE
    assert snapshot.at_risk_on == TODAY + timedelta(days=20)
    assert snapshot.at_risk == [[str(TODAY + timedelta(days=20)), "Certification “Firewall Expert” of Ann Lee expires"]]
    # the day it expires the partner no longer qualifies: the grace period starts
    evaluate(world.acme, days=20)
    assert changes(world.northwind)[0].due_on == TODAY + timedelta(days=80)


def test_a_won_deal_leaving_the_window_puts_silver_at_risk(world):
    registered, silver, gold = make_ladder(world.acme)
    won(world.northwind, "45000", 340, customer="Tailspin")
    won(world.northwind, "10000", 10)
    evaluate(world.acme)
    snapshot = latest(world.northwind)
    assert snapshot.qualified_tier == silver
    assert snapshot.at_risk_on == TODAY + timedelta(days=25)
    assert "Tailspin" in snapshot.at_risk[0][1]


def test_a_snapshot_is_stored_only_when_something_changed(world):
    make_ladder(world.acme)
    won(world.northwind, "60000", 10)
    first = evaluate(world.acme)
    assert first.stored == 2  # Northwind and Contoso, the first time
    second = evaluate(world.acme, days=1)
    assert (second.partners, second.stored) == (2, 0)
    won(world.northwind, "1000", 0)
    evaluate(world.acme, days=2)
    with tenant_context(world.acme):
        history = list(TierEvaluation.objects.filter(partner=world.northwind).order_by("id"))
    assert [e.is_latest for e in history] == [False, True]
    assert Decimal(next(f["value"] for f in history[1].figures if f["kind"] == "won_value")) == Decimal("61000")


def test_tenants_are_evaluated_apart(world):
    make_ladder(world.acme)
    make_ladder(world.globex)
    gold_figures(world.northwind)
    evaluate(world.globex)
    assert TierEvaluation.unscoped.filter(tenant=world.acme).count() == 0
    assert TierEvaluation.unscoped.filter(tenant=world.globex, partner=world.initech).count() == 1


def _queries_of_a_night(tenant, days):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        evaluate(tenant, days=days)
    return len(captured.captured_queries)


def test_the_queries_do_not_grow_with_the_partners(world):
    """Each kind is measured once for all partners; snapshots, changes and audit rows are written in bulk."""
    make_ladder(world.acme)
    make_ladder(world.globex)
    for _ in range(6):
        partner = PartnerFactory(tenant=world.globex, tier="Gold")
        won(partner, "60000", 340)
        CERTS[partner.pk] = [("Ann Lee", TODAY + timedelta(days=10))]
    won(world.initech, "60000", 340)
    CERTS[world.initech.pk] = [("Ann Lee", TODAY + timedelta(days=10))]
    won(world.northwind, "60000", 340)
    CERTS[world.northwind.pk] = [("Bo Chen", TODAY + timedelta(days=10))]
    # Acme: Northwind at risk, Contoso in grace; Globex: Initech at risk, six Gold partners in grace
    few = _queries_of_a_night(world.acme, 0)  # 2 partners
    many = _queries_of_a_night(world.globex, 0)  # 7 partners
    assert few == many
    assert _queries_of_a_night(world.acme, 1) == _queries_of_a_night(world.globex, 1)
