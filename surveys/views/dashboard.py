"""Channel managers: leaderboard, drill-down, campaigns, follow-ups, surveys and settings."""

from urllib.parse import urlencode

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from partners.models import Partner, PartnerStatus
from prm.audit.selectors import audit_events_for
from prm.i18n.formatting import number
from prm.spreadsheets import spreadsheet_response
from prm.tenancy.actions import ServiceActionView, add_service_errors
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import imports, selectors, services
from ..emails import SurveyEmails
from ..export import leaderboard_response
from ..forms import FollowUpFilterForm, ImportForm, SurveyForm, SurveySettingsForm
from ..models import Campaign, FollowUpCase, ImportBatch, PracticeNote, Survey
from ..services import settings_for


class LeaderboardView(DashboardViewMixin, View):
    def get(self, request):
        run = selectors.latest_run()
        scores = list(selectors.leaderboard(run))
        context = {"run": run, "scores": scores, "ranked": [s for s in scores if s.rank],
                   "unranked": [s for s in scores if not s.rank], "tenant_series": selectors.series(run),
                   "settings": settings_for(self.tenant), "follow_ups": selectors.follow_up_summary(),
                   "practices": selectors.visible_practices()[:10]}
        return render(request, "surveys/dashboard/leaderboard.html", context)


