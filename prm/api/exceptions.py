"""The API's one error path (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Services raise Django's `ValidationError` (field errors in `error_dict`, or plain messages) and
`PermissionDenied`; views let them through and this handler answers:

- `ValidationError` with fields → 400 `{"field": ["message", …]}` (`__all__` becomes `detail`);
- `ValidationError` without fields → 400 `{"detail": ["message", …]}`;
- a body that is not JSON → 400 `{"detail": ["JSON parse error …"]}`, like any other bad input;
- `PermissionDenied` → 403, `Http404` → 404 `{"detail": "…"}` (DRF's own handling).

Everything else is DRF's default. Anything not handled stays a server error on purpose: a 500
is a bug to fix, not an input to hide.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


def as_drf_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    non_field_key = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        detail = {(non_field_key if field == NON_FIELD_ERRORS else field): messages
                  for field, messages in exc.message_dict.items()}
    else:
        detail = {non_field_key: exc.messages}
    return exceptions.ValidationError(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [exc.detail]})
    return exception_handler(exc, context)
