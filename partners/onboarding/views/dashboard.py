"""The review queue: staff see the confirmed applications, and approve, reject or ask for more."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import add_service_errors, error_text
from prm.tenancy.views import DashboardViewMixin

from .. import services
from ..forms import ApproveForm, RejectForm, RequestInfoForm
from ..models import Application
from ..selectors import review_queue
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
