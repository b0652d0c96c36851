from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponseNotFound
from django.template import loader
from django.utils import timezone, translation

from prm.accounts.adapter import access_suspended_message
from prm.i18n.languages import language_for_request

from .context import tenant_context
from .models import Membership
from .resolution import resolve_host


class TenantMiddleware:
    """Resolves the tenant from the host and keeps it in force for the whole request.

    An unknown host is a 404 before any view, session or login code runs. On PostgreSQL the tenant
    in force also goes into every transaction of the request (`prm.tenant_id`, see rls.py), so
    row-level security refuses other tenants' rows even to an `unscoped` query; on the root
    domain no tenant is in force and tenant-owned tables show no rows.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = resolve_host(request.get_host())
        if not match.found:
            return HttpResponseNotFound(loader.render_to_string("404.html", request=None))
        request.tenant = match.tenant
        request.is_root_domain = match.is_root
        request.membership = None
        with tenant_context(match.tenant), timezone.override(match.tenant.time_zone if match.tenant else "UTC"):
            # Dates on pages (and in emails rendered during the request) are in the program's time zone.
            return self.get_response(request)


class MembershipMiddleware:
    """Attaches the signed-in person's membership in this tenant, checked on every request.

    A session whose person has no active membership here (removed, deactivated, or a member of
    another tenant) is ended, so the person is refused rather than half-signed-in. When it ends
    because their company was deactivated meanwhile, the next page they see says so.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.tenant is not None and request.user.is_authenticated:
            membership = (
                Membership.objects.select_related("tenant", "user", "partner__owner__user")
                .filter(user=request.user, is_active=True)
                .first()
            )
            if membership is None:
                logout(request)
            elif membership.partner_id and not membership.partner.is_active:
                return _end_suspended_session(request, membership, self.get_response)
            else:
                request.membership = membership
        return self.get_response(request)


def _end_suspended_session(request, membership, get_response):
    """Sign out a member whose company was deactivated, and tell them on the next page, in the
    language they read. The message middleware runs inside this one, so the notice goes into the
    messages cookie of the response here (usually the redirect to sign in), after it has had its turn."""
    with translation.override(language_for_request(request)):
        text = access_suspended_message(membership)
    logout(request)
    response = get_response(request)
    notice = CookieStorage(request)
    notice.used = True  # store this notice alone: whatever the request brought was handled inside
    notice.add(messages.ERROR, text)
    notice.update(response)
    return response
