from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from prm.i18n.formatting import money, money_whole, number


@pytest.mark.parametrize(("language", "full", "whole", "plain"), [
    ("en", "$38,200.50", "€38,201", "12,345.5"),
    ("de", "38.200,50\xa0$", "38.201\xa0€", "12.345,5"),
    ("fr", "38\u202f200,50\xa0$US", "38\u202f201\xa0€", "12\u202f345,5"),
])
def test_money_and_numbers_follow_the_active_language(language, full, whole, plain):
    with translation.override(language):
        assert money(Decimal("38200.50"), "USD") == full
        assert money_whole(Decimal("38200.50"), "EUR") == whole
        assert number(12345.5) == plain


def test_fixed_decimals_round_half_up_and_empty_values_stay_empty():
    with translation.override("de"):
        assert number(51.25, 1) == "51,3"
        assert number(-3, 0) == "-3"
        assert (money(None, "EUR"), money_whole("", "EUR"), number(None)) == ("", "", "")


def test_the_template_filters_use_the_same_rules():
    template = Template("{% load formatting %}{{ v|money:'EUR' }} | {{ v|money_whole:'EUR' }} | {{ n|number:1 }}")
    with translation.override("de"):
        assert template.render(Context({"v": Decimal("1234.5"), "n": 0.25})) == "1.234,50\xa0€ | 1.235\xa0€ | 0,3"


def test_a_moment_is_shown_in_the_programs_zone_with_its_abbreviation():
    from datetime import UTC, datetime

    from django.utils import timezone

    from prm.i18n.formatting import when

    moment = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)
    with timezone.override("Europe/Berlin"), translation.override("de"):
        assert when(moment) == "2. Dezember 2026 14:05 CET"
    with timezone.override("America/New_York"), translation.override("en"):
        assert when(moment, "SHORT_DATETIME_FORMAT") == "12/02/2026 8:05 a.m. EST"
    assert when(None) == ""


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "nl", "hi"])
def test_money_writes_every_amount_exactly_as_babel_does(language):
    """The shape of a currency is plain string formatting; it must agree with Babel to the character,
    sign of a rounded-away cent and rounding included (Hindi's grouping falls back to Babel itself)."""
    import random

    from babel.numbers import format_currency

    from prm.i18n.formatting import _babel_whole, _locale

    rng = random.Random(language)
    amounts = [Decimal(rng.randint(-10**10, 10**10)) / rng.choice([1, 8, 100, 1000]) for _ in range(300)]
    amounts += [Decimal(x) for x in ("0", "-0.004", "0.005", "0.015", "999.995", "-1234.5", "38200.50")]
    with translation.override(language):
        locale = _locale()
        for currency in ("USD", "EUR", "JPY", "KWD", "CHF"):
            for amount in amounts:
                assert money(amount, currency) == format_currency(amount, currency, locale=locale), (currency, amount)
                assert money_whole(amount, currency) == _babel_whole(amount, currency, locale), (currency, amount)
