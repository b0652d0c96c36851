"""The API table: one entry per operation of the OpenAPI schema (path, method).

`own` points an operation at Northwind's object; `other_tenant` and `other_partner` at objects it
must reach only as a 404. Every entry's own, foreign and created rows are watched on writes like
the pages' (probe.py): a refused write changes nothing.
"""

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from drf_spectacular.generators import SchemaGenerator

from dealreg.models import Deal
from mdf.models import Allocation, Budget, Claim, FundRequest, Payment
from partners.agreements.models import Signature
from partners.content.models import ContentItem
from partners.models import Partner
from partners.onboarding.models import Application
from partners.tiers.models import Tier
from partners.training.models import Completion, Course
from prm.tenancy.models import Role
from surveys.models import Survey

from .agreement_refs import AgreementOf, SignatureOf, api_sign_body
from .content_refs import ContentOf, ContosoContent, api_item_body
from .mdf_claims_api_refs import ClaimedRequestOf, FundClaimOf, PaymentOf, ProofOf, claim_body, claim_headers, payment_body
from .mdf_refs import AllocationOf, BudgetOf, EntryOf, FundRequestOf, request_body
from .pages import ACME_APP, EVERYONE, GLOBEX_APP, PA, PARTNER, STAFF, TA, ManualStep, PendingChange, Ref, TierOf
from .training_refs import ClaimOf, CourseOf, record_data

# The API's URL names are covered operation by operation below.
API_NAMES = {"tier-evaluation-list", "tier-evaluation-detail", "tier-evaluation-approve", "tier-evaluation-reject",
             "tier-evaluation-hold", "tier-evaluation-release", "tier-evaluation-override",
             "application-list", "application-questions", "application-detail", "application-approve",
             "application-reject", "application-request-info", "partner-profile-detail", "profile-change-list",
             "profile-change-detail", "profile-change-approve", "profile-change-reject",
             "agreement-template-list", "agreement-template-detail", "agreement-signature-list", "agreement-signature-detail",
             "agreement-signature-current", "agreement-signature-sign", "agreement-signature-countersign",
             "survey-list", "survey-detail", "survey-invitation-list", "survey-invitation-detail", "survey-answer-list",
             "survey-answer-detail", "ranking-list", "follow-up-list", "follow-up-detail", "follow-up-record",
             "partner-list", "partner-detail", "partner-deactivate", "partner-reactivate", "membership-list",
             "membership-detail", "deal-list", "deal-detail", "deal-check", "deal-submit", "deal-withdraw", "deal-win",
             "deal-lose", "deal-extend", "deal-approve", "deal-reject", "deal-request-info", "checklist-list",
             "checklist-detail", "checklist-tick",
             "course-list", "course-detail", "completion-list", "completion-detail", "completion-approve", "completion-reject",
             "content-list", "content-detail", "content-retire", "content-download",
             "tier-list", "tier-detail",
             "mdf-budget-list", "mdf-budget-detail", "mdf-budget-fund", "mdf-allocation-list", "mdf-allocation-detail",
             "mdf-allocation-allocate", "fund-request-list", "fund-request-detail", "fund-request-approve",
             "fund-request-reject", "fund-request-more-info", "fund-request-answer", "fund-request-cancel",
             "mdf-ledger-list", "mdf-ledger-detail", "fund-request-close", "fund-claim-list", "fund-claim-detail",
             "fund-claim-approve", "fund-claim-reject", "fund-claim-withdraw", "fund-claim-proof-list",
             "fund-claim-proof-detail", "fund-claim-proof-download", "mdf-payment-list", "mdf-payment-detail"}


class _AnswerRef(Ref):
    """The detractor answer of a partner's follow-up case (or, with `via`, the invitation behind it)."""

    def __init__(self, partner_key, via=None):
        super().__init__(f"{partner_key}_case")
        object.__setattr__(self, "via", via)

    def __call__(self, w):
        answer = getattr(w, self.attr).answer
        return getattr(answer, self.via) if self.via else answer


def _pk(attr):
    return Ref(attr)


