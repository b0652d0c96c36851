from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from prm.i18n.languages import language_for_recipient
from prm.outbox.services import email_enqueue
from prm.tenancy.links import public_site, public_url
from prm.tenancy.models import Membership

from . import limits

# Emails that carry a key (a link or a sign-in code): sent only to people who may sign in on this
# host, and their bodies are not kept once delivered.
SENSITIVE = {"account/email/password_reset_key", "account/email/login_code"}


def _may_sign_in_here(request, user):
    """Members sign in on their tenant's host; the root domain is for platform operators only."""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return user.is_superuser
    return Membership.objects.filter(user=user, is_active=True).exclude(partner__status="inactive").exists()


def _tenant_of(request):
    return getattr(request, "tenant", None)


def _suspended_membership(request, user):
    """The person's active membership in this program whose partner company is deactivated: what
    keeps them out, when nothing else does. None on the root domain and for everyone else."""
    if _tenant_of(request) is None:
        return None
    return (Membership.objects.select_related("tenant", "partner__owner__user")
            .filter(user=user, is_active=True, partner__status="inactive").first())


def access_suspended_message(membership):
    """Why a partner user cannot sign in, and whom to ask: the partner's channel manager while they
    are one of the program's active members, else the program."""
    partner, manager = membership.partner, membership.partner.owner
    values = {"partner": partner.name, "program": membership.tenant.name}
    if manager is not None and manager.is_active:
        return _(
            "The access of your company, %(partner)s, to the %(program)s partner program is suspended, so you cannot "
            "sign in. Please contact your channel manager, %(manager)s, to have it restored."
        ) % {**values, "manager": f"{manager.user.full_name} ({manager.user.email})" if manager.user.full_name else manager.user.email}
    return _(
        "The access of your company, %(partner)s, to the %(program)s partner program is suspended, so you cannot "
        "sign in. Please contact %(program)s to have it restored."
    ) % values


class TenantAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join by invitation only.
        return False

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and not _may_sign_in_here(request, user):
            suspended = _suspended_membership(request, user)
            if suspended is not None:
                # The right password of a member whose company is suspended: they may know why
                # they cannot come in. A wrong password never gets here, so nobody learns it otherwise.
                raise ValidationError(access_suspended_message(suspended), code="access_suspended")
            # Same answer as a wrong password: do not reveal who is a member elsewhere. allauth gave
            # back the failed-login rate-limit slot because the password was right; take it again,
            # or the lockout arriving one attempt late would reveal the password.
            self.pre_authenticate(request, **credentials)
            self.authentication_failed(request, **credentials)
            return None
        return user

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth's per-"key" failure count: per address and client IP, not per address (limits.py).
        return limits.address_from_ip_key(request, credentials.get("email", ""))

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        self._address_failure_usage = limits.consume_password_failure_per_address(request, credentials.get("email", ""))
        if not self._address_failure_usage:
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self):
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_address_failure_usage", None)
        if usage:
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request, **credentials):
        limits.clear_password_failures(request, credentials.get("email", ""))

    def get_reset_password_from_key_url(self, key):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return public_url(_tenant_of(allauth_context.request), path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation):
        return public_url(_tenant_of(request), reverse("account_confirm_email", args=[emailconfirmation.key]))

    def pre_login(self, request, user, **kwargs):
        if not _may_sign_in_here(request, user):
            suspended = _suspended_membership(request, user)
            messages.error(request, access_suspended_message(suspended) if suspended else _("This account cannot sign in to this program."))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        """Account emails (password reset, verification) go through the outbox like all others.

        A password reset is sent only to someone who may sign in on this host, so a tenant's
        host never mails people of other programs.
        """
        request = allauth_context.request
        if template_prefix in SENSITIVE:
            user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
            if user is None or not _may_sign_in_here(request, user):
                return
        ctx = {
            "request": request,
            "email": email,
            # Names and links come from the configured host, never from the request's Host header.
            "current_site": public_site(_tenant_of(request)),
            "tenant": _tenant_of(request),
            **context,
        }
        # In the recipient's language (their own choice, else the program's), not the requester's.
        language = language_for_recipient(email, _tenant_of(request))
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        email_enqueue(
            tenant=_tenant_of(request),
            to=message.to,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            kind=template_prefix,
            from_email=message.from_email,
            sensitive=template_prefix in SENSITIVE,
            headers={"Content-Language": language},
        )
