"""Sign-in limits that a stranger cannot turn against the account's owner.

allauth counts failed passwords per client IP and per "key". Its key is the address alone, so five
wrong passwords from anyone lock the owner out. Here the key is the address *and* the client IP
(the owner on another network is unaffected), and a longer per-address window (its own action)
still caps guessing spread over many IPs. If that cap is reached too, an emailed sign-in code
still gets the owner in: its limits are per IP and per address-and-IP only (forms.py).

The client IP is allauth's: REMOTE_ADDR, or the address the trusted proxies set
(ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER in settings).
The rates themselves are in settings.ACCOUNT_RATE_LIMITS under these action names.
"""

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit

PASSWORD_FAILURES = "login_failed"  # allauth's action; keyed by address_from_ip_key
PASSWORD_FAILURES_PER_ADDRESS = "login_failed_address"
CODE_REQUESTS_FROM_IP = "request_login_code_address_ip"

APP = "allauth.account"


def address_from_ip_key(request, address: str) -> str:
    return f"{address.strip().lower()}@{get_adapter().get_client_ip(request)}"


def address_key(address: str) -> str:
    return address.strip().lower()


def consume_password_failure_per_address(request, address: str):
    """The usage to roll back if the password turns out right, or None when the cap is reached."""
    return ratelimit.consume(request, app=APP, action=PASSWORD_FAILURES_PER_ADDRESS, key=address_key(address))


def clear_password_failures(request, address: str) -> None:
    """After a password reset: the owner proved control of the mailbox."""
    ratelimit.clear(request, app=APP, action=PASSWORD_FAILURES, key=address_from_ip_key(request, address))
    ratelimit.clear(request, app=APP, action=PASSWORD_FAILURES_PER_ADDRESS, key=address_key(address))
