"""The checklist on the dashboard: the tenant's steps and settings, the partners stuck in onboarding,
and one partner's checklist (manual ticks, activation when the tenant waits for a manager)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from partners.models import Partner
from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import ServiceActionView, error_text, form_submit
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import services
from ..forms import ChecklistSettingsForm, MoveForm, StepEditForm, StepForm, TickForm
from ..models import ChecklistStep
from ..selectors import access_checklist_step, checklist_settings_for, checklist_steps, stuck_partners


class StepsView(DashboardViewMixin, View):
    """The tenant's steps in order: add, edit, move, remove."""

    def get(self, request, form=None, status=200):
        context = {"steps": checklist_steps(), "form": form or StepForm(),
                   "settings": checklist_settings_for(self.tenant)}
        return render(request, "partners/checklist/dashboard/steps.html", context, status=status)

    def post(self, request):
        form = StepForm(request.POST)
        return (form_submit(request, form, lambda data: services.step_create(tenant=self.tenant, actor=request.user, **data),
                            message=_("Step added at the end of the checklist."), then="checklist:steps")
                or self.get(request, form=form, status=400))


class StepEditView(DashboardViewMixin, View):
    model = ChecklistStep

    def get(self, request, pk, form=None, status=200):
        step = self.get_object()
        form = form or StepEditForm(step=step, initial={"title": step.title, "threshold": step.threshold})
        return render(request, "partners/checklist/dashboard/step_edit.html", {"step": step, "form": form}, status=status)

    def post(self, request, pk):
        step = self.get_object()
        form = StepEditForm(request.POST, step=step)
        return (form_submit(request, form, lambda data: services.step_update(
                    step=step, actor=request.user, title=data["title"], threshold=data.get("threshold")),
                    message=_("Step saved."), then="checklist:steps")
                or self.get(request, pk, form=form, status=400))


class StepMoveView(DashboardViewMixin, View):
    model = ChecklistStep
    http_method_names = ["post"]

    def post(self, request, pk):
        step = self.get_object()
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Move the step up or down."))
            return redirect("checklist:steps")
        try:
            services.step_move(step=step, actor=request.user, direction=form.cleaned_data["direction"])
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Step moved."))
        return redirect("checklist:steps")


class StepRemoveView(DashboardViewMixin, ServiceActionView):
    model = ChecklistStep

    def get_success_message(self, step):
        return _("“%(step)s” is no longer on the checklist.") % {"step": step.label}

    def perform(self, step):
        services.step_remove(step=step, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("checklist:steps")


class SettingsView(TenantAdminViewMixin, View):
    """What a finished checklist does, when a partner counts as stuck, how often reminders go."""

    def get(self, request, form=None, status=200):
        settings = checklist_settings_for(self.tenant)
        context = {"form": form or ChecklistSettingsForm(instance=settings),
                   "events": audit_events_for(settings) if settings.pk else []}
        return render(request, "partners/checklist/dashboard/settings.html", context, status=status)

    def post(self, request):
        form = ChecklistSettingsForm(request.POST)
        return (form_submit(request, form, lambda data: services.checklist_settings_update(
                    tenant=self.tenant, actor=request.user, **data),
                    message=_("Checklist settings saved."), then="checklist:settings")
                or self.get(request, form=form, status=400))


class StuckView(DashboardViewMixin, View):
    def get(self, request):
        settings = checklist_settings_for(self.tenant)
        context = {"rows": stuck_partners(self.tenant), "days": settings.stuck_after_days}
        return render(request, "partners/checklist/dashboard/stuck.html", context)


class PartnerChecklistView(DashboardViewMixin, View):
    """One partner's checklist: its steps re-checked, manual steps to tick, activation when it waits."""

    model = Partner

    def get(self, request, pk):
        partner = self.get_object()
        state = services.checklist_refresh(partner=partner)
        return render(request, "partners/checklist/dashboard/partner.html", {"partner": partner, "state": state})


class TickView(DashboardViewMixin, View):
    model = Partner
    http_method_names = ["post"]

    def post(self, request, pk):
        partner = self.get_object()
        form = TickForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a step to tick."))
            return redirect("checklist:partner", pk=partner.pk)
        step = access_checklist_step(form.cleaned_data["step"])
        done = form.cleaned_data["done"]
        try:
            state = services.manual_step_tick(partner=partner, step=step, actor=request.user, done=done)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, error_text(exc))
        else:
            if not done:
                messages.success(request, _("“%(step)s” is no longer ticked.") % {"step": step.label})
            elif state.finished_at is not None and not state.is_onboarding:
                messages.success(request, _("The checklist is finished: %(partner)s is now active.") % {"partner": partner})
            else:
                messages.success(request, _("“%(step)s” is ticked.") % {"step": step.label})
        return redirect("checklist:partner", pk=partner.pk)


class ActivateView(DashboardViewMixin, ServiceActionView):
    model = Partner

    def get_success_message(self, partner):
        return _("%(partner)s is now active.") % {"partner": partner}

    def perform(self, partner):
        services.checklist_activate(partner=partner, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("checklist:partner", kwargs={"pk": obj.pk})
