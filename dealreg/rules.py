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
