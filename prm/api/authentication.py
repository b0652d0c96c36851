from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .key_status import key_inactive_reason
from .principal import ApiKeyUser
from .services import api_key_mark_used, api_key_verify


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key prm_…` — valid only on the host of the tenant that owns the key."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} "):
            return None
        if getattr(request._request, "tenant", None) is None:
            raise exceptions.AuthenticationFailed(_("API keys work on a tenant's host only."))
        key = api_key_verify(header[len(self.keyword) + 1 :].strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        reason = key_inactive_reason(key)
        if reason is not None:
            raise exceptions.AuthenticationFailed(_("This API key is inactive: %(reason)s.") % {"reason": reason})
        api_key_mark_used(key=key)  # only once the key is accepted: a refused key shows no new use
        return ApiKeyUser(key), key

    def authenticate_header(self, request):
        return self.keyword


class TenantSessionAuthentication(authentication.SessionAuthentication):
    """Browser session, only with an active membership in this tenant (set by the middleware)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or getattr(request._request, "membership", None) is None:
            return None
        return result


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "prm.api.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Api-Key prm_…`, created by a tenant admin under Manage → API keys."}


class TenantSessionScheme(OpenApiAuthenticationExtension):
    target_class = "prm.api.authentication.TenantSessionAuthentication"
    name = "SessionAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "The browser session of a signed-in member (unsafe methods need the CSRF token)."}
