"""Query parameters of the partners app's API lists (parsed before `narrow()`, documented in the schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import ChoiceFilter, IdFilter, SearchFilter
from prm.tenancy.models import Role

from .models import PartnerStatus
from .profile_models import SENSITIVE_CHOICES, ChangeStatus


class PartnerListFilters(serializers.Serializer):
    q = SearchFilter(help_text=_("Search name, domain, contact, tier, country."))
    status = ChoiceFilter(PartnerStatus.choices)
    tier = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("Exact tier, any case."))


class MembershipListFilters(serializers.Serializer):
    partner = IdFilter(help_text=_("Only this partner's people."))
    role = ChoiceFilter(Role.choices)


class ProfileChangeListFilters(serializers.Serializer):
    status = ChoiceFilter(ChangeStatus.choices, help_text=_("Only changes in this state (pending: waiting for a manager)."))
    partner = IdFilter(help_text=_("Only this partner's changes."))
    field = ChoiceFilter(SENSITIVE_CHOICES)
