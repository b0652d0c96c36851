"""Money and numbers written the way the active language writes them (Babel has the rules)."""

from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_currency, format_decimal, parse_pattern
from django.utils import timezone, translation
from django.utils.formats import date_format


def _locale() -> Locale:
    return Locale.parse(translation.to_locale(translation.get_language() or "en"))


def money(amount, currency: str) -> str:
    """'38,200.00 USD' in English is '$38,200.00'; in German '38.200,00 $'."""
    if amount in (None, ""):
        return ""
    return format_currency(Decimal(amount), currency, locale=_locale())


def money_whole(amount, currency: str) -> str:
    """Money rounded to whole units, for lists and totals: '$38,200', '38.200 $'."""
    if amount in (None, ""):
        return ""
    locale = _locale()
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    pattern.frac_prec = (0, 0)
    rounded = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # Babel would round half to even
    return pattern.apply(rounded, locale, currency=currency, currency_digits=False)


def number(value, decimals: int | None = None) -> str:
    """A grouped number; `decimals` fixes the digits after the point."""
    if value in (None, ""):
        return ""
    if decimals is None:
        return format_decimal(value, locale=_locale())
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format="#,##0." + "0" * decimals if decimals else "#,##0", locale=_locale())


def percent(value, decimals: int = 0) -> str:
    """A percentage given as its number of hundredths (62.5 → '62.5%' in English, '62,5 %' in German)."""
    if value in (None, ""):
        return ""
    locale = _locale()
    pattern = parse_pattern(locale.percent_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return pattern.apply(rounded / 100, locale)


def when(moment, fmt: str = "DATETIME_FORMAT") -> str:
    """A moment in the program's time zone, for the active language, with the zone's abbreviation:
    "2 December 2026 14:05 CET" — a reader elsewhere knows which clock it means."""
    if moment in (None, ""):
        return ""
    local = timezone.localtime(moment)
    return f"{date_format(local, fmt)} {local.tzname()}"
