"""The deal lifecycle. Services move deals only along these edges."""

from .models import DealStatus as S

# action → (states it may start from, state it leads to, past-tense label for messages)
TRANSITIONS = {
    "submit": ((S.DRAFT, S.MORE_INFO), S.SUBMITTED, "submitted"),
    "approve": ((S.SUBMITTED,), S.APPROVED, "approved"),
    "reject": ((S.SUBMITTED, S.MORE_INFO), S.REJECTED, "rejected"),
    "request_info": ((S.SUBMITTED,), S.MORE_INFO, "sent back for more information"),
    "withdraw": ((S.DRAFT, S.SUBMITTED, S.MORE_INFO), S.WITHDRAWN, "withdrawn"),
    "win": ((S.APPROVED,), S.WON, "marked won"),
    "lose": ((S.APPROVED,), S.LOST, "marked lost"),
    "expire": ((S.APPROVED,), S.EXPIRED, "expired"),
}


def allowed_actions(status):
    return [action for action, (sources, _, _) in TRANSITIONS.items() if status in sources]


def illegal_message(action, status):
    label = S(status).label.lower()
    article = "An" if label[0] in "aeiou" else "A"
    sources = " or ".join(S(s).label.lower() for s in TRANSITIONS[action][0])
    return f"{article} {label} deal cannot be {TRANSITIONS[action][2]}; only a deal that is {sources} can."
