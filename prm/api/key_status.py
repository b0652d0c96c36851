"""An API key acts with the authority of the tenant admin who created it, and no longer than that.

When the creator's membership ends (deactivated, lowered below tenant admin, removed, or the
account disabled), the key stops authenticating at once; the key list says which keys are
inactive and why. Another tenant admin creates a replacement; a revoked key stays revoked.
"""

from django.utils.translation import gettext_lazy as _

from prm.tenancy.models import Membership, Role

CREATOR_GONE = _("its creator is no longer a member")
CREATOR_DEACTIVATED = _("its creator's membership is deactivated")
CREATOR_LOWERED = _("its creator is no longer a tenant admin")
CREATOR_ACCOUNT_DISABLED = _("its creator's account is disabled")


def _reason(creator: dict | None) -> str | None:
    if creator is None:
        return CREATOR_GONE
    if not creator["user__is_active"]:
        return CREATOR_ACCOUNT_DISABLED
    if not creator["is_active"]:
        return CREATOR_DEACTIVATED
    if creator["role"] != Role.TENANT_ADMIN:
        return CREATOR_LOWERED
    return None


def _creators(user_ids) -> dict:
    """The creators' memberships in the tenant in force, by user id: one query."""
    rows = Membership.objects.filter(user_id__in=[pk for pk in user_ids if pk is not None])
    return {row["user_id"]: row for row in rows.values("user_id", "role", "is_active", "user__is_active")}


def key_inactive_reason(key) -> str | None:
    """Why `key` may not authenticate although it is not revoked, or None if it may."""
    return _reason(_creators([key.created_by_id]).get(key.created_by_id))


def keys_with_status(keys) -> list:
    """The keys, each with `.inactive_reason` set (revoked keys: None; their revocation says it all)."""
    keys = list(keys)
    creators = _creators({key.created_by_id for key in keys if key.is_active})
    for key in keys:
        key.inactive_reason = _reason(creators.get(key.created_by_id)) if key.is_active else None
    return keys
