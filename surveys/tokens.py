"""Signed links for people without accounts: answering a survey, and unsubscribing.

The signature proves we issued the link (tenant and invitation inside cannot be altered); the
database check after it proves the invitation still exists in this tenant and is unanswered.
"""

from django.conf import settings
from django.core import signing

ANSWER_SALT = "prm.surveys.answer"
UNSUBSCRIBE_SALT = "prm.surveys.unsubscribe"


class BadToken(Exception):
    """Forged, altered, expired or for another tenant."""


def answer_token(invitation) -> str:
    return signing.dumps({"t": invitation.tenant_id, "i": invitation.pk}, salt=ANSWER_SALT, compress=True)


def read_answer_token(token: str, tenant) -> int:
    """The invitation id in `token`, if it was signed by us for `tenant` and has not expired."""
    max_age = settings.SURVEY_LINK_MAX_AGE_DAYS * 86400
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=max_age)
    except signing.BadSignature:  # includes SignatureExpired
        raise BadToken from None
    if not isinstance(data, dict) or tenant is None or data.get("t") != tenant.pk or not isinstance(data.get("i"), int):
        raise BadToken
    return data["i"]


def unsubscribe_token(tenant, email: str) -> str:
    return signing.dumps({"t": tenant.pk, "e": email.lower()}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str, tenant) -> str:
    """The address to suppress. Unsubscribe links do not expire (RFC 8058 mail may be read late)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise BadToken from None
    if not isinstance(data, dict) or tenant is None or data.get("t") != tenant.pk or not isinstance(data.get("e"), str):
        raise BadToken
    return data["e"]