class RunRankingsView(DashboardViewMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.rankings_refresh(tenant=self.tenant)
        messages.success(request, _("Rankings are being computed; refresh in a moment."))
        return redirect("surveys:dashboard_home")


class LeaderboardExportView(DashboardViewMixin, View):
    formats = ("csv", "xlsx")  # urls.py admits only these

    def get(self, request, fmt):
        run = selectors.latest_run()
        return leaderboard_response(run, selectors.leaderboard(run), fmt, tenant=self.tenant)


class PartnerDrillDownView(DashboardViewMixin, View):
    model = Partner

    def get(self, request, pk):
        partner = self.get_object()
        run = selectors.latest_run()
        page = Paginator(selectors.answers(partner), 25).get_page(request.GET.get("page"))
        context = {"partner": partner, "run": run, "score": selectors.partner_score(run, partner),
                   "series": selectors.series(run, partner), "page_obj": page, "answers": page.object_list,
                   "is_paginated": page.has_other_pages(), "paginator": page.paginator,
                   "follow_ups": selectors.follow_ups(partner)[:20], "settings": settings_for(self.tenant)}
        return render(request, "surveys/dashboard/partner.html", context)


class FollowUpsView(DashboardViewMixin, View):
    def get(self, request):
        state = FollowUpFilterForm(request.GET).state_or_all()
        page = Paginator(selectors.follow_ups(state=state), 50).get_page(request.GET.get("page"))
        context = {"summary": selectors.follow_up_summary(), "cases": page.object_list, "page_obj": page,
                   "is_paginated": page.has_other_pages(), "paginator": page.paginator, "now": timezone.now(),
                   "state": state, "querystring": urlencode({"state": state}) if state else ""}
        return render(request, "surveys/dashboard/follow_ups.html", context)


class FollowUpView(DashboardViewMixin, View):
    """One follow-up case as the channel manager sees it: the answer, the customer, the partner, the timeline."""

    model = FollowUpCase

    def narrow(self, queryset):
        return queryset.select_related("answer__invitation", "answer__survey", "partner", "closed_by")

    def get(self, request, pk):
        case = self.get_object()
        context = {"case": case, "events": audit_events_for(case), "now": timezone.now()}
        return render(request, "surveys/dashboard/follow_up.html", context)


class SurveysView(DashboardViewMixin, View):
    def get(self, request, form=None, status=200):
        return render(request, "surveys/dashboard/surveys.html",
                      {"surveys": Survey.objects.all(), "form": form or SurveyForm()}, status=status)

    def post(self, request):
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                survey = services.survey_create(tenant=self.tenant, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Survey “%(name)s” created.") % {"name": survey.name})
                return redirect("surveys:dashboard_surveys")
        return self.get(request, form=form, status=400)


class SurveyEditView(DashboardViewMixin, View):
    model = Survey

    def get(self, request, pk, form=None, status=200):
        survey = self.get_object()
        partner_name = _preview_partner_name()
        subject, _html = SurveyEmails().preview(self.tenant, survey, partner_name)
        context = {"survey": survey, "form": form or SurveyForm(instance=survey), "stats": selectors.survey_statistics(survey),
                   "settings": settings_for(self.tenant), "preview_subject": subject, "preview_partner": partner_name}
        return render(request, "surveys/dashboard/survey_edit.html", context, status=status)

    def post(self, request, pk):
        survey = self.get_object()
        form = SurveyForm(request.POST, instance=survey)
        if form.is_valid():
            try:
                services.survey_update(survey=survey, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Survey saved."))
                return redirect("surveys:dashboard_surveys")
        return self.get(request, pk, form=form, status=400)


def _preview_partner_name() -> str:
    """The partner a preview is written for: the first active one, or a stand-in while there is none."""
    partner = Partner.objects.exclude(status=PartnerStatus.INACTIVE).order_by("name").first()
    return partner.name if partner else _("Your partner")


# The preview is the email's own HTML (inline styles, no script): a sandboxed frame of this
# program's pages only, allowed its styles and nothing else.
EMAIL_PREVIEW_CSP = {"default-src": [NONE], "script-src": [NONE], "style-src": ["'unsafe-inline'"], "img-src": ["data:"],
                     "font-src": [NONE], "connect-src": [NONE], "form-action": [NONE], "frame-ancestors": [SELF],
                     "sandbox": True}


@method_decorator([xframe_options_sameorigin, csp_replace(EMAIL_PREVIEW_CSP)], name="get")
class SurveyEmailPreviewView(DashboardViewMixin, View):
    """The survey email's HTML in the survey's language, for the frame on the survey page."""

    model = Survey

    def get(self, request, pk):
        survey = self.get_object()
        _subject, html = SurveyEmails().preview(self.tenant, survey, _preview_partner_name())
        return HttpResponse(html)


class CampaignsMixin:
    """Shared by the dashboard and the portal: upload → preview → confirm → progress."""

    template_prefix = "surveys/dashboard"
    partner_scope = None

    def campaigns_url(self):
        return reverse("surveys:dashboard_campaigns")

    def campaign_url(self, campaign):
        return reverse("surveys:dashboard_campaign", args=[campaign.pk])

    def list_context(self):
        campaigns = Campaign.objects.select_related("survey").order_by("-created_at")
        if self.partner_scope is not None:
            campaigns = campaigns.filter(partner=self.partner_scope)
        return {"campaigns": campaigns[:50]}

    def get(self, request, form=None, status=200):
        context = {"form": form or ImportForm(), **self.list_context()}
        return render(request, f"{self.template_prefix}/campaigns.html", context, status=status)

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = imports.build_batch(tenant=self.tenant, actor=request.user, survey=form.cleaned_data["survey"],
                                            name=form.cleaned_data["name"], upload=form.cleaned_data["file"],
                                            partner_scope=self.partner_scope)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # A file with problems: the same form again, right under the list of what to correct.
                again = ImportForm(initial={"name": batch.name, "survey": batch.survey}) if batch.problems else None
                return render(request, f"{self.template_prefix}/import_preview.html", {"batch": batch, "form": again})
        return self.get(request, form=form, status=400)


class CampaignsView(DashboardViewMixin, CampaignsMixin, View):
    pass


class ImportConfirmMixin:
    """Confirm an import batch (`model = ImportBatch`): the portal's scope adds the partner."""

    def post(self, request, pk):
        batch = self.get_object()
        try:
            campaign = services.campaign_confirm(batch=batch, actor=request.user, now=timezone.now())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.campaigns_url())
        count = len(batch.rows)
        messages.success(request, ngettext("Campaign “%(name)s” created with %(count)s contact; sending has started.",
                                           "Campaign “%(name)s” created with %(count)s contacts; sending has started.",
                                           count) % {"name": campaign.name, "count": number(count)})
        return redirect(self.campaign_url(campaign))


class ImportConfirmView(DashboardViewMixin, ImportConfirmMixin, CampaignsMixin, View):
    http_method_names = ["post"]
    model = ImportBatch


class ImportBadRowsMixin:
    """The bad rows of an import batch as CSV (`model = ImportBatch`): the portal's scope adds the partner."""

    def get(self, request, pk):
        batch = self.get_object()
        return spreadsheet_response(imports.bad_rows_frame(batch), "csv", filename=f"import-{batch.pk}-problems",
                                    sheet_name="Problems")


class ImportBadRowsView(DashboardViewMixin, ImportBadRowsMixin, View):
    model = ImportBatch


class CampaignProgressMixin:
    """The campaign page (`model = Campaign`); htmx polls it for the progress block while sending runs."""

    template_name = "surveys/dashboard/campaign.html"

    def get(self, request, pk):
        campaign = self.get_object()
        context = {"campaign": campaign, "progress": selectors.campaign_progress(campaign)}
        if request.htmx:
            return render(request, "surveys/includes/progress.html", context)
        return render(request, self.template_name, context)


class CampaignView(DashboardViewMixin, CampaignProgressMixin, View):
    model = Campaign


class SettingsView(TenantAdminViewMixin, View):
    def get(self, request, form=None, status=200):
        form = form or SurveySettingsForm(instance=settings_for(self.tenant))
        return render(request, "surveys/dashboard/settings.html", {"form": form}, status=status)

    def post(self, request):
        form = SurveySettingsForm(request.POST, instance=settings_for(self.tenant))
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            services.survey_settings_update(tenant=self.tenant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.get(request, form=form, status=400)
        messages.success(request, _("Survey settings saved."))
        return redirect("surveys:settings")


class PracticeHideView(DashboardViewMixin, ServiceActionView):
    model = PracticeNote
    success_message = gettext_lazy("The note is hidden from partners.")

    def perform(self, note):
        from ..practices import practice_hide

        practice_hide(note=note, actor=self.request.user)

    def get_success_url(self, note):
        return reverse("surveys:dashboard_home")
