from django import template

from prm.i18n import formatting

register = template.Library()


@register.filter
def money(amount, currency):
    return formatting.money(amount, currency)


@register.filter
def money_whole(amount, currency):
    return formatting.money_whole(amount, currency)


@register.filter
def number(value, decimals=None):
    return formatting.number(value, None if decimals is None else int(decimals))


@register.filter
def percent(value, decimals=0):
    return formatting.percent(value, int(decimals))


@register.filter
def when(moment, fmt="DATETIME_FORMAT"):
    return formatting.when(moment, fmt)
