"""Partner.tier text becomes a foreign key to a tier row; labels that differ only by case or
spaces merge into one tier (partners/tiers/merging.py)."""

import django.db.models.deletion
from django.db import migrations, models

from partners.tiers.merging import key_of, merge_labels, settle_deferred_checks


def labels_to_rows(apps, schema_editor):
    # The migration's own connection: another one would wait on the locks this one holds.
    alias = schema_editor.connection.alias
    partners = apps.get_model("partners", "Partner").unscoped.db_manager(alias)
    tiers = apps.get_model("tiers", "Tier").unscoped.db_manager(alias)
    tenants = partners.exclude(tier_label="").values_list("tenant_id", flat=True).distinct()
    for tenant_id in tenants:
        labels = partners.filter(tenant_id=tenant_id).exclude(tier_label="").values_list("tier_label", flat=True)
        # Tiers already there (run again after migrating back, which keeps them) are reused, not made twice.
        existing = {key_of(tier.name): tier for tier in tiers.filter(tenant_id=tenant_id)}
        taken = {tier.rank for tier in existing.values()}
        for merged in merge_labels(labels):
            tier = existing.get(key_of(merged.name))
            if tier is None:
                rank = merged.rank if merged.rank not in taken else max(taken) + 1
                tier = tiers.create(tenant_id=tenant_id, name=merged.name, rank=rank, colour=merged.colour)
                taken.add(rank)
            partners.filter(tenant_id=tenant_id, tier_label__in=merged.spellings).update(tier_row=tier)
    settle_deferred_checks(schema_editor)


def rows_to_labels(apps, schema_editor):
    partners = apps.get_model("partners", "Partner").unscoped.db_manager(schema_editor.connection.alias)
    for partner in partners.exclude(tier_row=None).select_related("tier_row"):
        partners.filter(pk=partner.pk).update(tier_label=partner.tier_row.name)
    settle_deferred_checks(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0006_partner_business_type"),
        ("tiers", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("partner", "tier", "tier_label"),
        migrations.AddField(
            model_name="partner", name="tier_row",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="partners", to="tiers.tier", verbose_name="tier"),
        ),
        migrations.RunPython(labels_to_rows, rows_to_labels),
        migrations.RemoveField("partner", "tier_label"),
        migrations.RenameField("partner", "tier_row", "tier"),
    ]
