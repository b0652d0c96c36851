"""The one base for API viewsets. It carries the scoping, and subclasses cannot replace it.

- the tenant comes from the scoped manager (the host's tenant);
- partner roles see only rows of their partner (`partner_field`), or nothing if it is None; rows
  no single partner owns (content shown to tiers or to everyone) name `partner_scope` instead, a
  function (queryset, partner id) → the rows that partner may see;
- writes need a staff role or an API key unless `partner_write_actions` lets partners in;
- `public_actions` need no credentials at all (applying to the program), still on a tenant's host only.

Subclasses narrow in `narrow(queryset)`; defining `get_queryset` raises at import time.
A list's query parameters are parsed by `filter_serializer_class` (see prm/api/filters.py) and
reach `narrow()` as `self.filters`; a path id that cannot name a row is the same 404 as a missing one.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, generics, permissions, viewsets

from prm.tenancy.gates import closed_gate

from .filters import is_valid_id
from .principal import principal_for

SAFE_ACTIONS = frozenset({"list", "retrieve"})


class TenantScopedViewSet(viewsets.GenericViewSet):
    model = None
    partner_field: str | None = None
    partner_scope = None  # or staticmethod((queryset, partner_id) → queryset), instead of partner_field
    partner_write_actions: frozenset = frozenset()
    public_actions: frozenset = frozenset()
    gate_exempt_actions: frozenset = frozenset()  # partner actions a portal gate leaves open (prm.tenancy.gates)
    filter_serializer_class = None
    filters: dict = {}
    # Any path segment reaches get_object (and its 404), not the HTML page of an unmatched URL.
    lookup_value_regex = "[^/]+"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must narrow in narrow(), not replace get_queryset().")

    def get_permissions(self):
        if self.action in self.public_actions:
            return [permissions.AllowAny()]  # the schema then lists "no credentials" for the operation
        return super().get_permissions()

    def initial(self, request, *args, **kwargs):
        if getattr(request._request, "tenant", None) is None:
            raise Http404
        super().initial(request, *args, **kwargs)
        self.principal = principal_for(request)
        if self.action in self.public_actions:
            return  # anyone: the action itself must not depend on who calls
        if self.principal.is_partner:
            if self.partner_field is None and self.partner_scope is None:
                raise exceptions.PermissionDenied(_("Partner users cannot use this endpoint."))
            if self.action not in SAFE_ACTIONS | self.partner_write_actions:
                raise exceptions.PermissionDenied(_("Your role cannot change this."))
            closed = None if self.action in self.gate_exempt_actions else closed_gate(request._request.membership)
            if closed is not None:
                raise exceptions.PermissionDenied(closed.api_message)

    def narrow(self, queryset):
        return queryset

    def parse_filters(self) -> dict:
        """The list's query parameters, validated (a ValidationError is a 400 naming the parameter)."""
        if self.filter_serializer_class is None or self.action != "list":
            return {}
        parsed = self.filter_serializer_class(data=self.request.query_params)
        parsed.is_valid(raise_exception=True)
        # Blank values mean "no filter", like an absent parameter.
        return {name: value for name, value in parsed.validated_data.items() if value not in ("", None)}

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if not is_valid_id(lookup):
            # The very 404 a missing row gives, before the database sees an id it cannot compare.
            generics.get_object_or_404(self.model.unscoped.none())
        return super().get_object()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no rows
            return self.model.unscoped.none()
        queryset = self.model.objects.all()
        principal = getattr(self, "principal", None)
        if principal is not None and principal.is_partner:
            if self.partner_scope is not None:
                queryset = self.partner_scope(queryset, principal.partner_id)
            else:
                queryset = queryset.filter(**{self.partner_field: principal.partner_id})
        self.filters = self.parse_filters()
        return self.narrow(queryset)
