import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, pgettext_lazy
from django.views import View
from django.views.generic import ListView

from prm.audit.selectors import audit_events_for, audit_timeline
from prm.invitations.forms import InviteForm
from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create
from prm.tenancy.actions import ServiceActionView, add_service_errors
from prm.tenancy.lists import FilteredListMixin
from prm.tenancy.models import PARTNER_ROLES, Membership
from prm.tenancy.views import DashboardViewMixin

from .. import services
from ..forms import DeactivateForm, PartnerFilterForm, PartnerForm
from ..logos import logo_response
from ..models import Partner, PartnerStatus, ProfileChange
from ..overview import Section, sections_for
from ..selectors import partner_search, partner_team, pending_profile_changes

# Beside a count on the overview: "12 active", "3 onboarding".
STATUS_COUNT_LABELS = {
    PartnerStatus.ONBOARDING: pgettext_lazy("partners counted", "onboarding"),
    PartnerStatus.ACTIVE: pgettext_lazy("partners counted", "active"),
    PartnerStatus.INACTIVE: pgettext_lazy("partners counted", "inactive"),
}


class DashboardHomeView(DashboardViewMixin, View):
    def get(self, request):
        by_status = dict(Partner.objects.values_list("status").annotate(n=Count("id")))
        context = {
            "partners_by_status": [(label, by_status.get(value, 0), value, STATUS_COUNT_LABELS[value])
                                   for value, label in PartnerStatus.choices],
            "partner_total": sum(by_status.values()),
            "partner_users": Membership.objects.filter(role__in=PARTNER_ROLES, is_active=True).count(),
            "pending_invitations": Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True).count(),
            "recent_partners": Partner.objects.order_by("-created_at")[:5],
        }
        return render(request, "partners/dashboard/home.html", context)


class PartnerListView(DashboardViewMixin, FilteredListMixin, ListView):
    model = Partner
    paginate_by = 25
    template_name = "partners/dashboard/list.html"
    context_object_name = "partners"

    def narrow(self, queryset):
        self.filter_form = PartnerFilterForm(self.request.GET or None)
        self.filter_form.is_valid()  # an invalid filter is ignored; the valid ones still apply
        data = getattr(self.filter_form, "cleaned_data", {})
        tier = data.get("tier")
        return partner_search(base=queryset, query=data.get("q", ""), status=data.get("status", ""),
                              tier=tier.name if tier else "")



