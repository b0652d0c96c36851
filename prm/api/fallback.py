from rest_framework import exceptions
from rest_framework.views import APIView


class ApiNotFound(APIView):
    """Any unmatched `/api/…/` URL answers the API's JSON 404, not the site's HTML page.

    It has no handlers, so the schema lists no operation for it."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound()
