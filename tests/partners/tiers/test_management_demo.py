"""The demo's tier ladders: what Silver and Gold require in each program, and the settings."""

from decimal import Decimal

import pytest

from partners.tiers.demo import load_tier_demo
from partners.tiers.models import TierRequirement, TierSettings

pytestmark = pytest.mark.django_db


def _requirements(tenant):
    return {(r.tier.name, r.kind): r.threshold for r in TierRequirement.unscoped.filter(tenant=tenant).select_related("tier")}


def test_the_demo_ladders_require_what_the_programs_say_once(world):
    load_tier_demo()
    load_tier_demo()  # a second run changes nothing
    assert _requirements(world.acme) == {
        ("Silver", "won_value"): Decimal("25000"), ("Silver", "certifications"): Decimal("1"),
        ("Gold", "won_value"): Decimal("100000"), ("Gold", "won_deals"): Decimal("5"),
        ("Gold", "required_courses"): None, ("Gold", "nps"): Decimal("30")}
    assert _requirements(world.globex)[("Gold", "won_value")] == Decimal("90000")
    settings = {s.tenant_id: (s.upgrades, s.grace_days) for s in TierSettings.unscoped.all()}
    assert settings == {world.acme.pk: ("automatic", 60), world.globex.pk: ("approval", 60)}
