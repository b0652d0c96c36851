from rest_framework.throttling import SimpleRateThrottle

from .principal import ApiKeyUser


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Limits each integration key (sessions are people, limited by their own pace)."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if not isinstance(request.user, ApiKeyUser):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.key.prefix}
