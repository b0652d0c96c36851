from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.contrib import messages
from django.shortcuts import redirect

from prm.outbox.services import email_enqueue
from prm.tenancy.models import Membership

# Emails whose links are keys: their bodies are not kept once delivered.
SENSITIVE = {"account/email/password_reset_key"}


def _may_sign_in_here(request, user):
    """Members sign in on their tenant's host; the root domain is for platform operators only."""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return user.is_superuser
    return Membership.objects.filter(user=user, is_active=True).exclude(partner__status="inactive").exists()


class TenantAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join by invitation only.
        return False

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and not _may_sign_in_here(request, user):
            # Same answer as a wrong password: do not reveal who is a member elsewhere. allauth gave
            # back the failed-login rate-limit slot because the password was right; take it again,
            # or the lockout arriving one attempt late would reveal the password.
            self.pre_authenticate(request, **credentials)
            self.authentication_failed(request, **credentials)
            return None
        return user

    def pre_login(self, request, user, **kwargs):
        if not _may_sign_in_here(request, user):
            messages.error(request, "This account cannot sign in to this program.")
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        """Account emails (password reset, verification) go through the outbox like all others.

        A password reset is sent only to someone who may sign in on this host, so a tenant's
        host never mails people of other programs.
        """
        request = allauth_context.request
        user = context.get("user")
        if template_prefix in SENSITIVE and user is not None and not _may_sign_in_here(request, user):
            return
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "tenant": getattr(request, "tenant", None),
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        email_enqueue(
            tenant=getattr(request, "tenant", None),
            to=message.to,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            kind=template_prefix,
            from_email=message.from_email,
            sensitive=template_prefix in SENSITIVE,
        )
