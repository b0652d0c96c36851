"""The fund request lifecycle. Services move requests only along these edges."""

from django.utils.translation import gettext_lazy

from .models import RequestStatus as S

# action → (states it may start from, state it leads to, why it is refused from any other state)
TRANSITIONS = {
    "submit": ((S.DRAFT,), S.SUBMITTED, gettext_lazy("Only a draft request can be submitted.")),
    "approve": ((S.SUBMITTED,), S.APPROVED, gettext_lazy("Only a submitted request can be approved.")),
    "reject": ((S.SUBMITTED, S.MORE_INFO), S.REJECTED,
               gettext_lazy("Only a submitted request, or one waiting for more information, can be rejected.")),
    "more_info": ((S.SUBMITTED,), S.MORE_INFO, gettext_lazy("Only a submitted request can be sent back with a question.")),
    "answer": ((S.MORE_INFO,), S.SUBMITTED, gettext_lazy("Only a request waiting for more information can be answered.")),
    "cancel": ((S.DRAFT, S.SUBMITTED, S.MORE_INFO, S.APPROVED), S.CANCELLED,
               gettext_lazy("A rejected or cancelled request cannot be cancelled.")),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target, _refusal) in TRANSITIONS.items() if status in sources]
