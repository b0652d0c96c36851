"""Tier labels become tier rows: the merge's rules (partners/tiers/merging.py) and the data migrations
that use them (partners 0007, dealreg 0008), run on a real database from the text labels and back."""

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.migrations.executor import MigrationExecutor

from partners.tiers.merging import COLOURS, DEFAULT_COLOUR, key_of, merge_labels
from prm.tenancy.context import tenant_context
from prm.tenancy.management.commands.migrate import logged_in_as_owner
from prm.tenancy.rls import OWNER_ALIAS, apply_policies

BEFORE = [("partners", "0006_partner_business_type"), ("dealreg", "0007_partner_figures_index"), ("tiers", "0001_initial")]
LABELS = ["Gold", "gold", " GOLD ", "Silver", "", "Premier"]


# merge_labels, on its own


def _merged(labels):
    return {tier.name: (tier.rank, set(tier.spellings)) for tier in merge_labels(labels)}


def test_labels_differing_only_in_case_and_spaces_are_one_tier():
    assert key_of("  Gold   Plus ") == key_of("gold plus")
    assert _merged(LABELS) == {"Silver": (1, {"Silver"}), "Gold": (2, {"Gold", "gold", " GOLD "}),
                               "Premier": (3, {"Premier"})}


def test_the_spelling_most_partners_had_is_kept():
    assert _merged(["gold", "gold", "Gold"])["gold"][0] == 1
    assert [tier.name for tier in merge_labels(["GOLD", "GOLD", "Gold"])] == ["GOLD"]


def test_a_tie_goes_to_the_capitalised_spelling_then_the_one_not_shouted():
    assert [tier.name for tier in merge_labels(["gold", "Gold"])] == ["Gold"]
    assert [tier.name for tier in merge_labels(["GOLD", "gold", "Gold"])] == ["Gold"]
    assert [tier.name for tier in merge_labels([" silver  star", "Silver Star"])] == ["Silver Star"]


def test_ranks_follow_the_ladder_and_unknown_names_come_above_alphabetically():
    merged = merge_labels(["Zeta", "platinum", "Registered", "Alpha", "bronze", "Gold"])
    assert [(tier.name, tier.rank) for tier in merged] == [
        ("Registered", 1), ("bronze", 2), ("Gold", 3), ("platinum", 4), ("Alpha", 5), ("Zeta", 6)]
    assert {tier.name: tier.colour for tier in merged}["Gold"] == COLOURS["gold"]
    assert {tier.name: tier.colour for tier in merged}["Zeta"] == DEFAULT_COLOUR


def test_empty_labels_are_no_tier():
    assert merge_labels(["", "   ", ""]) == []


# The migrations, forwards and back


@pytest.fixture
def as_owner():
    """Where there are two roles, the default connection logs in as the owner for the test, as
    `manage.py migrate` does: one connection, so the migrations never wait on a lock of their own.
    No tenant and no bypass, as in `migrate`: the test set-up's bypass would switch to the batch
    role, which may not alter tables."""
    if OWNER_ALIAS not in settings.DATABASES:
        yield
        return
    with logged_in_as_owner(DEFAULT_DB_ALIAS), tenant_context(None):
        yield
        with connection.cursor() as cursor:  # re-created tables: the test's flush empties them (tests/conftest.py)
            cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {settings.RLS_APP_ROLE}")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _labelled_world(apps):
    Tenant = apps.get_model("tenancy", "Tenant")
    Partner = apps.get_model("partners", "Partner")
    Rules = apps.get_model("dealreg", "RulesOfEngagement")
    tenant = Tenant.objects.create(slug="merge", name="Merge Networks")
    other = Tenant.objects.create(slug="other", name="Other Systems")
    for n, label in enumerate(LABELS):
        Partner.objects.create(tenant=tenant, name=f"Partner {n}", tier=label)
    Partner.objects.create(tenant=other, name="Elsewhere", tier="gold")
    Rules.objects.create(tenant=tenant, auto_approve_tiers=["gold", "Unknown"])
    return tenant.pk, other.pk


def _assert_merged(tenant_id, other_id):
    from dealreg.models import RulesOfEngagement
    from partners.models import Partner
    from partners.tiers.models import Tier

    tiers = {tier.name: tier for tier in Tier.unscoped.filter(tenant_id=tenant_id)}
    assert {name: tier.rank for name, tier in tiers.items()} == {"Silver": 1, "Gold": 2, "Premier": 3, "Unknown": 4}
    assert tiers["Gold"].colour == COLOURS["gold"]
    partners = dict(Partner.unscoped.filter(tenant_id=tenant_id).values_list("name", "tier__name"))
    assert partners == {"Partner 0": "Gold", "Partner 1": "Gold", "Partner 2": "Gold", "Partner 3": "Silver",
                        "Partner 4": None, "Partner 5": "Premier"}
    rules = RulesOfEngagement.unscoped.get(tenant_id=tenant_id)
    with tenant_context(rules.tenant):
        assert set(rules.auto_approve_tiers.values_list("name", flat=True)) == {"Gold", "Unknown"}
    # Each program merges its own labels into tiers of its own.
    elsewhere = Partner.unscoped.select_related("tier").get(tenant_id=other_id)
    assert (elsewhere.tier.name, elsewhere.tier.tenant_id) == ("gold", other_id)


@pytest.mark.django_db(transaction=True)
def test_the_merge_migrations_turn_labels_into_tiers_and_back(as_owner):
    latest = _latest()
    try:
        tenant_id, other_id = _labelled_world(_migrate(BEFORE))
        _migrate(latest)
        _assert_merged(tenant_id, other_id)

        # Backwards: the labels come back as the tier names, and the rules name their tiers.
        old = _migrate(BEFORE)
        Partner = old.get_model("partners", "Partner")
        labels = dict(Partner.objects.filter(tenant_id=tenant_id).values_list("name", "tier"))
        assert labels == {"Partner 0": "Gold", "Partner 1": "Gold", "Partner 2": "Gold", "Partner 3": "Silver",
                          "Partner 4": "", "Partner 5": "Premier"}
        rules = old.get_model("dealreg", "RulesOfEngagement").objects.get(tenant_id=tenant_id)
        assert rules.auto_approve_tiers == ["Gold", "Unknown"]
        # The tier rows are still there (tiers 0001 stays applied): forwards again must not trip over them.

        _migrate(latest)
        _assert_merged(tenant_id, other_id)
    finally:
        _migrate(latest)  # the next tests need the latest schema
        apply_policies(using=DEFAULT_DB_ALIAS)  # re-created tables get their row-level security back
