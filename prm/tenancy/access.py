"""Resolve ids sent by clients inside a scope: missing and not-yours are the same 404."""

from django.core.exceptions import ValidationError
from django.http import Http404


def get_in_scope_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