@dataclass
class Op:
    allowed: frozenset  # roles by session; the tenant's API key acts as a channel manager
    own: Ref | None = None
    other_tenant: list = field(default_factory=list)  # Refs: 404 for everyone
    other_partner: list = field(default_factory=list)  # Refs, same tenant: 404 for partner users only
    body: Callable = lambda w: {}
    ok: tuple = (200,)
    partner_sees_own_only: bool = False
    creates: type | None = None  # a create operation: the model whose Acme rows must not grow when refused
    public: bool = False  # needs no credentials: an anonymous visitor (or another tenant's session) succeeds too
    key_ok: tuple | None = None  # what the tenant's API key gets, when not `ok` (an operation for partner users only)
    extra: Callable = lambda: {}  # request headers, made anew for each request


def _idempotency_key():
    return {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}


def _new_partner(w):
    return {"name": "Brand New Partner", "country": "FR"}


def _new_deal(w):
    return {"partner": w.northwind.pk, "customer_name": "Initrode", "customer_website": "initrode.example",
            "contact_name": "Kim Ro", "contact_email": "kim@initrode.example", "value": "12000.00",
            "currency": "USD", "expected_close_date": str(date.today() + timedelta(days=30))}


_applicants = itertools.count(1)


def _new_application(w):
    n = next(_applicants)  # each its own email domain: the limit per domain is not what this checks
    return {"company": f"Applicant {n}", "website": f"applicant-{n}.example", "country": "DE",
            "business_type": "reseller", "contact_name": "Max Trix", "contact_email": f"max@applicant-{n}.example"}


