"""Rate limits of the public apply page, with allauth's rate limiter (and its client IP, which
honours ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER): per client IP, and per
email domain so that one company cannot flood the queue from many addresses."""

from allauth.core.internal import ratelimit

APP = "partners.onboarding"
APPLY = "partner_apply"
APPLY_PER_DOMAIN = "partner_apply_domain"
RATES = {APPLY: "5/h/ip,20/d/ip", APPLY_PER_DOMAIN: "3/h/key,10/d/key"}


def consume_apply(request, email_domain: str) -> bool:
    """Count one application; False when this IP or this email domain has sent too many."""
    if ratelimit.consume(request, app=APP, action=APPLY, config=RATES) is None:
        return False
    return ratelimit.consume(request, app=APP, action=APPLY_PER_DOMAIN, config=RATES, key=email_domain) is not None
