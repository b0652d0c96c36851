"""URL converters for a closed set of values: a deal action, a decision, an export format.

The URL admits only the values of the view's own table, so an unknown value is a 404 before any
view runs, and the cross-tenant matrix (tests/tenancy/matrix) reads the values from the converter:
a value added to a table but not to the matrix fails the suite.
"""

import re

from django.urls import register_converter


class ChoiceConverter:
    values: tuple = ()

    def __init__(self):
        # Longest first, so that "request-info" is not cut short by a shorter value it starts with.
        self.regex = "|".join(re.escape(value) for value in sorted(self.values, key=len, reverse=True))

    def to_python(self, value):
        return value

    def to_url(self, value):
        if value not in self.values:
            raise ValueError(f"{value!r} is not one of {self.values}")
        return value


def register_choices(type_name, values):
    """Register `<type_name:kwarg>` admitting exactly `values` (e.g. the keys of a view's table)."""
    converter = type(f"{type_name.title().replace('_', '')}Converter", (ChoiceConverter,), {"values": tuple(values)})
    register_converter(converter, type_name)
