"""Money and numbers written the way the active language writes them (Babel has the rules)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal, get_currency_precision, get_decimal_symbol, get_group_symbol, parse_pattern
from django.utils import timezone, translation
from django.utils.formats import date_format


def _locale() -> Locale:
    return _locale_of(translation.get_language() or "en")


@lru_cache(maxsize=64)
def _locale_of(language: str) -> Locale:
    return Locale.parse(translation.to_locale(language))


def money(amount, currency: str) -> str:
    """'38,200.00 USD' in English is '$38,200.00'; in German '38.200,00 $'."""
    if amount in (None, ""):
        return ""
    locale = _locale()
    shape = _money_shape(str(locale), currency, whole=False)
    if shape is None:
        return format_currency(Decimal(amount), currency, locale=locale)
    return shape.apply(Decimal(amount), ROUND_HALF_EVEN)  # Babel's own rounding


def money_whole(amount, currency: str) -> str:
    """Money rounded to whole units, for lists and totals: '$38,200', '38.200 $'."""
    if amount in (None, ""):
        return ""
    locale = _locale()
    shape = _money_shape(str(locale), currency, whole=True)
    if shape is None:
        return _babel_whole(Decimal(amount), currency, locale)
    return shape.apply(Decimal(amount), ROUND_HALF_UP)  # Babel would round half to even


def _babel_whole(amount: Decimal, currency: str, locale: Locale) -> str:
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    pattern.frac_prec = (0, 0)
    return pattern.apply(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP), locale, currency=currency,
                         currency_digits=False)


@dataclass(frozen=True)
class _MoneyShape:
    """How one language writes one currency: the text around the digits (for amounts at or above zero
    and below it), the digits after the point, and the group and decimal signs. Applying it is plain
    string formatting; a page of 300 amounts spent a quarter of its time in Babel's general formatter."""

    digits: int
    positive: tuple[str, str]
    negative: tuple[str, str]
    signs: dict

    def apply(self, amount: Decimal, rounding: str) -> str:
        rounded = amount.quantize(Decimal(1).scaleb(-self.digits), rounding=rounding)
        prefix, suffix = self.negative if rounded.is_signed() else self.positive  # "-0.00", as Babel writes it
        return prefix + f"{abs(rounded):,.{self.digits}f}".translate(self.signs) + suffix


PROBES = ("0", "0.5", "7", "1234.5", "12345.678", "-1234.5", "-0.004", "1234567.891", "999.995", "-38200.5")


@lru_cache(maxsize=512)
def _money_shape(locale_id: str, currency: str, whole: bool) -> _MoneyShape | None:
    """The shape of `currency` in the language, or None when plain formatting cannot write it exactly as
    Babel does (another grouping, a minimum of grouping digits): those go through Babel every time."""
    locale = Locale.parse(locale_id)
    digits = 0 if whole else get_currency_precision(currency)
    one = "1" + ("." + "0" * digits if digits else "")
    local_one = one.replace(".", get_decimal_symbol(locale))

    def around(text: str) -> tuple[str, str] | None:
        head, found, tail = text.partition(local_one)
        return (head, tail) if found else None

    babel = (lambda value: _babel_whole(value, currency, locale)) if whole else (
        lambda value: format_currency(value, currency, locale=locale))
    positive, negative = around(babel(Decimal(1))), around(babel(Decimal(-1)))
    if positive is None or negative is None:
        return None
    shape = _MoneyShape(digits, positive, negative,
                        str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)}))
    rounding = ROUND_HALF_UP if whole else ROUND_HALF_EVEN
    if any(shape.apply(Decimal(p), rounding) != babel(Decimal(p)) for p in PROBES):
        return None
    return shape


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
