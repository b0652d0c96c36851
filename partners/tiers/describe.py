"""Requirements and benefits in words, as the ladder and the API show them:
"Won deal value, last 12 months ≥ $100,000", "Certifications the tier needs"."""

from django.utils.translation import gettext as _

from prm.i18n.formatting import money_whole, number

from .models import Tier, TierRequirement


def figure_text(value, unit: str, currency: str) -> str:
    """A requirement's figure in its unit: money in the program's currency, counts and scores as numbers."""
    if unit == "money":
        return money_whole(value, currency)
    return number(value)


def requirement_text(requirement: TierRequirement, currency: str) -> str:
    kind = requirement.kind_entry
    if kind is None:  # an app that registered the kind is gone: say so rather than hide the row
        return _("Unknown requirement “%(kind)s” (not checked)") % {"kind": requirement.kind}
    if not kind.uses_threshold or requirement.threshold is None:
        return str(kind.label)
    return f"{kind.label} ≥ {figure_text(requirement.threshold, kind.unit, currency)}"


def benefit_texts(tier: Tier) -> list[str]:
    """The tier's benefits that give something, in words."""
    texts = []
    if tier.discount_percent:
        texts.append(_("%(percent)s %% discount") % {"percent": number(tier.discount_percent)})
    if tier.protection_days is not None:
        texts.append(_("deals protected %(days)s days") % {"days": number(tier.protection_days)})
    if tier.mdf_accrual_percent:
        texts.append(_("%(percent)s %% of won deal value to MDF") % {"percent": number(tier.mdf_accrual_percent)})
    if tier.points_multiplier != 1:
        texts.append(_("points × %(factor)s") % {"factor": number(tier.points_multiplier)})
    return texts
