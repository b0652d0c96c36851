"""Whether the rules of engagement let a deal be approved now, and if not, why.

One check serves `services.deal_approve` (which refuses) and the pages that offer the Approve
button (which withhold it and say why), so the page never offers what the service refuses. It
reads the conflicts the caller already has: live ones (the service, the deal page) or the review
queue's snapshot (as of the snapshot's time; the approval itself checks live)."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .conflicts import Conflict, find_conflicts, key_of
from .models import Deal, DealStatus, RulesOfEngagement


@dataclass(frozen=True)
class Holding:
    """An approved registration that protects the same customer (a strong match)."""

    partner_id: int | None  # None in snapshots stored before they kept it: the partner's name decides
    partner: str
    reference: str
    last_day: date | None  # the protection's last day in the program's time zone


def _last_day(deal: Deal) -> date | None:
    if deal.protected_until is None:
        return None
    return deal.protected_until.astimezone(ZoneInfo(deal.tenant.time_zone)).date()


def holdings_of(conflicts: list[Conflict]) -> list[Holding]:
    """The protections among live conflicts (find_conflicts order: the strongest first)."""
    return [Holding(c.deal.partner_id, c.deal.partner.name, c.deal.reference, _last_day(c.deal))
            for c in conflicts if c.strong and c.deal.status == DealStatus.APPROVED]


def holdings_in_snapshot(snapshot: list[dict]) -> list[Holding]:
    """The protections among a deal's stored conflict snapshot (see snapshots.snapshot)."""
    holdings = []
    for c in snapshot:
        if c.get("strong") and c.get("status") == DealStatus.APPROVED:
            try:
                day = date.fromisoformat(c.get("protected_until") or "")
            except ValueError:
                day = None
            holdings.append(Holding(c.get("partner_id"), c.get("partner", ""), c.get("reference", ""), day))
    return holdings


def refusal(deal: Deal, rules: RulesOfEngagement, holdings: list[Holding]) -> str:
    """Why `deal` may not be approved ('' if it may): under first-approved-wins, another partner's
    approved registration already protects this customer."""
    if not rules.first_approved_wins:
        return ""
    for holding in holdings:
        other = (holding.partner_id != deal.partner_id if holding.partner_id is not None
                 else holding.partner != deal.partner.name)
        if other:
            return _("%(partner)s already holds this customer (%(reference)s, protected until %(date)s). First approved "
                     "wins: reject this deal or wait until that protection ends.") % {
                "partner": holding.partner, "reference": holding.reference,
                "date": date_format(holding.last_day, "DATE_FORMAT") if holding.last_day else "—",
            }
    return ""


def approval_refusal(deal: Deal, rules: RulesOfEngagement, conflicts: list[Conflict] | None = None) -> str:
    """Why `deal` may not be approved now ('' if it may), from live conflicts (searched if not given)."""
    if not rules.first_approved_wins:
        return ""
    if conflicts is None:
        conflicts = find_conflicts(key_of(deal), exclude_deal_id=deal.pk)
    return refusal(deal, rules, holdings_of(conflicts))


def queue_approval_refusal(deal: Deal, rules: RulesOfEngagement) -> str:
    """The same check on the review queue's snapshot of the deal's conflicts (no search per row)."""
    return refusal(deal, rules, holdings_in_snapshot(deal.conflict_snapshot or []))
