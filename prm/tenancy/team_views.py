"""Dashboard pages about people: the vendor's own team, and actions on any membership or invitation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from prm.invitations.forms import InviteForm
from prm.invitations.models import Invitation
from prm.invitations.services import invitation_create, invitation_resend, invitation_revoke

from .actions import ServiceActionView, add_service_errors
from .models import STAFF_ROLES, Membership
from .services import membership_deactivate, membership_reactivate, staff_memberships
from .views import DashboardViewMixin, TenantAdminViewMixin


class TeamView(TenantAdminViewMixin, View):
    """Tenant admins see and invite the vendor's staff (tenant admins and channel managers)."""

    def get(self, request, form=None, status=200):
        context = {
            "members": staff_memberships(),
            "invitations": Invitation.objects.filter(role__in=STAFF_ROLES, accepted_at__isnull=True, revoked_at__isnull=True)
            .select_related("email_message"),
            "form": form or InviteForm(membership=self.membership, staff_only=True),
        }
        return render(request, "tenancy/team.html", context, status=status)

    def post(self, request):
        form = InviteForm(request.POST, membership=self.membership, staff_only=True)
        if form.is_valid():
            try:
                invitation_create(tenant=self.tenant, actor_membership=self.membership,
                                  email=form.cleaned_data["email"], role=form.cleaned_data["role"])
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("team")
        return self.get(request, form=form, status=400)


def _back_to(membership_or_invitation):
    partner_id = membership_or_invitation.partner_id
    return reverse("partners:dashboard_detail", args=[partner_id]) if partner_id else reverse("team")


class MembershipDeactivateView(DashboardViewMixin, ServiceActionView):
    model = Membership

    def get_success_message(self, membership):
        return _("%(person)s can no longer sign in to this program.") % {"person": membership.user}

    def narrow(self, queryset):
        return queryset.select_related("user", "partner")

    def perform(self, membership):
        membership_deactivate(membership=membership, actor_membership=self.membership)

    def get_success_url(self, membership):
        return _back_to(membership)


class MembershipReactivateView(MembershipDeactivateView):
    def get_success_message(self, membership):
        return _("%(person)s can sign in again.") % {"person": membership.user}

    def perform(self, membership):
        membership_reactivate(membership=membership, actor_membership=self.membership)


class InvitationRevokeView(DashboardViewMixin, ServiceActionView):
    model = Invitation

    def get_success_message(self, invitation):
        return _("The invitation to %(email)s is revoked; its link no longer works.") % {"email": invitation.email}

    def narrow(self, queryset):
        return queryset.select_related("partner")

    def perform(self, invitation):
        invitation_revoke(invitation=invitation, actor_membership=self.membership)

    def get_success_url(self, invitation):
        return _back_to(invitation)


class InvitationResendView(InvitationRevokeView):
    def get_success_message(self, invitation):
        return _("A new invitation was sent to %(email)s; the earlier link no longer works.") % {"email": invitation.email}

    def perform(self, invitation):
        invitation_resend(invitation=invitation, actor_membership=self.membership)
