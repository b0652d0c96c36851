"""The base classes every dashboard and portal view derives from.

They carry the scoping: the tenant (from the host), the membership and its role, and for the
portal the partner. A subclass may narrow the queryset in `narrow()`; it may not replace
`get_queryset()`, `get_object()` or `scope()`, so the scope cannot be dropped by accident: only a
base class declared with `scope_base=True` (the portal's, which adds the partner) defines `scope()`.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from .access import get_in_scope_or_404
from .gates import closed_gate
from .models import PARTNER_ROLES, STAFF_ROLES, Role

# Methods that carry the scope; a subclass customises what it fetches with `model` and `narrow()`.
GUARDED = ("get_queryset", "get_object")


class ScopedViewMixin:
    allowed_roles: frozenset = frozenset()
    model = None
    pk_url_kwarg = "pk"

    _scope_bases: set = set()

    def __init_subclass__(cls, scope_base=False, **kwargs):
        super().__init_subclass__(**kwargs)
        # Checked on what the class resolves to, so a mixin placed before the base cannot slip one in.
        for name in GUARDED:
            if getattr(cls, name) is not ScopedViewMixin.__dict__[name]:
                raise TypeError(f"{cls.__name__} must set `model` and narrow the queryset in narrow(), not replace {name}().")
        if scope_base:
            ScopedViewMixin._scope_bases.add(cls)
        definer = next(klass for klass in cls.__mro__ if "scope" in klass.__dict__)
        if definer is not ScopedViewMixin and definer not in ScopedViewMixin._scope_bases:
            raise TypeError(f"{cls.__name__} must narrow the queryset in narrow(), not replace scope(); "
                            "only a base class declared with scope_base=True defines the scope.")

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
        held = self.gate()
        if held is not None:
            return held
        return super().dispatch(request, *args, **kwargs)

    def gate(self):
        """A response that holds the member back (see prm.tenancy.gates), or None."""
        return None

    def scope(self, queryset):
        """Tenant scoping comes from the manager; subclasses of the portal add the partner."""
        return queryset

    def narrow(self, queryset):
        return queryset

    def get_queryset(self):
        if self.model is None:
            raise TypeError(f"{type(self).__name__} needs a model to build a queryset.")
        return self.narrow(self.scope(self.model.objects.all()))

    def get_object(self):
        """The object the URL's pk names, inside the scope: another tenant's or partner's is the 404 of a missing one."""
        return get_in_scope_or_404(self.get_queryset(), pk=self.kwargs[self.pk_url_kwarg])


class DashboardViewMixin(ScopedViewMixin):
    """Channel managers and tenant admins, at /manage/."""

    allowed_roles = STAFF_ROLES
    section = "dashboard"


class TenantAdminViewMixin(DashboardViewMixin):
    allowed_roles = frozenset({Role.TENANT_ADMIN})


class PortalViewMixin(ScopedViewMixin, scope_base=True):
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

    gate_exempt = False  # True on the pages a gate leads to (the agreement to sign)

    def gate(self):
        closed = None if self.gate_exempt else closed_gate(self.membership)
        return redirect(closed.redirect_to) if closed is not None else None


class PartnerAdminViewMixin(PortalViewMixin):
    allowed_roles = frozenset({Role.PARTNER_ADMIN})
