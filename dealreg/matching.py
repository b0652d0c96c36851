"""Recognise the same end customer registered twice (deal-registration conflict detection).

Pure Python, no Django imports, so it runs the same on SQLite and PostgreSQL.

Names are compared with trigram similarity, implemented to give exactly the numbers of
PostgreSQL pg_trgm's ``similarity()`` so that a pg_trgm GIN index on the normalised name
(``similarity(name_normalized, %s) >= NAME_SIMILARITY_THRESHOLD``; note pg_trgm's ``%``
operator uses ``pg_trgm.similarity_threshold``, 0.3 by default) finds the same candidates
that :func:`match_reasons` accepts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from partners.names import is_word_char, normalize_company_name, normalize_domain  # noqa: F401 — re-exported

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

def email_domain(email: str) -> str:
    """Normalised domain of an email address; "" if it has no "@"."""
    return normalize_domain(email) if "@" in (email or "") else ""


def is_free_mail_domain(domain: str) -> bool:
    """True for gmail.com and friends: a shared email domain there says nothing."""
    return normalize_domain(domain) in FREE_MAIL_DOMAINS


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lowercased word padded "  word " cut into 3-character pieces."""
    words = "".join(char if is_word_char(char) else " " for char in text or "").split()
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
