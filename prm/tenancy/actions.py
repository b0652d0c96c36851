from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy
from django.views import View


def error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or gettext("You are not allowed to do that.")


class ServiceActionView(View):
    """A POST-only button: find the object in scope, run one service, report, go back.

    Subclasses set `get_object()`, `perform(obj)`, `get_success_url(obj)`, and either
    `get_success_message(obj)` (a translated sentence with %-placeholders filled from `obj`) or a
    `success_message` marked with gettext_lazy, whose `{obj.…}` placeholders are filled by str.format.
    """

    http_method_names = ["post"]
    success_message = gettext_lazy("Done.")

    def get_success_message(self, obj) -> str:
        return str(self.success_message).format(obj=obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.perform(obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, self.get_success_message(obj))
        return redirect(self.get_success_url(obj))


def form_submit(request, form, perform, *, message, then, refused=(ValidationError,)):
    """The POST of a form page: validate `form`, run `perform(cleaned_data)` (one service call), report
    `message` and redirect to `then` (a URL name, or a function of what `perform` returned). Returns None
    when the form or the service refused: the caller shows the form again, errors next to their fields."""
    if not form.is_valid():
        return None
    try:
        result = perform(form.cleaned_data)
    except refused as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, message)
    return redirect(then(result) if callable(then) else then)


def add_service_errors(form, exc):
    """Put a service's ValidationError next to the fields it names; anything else on the form."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))
