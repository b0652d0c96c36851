"""Tenant admins choose which profile fields a partner admin's change waits for approval."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import add_service_errors
from prm.tenancy.views import TenantAdminViewMixin

from .. import services
from ..forms import SensitiveFieldsForm
from ..selectors import profile_settings_for


class ProfileSettingsView(TenantAdminViewMixin, View):
    def get(self, request, form=None, status=200):
        settings = profile_settings_for(self.tenant)
        context = {
            "form": form or SensitiveFieldsForm(initial={"sensitive_fields": sorted(settings.fields)}),
            "events": audit_events_for(settings) if settings.pk else [],
        }
        return render(request, "partners/dashboard/profile_settings.html", context, status=status)

    def post(self, request):
        form = SensitiveFieldsForm(request.POST)
        if form.is_valid():
            try:
                services.profile_settings_update(tenant=self.tenant, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved. Partner admins' changes to the chosen fields now wait for a "
                                            "channel manager's approval."))
                return redirect("partners:profile_settings")
        return self.get(request, form=form, status=400)
