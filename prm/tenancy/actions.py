from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views import View


def error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You are not allowed to do that."


class ServiceActionView(View):
    """A POST-only button: find the object in scope, run one service, report, go back.

    Subclasses set `get_object()`, `perform(obj)`, `success_message` and `get_success_url(obj)`.
    """

    http_method_names = ["post"]
    success_message = "Done."

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.perform(obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, self.success_message.format(obj=obj))
        return redirect(self.get_success_url(obj))


def add_service_errors(form, exc):
    """Put a service's ValidationError next to the fields it names; anything else on the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))
