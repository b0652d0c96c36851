from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from dealreg.api import DealViewSet
from mdf.api import AllocationViewSet, BudgetViewSet, ClaimProofViewSet, ClaimViewSet, FundRequestViewSet, LedgerViewSet, PaymentViewSet
from partners.agreements.api import AgreementTemplateViewSet, SignatureViewSet
from partners.api import MembershipViewSet, PartnerProfileViewSet, PartnerViewSet, ProfileChangeViewSet
from partners.checklist.api import ChecklistViewSet
from partners.content.api import ContentItemViewSet
from partners.onboarding.api import ApplicationViewSet
from partners.tiers.api import TierViewSet
from partners.tiers.api_evaluations import TierEvaluationViewSet
from partners.training.api import CompletionViewSet, CourseViewSet
from surveys.api import AnswerViewSet, FollowUpCaseViewSet, RankingViewSet, SurveyInvitationViewSet, SurveyViewSet

from .fallback import ApiNotFound

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partners", PartnerViewSet, basename="partner")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("partner-profiles", PartnerProfileViewSet, basename="partner-profile")
router.register("profile-changes", ProfileChangeViewSet, basename="profile-change")
router.register("applications", ApplicationViewSet, basename="application")
router.register("checklists", ChecklistViewSet, basename="checklist")
router.register("tier-evaluations", TierEvaluationViewSet, basename="tier-evaluation")
router.register("tiers", TierViewSet, basename="tier")
router.register("deals", DealViewSet, basename="deal")
router.register("mdf-budgets", BudgetViewSet, basename="mdf-budget")
router.register("mdf-allocations", AllocationViewSet, basename="mdf-allocation")
router.register("fund-requests", FundRequestViewSet, basename="fund-request")
router.register("mdf-ledger", LedgerViewSet, basename="mdf-ledger")
router.register("fund-claims", ClaimViewSet, basename="fund-claim")
router.register("fund-claim-proofs", ClaimProofViewSet, basename="fund-claim-proof")
router.register("mdf-payments", PaymentViewSet, basename="mdf-payment")
router.register("agreement-templates", AgreementTemplateViewSet, basename="agreement-template")
router.register("agreement-signatures", SignatureViewSet, basename="agreement-signature")
router.register("courses", CourseViewSet, basename="course")
router.register("completions", CompletionViewSet, basename="completion")
router.register("content", ContentItemViewSet, basename="content")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("survey-invitations", SurveyInvitationViewSet, basename="survey-invitation")
router.register("survey-answers", AnswerViewSet, basename="survey-answer")
router.register("rankings", RankingViewSet, basename="ranking")
router.register("follow-ups", FollowUpCaseViewSet, basename="follow-up")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI styles its widgets inline; scripts stay 'self'-only.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api_schema")),
        name="api_docs",
    ),
    # Last: ends in "/" so that APPEND_SLASH still redirects a URL missing its slash.
    re_path(r"^.*/$", ApiNotFound.as_view(), name="api_not_found"),
]
