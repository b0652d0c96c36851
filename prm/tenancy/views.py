"""The base classes every dashboard and portal view derives from.

They carry the scoping: the tenant (from the host), the membership and its role, and for the
portal the partner. A subclass may narrow the queryset in `narrow()`; it may not replace
`get_queryset()`, so the scope cannot be dropped by accident.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import PARTNER_ROLES, STAFF_ROLES, Role


class ScopedViewMixin:
    allowed_roles: frozenset = frozenset()
    model = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must narrow the queryset in narrow(), not replace get_queryset().")

    def dispatch(self, request, *args, **kwargs):
        if request.tenant is None:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = request.membership
        if membership is None or membership.role not in self.allowed_roles:
            raise PermissionDenied
        self.tenant = request.tenant
        self.membership = membership
        return super().dispatch(request, *args, **kwargs)

    def scope(self, queryset):
        """Tenant scoping comes from the manager; subclasses of the portal add the partner."""
        return queryset

    def narrow(self, queryset):
        return queryset

    def get_queryset(self):
        if self.model is None:
            raise TypeError(f"{type(self).__name__} needs a model to build a queryset.")
        return self.narrow(self.scope(self.model.objects.all()))


class DashboardViewMixin(ScopedViewMixin):
    """Channel managers and tenant admins, at /manage/."""

    allowed_roles = STAFF_ROLES
    section = "dashboard"


class TenantAdminViewMixin(DashboardViewMixin):
    allowed_roles = frozenset({Role.TENANT_ADMIN})


class PortalViewMixin(ScopedViewMixin):
    """Partner admins and partner users, at /portal/: everything is narrowed to their partner."""

    allowed_roles = PARTNER_ROLES
    partner_field = "partner"
    section = "portal"

    def dispatch(self, request, *args, **kwargs):
        membership = getattr(request, "membership", None)
        self.partner = membership.partner if membership is not None else None
        return super().dispatch(request, *args, **kwargs)

    def scope(self, queryset):
        return queryset.filter(**{self.partner_field: self.partner})


class PartnerAdminViewMixin(PortalViewMixin):
    allowed_roles = frozenset({Role.PARTNER_ADMIN})
