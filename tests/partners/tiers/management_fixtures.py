"""Fixtures of the tier management tests: requirement kinds of their own (the registry's real kinds
belong to other apps), and a small ladder in Acme."""

from decimal import Decimal

import pytest

from partners.tiers import requirements
from partners.tiers.models import Tier, TierRequirement
from partners.tiers.requirements import Measure, RequirementKind


def _nothing(partner_ids, as_of, requirement):
    return {pk: Measure(Decimal("0")) for pk in partner_ids}


WON = RequirementKind("won_value", "Won deal value, last 12 months", _nothing, unit="money")
DEALS = RequirementKind("won_deals", "Won deals, last 12 months", _nothing, unit="count")
COURSES = RequirementKind("required_courses", "Certifications the tier needs", _nothing, uses_threshold=False,
                          target=lambda requirement: Decimal("2"))


@pytest.fixture
def kinds(monkeypatch):
    """The registry holds exactly these three kinds during the test."""
    monkeypatch.setattr(requirements, "_kinds", {kind.key: kind for kind in (WON, DEALS, COURSES)})
    return requirements


@pytest.fixture
def ladder(world, kinds):
    """Acme's ladder of the world: Registered 1, Silver 2 (Northwind and Contoso are on it), Gold 3, given
    a colour, a 20 % discount and two requirements: won value ≥ 100,000 and every course it needs."""
    tiers = {tier.name.lower(): tier for tier in Tier.unscoped.filter(tenant=world.acme)}
    gold = tiers["gold"]
    Tier.unscoped.filter(pk=gold.pk).update(colour="#b8860b", discount_percent=Decimal("20"))
    TierRequirement.unscoped.create(tenant=world.acme, tier=gold, kind="won_value", threshold=Decimal("100000"))
    TierRequirement.unscoped.create(tenant=world.acme, tier=gold, kind="required_courses")
    for tier in tiers.values():
        tier.refresh_from_db()
    assert [tiers[name].rank for name in ("registered", "silver", "gold")] == [1, 2, 3]
    return tiers
