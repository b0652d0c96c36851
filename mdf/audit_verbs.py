"""What market development funds record in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class MdfVerb(TextChoices):
    SETTINGS_UPDATED = "mdf_settings.updated", _("MDF settings changed")
    ACTIVITY_TYPE_ADDED = "mdf_activity_type.added", _("MDF activity type added")
    ACTIVITY_TYPE_TOGGLED = "mdf_activity_type.toggled", _("MDF activity type offered or withdrawn")
    LIMIT_SET = "mdf_approval_limit.set", _("MDF approval limit set")
    BUDGET_CREATED = "mdf_budget.created", _("MDF budget created")
    BUDGET_FUNDED = "mdf_budget.funded", _("MDF budget funded")
    ALLOCATION_CREATED = "mdf_allocation.created", _("MDF allocation created")
    ALLOCATED = "mdf_allocation.allocated", _("Funds allocated to the partner")
    ACCRUED = "mdf_allocation.accrued", _("Funds accrued from won deals")
    EXPIRED = "mdf_allocation.expired", _("Unspent funds expired at the fiscal year's close")
    ROLLED_OVER = "mdf_allocation.rolled_over", _("Unspent funds rolled over into the next fiscal year")
    REQUEST_CREATED = "fund_request.created", _("Fund request created")
    REQUEST_SUBMITTED = "fund_request.submitted", _("Fund request submitted")
    REQUEST_APPROVED = "fund_request.approved", _("Fund request approved")
    REQUEST_REJECTED = "fund_request.rejected", _("Fund request rejected")
    REQUEST_MORE_INFO = "fund_request.more_info", _("More information asked for the fund request")
    REQUEST_ANSWERED = "fund_request.answered", _("Fund request answered and submitted again")
    REQUEST_CANCELLED = "fund_request.cancelled", _("Fund request cancelled")
    REQUEST_CLOSED = "fund_request.closed", _("Fund request closed, the rest released")
    CLAIM_SUBMITTED = "fund_claim.submitted", _("Fund claim submitted")
    CLAIM_APPROVED = "fund_claim.approved", _("Fund claim approved")
    CLAIM_REJECTED = "fund_claim.rejected", _("Fund claim rejected")
    CLAIM_WITHDRAWN = "fund_claim.withdrawn", _("Fund claim withdrawn")
    PAYMENT_RECORDED = "fund_claim.paid", _("Payment of a fund claim recorded")
    DEAL_ATTRIBUTED = "fund_request.deal_attributed", _("A registered deal named as produced by the activity")
    DEAL_UNATTRIBUTED = "fund_request.deal_unattributed", _("A registered deal no longer named as produced by the activity")

    @classmethod
    def of_move(cls, action: str) -> "MdfVerb":
        """The verb of a fund request's lifecycle move (an action of states.TRANSITIONS)."""
        return {"submit": cls.REQUEST_SUBMITTED, "approve": cls.REQUEST_APPROVED, "reject": cls.REQUEST_REJECTED,
                "more_info": cls.REQUEST_MORE_INFO, "answer": cls.REQUEST_ANSWERED, "cancel": cls.REQUEST_CANCELLED,
                "close": cls.REQUEST_CLOSED}[action]

    @classmethod
    def of_claim_move(cls, action: str) -> "MdfVerb":
        """The verb of a claim's lifecycle move (an action of states.CLAIM_TRANSITIONS)."""
        return {"approve": cls.CLAIM_APPROVED, "reject": cls.CLAIM_REJECTED, "withdraw": cls.CLAIM_WITHDRAWN,
                "pay": cls.PAYMENT_RECORDED}[action]
