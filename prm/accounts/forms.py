from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm
from allauth.core import context
from allauth.core.internal import ratelimit
from django import forms

from . import limits
from .models import User


class RequestSignInCodeForm(RequestLoginCodeForm):
    """allauth's "email me a sign-in code", limited per address *and* client IP.

    The code is the way in that someone else's wrong passwords cannot close, so the per-address
    limit must not be one that a stranger can use up: it counts one address from one IP only.
    allauth's own limit for this action is per IP alone (settings).
    """

    def clean_email(self):
        email = super().clean_email()
        if email and not ratelimit.consume(
            context.request,
            app="allauth.account",
            action=limits.CODE_REQUESTS_FROM_IP,
            key=limits.address_from_ip_key(context.request, email),
        ):
            raise get_adapter().validation_error("too_many_login_attempts")
        return email


class ProfileForm(forms.ModelForm):
    """A person's own name and language (Account → Name and language)."""

    class Meta:
        model = User
        fields = ["full_name", "language"]
