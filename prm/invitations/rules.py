"""Who may invite whom. Tenant admins invite staff; staff and partner admins invite partner users."""

from prm.tenancy.models import Role

INVITABLE_ROLES = {
    Role.TENANT_ADMIN: {Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_USER},
    Role.CHANNEL_MANAGER: {Role.PARTNER_ADMIN, Role.PARTNER_USER},
    Role.PARTNER_ADMIN: {Role.PARTNER_ADMIN, Role.PARTNER_USER},
    Role.PARTNER_USER: set(),
}


def can_invite(membership, role, partner) -> bool:
    return can_invite_to(membership, role, partner.pk if partner is not None else None)


def can_invite_to(membership, role, partner_id: int | None) -> bool:
    """can_invite, for a partner named by its id."""
    if role not in INVITABLE_ROLES.get(membership.role, set()):
        return False
    if membership.is_partner_role:
        return partner_id is not None and partner_id == membership.partner_id
    return True
