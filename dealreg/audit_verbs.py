"""What deal registration records in the audit trail, and how a timeline names it.

A lifecycle move records `deal.<action>` for the action of states.TRANSITIONS (the stored values
predate the past-tense convention and stay as they are, so old timelines keep their labels)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class DealregVerb(TextChoices):
    DEAL_CREATED = "deal.created", _("Registered as a draft")
    DEAL_UPDATED = "deal.updated", _("Edited")
    DEAL_SUBMITTED = "deal.submit", _("Submitted for approval")
    DEAL_APPROVED = "deal.approve", _("Approved")
    DEAL_REJECTED = "deal.reject", _("Rejected")
    DEAL_INFO_REQUESTED = "deal.request_info", _("More information requested")
    DEAL_INFO_PROVIDED = "deal.info_provided", _("More information provided")
    DEAL_WITHDRAWN = "deal.withdraw", _("Withdrawn")
    DEAL_WON = "deal.win", _("Marked won")
    DEAL_LOST = "deal.lose", _("Marked lost")
    DEAL_EXPIRED = "deal.expire", _("Protection ended")
    DEAL_EXTENDED = "deal.extended", _("Protection extended")
    RULES_UPDATED = "rules.updated", _("Rules changed")
    PRODUCT_LINE_CREATED = "product_line.created", _("Product line added")
    PRODUCT_LINE_TOGGLED = "product_line.toggled", _("Product line retired or restored")

    @classmethod
    def of_move(cls, action: str) -> "DealregVerb":
        """The verb of a lifecycle move (an action of states.TRANSITIONS)."""
        return cls(f"deal.{action}")
