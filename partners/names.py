"""Comparable forms of company names and domains: pure Python, no Django imports.

Partners (duplicate applications) and deal registration (conflicting registrations) both compare
companies this way, so it lives with partners, which deal registration depends on.
"""

from __future__ import annotations

import re
import unicodedata

# Legal-form tokens, as they read after punctuation became spaces ("S.A." -> "s a").
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        {
            tuple(form.split())
            for form in (
                "inc", "incorporated", "ltd", "limited", "llc", "l l c", "llp", "lllp", "lp", "plc",
                "pllc", "corp", "corporation", "co", "company", "cie", "gmbh", "mbh", "ag", "kg",
                "kgaa", "ohg", "ug", "aktiengesellschaft",
                "gesellschaft mit beschrankter haftung", "sa", "s a", "sab", "s a b", "sas",
                "s a s", "sarl", "s a r l", "srl", "s r l", "spa", "s p a", "bv", "b v", "nv",
                "n v", "na", "n a", "oy", "oyj", "ab", "publ", "as", "a s", "asa", "aps", "kk",
                "k k", "kabushiki kaisha", "pty", "pte", "pvt", "private", "sl", "s l", "sae",
                "se", "ltda", "cia", "de cv", "de c v", "sdn", "bhd", "sp z o o", "kft", "zrt",
                "ооо", "оао", "зао", "пао",
            )
        },
        key=len,
        reverse=True,
    )
)
# Conjunctions left dangling once a legal form is gone ("Smith & Co." -> "smith and").
_CONJUNCTIONS = frozenset({"and", "und", "et", "y"})
# The forms by their last word, each list in _LEGAL_FORMS's order: a name's last word picks the few to try.
_LEGAL_FORMS_BY_LAST: dict[str, tuple[tuple[str, ...], ...]] = {
    last: tuple(form for form in _LEGAL_FORMS if form[-1] == last) for last in {form[-1] for form in _LEGAL_FORMS}}
# Letters that Unicode does not decompose into an ASCII base letter.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
     "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H"}
)
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//|^mailto:")
_PORT = re.compile(r":\d*$")
_LABEL = re.compile(r"[^\W_](?:[^\W_]|-){0,62}")
_IDEOGRAPHIC_DOTS = str.maketrans({"。": ".", "．": ".", "｡": "."})


def is_word_char(char: str) -> bool:
    """pg_trgm's word characters: letters and digits (glibc ``iswalnum``).

    glibc also counts some combining vowel signs (Indic scripts) and circled letters; normalised
    names never contain those, so the two agree on everything this module compares.
    """
    return char.isalpha() or unicodedata.category(char) in ("Nd", "Nl")


def _fold_accents(text: str) -> str:
    """Drop diacritics ("Škoda" -> "Skoda"); letters of other scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    bare = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return unicodedata.normalize("NFC", bare)


def _name_tokens(name: str) -> list[str]:
    """Lowercase words of a name, with "&"/"+" as "and" and apostrophes dropped ("McDonald's")."""
    text = _fold_accents(_APOSTROPHES.sub("", name)).lower()
    text = text.replace("&", " and ").replace("+", " and ")
    return "".join(char if is_word_char(char) else " " for char in text).split()


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    """Drop trailing legal forms ("gmbh and co kg"), never all the tokens."""
    stripped = False
    while True:
        if stripped and len(tokens) > 1 and tokens[-1] in _CONJUNCTIONS:
            tokens = tokens[:-1]
            continue
        candidates = _LEGAL_FORMS_BY_LAST.get(tokens[-1], ()) if tokens else ()
        form = next((f for f in candidates if len(tokens) > len(f) and tuple(tokens[-len(f):]) == f), None)
        if form is None:
            return tokens
        tokens, stripped = tokens[: -len(form)], True


def normalize_company_name(name: str) -> str:
    """Comparable form of a company name: "The Coca-Cola Company" -> "coca cola"."""
    tokens = _name_tokens(name or "")
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(_strip_legal_forms(tokens))


def _host(value: str) -> str:
    """The host part of a URL, bare domain or email address, lowercased, port removed."""
    text = value.strip().lower()
    if "<" in text and ">" in text:  # "Jane Doe <jane@acme.com>"
        text = text[text.rfind("<") + 1 : text.rfind(">")]
    text = _SCHEME.sub("", text.strip())
    text = re.split(r"[/?#\\]", text, maxsplit=1)[0]
    text = _PORT.sub("", text.rpartition("@")[2])
    return text.translate(_IDEOGRAPHIC_DOTS).removesuffix(".")


def normalize_domain(value: str) -> str:
    """Domain of a URL, domain or email ("https://www.Acme.com/x" -> "acme.com"); "" if none."""
    labels = _host(value or "").split(".")
    if labels[0] == "www" and len(labels) > 2:
        labels = labels[1:]
    if len(labels) < 2 or labels[-1].isdigit() or not all(_LABEL.fullmatch(label) for label in labels):
        return ""  # no dot, an IP address, spaces or other garbage
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return ""
    return ".".join(labels)
