"""The benches' tier ladder: a tenant's tier rows by name (made on first use), for partners built in bulk."""

LADDER = ("Registered", "Bronze", "Silver", "Gold")


def tier_ids(tenant, names=LADDER) -> dict[str, int]:
    from partners.tiers.models import Tier

    ids = {}
    for rank, name in enumerate(names, start=1):
        tier, _ = Tier.unscoped.get_or_create(tenant=tenant, name=name, defaults={"rank": rank})
        ids[name] = tier.pk
    return ids
