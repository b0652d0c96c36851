from django.urls import path

from .views import dashboard, portal, profile_settings

# Included twice by prm/urls.py: the dashboard list under "partners", the portal list under "portal".

dashboard_urlpatterns = [
    path("", dashboard.PartnerListView.as_view(), name="dashboard_list"),
    path("new/", dashboard.PartnerCreateView.as_view(), name="dashboard_create"),
    path("<int:pk>/", dashboard.PartnerDetailView.as_view(), name="dashboard_detail"),
    path("<int:pk>/edit/", dashboard.PartnerEditView.as_view(), name="dashboard_edit"),
    path("<int:pk>/invite/", dashboard.PartnerInviteView.as_view(), name="dashboard_invite"),
    path("<int:pk>/deactivate/", dashboard.PartnerDeactivateView.as_view(), name="dashboard_deactivate"),
    path("<int:pk>/reactivate/", dashboard.PartnerReactivateView.as_view(), name="dashboard_reactivate"),
    path("<int:pk>/logo/", dashboard.PartnerLogoView.as_view(), name="dashboard_logo"),
    path("<int:pk>/timeline/", dashboard.PartnerTimelineView.as_view(), name="dashboard_timeline"),
    path("profile-changes/<int:pk>/approve/", dashboard.ProfileChangeApproveView.as_view(), name="change_approve"),
    path("profile-changes/<int:pk>/reject/", dashboard.ProfileChangeRejectView.as_view(), name="change_reject"),
    path("profile-settings/", profile_settings.ProfileSettingsView.as_view(), name="profile_settings"),
]

portal_urlpatterns = [
    path("profile/", portal.PortalProfileView.as_view(), name="profile"),
    path("profile/<int:pk>/logo/", portal.PortalLogoView.as_view(), name="logo"),
    path("team/", portal.PortalTeamView.as_view(), name="team"),
    path("team/<int:pk>/deactivate/", portal.PortalMembershipDeactivateView.as_view(), name="member_deactivate"),
    path("team/<int:pk>/reactivate/", portal.PortalMembershipReactivateView.as_view(), name="member_reactivate"),
    path("invitations/<int:pk>/revoke/", portal.PortalInvitationRevokeView.as_view(), name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", portal.PortalInvitationResendView.as_view(), name="invitation_resend"),
]
