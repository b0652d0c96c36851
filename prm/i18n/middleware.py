from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .languages import language_for_request


class PreferredLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, choosing by the person and the program before the browser.

    It sits after the membership middleware because the signed-in person's choice comes first;
    the response still says Content-Language and varies on Accept-Language.
    """

    def process_request(self, request):
        translation.activate(language_for_request(request))
        request.LANGUAGE_CODE = translation.get_language()
