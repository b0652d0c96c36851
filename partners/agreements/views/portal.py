"""The partner's agreement in the portal: everyone at the partner reads it; a partner admin signs it.
These pages stay open while the agreement gate holds the rest of the portal back."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from prm.tenancy.actions import add_service_errors
from prm.tenancy.views import PortalViewMixin

from .. import services
from ..forms import SignForm
from ..models import Signature
from ..rendering import sha256_of
from ..selectors import agreement_settings_for, agreement_status, partner_signatures
from .common import client_ip, pdf_response, user_agent


class PortalAgreementView(PortalViewMixin, View):
    gate_exempt = True

    def get(self, request, form=None, status=200):
        agreement = agreement_status(self.partner)
        html = sha = None
        if agreement.version is not None and agreement.signature is None:
            html = services.text_for(self.partner, agreement.version)
            sha = sha256_of(html)
        is_admin = self.membership.is_partner_admin
        if is_admin and html is not None:
            if form is None:
                form = SignForm(initial={"shown_sha256": sha})
            else:  # signed against the text shown now, should the text have changed meanwhile
                form.data = form.data.copy()
                form.data["shown_sha256"] = sha
        else:
            form = None
        context = {
            "partner": self.partner, "agreement": agreement, "html": html, "form": form, "is_admin": is_admin,
            "keep_access": agreement_settings_for(self.tenant).unsigned_keep_access,
            "signatures": partner_signatures(self.partner),
        }
        return render(request, "partners/agreements/portal/agreement.html", context, status=status)

    def post(self, request):
        if not self.membership.is_partner_admin:
            raise PermissionDenied
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                services.agreement_sign(partner=self.partner, membership=self.membership,
                                        typed_name=form.cleaned_data["typed_name"], shown_sha256=form.cleaned_data["shown_sha256"],
                                        ip_address=client_ip(request), user_agent=user_agent(request))
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the agreement is signed. You can download the signed copy below."))
                return redirect("agreements:portal_sign")
        return self.get(request, form=form, status=400)


class PortalSignaturePdfView(PortalViewMixin, View):
    gate_exempt = True
    model = Signature

    def narrow(self, queryset):
        return queryset.select_related("version__template", "partner", "signer", "countersigner")

    def get(self, request, pk):
        return pdf_response(request, self.get_object())
