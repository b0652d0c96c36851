"""Query parameters of the deal list (parsed before `narrow()`, documented in the schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import ChoiceFilter, IdFilter, SearchFilter

from .models import DealStatus


class DealListFilters(serializers.Serializer):
    q = SearchFilter(help_text=_("Search customer name, domain, contact."))
    status = ChoiceFilter(DealStatus.choices)
    partner = IdFilter(help_text=_("Only this partner's deals (an unknown partner has none)."))
