"""The tier ladder's services: tiers, their order, their requirements, the settings, each audited."""
# ruff: noqa: F811 — the fixtures imported below are the tests' arguments

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dealreg.rules import rules_for
from partners.tiers import management
from partners.tiers.audit_verbs import TierVerb
from partners.tiers.describe import benefit_texts, requirement_text
from partners.tiers.models import Tier, TierRequirement, TierSettings
from prm.audit.models import AuditEvent

from .management_fixtures import kinds, ladder  # noqa: F401

pytestmark = pytest.mark.django_db


def _verbs(tier, pk=None):
    return list(AuditEvent.unscoped.filter(target_type="tiers.tier", target_id=str(pk or tier.pk))
                .order_by("id").values_list("verb", flat=True))


def _ranks():
    return dict(Tier.objects.values_list("name", "rank"))


def test_create_puts_a_tier_above_the_highest_with_its_requirements(world, ladder, in_tenant):
    with in_tenant(world.acme):
        tier = management.tier_create(tenant=world.acme, actor=world.acme_admin.user, name="  Platinum  ",
                                      colour="#5b6b7a", points_multiplier=Decimal("2"),
                                      requirements=[{"kind": "won_value", "threshold": Decimal("250000")},
                                                    {"kind": "required_courses", "threshold": Decimal("9")}])
        assert (tier.name, tier.rank) == ("Platinum", 4)
        assert {(r.kind, r.threshold) for r in tier.requirements.all()} == {
            ("won_value", Decimal("250000.00")), ("required_courses", None)}  # a kind without a figure keeps none
    assert _verbs(tier) == [TierVerb.CREATED, TierVerb.REQUIREMENT_ADDED, TierVerb.REQUIREMENT_ADDED]


@pytest.mark.parametrize("name", ["gold", "GOLD", " Gold "])
def test_a_name_taken_in_any_case_is_refused_on_the_name_field(world, ladder, in_tenant, name):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        management.tier_create(tenant=world.acme, actor=world.acme_admin.user, name=name)
    assert "name" in refused.value.message_dict
    with in_tenant(world.acme):
        assert Tier.objects.filter(name__iexact="gold").count() == 1


def test_the_same_name_in_another_tenant_is_fine(world, ladder, in_tenant):
    with in_tenant(world.acme):
        management.tier_create(tenant=world.acme, actor=world.acme_admin.user, name="Platinum")
    with in_tenant(world.globex):
        tier = management.tier_create(tenant=world.globex, actor=world.globex_admin.user, name="platinum")
    assert (tier.tenant_id, tier.rank) == (world.globex.pk, 4)


def test_a_taken_rank_is_refused_on_the_rank_field(world, ladder, in_tenant):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        management.tier_update(tier=ladder["gold"], actor=world.acme_admin.user, rank=2)
    assert "rank" in refused.value.message_dict


def test_update_audits_what_changed_only(world, ladder, in_tenant):
    gold = ladder["gold"]
    with in_tenant(world.acme):
        management.tier_update(tier=gold, actor=world.acme_admin.user, name="Gold", discount_percent=Decimal("25"))
        management.tier_update(tier=gold, actor=world.acme_admin.user, name="Gold")  # nothing changes
    event = AuditEvent.unscoped.get(verb=TierVerb.UPDATED, target_id=str(gold.pk))
    assert event.data["changed"] == {"discount_percent": ["20.00", "25"]}


def test_update_replaces_the_requirements(world, ladder, in_tenant):
    gold = ladder["gold"]
    with in_tenant(world.acme):
        management.tier_update(tier=gold, actor=world.acme_admin.user,
                               requirements=[{"kind": "won_value", "threshold": Decimal("120000")},
                                             {"kind": "won_deals", "threshold": Decimal("5")}])
        assert dict(TierRequirement.objects.filter(tier=gold).values_list("kind", "threshold")) == {
            "won_value": Decimal("120000.00"), "won_deals": Decimal("5.00")}
    assert _verbs(gold) == [TierVerb.REQUIREMENT_REMOVED, TierVerb.REQUIREMENT_EDITED, TierVerb.REQUIREMENT_ADDED]


def test_a_kind_that_uses_a_figure_needs_one(world, ladder, in_tenant):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        management.requirement_add(tier=ladder["silver"], actor=world.acme_admin.user, kind="won_deals")
    assert "threshold" in refused.value.message_dict


def test_an_unknown_kind_is_refused(world, ladder, in_tenant):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        management.requirement_add(tier=ladder["silver"], actor=world.acme_admin.user, kind="moon_phase",
                                   threshold=Decimal("1"))
    assert "kind" in refused.value.message_dict
    with in_tenant(world.acme):
        assert not TierRequirement.objects.filter(tier=ladder["silver"]).exists()


def test_a_kind_once_per_tier(world, ladder, in_tenant):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        management.requirement_add(tier=ladder["gold"], actor=world.acme_admin.user, kind="won_value",
                                   threshold=Decimal("5"))
    assert "kind" in refused.value.message_dict
    with in_tenant(world.acme), pytest.raises(ValidationError) as listed_twice:
        management.tier_update(tier=ladder["silver"], actor=world.acme_admin.user,
                               requirements=[{"kind": "won_deals", "threshold": 1}, {"kind": "won_deals", "threshold": 2}])
    assert "requirements" in listed_twice.value.message_dict


