"""The applicant's link: signed, bound to one application of one tenant, and it expires."""

from django.core import signing

SALT = "partners.onboarding.application"
LINK_MAX_AGE = 14 * 24 * 3600  # a fresh link goes out with every email that asks the applicant to act


def application_token(application) -> str:
    return signing.dumps({"t": application.tenant_id, "a": application.pk}, salt=SALT, compress=True)


def read_application_token(token: str, tenant) -> int | None:
    """The application id the token names, or None if forged, expired or of another tenant."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("t") != tenant.pk or not isinstance(data.get("a"), int):
        return None
    return data["a"]
