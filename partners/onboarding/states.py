"""The application lifecycle. Services move applications only along these edges."""

from django.utils.translation import gettext_lazy

from .models import ApplicationStatus as S

# action → (states it may start from, state it leads to, why it is refused from any other state)
TRANSITIONS = {
    "confirm": ((S.UNCONFIRMED,), S.SUBMITTED,
                gettext_lazy("This application's email address is already confirmed.")),
    "approve": ((S.SUBMITTED, S.MORE_INFO), S.APPROVED,
                gettext_lazy("Only an application waiting for review or for more information can be approved.")),
    "reject": ((S.SUBMITTED, S.MORE_INFO), S.REJECTED,
               gettext_lazy("Only an application waiting for review or for more information can be rejected.")),
    "request_info": ((S.SUBMITTED,), S.MORE_INFO,
                     gettext_lazy("Only an application waiting for review can be sent back for more information.")),
    "provide_info": ((S.MORE_INFO,), S.SUBMITTED,
                     gettext_lazy("This application is not waiting for more information.")),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, *_rest) in TRANSITIONS.items() if status in sources]


def illegal_message(action: str) -> str:
    return str(TRANSITIONS[action][2])