def _fresh_client_ip():
    """Each application from its own address: the limit per client IP is not what the matrix checks."""
    n = next(_applicants)
    return {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


def _deal_op(allowed=EVERYONE, **kwargs):
    """A deal operation on Northwind's draft deal; the outcome may be a refused transition (400)."""
    kwargs.setdefault("ok", (200, 400))
    return Op(allowed, _pk("northwind_deal"), [_pk("initech_deal")], [_pk("contoso_deal")], **kwargs)


API = {
    ("/api/v1/tier-evaluations/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/tier-evaluations/{id}/", "get"): Op(EVERYONE, _pk("northwind"), [_pk("initech")], [_pk("contoso")]),
    # Northwind has no pending upgrade in the world: approving or rejecting is refused by the service (400).
    ("/api/v1/tier-evaluations/{id}/approve/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], ok=(200, 400)),
    ("/api/v1/tier-evaluations/{id}/reject/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], ok=(200, 400),
                                                          body=lambda w: {"reason": "Not this quarter"}),
    ("/api/v1/tier-evaluations/{id}/hold/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")],
                                                        body=lambda w: {"reason": "matrix"}),
    ("/api/v1/tier-evaluations/{id}/release/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], ok=(200, 400)),
    ("/api/v1/tier-evaluations/{id}/override/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")],
                                                            body=lambda w: {"tier": "Gold", "reason": "matrix"}),
    ("/api/v1/partners/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/partners/", "post"): Op(STAFF, body=_new_partner, ok=(201,), creates=Partner),
    ("/api/v1/partners/{id}/", "get"): Op(EVERYONE, _pk("northwind"), [_pk("initech")], [_pk("contoso")]),
    ("/api/v1/partners/{id}/", "put"): Op(STAFF, _pk("northwind"), [_pk("initech")], body=lambda w: {"name": "Northwind Traders", "notes": "Matrix"}),
    ("/api/v1/partners/{id}/", "patch"): Op(STAFF, _pk("northwind"), [_pk("initech")], body=lambda w: {"notes": "Matrix"}),
    ("/api/v1/partners/{id}/deactivate/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], body=lambda w: {"reason": "test"}),
    ("/api/v1/partners/{id}/reactivate/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], ok=(200, 400)),
    ("/api/v1/memberships/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/memberships/{id}/", "get"): Op(EVERYONE, _pk("northwind_rep"), [_pk("initech_admin")], [_pk("contoso_rep")]),
    ("/api/v1/checklists/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/checklists/{id}/", "get"): Op(EVERYONE, _pk("northwind"), [_pk("initech")], [_pk("contoso")]),
    # Northwind is active in the world: the tick is refused by the service (400) once the caller may tick.
    ("/api/v1/checklists/{id}/tick/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], ok=(200, 400),
                                                  body=lambda w: {"step": ManualStep("acme")(w).pk, "done": True}),
    # Everyone reads the whole ladder (partners too: what the next tier needs); tenant admins change it.
    ("/api/v1/tiers/", "get"): Op(EVERYONE),
    ("/api/v1/tiers/", "post"): Op(frozenset({TA}), body=lambda w: {"name": "Matrix Platinum", "rank": 60}, ok=(201,),
                                   creates=Tier, key_ok=(403,)),
    ("/api/v1/tiers/{id}/", "get"): Op(EVERYONE, TierOf("acme"), [TierOf("globex")]),
    ("/api/v1/tiers/{id}/", "put"): Op(frozenset({TA}), TierOf("acme"), [TierOf("globex")], key_ok=(403,),
                                       body=lambda w: {"name": "Matrix tier", "rank": 91, "requirements": []}),
    ("/api/v1/tiers/{id}/", "patch"): Op(frozenset({TA}), TierOf("acme"), [TierOf("globex")], key_ok=(403,),
                                         body=lambda w: {"discount_percent": "15.00"}),
    ("/api/v1/tiers/{id}/", "delete"): Op(frozenset({TA}), TierOf("acme"), [TierOf("globex")], ok=(204,), key_ok=(403,)),
    ("/api/v1/deals/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/deals/", "post"): Op(EVERYONE, body=_new_deal, ok=(201,), creates=Deal),
    ("/api/v1/deals/conflict-check/", "post"): Op(EVERYONE, body=lambda w: {"customer_name": "Fabrikam", "customer_website": "fabrikam.example"}),
    ("/api/v1/deals/{id}/", "get"): _deal_op(ok=(200,)),
    ("/api/v1/deals/{id}/", "put"): _deal_op(body=lambda w: {**_new_deal(w), "customer_name": "Fabrikam Inc"}, ok=(200,)),
    ("/api/v1/deals/{id}/", "patch"): _deal_op(body=lambda w: {"notes": "Budget confirmed"}, ok=(200,)),
    ("/api/v1/deals/{id}/submit/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/withdraw/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/win/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/lose/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/extend/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/approve/", "post"): _deal_op(STAFF),
    ("/api/v1/deals/{id}/reject/", "post"): _deal_op(STAFF, body=lambda w: {"text": "Direct account"}),
    ("/api/v1/deals/{id}/request-info/", "post"): _deal_op(STAFF, body=lambda w: {"text": "Which sites?"}),
    ("/api/v1/agreement-templates/", "get"): Op(STAFF, AgreementOf("acme")),
    ("/api/v1/agreement-templates/{id}/", "get"): Op(STAFF, AgreementOf("acme"), [AgreementOf("globex")]),
    ("/api/v1/agreement-signatures/", "get"): Op(EVERYONE, SignatureOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/agreement-signatures/{id}/", "get"): Op(EVERYONE, SignatureOf("northwind"), [SignatureOf("initech")],
                                                      [SignatureOf("contoso")]),
    # The partner's own agreement, and signing it: for partner users (staff read the list).
    ("/api/v1/agreement-signatures/current/", "get"): Op(EVERYONE - STAFF, AgreementOf("acme"), key_ok=(403,)),
    ("/api/v1/agreement-signatures/sign/", "post"): Op(frozenset({Role.PARTNER_ADMIN}), AgreementOf("acme"), body=api_sign_body, ok=(201,),
                                                       creates=Signature, key_ok=(403,)),
    ("/api/v1/agreement-signatures/{id}/countersign/", "post"): Op(frozenset({Role.TENANT_ADMIN}), SignatureOf("northwind"), [SignatureOf("initech")],
                                                                   body=lambda w: {"typed_name": "Ada Acme"}, key_ok=(403,)),
    # Partner users list and read the items they may see; an item named for Contoso is Northwind's 404.
    ("/api/v1/content/", "get"): Op(EVERYONE, ContentOf("acme")),
    ("/api/v1/content/", "post"): Op(STAFF, body=api_item_body, ok=(201,), creates=ContentItem),
    ("/api/v1/content/{id}/", "get"): Op(EVERYONE, ContentOf("acme"), [ContentOf("globex")], [ContosoContent()]),
    ("/api/v1/content/{id}/", "put"): Op(STAFF, ContentOf("acme"), [ContentOf("globex")],
                                         body=lambda w: {"title": "Renamed", "category": "sales"}),
    ("/api/v1/content/{id}/", "patch"): Op(STAFF, ContentOf("acme"), [ContentOf("globex")], body=lambda w: {"title": "Renamed"}),
    ("/api/v1/content/{id}/retire/", "post"): Op(STAFF, ContentOf("acme"), [ContentOf("globex")]),
    ("/api/v1/content/{id}/download/", "get"): Op(EVERYONE, ContentOf("acme"), [ContentOf("globex")], [ContosoContent()]),
    ("/api/v1/applications/", "get"): Op(STAFF),
    ("/api/v1/applications/", "post"): Op(EVERYONE, body=_new_application, ok=(201,), creates=Application, public=True,
                                         extra=_fresh_client_ip),
    ("/api/v1/applications/questions/", "get"): Op(EVERYONE, public=True),
    ("/api/v1/applications/{id}/", "get"): Op(STAFF, ACME_APP, [GLOBEX_APP]),
    ("/api/v1/applications/{id}/approve/", "post"): Op(STAFF, ACME_APP, [GLOBEX_APP]),
    ("/api/v1/applications/{id}/reject/", "post"): Op(STAFF, ACME_APP, [GLOBEX_APP], body=lambda w: {"reason": "matrix"}),
    ("/api/v1/applications/{id}/request-info/", "post"): Op(STAFF, ACME_APP, [GLOBEX_APP], body=lambda w: {"question": "matrix?"}),
    # Partner users read their own profile; only their partner admins change it (staff edit at /partners/).
    ("/api/v1/partner-profiles/{id}/", "get"): Op(EVERYONE, _pk("northwind"), [_pk("initech")], [_pk("contoso")]),
    ("/api/v1/partner-profiles/{id}/", "put"): Op(frozenset({PA}), _pk("northwind"), [_pk("initech")], key_ok=(403,),
                                                  body=lambda w: {"name": "Northwind Traders", "city": "Leipzig"}),
    ("/api/v1/partner-profiles/{id}/", "patch"): Op(frozenset({PA}), _pk("northwind"), [_pk("initech")], key_ok=(403,),
                                                    body=lambda w: {"city": "Leipzig"}),
    ("/api/v1/profile-changes/", "get"): Op(EVERYONE, PendingChange("northwind"), partner_sees_own_only=True),
    ("/api/v1/profile-changes/{id}/", "get"): Op(EVERYONE, PendingChange("northwind"), [PendingChange("initech")],
                                                 [PendingChange("contoso")]),
    ("/api/v1/profile-changes/{id}/approve/", "post"): Op(STAFF, PendingChange("northwind"), [PendingChange("initech")]),
    ("/api/v1/profile-changes/{id}/reject/", "post"): Op(STAFF, PendingChange("northwind"), [PendingChange("initech")]),
    ("/api/v1/surveys/", "get"): Op(STAFF),
    ("/api/v1/surveys/", "post"): Op(STAFF, body=lambda w: {"name": "Quarterly pulse", "language": "de"}, ok=(201,), creates=Survey),
    ("/api/v1/surveys/{id}/", "get"): Op(STAFF, _pk("acme_survey"), [_pk("globex_survey")]),
    ("/api/v1/surveys/{id}/", "put"): Op(STAFF, _pk("acme_survey"), [_pk("globex_survey")], body=lambda w: {"name": "Renamed"}),
    ("/api/v1/surveys/{id}/", "patch"): Op(STAFF, _pk("acme_survey"), [_pk("globex_survey")], body=lambda w: {"ask_effort": False}),
    ("/api/v1/survey-invitations/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/survey-invitations/{id}/", "get"): Op(EVERYONE, _AnswerRef("northwind", "invitation"),
                                                    [_AnswerRef("initech", "invitation")], [_AnswerRef("contoso", "invitation")]),
    ("/api/v1/survey-answers/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/survey-answers/{id}/", "get"): Op(EVERYONE, _AnswerRef("northwind"), [_AnswerRef("initech")], [_AnswerRef("contoso")]),
    ("/api/v1/rankings/", "get"): Op(EVERYONE),
    ("/api/v1/follow-ups/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/follow-ups/{id}/", "get"): Op(EVERYONE, _pk("northwind_case"), [_pk("initech_case")], [_pk("contoso_case")]),
    ("/api/v1/follow-ups/{id}/record/", "post"): Op(EVERYONE, _pk("northwind_case"), [_pk("initech_case")], [_pk("contoso_case")],
                                                    body=lambda w: {"contacted": True, "root_cause": "Slow support"}),
    ("/api/v1/courses/", "get"): Op(EVERYONE, CourseOf("acme")),
    ("/api/v1/courses/", "post"): Op(STAFF, body=lambda w: {"name": "Matrix new course"}, ok=(201,), creates=Course),
    ("/api/v1/courses/{id}/", "get"): Op(EVERYONE, CourseOf("acme"), [CourseOf("globex")]),
    ("/api/v1/courses/{id}/", "put"): Op(STAFF, CourseOf("acme"), [CourseOf("globex")], body=lambda w: {"name": "Matrix course 2"}),
    ("/api/v1/courses/{id}/", "patch"): Op(STAFF, CourseOf("acme"), [CourseOf("globex")], body=lambda w: {"description": "Changed"}),
    ("/api/v1/completions/", "get"): Op(EVERYONE, ClaimOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/completions/", "post"): Op(STAFF, body=record_data, ok=(201,), creates=Completion),
    ("/api/v1/completions/{id}/", "get"): Op(EVERYONE, ClaimOf("northwind"), [ClaimOf("initech")], [ClaimOf("contoso")]),
    ("/api/v1/completions/{id}/approve/", "post"): Op(STAFF, ClaimOf("northwind"), [ClaimOf("initech")]),
    ("/api/v1/completions/{id}/reject/", "post"): Op(STAFF, ClaimOf("northwind"), [ClaimOf("initech")], body=lambda w: {"reason": "matrix"}),
    # MDF: every write carries a fresh Idempotency-Key; budgets are the vendor's, partners request funds.
    ("/api/v1/mdf-budgets/", "get"): Op(STAFF, BudgetOf("acme")),
    ("/api/v1/mdf-budgets/", "post"): Op(STAFF, ok=(201,), creates=Budget, extra=_idempotency_key,
                                         body=lambda w: {"name": "Matrix new budget", "fiscal_year": 2026, "amount": "100"}),
    ("/api/v1/mdf-budgets/{id}/", "get"): Op(STAFF, BudgetOf("acme"), [BudgetOf("globex")]),
    ("/api/v1/mdf-budgets/{id}/fund/", "post"): Op(STAFF, BudgetOf("acme"), [BudgetOf("globex")], extra=_idempotency_key,
                                                   body=lambda w: {"amount": "100"}),
    ("/api/v1/mdf-allocations/", "get"): Op(EVERYONE, AllocationOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/mdf-allocations/", "post"): Op(STAFF, ok=(201,), creates=Allocation, extra=_idempotency_key,
                                             body=lambda w: {"budget": BudgetOf("acme")(w).pk, "partner": w.contoso.pk, "amount": "10"}),
    ("/api/v1/mdf-allocations/{id}/", "get"): Op(EVERYONE, AllocationOf("northwind"), [AllocationOf("initech")],
                                                 [AllocationOf("contoso")]),
    ("/api/v1/mdf-allocations/{id}/allocate/", "post"): Op(STAFF, AllocationOf("northwind"), [AllocationOf("initech")],
                                                           extra=_idempotency_key, body=lambda w: {"amount": "10"}),
    ("/api/v1/fund-requests/", "get"): Op(EVERYONE, FundRequestOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/fund-requests/", "post"): Op(PARTNER, ok=(201,), creates=FundRequest, key_ok=(403,), extra=_idempotency_key,
                                           body=request_body),
    ("/api/v1/fund-requests/{id}/", "get"): Op(EVERYONE, FundRequestOf("northwind"), [FundRequestOf("initech")],
                                               [FundRequestOf("contoso")]),
    ("/api/v1/fund-requests/{id}/approve/", "post"): Op(STAFF, FundRequestOf("northwind"), [FundRequestOf("initech")],
                                                        extra=_idempotency_key, body=lambda w: {"amount": "800"}),
    ("/api/v1/fund-requests/{id}/reject/", "post"): Op(STAFF, FundRequestOf("northwind"), [FundRequestOf("initech")],
                                                       extra=_idempotency_key, body=lambda w: {"text": "matrix"}),
    ("/api/v1/fund-requests/{id}/more-info/", "post"): Op(STAFF, FundRequestOf("northwind"), [FundRequestOf("initech")],
                                                          extra=_idempotency_key, body=lambda w: {"text": "matrix?"}),
    # The request is submitted, not waiting for an answer: an allowed answer is refused by the service (400).
    ("/api/v1/fund-requests/{id}/answer/", "post"): Op(PARTNER, FundRequestOf("northwind"), [FundRequestOf("initech")],
                                                       [FundRequestOf("contoso")], ok=(200, 400), key_ok=(403,),
                                                       extra=_idempotency_key, body=lambda w: {"text": "matrix"}),
    ("/api/v1/fund-requests/{id}/cancel/", "post"): Op(EVERYONE, FundRequestOf("northwind"), [FundRequestOf("initech")],
                                                       [FundRequestOf("contoso")], extra=_idempotency_key),
    ("/api/v1/mdf-ledger/", "get"): Op(EVERYONE, EntryOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/mdf-ledger/{id}/", "get"): Op(EVERYONE, EntryOf("northwind"), [EntryOf("initech")], [EntryOf("contoso")]),
    # MDF claims: partners claim (multipart, with proof) and withdraw; staff decide, pay and close requests.
    ("/api/v1/fund-requests/{id}/close/", "post"): Op(STAFF, ClaimedRequestOf("northwind"), [ClaimedRequestOf("initech")],
                                                      extra=_idempotency_key, body=lambda w: {"reason": "matrix"}),
    ("/api/v1/fund-claims/", "get"): Op(EVERYONE, FundClaimOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/fund-claims/", "post"): Op(PARTNER, ok=(201,), creates=Claim, key_ok=(403,), extra=claim_headers,
                                         body=claim_body),
    ("/api/v1/fund-claims/{id}/", "get"): Op(EVERYONE, FundClaimOf("northwind"), [FundClaimOf("initech")],
                                             [FundClaimOf("contoso")]),
    ("/api/v1/fund-claims/{id}/approve/", "post"): Op(STAFF, FundClaimOf("northwind"), [FundClaimOf("initech")],
                                                      extra=_idempotency_key, body=lambda w: {"amount": "150", "reason": "matrix"}),
    ("/api/v1/fund-claims/{id}/reject/", "post"): Op(STAFF, FundClaimOf("northwind"), [FundClaimOf("initech")],
                                                     extra=_idempotency_key, body=lambda w: {"reason": "matrix"}),
    ("/api/v1/fund-claims/{id}/withdraw/", "post"): Op(PARTNER, FundClaimOf("northwind"), [FundClaimOf("initech")],
                                                       [FundClaimOf("contoso")], key_ok=(403,), extra=_idempotency_key),
    ("/api/v1/fund-claim-proofs/", "get"): Op(EVERYONE, ProofOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/fund-claim-proofs/{id}/", "get"): Op(EVERYONE, ProofOf("northwind"), [ProofOf("initech")], [ProofOf("contoso")]),
    ("/api/v1/fund-claim-proofs/{id}/download/", "get"): Op(EVERYONE, ProofOf("northwind"), [ProofOf("initech")],
                                                            [ProofOf("contoso")]),
    ("/api/v1/mdf-payments/", "get"): Op(EVERYONE, PaymentOf("northwind"), partner_sees_own_only=True),
    ("/api/v1/mdf-payments/", "post"): Op(STAFF, ok=(201,), creates=Payment, extra=_idempotency_key, body=payment_body),
    ("/api/v1/mdf-payments/{id}/", "get"): Op(EVERYONE, PaymentOf("northwind"), [PaymentOf("initech")], [PaymentOf("contoso")]),
}


def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(path, method) for path, item in schema["paths"].items() for method in item if path.startswith("/api/v1/")}
