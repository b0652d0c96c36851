"""Which active registrations a customer collides with, and why.

Candidates come from the database (exact domain keys; on PostgreSQL also the pg_trgm index on the
normalised name); every candidate is then scored in Python by `matching`, whose trigram similarity
is pg_trgm's, so SQLite and PostgreSQL give the same answers.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from prm.i18n.formatting import number

from . import matching
from .models import ACTIVE_STATUSES, Deal, DealStatus

MAX_CANDIDATES = 50  # strongest first; enough for any decision, and cheap to load


@dataclass(frozen=True)
class Conflict:
    deal: Deal
    reasons: list
    strong: bool


@dataclass(frozen=True)
class Verdict:
    kind: str  # "free" | "protected" | "possible" | "own"
    protected_until: datetime | None = None

    @property
    def message(self):
        if self.kind in ("protected", "own"):
            day = date_format(timezone.localtime(self.protected_until), "DATE_FORMAT")
            if self.kind == "protected":
                return _("Already registered: protected until %(date)s.") % {"date": day}
            return _("Your company already registered this customer: protected until %(date)s.") % {"date": day}
        if self.kind == "possible":
            return _("Possible match with an existing registration: the vendor will review it.")
        return _("Free: no active registration matches this customer.")


# A match reason's detail as `matching` words it (and conflict snapshots store it) → as people read it.
_REASONS = (
    (re.compile(r"same domain (?P<domain>.+)"), lambda m: _("same domain %(domain)s") % m.groupdict()),
    (re.compile(r"similar name \(score (?P<score>[\d.]+)\)"),
     lambda m: _("similar name (score %(score)s)") % {"score": number(float(m["score"]), 2)}),
    (re.compile(r"contact email domain (?P<domain>.+)"), lambda m: _("contact email domain %(domain)s") % m.groupdict()),
    (re.compile(r"products: (?P<products>.+)"), lambda m: _("products: %(products)s") % m.groupdict()),
)


def reason_text(detail: str) -> str:
    """Why two registrations may be the same customer, in the active language."""
    for pattern, text in _REASONS:
        found = pattern.fullmatch(detail)
        if found:
            return text(found)
    return detail


def key_for(*, customer_name, customer_website="", contact_email="", products=()):
    return matching.customer_key(customer_name, customer_website, contact_email, [str(p) for p in products])


def key_of(deal):
    return matching.CustomerKey(
        name_normalized=deal.customer_name_normalized,
        domain=deal.customer_domain,
        email_domain=deal.contact_email_domain,
        products=frozenset(p.name for p in deal.products.all()),
    )


def active_registrations(now=None):
    now = now or timezone.now()
    return Deal.objects.filter(status__in=ACTIVE_STATUSES).exclude(status=DealStatus.APPROVED, protected_until__lte=now)


def _candidate_filter(key):
    keys = Q(pk__in=[])
    for domain in {key.domain, key.email_domain} - {""}:
        if matching.is_free_mail_domain(domain):
            continue
        keys |= Q(customer_domain=domain) | Q(contact_email_domain=domain)
    if not key.name_normalized:
        return keys
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # `%` then means similarity >= threshold, served by the trigram index.
            cursor.execute("SELECT set_limit(%s)", [matching.NAME_SIMILARITY_THRESHOLD - 1e-4])
        return keys | Q(customer_name_normalized__trigram_similar=key.name_normalized)
    return Q()  # SQLite: every active registration is scored in Python


def find_conflicts(key, *, exclude_deal_id=None, now=None, limit=MAX_CANDIDATES):
    """Active registrations matching `key`, strongest first (at most `limit`).

    Candidates are scored once, on the columns alone; they are ranked (strong, then approved,
    then by score) before the cut, so a cap can never hide a protection. Only the kept deals are
    loaded, with their products in one query.
    """
    rows = (
        active_registrations(now)
        .filter(_candidate_filter(key))
        .exclude(pk=exclude_deal_id)
        .order_by()
        .values_list("pk", "customer_name_normalized", "customer_domain", "contact_email_domain", "status")
    )
    bare_key = matching.CustomerKey(key.name_normalized, key.domain, key.email_domain, frozenset())
    scored = []
    for pk, name, domain, email, status in rows:
        reasons = matching.match_reasons(bare_key, matching.CustomerKey(name, domain, email, frozenset()))
        if reasons:
            strong = matching.is_strong_match(reasons)
            best = max((r.score or 0 for r in reasons), default=0)
            scored.append(((not strong, status != DealStatus.APPROVED, -best, pk), reasons, strong))
    if not scored:
        return []
    scored.sort(key=lambda row: row[0])
    kept = scored[:limit]
    ids = [order[3] for order, _, _ in kept]
    deals = Deal.objects.select_related("partner", "tenant").in_bulk(ids)
    products = _product_names(ids) if key.products else {}
    conflicts = []
    for order, reasons, strong in kept:
        shared = sorted(key.products & products.get(order[3], set()), key=str.casefold)
        if shared:
            reasons = [*reasons, matching.MatchReason("overlapping_products", "products: " + ", ".join(shared))]
        conflicts.append(Conflict(deal=deals[order[3]], reasons=reasons, strong=strong))
    return conflicts


def _product_names(deal_ids):
    names = {}
    through = Deal.products.through.objects.filter(deal_id__in=deal_ids)
    for deal_id, name in through.values_list("deal_id", "productline__name"):
        names.setdefault(deal_id, set()).add(name)
    return names


def verdict_for(conflicts, own_partner_id=None):
    """What a partner may be told: never who holds the customer (unless it is their own company)."""
    holders = [c.deal for c in conflicts if c.strong and c.deal.status == DealStatus.APPROVED]
    others = [d.protected_until for d in holders if d.partner_id != own_partner_id]
    if others:
        return Verdict("protected", max(others))
    if holders:
        return Verdict("own", max(d.protected_until for d in holders))
    return Verdict("possible") if conflicts else Verdict("free")
