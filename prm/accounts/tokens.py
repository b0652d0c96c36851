"""Password-reset keys bound to the host that issued them."""

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from allauth.core import context


class HostBoundPasswordResetTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    """allauth's key (void once the password or addresses change), valid only on the issuing host.

    The tenant (or the root domain) is part of the signed value, so a key mailed from Acme's host
    is refused as invalid on Globex's host and on the root domain: it cannot be replayed where the
    person's rights differ. allauth builds this class while importing its forms module, which is
    why it is imported from there and reads the request from allauth's context.
    """

    def _make_hash_value(self, user, timestamp) -> str:
        tenant = getattr(context.request, "tenant", None)
        issued_on = f"tenant:{tenant.pk}" if tenant is not None else "root"
        return f"{super()._make_hash_value(user, timestamp)}|{issued_on}"
