from rest_framework import permissions

from .principal import principal_for


class IsTenantMember(permissions.BasePermission):
    """A tenant host, and a member of it (or one of its API keys). Roles are checked by the viewset."""

    def has_permission(self, request, view):
        if getattr(request._request, "tenant", None) is None:
            return False
        return principal_for(request) is not None
