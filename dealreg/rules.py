from .models import RulesOfEngagement


def rules_for(tenant, *, for_update=False):
    """The tenant's rules of engagement, created with defaults on first use.

    `for_update=True` locks the row: approvals take this lock so that two of them can never
    both decide that a customer is still free.
    """
    rules, _ = RulesOfEngagement.objects.get_or_create(tenant=tenant)
    if for_update:
        rules = RulesOfEngagement.objects.select_for_update().get(pk=rules.pk)
    return rules


def protection_days(partner, rules) -> int:
    """How long an approved deal of `partner` is protected: its tier's benefit, else the rules' default."""
    tier = partner.tier
    if tier is not None and tier.protection_days:
        return tier.protection_days
    return rules.protection_days
