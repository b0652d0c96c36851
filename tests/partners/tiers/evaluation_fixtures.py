"""The evaluation tests' ladder and figures, made by hand so that every outcome can be computed on paper.

Acme's ladder: Registered (rank 1, no requirements), Silver (2: won value ≥ 50,000 USD), Gold (3: won
value ≥ 100,000 USD, 3 won deals, NPS ≥ 30, and 2 test certifications). The certifications are a kind
registered here (`test_certs`), read from CERTS, so the tests do not depend on the training package."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dealreg.models import Deal, DealStatus
from partners.tiers.models import Tier, TierRequirement, TierSettings
from partners.tiers.requirements import Measure, RequirementKind, register
from prm.tenancy.context import tenant_context
from surveys.models import PartnerScore, RankingRun

from ...factories import tier_named

NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
TODAY = NOW.date()

# partner id → [(certified person, expires on)]; the kind counts those not expired as of the day
CERTS: dict[int, list[tuple[str, date]]] = {}


def _measure_certs(partner_ids, as_of, requirement):
    return {pid: Measure(Decimal(sum(1 for _who, ends in CERTS.get(pid, []) if ends > as_of)))
            for pid in partner_ids}


def _lapses_certs(partner_ids, start, end, requirement):
    return {pid: [(ends, f"Certification “Firewall Expert” of {who} expires") for who, ends in CERTS.get(pid, [])
                  if start <= ends < end] for pid in partner_ids}


TEST_CERTS = register(RequirementKind("test_certs", "Test certifications", _measure_certs, lapses=_lapses_certs))


@pytest.fixture(autouse=True)
def _no_certs():
    CERTS.clear()
    yield
    CERTS.clear()


def make_ladder(tenant, *, upgrades="automatic", grace_days=60, gold_certs=True):
    with tenant_context(tenant):
        registered = tier_named(tenant, "Registered")
        silver = tier_named(tenant, "Silver")
        gold = tier_named(tenant, "Gold")
        TierRequirement.objects.create(tenant=tenant, tier=silver, kind="won_value", threshold=Decimal("50000"))
        for kind, threshold in (("won_value", "100000"), ("won_deals", "3"), ("nps", "30")):
            TierRequirement.objects.create(tenant=tenant, tier=gold, kind=kind, threshold=Decimal(threshold))
        if gold_certs:
            TierRequirement.objects.create(tenant=tenant, tier=gold, kind="test_certs", threshold=Decimal("2"))
        TierSettings.objects.create(tenant=tenant, upgrades=upgrades, grace_days=grace_days)
    return registered, silver, gold


def won(partner, value, days_ago, currency="USD", status=DealStatus.WON, customer="Fabrikam"):
    closed = NOW - timedelta(days=days_ago)
    return Deal.unscoped.create(
        tenant=partner.tenant, partner=partner, status=status, customer_name=customer, contact_name="Pat Doe",
        contact_email="pat@fabrikam.example", value=Decimal(value), currency=currency,
        expected_close_date=closed.date(), closed_at=closed)


def nps(tenant, scores: dict, run_date=TODAY):
    """A ranking run with each partner's window score: {partner: (shrunk, answers)}."""
    run = RankingRun.unscoped.create(tenant=tenant, run_date=run_date, window_start=run_date - timedelta(days=365),
                                     window_end=run_date)
    for partner, (shrunk, n) in scores.items():
        PartnerScore.unscoped.create(tenant=tenant, run=run, partner=partner, period="window", n=n, promoters=n,
                                     passives=0, detractors=0, nps=shrunk, ci_low=0, ci_high=0, shrunk=shrunk)
    return run


def gold_figures(partner, *, value="120000", certs=2):
    """Figures that meet Gold: 120,000 USD in 3 deals, NPS 40 on 50 answers, certifications."""
    won(partner, "50000", 10)
    won(partner, "40000", 100)
    won(partner, str(Decimal(value) - 90000), 300)
    nps(partner.tenant, {partner: (40.0, 50)})
    CERTS[partner.pk] = [(f"Person {i}", TODAY + timedelta(days=400)) for i in range(certs)]


def tier_of(partner) -> Tier | None:
    partner.refresh_from_db(fields=["tier"])
    return partner.tier
