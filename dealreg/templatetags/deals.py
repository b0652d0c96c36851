"""Deal data stored as values (conflict snapshots, match reasons) as people read it."""

from datetime import date

from django import template
from django.utils.formats import date_format

from ..conflicts import reason_text
from ..models import DealStatus

register = template.Library()


@register.filter
def match_reason(detail):
    return reason_text(detail)


@register.filter
def deal_status_label(status):
    return DealStatus(status).label if status in DealStatus.values else status


@register.filter
def stored_day(value):
    """An ISO date kept in a snapshot, in the active language; older snapshots kept it already written."""
    try:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return value
