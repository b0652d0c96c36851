import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .actions import add_service_errors
from .forms import ProgramSettingsForm
from .services import tenant_settings_update
from .views import TenantAdminViewMixin


class ProgramSettingsView(TenantAdminViewMixin, View):
    """Tenant admins set the program's name, default language, time zone and currency."""

    def get(self, request, form=None, status=200):
        form = form or ProgramSettingsForm(instance=self.tenant)
        return render(request, "tenancy/program_settings.html", {"form": form}, status=status)

    def post(self, request):
        # A copy: validating a model form writes to its instance, and the request's tenant must stay as stored.
        form = ProgramSettingsForm(request.POST, instance=copy.copy(self.tenant))
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            tenant_settings_update(tenant=self.tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.get(request, form=form, status=400)
        messages.success(request, _("Program settings saved."))
        return redirect("program_settings")