def test_an_invalid_requirement_in_a_create_leaves_no_tier(world, ladder, in_tenant):
    with in_tenant(world.acme), pytest.raises(ValidationError) as refused:
        management.tier_create(tenant=world.acme, actor=world.acme_admin.user, name="Platinum",
                               requirements=[{"kind": "won_deals", "threshold": None}])
    assert "Won deals, last 12 months" in refused.value.message_dict["requirements"][0]
    with in_tenant(world.acme):
        assert not Tier.objects.filter(name="Platinum").exists()


def test_requirement_update_and_remove(world, ladder, in_tenant):
    with in_tenant(world.acme):
        requirement = TierRequirement.objects.get(tier=ladder["gold"], kind="won_value")
        management.requirement_update(requirement=requirement, actor=world.acme_admin.user, threshold=Decimal("90000"))
        assert TierRequirement.objects.get(pk=requirement.pk).threshold == Decimal("90000")
        with pytest.raises(ValidationError):
            management.requirement_update(requirement=requirement, actor=world.acme_admin.user, threshold=None)
        management.requirement_remove(requirement=requirement, actor=world.acme_admin.user)
        assert not TierRequirement.objects.filter(pk=requirement.pk).exists()
    assert _verbs(ladder["gold"]) == [TierVerb.REQUIREMENT_EDITED, TierVerb.REQUIREMENT_REMOVED]


def test_moving_swaps_ranks_with_the_neighbour(world, ladder, in_tenant):
    with in_tenant(world.acme):
        management.tier_move(tier=ladder["silver"], actor=world.acme_admin.user, direction="up")
        assert _ranks() == {"Registered": 1, "Gold": 2, "Silver": 3}
        with pytest.raises(ValidationError, match="already the highest"):
            management.tier_move(tier=Tier.objects.get(name="Silver"), actor=world.acme_admin.user, direction="up")
        with pytest.raises(ValidationError, match="already the lowest"):
            management.tier_move(tier=ladder["registered"], actor=world.acme_admin.user, direction="down")
    assert _verbs(ladder["silver"]) == [TierVerb.MOVED]
    assert _verbs(ladder["gold"]) == [TierVerb.MOVED]


def test_reorder_keeps_the_set_of_ranks(world, ladder, in_tenant):
    Tier.unscoped.filter(pk=ladder["gold"].pk).update(rank=10)
    with in_tenant(world.acme):
        order = [ladder["gold"].pk, ladder["registered"].pk, ladder["silver"].pk]
        management.tiers_reorder(tenant=world.acme, actor=world.acme_admin.user, order=order)
        assert _ranks() == {"Gold": 1, "Registered": 2, "Silver": 10}
        with pytest.raises(ValidationError) as incomplete:
            management.tiers_reorder(tenant=world.acme, actor=world.acme_admin.user, order=order[:2])
    assert "order" in incomplete.value.message_dict


def test_delete_is_refused_while_partners_are_on_the_tier(world, ladder, in_tenant):
    with in_tenant(world.acme), pytest.raises(ValidationError, match=r"partners \(2\)"):
        management.tier_delete(tier=ladder["silver"], actor=world.acme_admin.user)
    assert Tier.unscoped.filter(pk=ladder["silver"].pk).exists()


def test_delete_is_refused_while_the_deal_rules_name_the_tier(world, ladder, in_tenant):
    gold_pk = ladder["gold"].pk
    with in_tenant(world.acme):
        rules_for(world.acme).auto_approve_tiers.add(ladder["gold"])
        with pytest.raises(ValidationError, match="rules of engagement"):
            management.tier_delete(tier=ladder["gold"], actor=world.acme_admin.user)
        rules_for(world.acme).auto_approve_tiers.clear()
        management.tier_delete(tier=ladder["gold"], actor=world.acme_admin.user)
        assert not Tier.objects.filter(name="Gold").exists()
        assert not TierRequirement.objects.filter(tier_id=gold_pk).exists()
    assert _verbs(None, gold_pk) == [TierVerb.DELETED]


def test_settings_update_makes_the_row_once(world, in_tenant):
    with in_tenant(world.acme):
        assert management.tier_settings_of(world.acme).pk is None  # the defaults until saved
        management.tier_settings_update(tenant=world.acme, actor=world.acme_admin.user, upgrades="approval", grace_days=30)
        management.tier_settings_update(tenant=world.acme, actor=world.acme_admin.user, upgrades="approval", grace_days=45)
        settings = TierSettings.objects.get()
        assert (settings.upgrades, settings.grace_days) == ("approval", 45)
        with pytest.raises(ValidationError) as refused:
            management.tier_settings_update(tenant=world.acme, actor=world.acme_admin.user, upgrades="approval",
                                            grace_days=400)
    assert "grace_days" in refused.value.message_dict


def test_requirements_and_benefits_in_words(world, ladder, in_tenant):
    with in_tenant(world.acme):
        texts = [requirement_text(r, "USD") for r in ladder["gold"].requirements.all()]
    assert texts == ["Won deal value, last 12 months ≥ $100,000", "Certifications the tier needs"]
    assert benefit_texts(ladder["gold"]) == ["20 % discount"]
    assert benefit_texts(ladder["registered"]) == []
