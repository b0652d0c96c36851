"""The fund request lifecycle. Services move requests only along these edges."""

from django.utils.translation import gettext_lazy

from .models import ClaimStatus as C, RequestStatus as S

# action → (states it may start from, state it leads to, why it is refused from any other state)
TRANSITIONS = {
    "submit": ((S.DRAFT,), S.SUBMITTED, gettext_lazy("Only a draft request can be submitted.")),
    "approve": ((S.SUBMITTED,), S.APPROVED, gettext_lazy("Only a submitted request can be approved.")),
    "reject": ((S.SUBMITTED, S.MORE_INFO), S.REJECTED,
               gettext_lazy("Only a submitted request, or one waiting for more information, can be rejected.")),
    "more_info": ((S.SUBMITTED,), S.MORE_INFO, gettext_lazy("Only a submitted request can be sent back with a question.")),
    "answer": ((S.MORE_INFO,), S.SUBMITTED, gettext_lazy("Only a request waiting for more information can be answered.")),
    "cancel": ((S.DRAFT, S.SUBMITTED, S.MORE_INFO, S.APPROVED), S.CANCELLED,
               gettext_lazy("A rejected, cancelled or closed request cannot be cancelled.")),
    "close": ((S.APPROVED,), S.CLOSED, gettext_lazy("Only an approved request can be closed.")),
}

# The claim lifecycle, the same way. Paying moves an approved claim to paid once it is paid in full.
CLAIM_TRANSITIONS = {
    "approve": ((C.SUBMITTED,), C.APPROVED, gettext_lazy("Only a submitted claim can be approved.")),
    "reject": ((C.SUBMITTED,), C.REJECTED, gettext_lazy("Only a submitted claim can be rejected.")),
    "withdraw": ((C.SUBMITTED,), C.WITHDRAWN, gettext_lazy("Only a claim still waiting for a decision can be withdrawn.")),
    "pay": ((C.APPROVED,), C.PAID, gettext_lazy("Only an approved claim that is not paid in full can be paid.")),
}


def allowed_actions(status: str, transitions: dict = TRANSITIONS) -> list[str]:
    return [action for action, (sources, _target, _refusal) in transitions.items() if status in sources]
