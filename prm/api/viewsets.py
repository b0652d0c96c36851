"""The one base for API viewsets. It carries the scoping, and subclasses cannot replace it.

- the tenant comes from the scoped manager (the host's tenant);
- partner roles see only rows of their partner (`partner_field`), or nothing if it is None;
- writes need a staff role or an API key unless `partner_write_actions` lets partners in.

Subclasses narrow in `narrow(queryset)`; defining `get_queryset` raises at import time.
"""

from django.http import Http404
from rest_framework import exceptions, viewsets

from .principal import principal_for

SAFE_ACTIONS = frozenset({"list", "retrieve"})


class TenantScopedViewSet(viewsets.GenericViewSet):
    model = None
    partner_field: str | None = None
    partner_write_actions: frozenset = frozenset()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must narrow in narrow(), not replace get_queryset().")

    def initial(self, request, *args, **kwargs):
        if getattr(request._request, "tenant", None) is None:
            raise Http404
        super().initial(request, *args, **kwargs)
        self.principal = principal_for(request)
        if self.principal.is_partner:
            if self.partner_field is None:
                raise exceptions.PermissionDenied("Partner users cannot use this endpoint.")
            if self.action not in SAFE_ACTIONS | self.partner_write_actions:
                raise exceptions.PermissionDenied("Your role cannot change this.")

    def narrow(self, queryset):
        return queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no rows
            return self.model.unscoped.none()
        queryset = self.model.objects.all()
        principal = getattr(self, "principal", None)
        if principal is not None and principal.is_partner:
            queryset = queryset.filter(**{self.partner_field: principal.partner_id})
        return self.narrow(queryset)
