from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from partners.urls import dashboard_urlpatterns as partner_dashboard, portal_urlpatterns as partner_portal
from partners.views.dashboard import DashboardHomeView
from partners.views.portal import PortalHomeView
from surveys.urls import public_urlpatterns as surveys_public

from .accounts.views import ProfileView
from .api.views import ApiKeyListView, ApiKeyRevokeView
from .home import home
from .invitations.views import AcceptInvitationView
from .tenancy import team_views
from .tenancy.settings_views import ProgramSettingsView

manage_urlpatterns = [
    path("", DashboardHomeView.as_view(), name="dashboard_home"),
    path("partners/", include((partner_dashboard, "partners"))),
    path("team/", team_views.TeamView.as_view(), name="team"),
    path("settings/", ProgramSettingsView.as_view(), name="program_settings"),
    path("memberships/<int:pk>/deactivate/", team_views.MembershipDeactivateView.as_view(), name="membership_deactivate"),
    path("memberships/<int:pk>/reactivate/", team_views.MembershipReactivateView.as_view(), name="membership_reactivate"),
    path("invitations/<int:pk>/revoke/", team_views.InvitationRevokeView.as_view(), name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", team_views.InvitationResendView.as_view(), name="invitation_resend"),
    path("api-keys/", ApiKeyListView.as_view(), name="api_keys"),
    path("api-keys/<int:pk>/revoke/", ApiKeyRevokeView.as_view(), name="api_key_revoke"),
]

portal_urlpatterns = [
    path("", PortalHomeView.as_view(), name="portal_home"),
    path("", include((partner_portal, "portal"))),
]

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico where a page names no icon of its own (a JSON answer, a file).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico")), name="favicon"),
    path("manage/", include(manage_urlpatterns)),
    path("portal/", include(portal_urlpatterns)),
    path("", include(("partners.onboarding.urls", "onboarding"))),
    path("", include(("partners.checklist.urls", "checklist"))),
    path("", include(("partners.imports.urls", "partner_imports"))),
    path("", include(("partners.agreements.urls", "agreements"))),
    path("", include(("partners.tiers.urls", "tiers"))),
    path("", include(("partners.training.urls", "training"))),
    path("", include(("partners.content.urls", "content"))),
    path("", include(("mdf.urls", "mdf"))),
    path("", include(("loyalty.urls", "loyalty"))),
    path("", include("dealreg.urls")),
    path("", include("surveys.urls")),
    path("", include(surveys_public)),
    path("invitations/<str:token>/", AcceptInvitationView.as_view(), name="invitation_accept"),
    path("accounts/profile/", ProfileView.as_view(), name="account_profile"),
    path("accounts/", include("allauth.urls")),
    path("api/", include("prm.api.urls")),
    path("admin/", admin.site.urls),
]
