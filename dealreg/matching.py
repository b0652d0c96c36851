"""Recognise the same end customer registered twice (deal-registration conflict detection).

Pure Python, no Django imports, so it runs the same on SQLite and PostgreSQL.

Names are compared with trigram similarity, implemented to give exactly the numbers of
PostgreSQL pg_trgm's ``similarity()`` so that a pg_trgm GIN index on the normalised name
(``similarity(name_normalized, %s) >= NAME_SIMILARITY_THRESHOLD``; note pg_trgm's ``%``
operator uses ``pg_trgm.similarity_threshold``, 0.3 by default) finds the same candidates
that :func:`match_reasons` accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Similarity of normalised names from which two customers are reported as a possible match.
# Tuned on the corpus in tests/dealreg/test_matching.py: different companies that share a
# generic word score up to 0.48 ("Alpha Solutions" / "Beta Solutions", "General Motors" /
# "General Mills" 0.45), while the same company with a short extra word scores from 0.55
# ("Northwind" / "Northwind Traders").
NAME_SIMILARITY_THRESHOLD: float = 0.5

# From this name similarity on, the names are practically identical: a strong match.
STRONG_NAME_SIMILARITY: float = 0.9

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com outlook.com outlook.de outlook.fr hotmail.com hotmail.co.uk
    hotmail.de hotmail.fr hotmail.it hotmail.es live.com live.co.uk live.de live.fr msn.com
    yahoo.com yahoo.co.uk yahoo.de yahoo.fr yahoo.es yahoo.it yahoo.co.jp yahoo.com.br
    ymail.com rocketmail.com icloud.com me.com mac.com aol.com aol.de gmx.de gmx.net gmx.at
    gmx.ch gmx.com web.de t-online.de freenet.de posteo.de mailbox.org proton.me
    protonmail.com protonmail.ch pm.me tutanota.com tuta.io yandex.ru yandex.com ya.ru
    mail.ru inbox.ru list.ru bk.ru rambler.ru qq.com 163.com 126.com yeah.net sina.com
    foxmail.com naver.com daum.net hanmail.net orange.fr wanadoo.fr free.fr laposte.net
    sfr.fr libero.it virgilio.it tiscali.it seznam.cz wp.pl o2.pl onet.pl interia.pl
    btinternet.com sky.com virginmedia.com comcast.net verizon.net att.net sbcglobal.net
    mail.com email.com zoho.com zohomail.com fastmail.com hey.com rediffmail.com uol.com.br
    bol.com.br terra.com.br bigpond.com shaw.ca rogers.com
    """.split()
)

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


def _is_word_char(char: str) -> bool:
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
    return "".join(char if _is_word_char(char) else " " for char in text).split()


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    """Drop trailing legal forms ("gmbh and co kg"), never all the tokens."""
    stripped = False
    while True:
        if stripped and len(tokens) > 1 and tokens[-1] in _CONJUNCTIONS:
            tokens = tokens[:-1]
            continue
        form = next((f for f in _LEGAL_FORMS if len(tokens) > len(f) and tuple(tokens[-len(f):]) == f), None)
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


def email_domain(email: str) -> str:
    """Normalised domain of an email address; "" if it has no "@"."""
    return normalize_domain(email) if "@" in (email or "") else ""


def is_free_mail_domain(domain: str) -> bool:
    """True for gmail.com and friends: a shared email domain there says nothing."""
    return normalize_domain(domain) in FREE_MAIL_DOMAINS


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lowercased word padded "  word " cut into 3-character pieces."""
    words = "".join(char if _is_word_char(char) else " " for char in text or "").split()
    result: set[str] = set()
    for word in words:
        # Per character like PostgreSQL's towlower(): Python lowercases "İ" to two characters.
        padded = "  " + "".join(char.lower()[0] for char in word) + " "
        result.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return result


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm ``similarity(a, b)``: shared trigrams / all trigrams; 0.0 if either has none."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


@dataclass(frozen=True)
class MatchReason:
    kind: str  # "same_domain" | "similar_name" | "same_email_domain" | "overlapping_products"
    detail: str
    score: float | None = None


@dataclass(frozen=True)
class CustomerKey:
    name_normalized: str
    domain: str
    email_domain: str
    products: frozenset[str]


def customer_key(
    name: str, website_or_domain: str = "", contact_email: str = "", products: Iterable[object] = ()
) -> CustomerKey:
    """What conflict detection compares about one registered end customer."""
    cleaned = (str(product).strip() for product in products or ())
    return CustomerKey(
        name_normalized=normalize_company_name(name),
        domain=normalize_domain(website_or_domain),
        email_domain=email_domain(contact_email),
        products=frozenset(product for product in cleaned if product),
    )


def _same_domain(new: CustomerKey, existing: CustomerKey) -> str:
    """The website domain both share, unless it is a free-mail domain typed as a website."""
    if new.domain and new.domain == existing.domain and new.domain not in FREE_MAIL_DOMAINS:
        return new.domain
    return ""


def _shared_email_domain(new: CustomerKey, existing: CustomerKey, same_domain: str) -> str:
    """A non-free-mail domain shared by a contact email and the other's email or website."""
    pairs = ((new.email_domain, existing.email_domain), (new.email_domain, existing.domain),
             (new.domain, existing.email_domain))
    for mine, theirs in pairs:
        if mine and mine == theirs and mine != same_domain and mine not in FREE_MAIL_DOMAINS:
            return mine
    return ""


def match_reasons(new: CustomerKey, existing: CustomerKey) -> list[MatchReason]:
    """Why ``new`` may be the customer of ``existing``; [] when nothing matches."""
    reasons = []
    domain = _same_domain(new, existing)
    if domain:
        reasons.append(MatchReason("same_domain", f"same domain {domain}"))
    score = trigram_similarity(new.name_normalized, existing.name_normalized)
    if score >= NAME_SIMILARITY_THRESHOLD:
        reasons.append(MatchReason("similar_name", f"similar name (score {score:.2f})", score))
    shared_email = _shared_email_domain(new, existing, domain)
    if shared_email:
        reasons.append(MatchReason("same_email_domain", f"contact email domain {shared_email}"))
    products = sorted(new.products & existing.products, key=str.casefold)
    if reasons and products:  # shared products alone are no conflict
        reasons.append(MatchReason("overlapping_products", "products: " + ", ".join(products)))
    return reasons


def is_strong_match(reasons: Iterable[MatchReason]) -> bool:
    """Same domain or practically the same name: "already registered", not just "review"."""
    return any(
        reason.kind == "same_domain"
        or (reason.kind == "similar_name" and (reason.score or 0.0) >= STRONG_NAME_SIMILARITY)
        for reason in reasons
    )
