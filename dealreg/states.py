"""The deal lifecycle. Services move deals only along these edges."""

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from .models import DealStatus as S

# action → (states it may start from, state it leads to, why it is refused from any other state);
# the refusal's %(deal)s is the deal in its current state, as DEAL_IN_STATUS names it.
TRANSITIONS = {
    "submit": ((S.DRAFT, S.MORE_INFO), S.SUBMITTED,
               gettext_lazy("%(deal)s cannot be submitted; only a deal that is draft or more info requested can.")),
    "approve": ((S.SUBMITTED,), S.APPROVED, gettext_lazy("%(deal)s cannot be approved; only a deal that is submitted can.")),
    "reject": ((S.SUBMITTED, S.MORE_INFO), S.REJECTED,
               gettext_lazy("%(deal)s cannot be rejected; only a deal that is submitted or more info requested can.")),
    "request_info": ((S.SUBMITTED,), S.MORE_INFO,
                     gettext_lazy("%(deal)s cannot be sent back for more information; only a deal that is submitted can.")),
    "withdraw": ((S.DRAFT, S.SUBMITTED, S.MORE_INFO), S.WITHDRAWN,
                 gettext_lazy("%(deal)s cannot be withdrawn; only a deal that is draft, submitted or more info requested can.")),
    "win": ((S.APPROVED,), S.WON, gettext_lazy("%(deal)s cannot be marked won; only a deal that is approved can.")),
    "lose": ((S.APPROVED,), S.LOST, gettext_lazy("%(deal)s cannot be marked lost; only a deal that is approved can.")),
    "expire": ((S.APPROVED,), S.EXPIRED, gettext_lazy("%(deal)s cannot be expired; only a deal that is approved can.")),
}

# A deal in each state, as the subject that opens a sentence saying what it cannot do.
DEAL_IN_STATUS = {
    S.DRAFT: pgettext_lazy("a deal in this status, opening a sentence", "A draft deal"),
    S.SUBMITTED: pgettext_lazy("a deal in this status, opening a sentence", "A submitted deal"),
    S.MORE_INFO: pgettext_lazy("a deal in this status, opening a sentence", "A more info requested deal"),
    S.APPROVED: pgettext_lazy("a deal in this status, opening a sentence", "An approved deal"),
    S.REJECTED: pgettext_lazy("a deal in this status, opening a sentence", "A rejected deal"),
    S.WITHDRAWN: pgettext_lazy("a deal in this status, opening a sentence", "A withdrawn deal"),
    S.WON: pgettext_lazy("a deal in this status, opening a sentence", "A won deal"),
    S.LOST: pgettext_lazy("a deal in this status, opening a sentence", "A lost deal"),
    S.EXPIRED: pgettext_lazy("a deal in this status, opening a sentence", "An expired deal"),
}


def allowed_actions(status):
    return [action for action, (sources, _target, _refusal) in TRANSITIONS.items() if status in sources]


def illegal_message(action, status):
    """Why `action` cannot move a deal that is in `status`, and from which states it could."""
    return str(TRANSITIONS[action][2]) % {"deal": DEAL_IN_STATUS[S(status)]}


def not_editable_message(status):
    """Why a deal in `status` cannot be edited (only drafts and deals waiting for more information can)."""
    return gettext("%(deal)s cannot be edited.") % {"deal": DEAL_IN_STATUS[S(status)]}
