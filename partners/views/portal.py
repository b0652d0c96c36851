import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from prm.invitations.forms import InviteForm
from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create, invitation_resend, invitation_revoke
from prm.tenancy.actions import ServiceActionView, add_service_errors
from prm.tenancy.models import Membership
from prm.tenancy.services import membership_deactivate, membership_reactivate
from prm.tenancy.views import PartnerAdminViewMixin, PortalViewMixin

from .. import services
from ..checklist.services import checklist_refresh
from ..forms import ProfileForm
from ..logos import logo_response
from ..portal_tiles import tiles_for
from ..selectors import partner_team, pending_profile_changes


class PortalHomeView(PortalViewMixin, View):
    def get(self, request):
        team = partner_team(self.partner)
        context = {
            "partner": self.partner,
            "team_size": sum(1 for m in team if m.is_active),
            "pending_invitations": Invitation.objects.filter(
                partner=self.partner, accepted_at__isnull=True, revoked_at__isnull=True
            ).count(),
            "tiles": tiles_for(self.partner),
            "checklist": checklist_refresh(partner=self.partner),
        }
        return render(request, "partners/portal/home.html", context)


class PortalTeamView(PortalViewMixin, View):
    """Everyone at the partner sees the team; partner admins also invite and deactivate."""

    def get(self, request, form=None, status=200):
        is_admin = self.membership.is_partner_admin
        context = {
            "partner": self.partner,
            "team": partner_team(self.partner),
            "invitations": Invitation.objects.filter(
                partner=self.partner, accepted_at__isnull=True, revoked_at__isnull=True
            ).select_related("email_message") if is_admin else [],
            "form": (form or InviteForm(membership=self.membership, fixed_partner=self.partner)) if is_admin else None,
        }
        return render(request, "partners/portal/team.html", context, status=status)

    def post(self, request):
        if not self.membership.is_partner_admin:
            raise PermissionDenied
        form = InviteForm(request.POST, membership=self.membership, fixed_partner=self.partner)
        if form.is_valid():
            try:
                invitation_create(tenant=self.tenant, actor_membership=self.membership, email=form.cleaned_data["email"],
                                  role=form.cleaned_data["role"], partner=self.partner)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("portal:team")
        return self.get(request, form=form, status=400)


class PortalMembershipDeactivateView(PartnerAdminViewMixin, ServiceActionView):
    """Scoped to the admin's own partner by the portal base: another partner's id is a 404."""

    model = Membership

    def get_success_message(self, membership):
        return _("%(person)s can no longer sign in.") % {"person": membership.user}

    def narrow(self, queryset):
        return queryset.select_related("user", "partner")

    def perform(self, membership):
        membership_deactivate(membership=membership, actor_membership=self.membership)

    def get_success_url(self, obj):
        return reverse("portal:team")


class PortalMembershipReactivateView(PortalMembershipDeactivateView):
    def get_success_message(self, membership):
        return _("%(person)s can sign in again.") % {"person": membership.user}

    def perform(self, membership):
        membership_reactivate(membership=membership, actor_membership=self.membership)


class PortalInvitationRevokeView(PartnerAdminViewMixin, ServiceActionView):
    model = Invitation

    def get_success_message(self, invitation):
        return _("The invitation to %(email)s is revoked.") % {"email": invitation.email}

    def narrow(self, queryset):
        return queryset.select_related("partner")

    def perform(self, invitation):
        invitation_revoke(invitation=invitation, actor_membership=self.membership)

    def get_success_url(self, obj):
        return reverse("portal:team")


class PortalInvitationResendView(PortalInvitationRevokeView):
    def get_success_message(self, invitation):
        return _("A new invitation was sent to %(email)s; the earlier link no longer works.") % {"email": invitation.email}

    def perform(self, invitation):
        invitation_resend(invitation=invitation, actor_membership=self.membership)


class PortalProfileView(PortalViewMixin, View):
    """Everyone at the partner sees the profile; partner admins edit it (sensitive fields wait for approval)."""

    def get(self, request, form=None, status=200):
        is_admin = self.membership.is_partner_admin
        context = {
            "partner": self.partner,
            "pending": pending_profile_changes(self.partner),
            "form": (form or ProfileForm(instance=self.partner)) if is_admin else None,
        }
        return render(request, "partners/portal/profile.html", context, status=status)

    def post(self, request):
        if not self.membership.is_partner_admin:
            raise PermissionDenied
        # The form validates on a copy: the service compares with the partner's current values.
        form = ProfileForm(request.POST, request.FILES, instance=copy.copy(self.partner))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
            try:
                waiting = services.partner_profile_update(partner=self.partner, actor=request.user,
                                                          logo=form.cleaned_data["logo"], **fields)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved; those that need approval wait for your channel manager.")
                                 if waiting else _("Changes saved."))
                return redirect("portal:profile")
        return self.get(request, form=form, status=400)


class PortalLogoView(PortalViewMixin, View):
    """The partner's own logo; another partner's is the 404 of a missing one."""

    def get(self, request, pk):
        if pk != self.partner.pk:  # a portal user only ever sees their own partner
            raise Http404
        return logo_response(self.partner)