class PartnerFormMixin:
    """Shared by create and edit: run the service, put its errors next to the fields."""

    def save(self, form):
        raise NotImplementedError

    def handle(self, request, form, instance=None):
        if form.is_valid():
            try:
                partner = self.save(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("partners:dashboard_detail", pk=partner.pk)
        return render(request, "partners/dashboard/form.html", {"form": form, "partner": instance}, status=400)


class PartnerCreateView(DashboardViewMixin, PartnerFormMixin, View):
    def get(self, request):
        return render(request, "partners/dashboard/form.html", {"form": PartnerForm()})

    def post(self, request):
        return self.handle(request, PartnerForm(request.POST, request.FILES))

    def save(self, form):
        partner = services.partner_create(tenant=self.tenant, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("%(name)s was added. Invite their first user below.") % {"name": partner.name})
        return partner


class PartnerEditView(DashboardViewMixin, PartnerFormMixin, View):
    model = Partner

    def get(self, request, pk):
        partner = self.get_object()
        return render(request, "partners/dashboard/form.html", {"form": PartnerForm(instance=partner), "partner": partner})

    def post(self, request, pk):
        self.partner = self.get_object()
        # Validating sets the new values on the form's instance; the service must still see the old
        # ones to audit what changed, so the form gets a copy (one fetch, one scope).
        form = PartnerForm(request.POST, request.FILES, instance=copy.copy(self.partner))
        return self.handle(request, form, instance=self.partner)

    def save(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        fields.pop("logo", None)  # passed on its own: the service stores the file and removes the old one
        partner = services.partner_update(partner=self.partner, actor=self.request.user,
                                          logo=form.cleaned_data["logo"], **fields)
        messages.success(self.request, _("Changes saved."))
        return partner


# The partner's page shows its latest events; the rest are on its timeline page, this many a page.
TIMELINE_ON_OVERVIEW = 10
TIMELINE_PAGE_SIZE = 50


class PartnerDetailView(DashboardViewMixin, View):
    """The partner's overview: its own sections (profile, team, timeline) and those other parts
    register in partners.overview (agreement, checklist, deals, NPS, follow-ups), in their order."""

    model = Partner

    def narrow(self, queryset):
        return queryset.select_related("tenant", "owner__user")

    def get(self, request, pk, invite_form=None, status=200):
        partner = self.get_object()
        latest = list(audit_events_for(partner, limit=TIMELINE_ON_OVERVIEW + 1))  # one more: is there a rest?
        own = [
            Section("profile", _("Profile"), "partners/overview/profile.html", order=10, context={
                "deactivate_form": DeactivateForm(), "pending": pending_profile_changes(partner)}),
            Section("team", _("Team"), "partners/overview/team.html", order=20, context={
                "team": partner_team(partner),
                "invitations": Invitation.objects.filter(partner=partner).select_related("email_message").order_by("-created_at")[:20],
                "invite_form": invite_form or InviteForm(membership=self.membership, fixed_partner=partner)}),
            Section("timeline", _("Timeline"), "partners/overview/timeline.html", order=90,
                    context={"events": latest[:TIMELINE_ON_OVERVIEW], "more_events": len(latest) > TIMELINE_ON_OVERVIEW}),
        ]
        sections = sorted([*own, *sections_for(partner)], key=lambda section: section.order)
        return render(request, "partners/dashboard/detail.html", {"partner": partner, "sections": sections}, status=status)


class PartnerTimelineView(DashboardViewMixin, View):
    """Every event of the partner, newest first, a page at a time (its overview shows the latest)."""

    model = Partner

    def get(self, request, pk):
        partner = self.get_object()
        page = Paginator(audit_timeline(partner), TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "partners/dashboard/timeline.html", {
            "partner": partner, "events": page.object_list, "page_obj": page, "paginator": page.paginator,
            "is_paginated": page.has_other_pages()})


class PartnerInviteView(PartnerDetailView):
    """Invite a user of this partner; errors are shown on the partner page, next to the form."""

    http_method_names = ["post"]

    def post(self, request, pk):
        partner = self.get_object()
        form = InviteForm(request.POST, membership=self.membership, fixed_partner=partner)
        if form.is_valid():
            try:
                invitation_create(tenant=self.tenant, actor_membership=self.membership, email=form.cleaned_data["email"],
                                  role=form.cleaned_data["role"], partner=partner)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("partners:dashboard_detail", pk=partner.pk)
        return self.get(request, pk, invite_form=form, status=400)


class PartnerDeactivateView(DashboardViewMixin, ServiceActionView):
    model = Partner

    def get_success_message(self, partner):
        return _("%(name)s is deactivated; its users can no longer sign in.") % {"name": partner.name}

    def perform(self, partner):
        form = DeactivateForm(self.request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.partner_deactivate(partner=partner, actor=self.request.user, reason=reason)

    def get_success_url(self, partner):
        return reverse("partners:dashboard_detail", args=[partner.pk])


class PartnerReactivateView(PartnerDeactivateView):
    def get_success_message(self, partner):
        return _("%(name)s is active again.") % {"name": partner.name}

    def perform(self, partner):
        services.partner_reactivate(partner=partner, actor=self.request.user)


class PartnerLogoView(DashboardViewMixin, View):
    model = Partner

    def get(self, request, pk):
        return logo_response(self.get_object())


class ProfileChangeApproveView(DashboardViewMixin, ServiceActionView):
    """A partner's requested change to a sensitive field (legal name, country), decided on its page."""

    model = ProfileChange

    def narrow(self, queryset):
        return queryset.select_related("partner")

    def get_success_message(self, change):
        return _("The change is approved and now shows on %(name)s's profile.") % {"name": change.partner.name}

    def perform(self, change):
        services.profile_change_approve(change=change, actor=self.request.user)

    def get_success_url(self, change):
        return reverse("partners:dashboard_detail", args=[change.partner_id])


class ProfileChangeRejectView(ProfileChangeApproveView):
    def get_success_message(self, change):
        return _("The change is rejected; %(name)s's profile stays as it was.") % {"name": change.partner.name}

    def perform(self, change):
        services.profile_change_reject(change=change, actor=self.request.user)
