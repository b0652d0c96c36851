from django.urls import path

from prm.tenancy.converters import register_choices

from .views import dashboard, portal, public, relationship

app_name = "surveys"

# Only the formats the export view makes: anything else is a 404 before a view runs.
register_choices("nps_export_format", dashboard.LeaderboardExportView.formats)

urlpatterns = [
    path("manage/nps/", dashboard.LeaderboardView.as_view(), name="dashboard_home"),
    path("manage/nps/run/", dashboard.RunRankingsView.as_view(), name="dashboard_run"),
    path("manage/nps/export.<nps_export_format:fmt>", dashboard.LeaderboardExportView.as_view(), name="dashboard_export"),
    path("manage/nps/partners/<int:pk>/", dashboard.PartnerDrillDownView.as_view(), name="dashboard_partner"),
    path("manage/nps/follow-ups/", dashboard.FollowUpsView.as_view(), name="dashboard_follow_ups"),
    path("manage/nps/follow-ups/<int:pk>/", dashboard.FollowUpView.as_view(), name="dashboard_follow_up"),
    path("manage/nps/practices/<int:pk>/hide/", dashboard.PracticeHideView.as_view(), name="dashboard_practice_hide"),
    path("manage/surveys/", dashboard.SurveysView.as_view(), name="dashboard_surveys"),
    path("manage/surveys/<int:pk>/", dashboard.SurveyEditView.as_view(), name="dashboard_survey_edit"),
    path("manage/surveys/<int:pk>/email-preview/", dashboard.SurveyEmailPreviewView.as_view(), name="dashboard_survey_preview"),
    path("manage/surveys/campaigns/", dashboard.CampaignsView.as_view(), name="dashboard_campaigns"),
    path("manage/surveys/imports/<int:pk>/confirm/", dashboard.ImportConfirmView.as_view(), name="dashboard_import_confirm"),
    path("manage/surveys/imports/<int:pk>/problems.csv", dashboard.ImportBadRowsView.as_view(), name="dashboard_import_problems"),
    path("manage/surveys/campaigns/<int:pk>/", dashboard.CampaignView.as_view(), name="dashboard_campaign"),
    path("manage/partner-satisfaction/", relationship.RelationshipSurveysView.as_view(), name="relationship_list"),
    path("manage/partner-satisfaction/<int:pk>/", relationship.RelationshipResultsView.as_view(), name="relationship_results"),
    path("manage/survey-settings/", dashboard.SettingsView.as_view(), name="settings"),
    path("portal/nps/", portal.PortalNpsView.as_view(), name="portal_home"),
    path("portal/follow-ups/", portal.PortalFollowUpsView.as_view(), name="portal_follow_ups"),
    path("portal/follow-ups/<int:pk>/", portal.PortalFollowUpView.as_view(), name="portal_follow_up"),
    path("portal/surveys/campaigns/", portal.PortalCampaignsView.as_view(), name="portal_campaigns"),
    path("portal/surveys/imports/<int:pk>/confirm/", portal.PortalImportConfirmView.as_view(), name="portal_import_confirm"),
    path("portal/surveys/imports/<int:pk>/problems.csv", portal.PortalImportBadRowsView.as_view(), name="portal_import_problems"),
    path("portal/surveys/campaigns/<int:pk>/", portal.PortalCampaignView.as_view(), name="portal_campaign"),
]

# Pages for end users: no account, the signed token is the key.
public_urlpatterns = [
    path("s/thanks/", public.thanks, name="survey_thanks"),
    path("s/<str:token>/", public.AnswerView.as_view(), name="survey_answer"),
    path("u/<str:token>/", public.UnsubscribeView.as_view(), name="survey_unsubscribe"),
    path("r/<str:token>/", relationship.RelationshipAnswerView.as_view(), name="relationship_answer"),
]
