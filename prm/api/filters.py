"""Query parameters of list endpoints, parsed by a small serializer per endpoint.

A viewset names its `filter_serializer_class`; the base viewset validates the query string with it
before `narrow()` runs (a bad value is a 400 naming the parameter, never a 500), and the schema
documents the same serializer's fields as the list operation's parameters.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Ids are 64-bit; a larger number is an input error, not a database overflow.
MAX_ID = 2**63 - 1


class IdFilter(serializers.IntegerField):
    """An optional id parameter: a positive integer that fits the database column."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class SearchFilter(serializers.CharField):
    """An optional free-text parameter (`?q=`); blank means no filter."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", _("Free-text search."))
        super().__init__(**kwargs)


class ChoiceFilter(serializers.ChoiceField):
    """An optional choice parameter; blank means no filter."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(choices, **kwargs)


def is_valid_id(value) -> bool:
    """Whether a path id can name a row at all (digits only, within the 64-bit range)."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID
