"""Which language a person sees: their own choice, else the program's default, else the browser's."""

from django.conf import settings
from django.utils import translation

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def supported_or_none(code: str | None) -> str | None:
    return code if code in SUPPORTED else None


def language_for_request(request) -> str:
    user = getattr(request, "user", None)
    own = supported_or_none(getattr(user, "language", None)) if user is not None and user.is_authenticated else None
    tenant = getattr(request, "tenant", None)
    program = supported_or_none(tenant.default_language) if tenant is not None else None
    return own or program or translation.get_language_from_request(request)


def language_for_recipient(email: str, tenant) -> str:
    """The language of an email to `email`: its account's choice, else the program's default."""
    from prm.accounts.models import User

    own = User.objects.filter(email=email.lower()).values_list("language", flat=True).first()
    program = tenant.default_language if tenant is not None else None
    return supported_or_none(own) or supported_or_none(program) or settings.LANGUAGE_CODE
