"""A country cell as an ISO 3166 code: "DE", "DEU", "Germany", "Deutschland", "United States",
"USA" — the forms CRM exports and people type, compared without case, accents or punctuation."""

from functools import cache

from django.utils import translation
from django_countries import countries

from .columns import key

# Names a CRM or a person uses that are none of the English or German country names.
EXTRA = {"usa": "US", "us": "US", "unitedstates": "US", "unitedstatesofamerica": "US", "america": "US", "uk": "GB", "greatbritain": "GB",
         "england": "GB", "scotland": "GB", "wales": "GB", "holland": "NL", "southkorea": "KR", "korea": "KR",
         "russia": "RU", "czechia": "CZ", "czechrepublic": "CZ", "turkey": "TR", "vietnam": "VN",
         "uae": "AE", "ivorycoast": "CI", "swaziland": "SZ", "macedonia": "MK", "burma": "MM"}


@cache
def _codes() -> dict[str, str]:
    found = dict(EXTRA)
    for language in ("en", "de"):
        with translation.override(language):
            for code, name in countries:
                found.setdefault(key(str(name)), code)
    for code, _name in countries:
        found[key(code)] = code
        found[key(countries.alpha3(code))] = code
    return found


def country_code(text: str) -> str | None:
    """The ISO code of `text`, "" for an empty cell, None for a country not recognised."""
    if not text.strip():
        return ""
    return _codes().get(key(text))
