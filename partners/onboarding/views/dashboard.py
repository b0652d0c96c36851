"""The review queue: staff see the confirmed applications, and approve, reject or ask for more."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import ServiceActionView, add_service_errors, error_text, form_submit
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import services
from ..forms import ApproveForm, OnboardingSettingsForm, QuestionForm, RejectForm, RequestInfoForm
from ..models import Application, ApplicationQuestion
from ..selectors import onboarding_settings_for, review_queue
from ..states import allowed_actions


class QueueView(DashboardViewMixin, View):
    def get(self, request):
        return render(request, "partners/onboarding/dashboard/queue.html", {"applications": review_queue()})


class ApplicationDetailView(DashboardViewMixin, View):
    model = Application

    def get(self, request, pk):
        return self.render(self.get_object())

    def render(self, application, status=200, **forms):
        context = {
            "application": application,
            "actions": allowed_actions(application.status),
            "events": audit_events_for(application),
            "approve_form": forms.get("approve_form") or ApproveForm(),
            "reject_form": forms.get("reject_form") or RejectForm(),
            "info_form": forms.get("info_form") or RequestInfoForm(),
        }
        return render(self.request, "partners/onboarding/dashboard/detail.html", context, status=status)


class _ReviewAction(ApplicationDetailView):
    form_class = None
    form_name = ""
    success = ""
    http_method_names = ["post"]

    def post(self, request, pk):
        application = self.get_object()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(application, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    messages.error(request, error_text(exc))
                    return redirect("onboarding:detail", pk=application.pk)
                add_service_errors(form, exc)
            else:
                messages.success(request, self.message(application))
                return redirect("onboarding:detail", pk=application.pk)
        application.refresh_from_db()
        return self.render(application, status=400, **{self.form_name: form})


class ApproveView(_ReviewAction):
    form_class, form_name = ApproveForm, "approve_form"

    def perform(self, application, data):
        services.application_approve(application=application, actor_membership=self.membership, owner=data["owner"])

    def message(self, application):
        return _("%(company)s is approved: the partner is onboarding and its contact is invited.") % {
            "company": application.company}


class RejectView(_ReviewAction):
    form_class, form_name = RejectForm, "reject_form"

    def perform(self, application, data):
        services.application_reject(application=application, actor=self.request.user, reason=data["reason"])

    def message(self, application):
        return _("%(company)s is rejected; the applicant is told why.") % {"company": application.company}


class RequestInfoView(_ReviewAction):
    form_class, form_name = RequestInfoForm, "info_form"

    def perform(self, application, data):
        services.application_request_info(application=application, actor=self.request.user, question=data["question"])

    def message(self, application):
        return _("The applicant is asked for more information.")


class SettingsView(TenantAdminViewMixin, View):
    """The questions applicants answer, and which email domains skip review."""

    def get(self, request, settings_form=None, question_form=None, status=200):
        settings = onboarding_settings_for(self.tenant)
        context = {
            "settings_form": settings_form or OnboardingSettingsForm(initial={"auto_approve_domains": settings.auto_approve_domains}),
            "question_form": question_form or QuestionForm(),
            "questions": ApplicationQuestion.objects.all(),
            "events": audit_events_for(settings),
        }
        return render(request, "partners/onboarding/dashboard/settings.html", context, status=status)

    def post(self, request):
        if "text" in request.POST:
            form = QuestionForm(request.POST)
            if form.is_valid():
                try:
                    services.question_create(tenant=self.tenant, actor=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Question added. New applicants answer it."))
                    return redirect("onboarding:settings")
            return self.get(request, question_form=form, status=400)
        form = OnboardingSettingsForm(request.POST)
        return (form_submit(request, form, lambda data: services.onboarding_settings_update(
                    tenant=self.tenant, actor=request.user, **data),
                    message=_("Application settings saved."), then="onboarding:settings")
                or self.get(request, settings_form=form, status=400))


class QuestionToggleView(TenantAdminViewMixin, ServiceActionView):
    model = ApplicationQuestion

    def get_success_message(self, question):
        return _("Question updated.")

    def perform(self, question):
        services.question_toggle(question=question, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("onboarding:settings")
