"""The rules' auto-approve tiers, a list of labels, become links to tier rows (matched in any
case; a label no partner had becomes a tier of its own, so no rule is lost)."""

from django.db import migrations, models

from partners.tiers.merging import DEFAULT_COLOUR, key_of, settle_deferred_checks


def labels_to_rows(apps, schema_editor):
    # The migration's own connection: another one would wait on the locks this one holds.
    alias = schema_editor.connection.alias
    all_rules = apps.get_model("dealreg", "RulesOfEngagement").objects.db_manager(alias)
    all_tiers = apps.get_model("tiers", "Tier").unscoped.db_manager(alias)
    for rules in all_rules.exclude(auto_approve_tier_labels=[]):
        tiers = {key_of(tier.name): tier for tier in all_tiers.filter(tenant_id=rules.tenant_id)}
        for label in rules.auto_approve_tier_labels or []:
            if not str(label).strip():
                continue
            tier = tiers.get(key_of(str(label)))
            if tier is None:
                top = max((t.rank for t in tiers.values()), default=0)
                tier = all_tiers.create(tenant_id=rules.tenant_id, name=" ".join(str(label).split()),
                                        rank=top + 1, colour=DEFAULT_COLOUR)
                tiers[key_of(tier.name)] = tier
            rules.auto_approve_tier_rows.add(tier)
    settle_deferred_checks(schema_editor)


def rows_to_labels(apps, schema_editor):
    all_rules = apps.get_model("dealreg", "RulesOfEngagement").objects.db_manager(schema_editor.connection.alias)
    for rules in all_rules.all():
        rules.auto_approve_tier_labels = sorted(tier.name for tier in rules.auto_approve_tier_rows.all())
        rules.save(update_fields=["auto_approve_tier_labels"])
    settle_deferred_checks(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("dealreg", "0007_partner_figures_index"),
        ("partners", "0007_tier_rows"),
    ]

    operations = [
        migrations.RenameField("rulesofengagement", "auto_approve_tiers", "auto_approve_tier_labels"),
        migrations.AddField(
            model_name="rulesofengagement", name="auto_approve_tier_rows",
            field=models.ManyToManyField(blank=True, related_name="+", to="tiers.tier",
                                         verbose_name="tiers eligible for automatic approval",
                                         help_text="Tiers whose deals may be approved automatically."),
        ),
        migrations.RunPython(labels_to_rows, rows_to_labels),
        migrations.RemoveField("rulesofengagement", "auto_approve_tier_labels"),
        migrations.RenameField("rulesofengagement", "auto_approve_tier_rows", "auto_approve_tiers"),
    ]
