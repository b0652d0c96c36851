from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class ValidatedPageNumberPagination(PageNumberPagination):
    """`?page=` must be a positive integer (400 naming `page` otherwise); a page past the end stays 404."""

    last_page_strings = ()

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param)
        if number is None or number == "":
            return 1
        if not (number.isascii() and number.isdigit()) or int(number) < 1 or len(number) > 18:
            raise exceptions.ValidationError({self.page_query_param: [_("A page number is a whole number from 1.")]})
        return int(number)
