"""Tenant admins create and revoke API keys. A new key's secret is shown once, on the next page."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from prm.tenancy.actions import ServiceActionView, add_service_errors
from prm.tenancy.views import TenantAdminViewMixin

from .forms import ApiKeyForm
from .key_status import keys_with_status
from .models import ApiKey
from .services import api_key_create, api_key_revoke

NEW_KEY_SESSION = "prm_new_api_key"
BASE_PATH = "/api/v1/"  # where prm/urls.py and prm/api/urls.py put the API's endpoints


class ApiKeyListView(TenantAdminViewMixin, View):
    def get(self, request, form=None, status=200):
        context = {
            "keys": keys_with_status(ApiKey.objects.select_related("created_by")),
            "form": form or ApiKeyForm(),
            # Popped: the raw key is displayed exactly once.
            "new_key": request.session.pop(NEW_KEY_SESSION, None),
            # As this page was served: the scheme (behind a TLS proxy too) and the host with its port.
            "api_base_url": request.build_absolute_uri(BASE_PATH),
        }
        return render(request, "api/keys.html", context, status=status)

    def post(self, request):
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                key, raw = api_key_create(tenant=self.tenant, actor=request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session[NEW_KEY_SESSION] = {"name": key.name, "raw": raw}
                return redirect("api_keys")
        return self.get(request, form=form, status=400)


class ApiKeyRevokeView(TenantAdminViewMixin, ServiceActionView):
    model = ApiKey

    def get_success_message(self, key):
        return _("The API key “%(name)s” is revoked; integrations using it now get 401.") % {"name": key.name}

    def perform(self, key):
        api_key_revoke(key=key, actor=self.request.user)

    def get_success_url(self, key):
        return reverse("api_keys")
