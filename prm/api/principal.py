"""Who is calling the API: a member through their session, or an integration through a key."""

from dataclasses import dataclass

from prm.tenancy.models import PARTNER_ROLES, STAFF_ROLES, Role


class ApiKeyUser:
    """Stands in for request.user when an API key authenticates; acts with channel-manager rights."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None
    id = None

    def __init__(self, key):
        self.key = key

    def __str__(self):
        return str(self.key)


@dataclass(frozen=True)
class Principal:
    role: str
    partner_id: int | None
    actor: object  # a User, or an ApiKeyUser for audit rows

    @property
    def is_staff(self):
        return self.role in STAFF_ROLES

    @property
    def is_partner(self):
        return self.role in PARTNER_ROLES


def principal_for(request):
    if isinstance(request.user, ApiKeyUser):
        return Principal(role=Role.CHANNEL_MANAGER, partner_id=None, actor=request.user)
    membership = getattr(request._request, "membership", None)
    if membership is None:
        return None
    return Principal(role=membership.role, partner_id=membership.partner_id, actor=membership.user)
