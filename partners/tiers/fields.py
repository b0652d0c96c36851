"""The API's tier field: a tier by its name, in any case (as partners and imports name them)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Tier


class TierNameField(serializers.SlugRelatedField):
    default_error_messages = {"does_not_exist": _("The program has no tier named “{value}”.")}

    def __init__(self, **kwargs):
        super().__init__(slug_field="name", queryset=Tier.objects, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        tier = self.get_queryset().filter(name__iexact=data.strip()).first()
        if tier is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return tier
