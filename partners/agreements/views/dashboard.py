"""Tenant admins write agreement templates, edit and publish their versions, and set the re-sign rules;
staff read signatures and download signed copies; tenant admins counter-sign."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import ServiceActionView, form_submit
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import services
from ..forms import AgreementSettingsForm, CountersignForm, DraftForm, NewTemplateForm, TemplateForm
from ..models import AgreementTemplate, AgreementVersion, Signature, VersionStatus
from ..rendering import PLACEHOLDERS, render_html
from ..selectors import agreement_settings_for, templates_with_current
from .common import client_ip, pdf_response, user_agent


def _template_page(template):
    return reverse("agreements:template", args=[template.pk])

class TemplateListView(TenantAdminViewMixin, View):
    def get(self, request):
        settings = agreement_settings_for(self.tenant)
        templates = templates_with_current().order_by("title", "pk")
        return render(request, "partners/agreements/dashboard/list.html", {"templates": templates, "settings": settings})


class TemplateCreateView(TenantAdminViewMixin, View):
    def get(self, request, form=None, status=200):
        return render(request, "partners/agreements/dashboard/create.html",
                      {"form": form or NewTemplateForm(), "placeholders": PLACEHOLDERS}, status=status)

    def post(self, request):
        form = NewTemplateForm(request.POST)
        return (form_submit(request, form, lambda data: services.template_create(tenant=self.tenant, actor=request.user, **data),
                            message=_("Agreement created with a first draft. Preview it, then publish it."),
                            then=_template_page)
                or self.get(request, form=form, status=400))


class TemplateDetailView(TenantAdminViewMixin, View):
    """A template's versions and whom it applies to (editable here)."""

    model = AgreementTemplate

    def get(self, request, pk, form=None, status=200):
        template = self.get_object()
        form = form or TemplateForm(initial={"title": template.title, "partner_types": template.partner_types,
                                             "countries": template.countries})
        versions = AgreementVersion.objects.filter(template=template).order_by("-number")
        context = {"template": template, "form": form, "versions": versions,
                   "has_draft": any(v.is_draft for v in versions), "events": audit_events_for(template)}
        return render(request, "partners/agreements/dashboard/template.html", context, status=status)

    def post(self, request, pk):
        template = self.get_object()
        form = TemplateForm(request.POST)
        return (form_submit(request, form, lambda data: services.template_update(template=template, actor=request.user, **data),
                            message=_("Saved: the agreement applies to the partners chosen."), then=_template_page)
                or self.get(request, pk, form=form, status=400))


class DraftEditView(TenantAdminViewMixin, View):
    """The template's draft: edited here; started from the latest version's text when there is none."""

    model = AgreementTemplate

    def get(self, request, pk, form=None, status=200):
        template = self.get_object()
        draft = AgreementVersion.objects.filter(template=template, status=VersionStatus.DRAFT).first()
        if form is None:
            source = draft or AgreementVersion.objects.filter(template=template).order_by("-number").first()
            form = DraftForm(initial={"body": source.body if source else ""})
        return render(request, "partners/agreements/dashboard/draft.html",
                      {"template": template, "draft": draft, "form": form, "placeholders": PLACEHOLDERS}, status=status)

    def post(self, request, pk):
        template = self.get_object()
        form = DraftForm(request.POST)
        return (form_submit(request, form, lambda data: services.draft_save(template=template, actor=request.user, body=data["body"]),
                            message=_("Draft saved."), then=lambda draft: reverse("agreements:preview", args=[draft.pk]))
                or self.get(request, pk, form=form, status=400))


class VersionPreviewView(TenantAdminViewMixin, View):
    """A version as partners will read it, with a sample company name and today's date."""

    model = AgreementVersion

    def narrow(self, queryset):
        return queryset.select_related("template")

    def get(self, request, pk):
        version = self.get_object()
        html = render_html(version.body, partner_name=_("Example Partner Ltd"), on=timezone.localdate())
        return render(request, "partners/agreements/dashboard/preview.html", {"version": version, "html": html})


class VersionPublishView(TenantAdminViewMixin, ServiceActionView):
    model = AgreementVersion

    def get_success_message(self, version):
        return _("Version %(number)s is published. Partners it applies to are asked to sign it.") % {"number": version.number}

    def perform(self, version):
        services.version_publish(version=version, actor=self.request.user)

    def get_success_url(self, version):
        return reverse("agreements:template", kwargs={"pk": version.template_id})


class AgreementSettingsView(TenantAdminViewMixin, View):
    def get(self, request, form=None, status=200):
        settings = agreement_settings_for(self.tenant)
        form = form or AgreementSettingsForm(initial={"resign_days": settings.resign_days,
                                                      "unsigned_keep_access": settings.unsigned_keep_access})
        events = audit_events_for(settings) if settings.pk else []
        return render(request, "partners/agreements/dashboard/settings.html", {"form": form, "events": events}, status=status)

    def post(self, request):
        form = AgreementSettingsForm(request.POST)
        return (form_submit(request, form, lambda data: services.agreement_settings_update(
                    tenant=self.tenant, actor=request.user, **data),
                    message=_("Agreement settings saved."), then="agreements:settings")
                or self.get(request, form=form, status=400))


class SignatureDetailView(DashboardViewMixin, View):
    """A partner's signature: the exact text signed, its hash, who, when, from where; tenant admins counter-sign."""

    model = Signature

    def narrow(self, queryset):
        return queryset.select_related("version__template", "partner", "signer", "countersigner")

    def get(self, request, pk, form=None, status=200):
        signature = self.get_object()
        can_countersign = self.membership.is_tenant_admin and not signature.is_countersigned
        context = {"signature": signature, "form": (form or CountersignForm()) if can_countersign else None}
        return render(request, "partners/agreements/dashboard/signature.html", context, status=status)

    def post(self, request, pk):
        signature = self.get_object()
        if not self.membership.is_tenant_admin:
            raise PermissionDenied
        form = CountersignForm(request.POST)
        return (form_submit(request, form, lambda data: services.signature_countersign(
                    signature=signature, membership=self.membership, typed_name=data["typed_name"],
                    ip_address=client_ip(request), user_agent=user_agent(request)),
                    message=_("Counter-signed."), then=lambda signed: reverse("agreements:signature", args=[signed.pk]),
                    refused=(ValidationError, PermissionDenied))
                or self.get(request, pk, form=form, status=400))


class SignaturePdfView(DashboardViewMixin, View):
    model = Signature

    def narrow(self, queryset):
        return queryset.select_related("version__template", "partner", "signer", "countersigner")

    def get(self, request, pk):
        return pdf_response(request, self.get_object())
