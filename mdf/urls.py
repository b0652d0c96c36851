from django.urls import path

from prm.tenancy.converters import register_choices

from .exports import FORMATS
from .views import dashboard, portal, roi, utilisation

# Included by prm/urls.py under the "mdf" namespace.

# Only the export's own formats: anything else is a 404 before a view runs.
register_choices("mdf_export_format", FORMATS)

urlpatterns = [
    path("manage/mdf/", dashboard.MdfDashboardView.as_view(), name="dashboard"),
    path("manage/mdf/budgets/<int:pk>/", dashboard.BudgetView.as_view(), name="budget"),
    path("manage/mdf/budgets/<int:pk>/fund/", dashboard.BudgetFundView.as_view(), name="budget_fund"),
    path("manage/mdf/budgets/<int:pk>/allocate/", dashboard.AllocateView.as_view(), name="allocate"),
    path("manage/mdf/budgets/<int:pk>/accrue/", dashboard.AccrueView.as_view(), name="accrue"),
    path("manage/mdf/settings/", dashboard.MdfSettingsView.as_view(), name="settings"),
    path("manage/mdf/settings/activity-types/", dashboard.ActivityTypeAddView.as_view(), name="activity_type_add"),
    path("manage/mdf/settings/activity-types/<int:pk>/toggle/", dashboard.ActivityTypeToggleView.as_view(),
         name="activity_type_toggle"),
    path("manage/mdf/settings/limits/", dashboard.ApprovalLimitView.as_view(), name="approval_limit"),
    path("manage/mdf/requests/", dashboard.RequestQueueView.as_view(), name="requests"),
    path("manage/mdf/requests/<int:pk>/", dashboard.RequestView.as_view(), name="request"),
    path("manage/mdf/requests/<int:pk>/approve/", dashboard.RequestApproveView.as_view(), name="request_approve"),
    path("manage/mdf/requests/<int:pk>/reject/", dashboard.RequestRejectView.as_view(), name="request_reject"),
    path("manage/mdf/requests/<int:pk>/more-info/", dashboard.RequestMoreInfoView.as_view(), name="request_more_info"),
    path("manage/mdf/requests/<int:pk>/cancel/", dashboard.RequestCancelView.as_view(), name="request_cancel"),
    path("manage/mdf/requests/<int:pk>/close/", dashboard.RequestCloseView.as_view(), name="request_close"),
    path("manage/mdf/claims/", dashboard.ClaimQueueView.as_view(), name="claims"),
    path("manage/mdf/claims/<int:pk>/", dashboard.ClaimView.as_view(), name="claim"),
    path("manage/mdf/claims/<int:pk>/approve/", dashboard.ClaimApproveView.as_view(), name="claim_approve"),
    path("manage/mdf/claims/<int:pk>/reject/", dashboard.ClaimRejectView.as_view(), name="claim_reject"),
    path("manage/mdf/claims/<int:pk>/pay/", dashboard.PaymentRecordView.as_view(), name="claim_pay"),
    path("manage/mdf/proofs/<int:pk>/", dashboard.ProofView.as_view(), name="proof"),
    path("manage/mdf/proofs/<int:pk>/image/", dashboard.ProofImageView.as_view(), name="proof_image"),
    path("manage/mdf/payments/", dashboard.PaymentListView.as_view(), name="payments"),
    path("manage/mdf/payments/export.<mdf_export_format:fmt>", dashboard.PaymentExportView.as_view(),
         name="payments_export"),
    path("manage/mdf/utilisation/", utilisation.UtilisationView.as_view(), name="utilisation"),
    path("manage/mdf/utilisation/export.<mdf_export_format:fmt>", utilisation.UtilisationExportView.as_view(),
         name="utilisation_export"),
    path("manage/mdf/roi/", roi.RoiView.as_view(), name="roi"),
    path("manage/mdf/roi/export.<mdf_export_format:fmt>", roi.RoiExportView.as_view(), name="roi_export"),
    path("portal/funds/", portal.PortalFundsView.as_view(), name="portal"),
    path("portal/funds/new/", portal.PortalNewRequestView.as_view(), name="portal_new"),
    path("portal/funds/<int:pk>/", portal.PortalRequestView.as_view(), name="portal_request"),
    path("portal/funds/<int:pk>/answer/", portal.PortalAnswerView.as_view(), name="portal_answer"),
    path("portal/funds/<int:pk>/cancel/", portal.PortalCancelView.as_view(), name="portal_cancel"),
    path("portal/funds/<int:pk>/claims/", portal.PortalClaimView.as_view(), name="portal_claim"),
    path("portal/funds/claims/<int:pk>/withdraw/", portal.PortalClaimWithdrawView.as_view(),
         name="portal_claim_withdraw"),
    path("portal/funds/proofs/<int:pk>/", portal.PortalProofView.as_view(), name="portal_proof"),
]
