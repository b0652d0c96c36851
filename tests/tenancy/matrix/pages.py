"""The page table: one entry per (URL name, HTTP method, choice) handler of the dashboard and portal.

Each entry says who may use the handler, which object of the world its URL points at (and which
objects of another tenant or partner it must not reach), and for a write: the form data that makes
an allowed request really change something, and what to prepare first (e.g. submit a deal before
approving it). tests/tenancy/matrix/test_pages.py runs every entry as every kind of visitor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dealreg.forms import DealForm, RulesForm
from dealreg.models import Deal, ProductLine
from dealreg.rules import rules_for
from dealreg.services import deal_approve, deal_submit
from mdf.models import ActivityType, ApprovalLimit, Budget, Claim, FundRequest, MdfSettings
from partners.agreements.models import AgreementSettings, AgreementTemplate, Signature
from partners.checklist.models import ChecklistStep, PartnerChecklist
from partners.checklist.selectors import checklist_settings_for
from partners.content.models import ContentItem
from partners.forms import PartnerForm
from partners.imports.columns import FIELDS as IMPORT_FIELDS
from partners.imports.models import ImportStatus, PartnerImport
from partners.models import Partner, PartnerProfileSettings, ProfileChange
from partners.onboarding.models import Application, ApplicationQuestion
from partners.onboarding.selectors import onboarding_settings_for
from partners.services import partner_deactivate
from partners.tiers.models import Tier, TierSettings
from partners.training.models import Completion, CompletionImport, Course
from prm.api.models import ApiKey
from prm.invitations.models import Invitation
from prm.tenancy.context import tenant_context
from prm.tenancy.forms import ProgramSettingsForm
from prm.tenancy.models import Role, Tenant
from prm.tenancy.services import membership_deactivate
from surveys.forms import SurveyForm, SurveySettingsForm
from surveys.models import ImportBatch, PracticeNote, RelationshipSurvey, Survey
from surveys.services import settings_for

from .agreement_refs import AgreementOf, DraftOf, SignatureOf, sign_data
from .content_refs import ContentOf, ContentVersionOf, ContosoContent, item_form_data, version_upload_data
from .mdf_claim_refs import ClaimableOf, FundClaimOf, ProofOf, claim_approved, claim_form_data, payment_form_data
from .mdf_refs import ActivityTypeOf, BudgetOf, FundRequestOf, asked, keyed, request_form_data
from .probe import fresh
from .training_refs import ClaimOf, CompletionImportOf, CourseOf, claim_data, lms_upload, record_data

TA, CM, PA, PU = Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_USER
STAFF = frozenset({TA, CM})
PARTNER = frozenset({PA, PU})
EVERYONE = STAFF | PARTNER


@dataclass(frozen=True)
class Ref:
    """An object of the world, by attribute; its pk goes into the URL and it is the write's target."""

    attr: str

    def __call__(self, w):
        return getattr(w, self.attr)


@dataclass
class Page:
    allowed: frozenset
    own: Ref | None = None  # the object our URL points at (pk pages)
    foreign: tuple = ()  # objects of another tenant, or of another partner, that must be a 404
    ok: tuple = (200,)
    data: Callable = lambda w, obj: {}  # data(w, target): the request body of a write
    prepare: Callable | None = None  # prepare(w, obj): put the target in a state the write can change
    target: Callable | None = None  # target(w): the row a write without a pk would change
    creates: type | None = None  # the model a create page adds rows to
    effect: bool = True  # the allowed write changes something (so that "unchanged" means refused)

    def target_of(self, w, obj=None):
        return obj if obj is not None else (self.target(w) if self.target else None)


def _form_data(form_class, instance, **changes):
    """What the edit page's form would post back, with `changes` made."""
    tenant = instance if isinstance(instance, Tenant) else instance.tenant
    with tenant_context(tenant):  # a form may list the tenant's rows (the partner form's channel managers)
        form = form_class(instance=instance, **({"tenant": instance.tenant} if form_class is DealForm else {}))
    data = {}
    for name, bound in form.fields.items():
        value = form.initial.get(name, bound.initial)
        if hasattr(value, "all"):
            value = list(value.all())
        if isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is None or value is False:
            continue
        elif value is True:
            data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    data.update(changes)
    return data


def _in_acme(per_tenant_row, w):
    with tenant_context(w.acme):
        return per_tenant_row(w.acme)


def _admin_of(w, obj):
    return w.acme_admin if obj.tenant_id == w.acme.pk else w.globex_admin


def _submitted(w, deal):
    with tenant_context(deal.tenant):
        deal_submit(deal=fresh(deal), actor=None)


def _approved(w, deal):
    _submitted(w, deal)
    with tenant_context(deal.tenant):
        deal_approve(deal=fresh(deal), actor=_admin_of(w, deal).user)


def _partner_deactivated(w, partner):
    with tenant_context(partner.tenant):
        partner_deactivate(partner=fresh(partner), actor=_admin_of(w, partner).user, reason="matrix")


def _member_deactivated(w, membership):
    with tenant_context(membership.tenant):
        membership_deactivate(membership=fresh(membership), actor_membership=_admin_of(w, membership))


def _deal_data(w, obj=None, **changes):
    return {"customer_name": "Initrode", "customer_website": "initrode.example", "contact_name": "Kim Ro",
            "contact_email": "kim@initrode.example", "value": "30000", "currency": "USD",
            "expected_close_date": str(date.today() + timedelta(days=30)), **changes}


def _upload(w, obj=None):
    csv = b"name,email,company,partner\nAna,ana@fresh-customer.example,Fresh Co,Northwind Traders\n"
    return {"name": "Spring", "survey": w.acme_survey.pk, "file": SimpleUploadedFile("contacts.csv", csv, "text/csv")}


NORTHWIND, INITECH, CONTOSO = Ref("northwind"), Ref("initech"), Ref("contoso")
N_DEAL, C_DEAL, I_DEAL = Ref("northwind_deal"), Ref("contoso_deal"), Ref("initech_deal")


def _portal_deal_action(prepare):
    return Page(PARTNER, N_DEAL, (C_DEAL, I_DEAL), ok=(302,), prepare=prepare)


@dataclass(frozen=True)
class Applicant:
    """A confirmed application waiting for review in one tenant: made on first use in a test (the
    matrix's world has none), so the review pages have an own row and a foreign one."""

    attr: str  # the tenant's attribute; named like Ref's, which the tests print

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        with tenant_context(tenant):
            return Application.objects.filter(company="Matrix Applicant").first() or Application.objects.create(
                tenant=tenant, company="Matrix Applicant", website="matrix-applicant.example", country="DE",
                business_type="reseller", contact_name="Max Trix", contact_email="max@matrix-applicant.example",
                status="submitted")


ACME_APP, GLOBEX_APP = Applicant("acme"), Applicant("globex")


@dataclass(frozen=True)
class Question:
    """An application question of one tenant, made on first use in a test like Applicant."""

    attr: str

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        with tenant_context(tenant):
            return (ApplicationQuestion.objects.filter(text="Matrix question?").first()
                    or ApplicationQuestion.objects.create(tenant=tenant, text="Matrix question?"))


@dataclass(frozen=True)
class PendingChange:
    """A partner's requested change to its legal name, made on first use like Applicant."""

    attr: str  # the partner's attribute

    def __call__(self, w):
        partner = getattr(w, self.attr)
        with tenant_context(partner.tenant):
            return ProfileChange.objects.filter(partner=partner).first() or ProfileChange.objects.create(
                tenant=partner.tenant, partner=partner, field="name", old_value=partner.name, new_value=f"{partner.name} Ltd")


@dataclass(frozen=True)
class PartnerImportOf:
    """A checked partner import of one tenant (one new partner, no problems), made on first use like Applicant."""

    attr: str

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        with tenant_context(tenant):
            row = dict.fromkeys(IMPORT_FIELDS, "") | {"partner": "Matrix Import Partner"}
            return PartnerImport.objects.filter(filename="matrix.csv").first() or PartnerImport.objects.create(
                tenant=tenant, filename="matrix.csv", status=ImportStatus.CHECKED, columns={"partner": "Partner"},
                rows=[[2, *row.values()]], summary={"rows": 1, "partners_new": 1})


ACME_IMPORT, GLOBEX_IMPORT = PartnerImportOf("acme"), PartnerImportOf("globex")


def _partner_upload(w, obj=None):
    csv = b"Partner,Website,Country,Email\nMatrix Upload Partner,matrix-upload.example,DE,ana@matrix-upload.example\n"
    return {"file": SimpleUploadedFile("partners.csv", csv, "text/csv")}


@dataclass(frozen=True)
class ManualStep:
    """The first of two manual checklist steps of one tenant (so that it can move down), made on first use like Question."""

    attr: str

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        with tenant_context(tenant):
            steps = list(ChecklistStep.objects.filter(title__startswith="Matrix step").order_by("position"))
            while len(steps) < 2:
                steps.append(ChecklistStep.objects.create(tenant=tenant, kind="manual", title=f"Matrix step {len(steps) + 1}",
                                                          position=len(steps)))
            return steps[0]


@dataclass(frozen=True)
class TierOf:
    """A tier no partner is on, at the top of one tenant's ladder (so it can be moved down and deleted),
    made on first use like Question."""

    attr: str

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        with tenant_context(tenant):
            return (Tier.objects.filter(name="Matrix tier").first()
                    or Tier.objects.create(tenant=tenant, name="Matrix tier", rank=90))


def _tier_data(w, obj=None, **changes):
    """What the tier form posts: its fields and an empty row of requirements."""
    return {"name": "Matrix Platinum", "rank": "", "colour": "#5b6b7a", "description": "", "discount_percent": "30",
            "protection_days": "", "mdf_accrual_percent": "0", "points_multiplier": "1",
            "requirements-TOTAL_FORMS": "1", "requirements-INITIAL_FORMS": "0", "requirements-MIN_NUM_FORMS": "0",
            "requirements-MAX_NUM_FORMS": "20", "requirements-0-kind": "", "requirements-0-threshold": "", **changes}


def _onboarding(w, partner):
    Partner.unscoped.filter(pk=partner.pk).update(status="onboarding")


def _checklist_finished(w, partner):
    """Onboarding, its checklist finished, waiting for a manager to activate it."""
    _onboarding(w, partner)
    with tenant_context(partner.tenant):
        PartnerChecklist.objects.update_or_create(partner=partner, defaults={"tenant": partner.tenant, "finished_at": timezone.now()})


@dataclass(frozen=True)
class PartnerImportOf:
    """A checked partner import of one tenant (one new partner, no problems), made on first use like Applicant."""

    attr: str

    def __call__(self, w):
        tenant = getattr(w, self.attr)
        with tenant_context(tenant):
            row = dict.fromkeys(IMPORT_FIELDS, "") | {"partner": "Matrix Import Partner"}
            return PartnerImport.objects.filter(filename="matrix.csv").first() or PartnerImport.objects.create(
                tenant=tenant, filename="matrix.csv", status=ImportStatus.CHECKED, columns={"partner": "Partner"},
                rows=[[2, *row.values()]], summary={"rows": 1, "partners_new": 1})


ACME_IMPORT, GLOBEX_IMPORT = PartnerImportOf("acme"), PartnerImportOf("globex")


def _partner_upload(w, obj=None):
    csv = b"Partner,Website,Country,Email\nMatrix Upload Partner,matrix-upload.example,DE,ana@matrix-upload.example\n"
    return {"file": SimpleUploadedFile("partners.csv", csv, "text/csv")}


def _with_logo(w, partner):
    """A PNG logo on the partner (one small file in the test's own MEDIA_ROOT)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    name = "logos/matrix-logo.png"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16))
    Partner.unscoped.filter(pk=partner.pk).update(logo=name)


def _tier_named(partner, name):
    from partners.tiers.models import Tier
    return Tier.unscoped.get(tenant_id=partner.tenant_id, name=name)


def _tier_upgrade_pending(w, partner):
    """An upgrade to Gold waiting for approval (the evaluation's proposal when the program approves upgrades)."""
    from partners.tiers.models import TierChange
    with tenant_context(partner.tenant):
        TierChange.objects.create(tenant=partner.tenant, partner=partner, from_tier_id=fresh(partner).tier_id,
                                  to_tier=_tier_named(partner, "Gold"), direction="up", created_at=timezone.now())


def _tier_held(w, partner):
    from partners.tiers.models import PartnerTierHold
    with tenant_context(partner.tenant):
        PartnerTierHold.objects.create(tenant=partner.tenant, partner=partner, reason="matrix", created_at=timezone.now())


PAGES = {
    ("tiers:evaluations", "get", ""): Page(STAFF),
    # Enqueues the evaluation after commit; the test's transaction never commits.
    ("tiers:evaluate_now", "post", ""): Page(STAFF, ok=(302,), effect=False),
    ("tiers:evaluation_partner", "get", ""): Page(STAFF, NORTHWIND, (INITECH,)),
    ("tiers:evaluation_approve", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), prepare=_tier_upgrade_pending),
    ("tiers:evaluation_reject", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), prepare=_tier_upgrade_pending,
                                                  data=lambda w, obj: {"reason": "Not this quarter"}),
    ("tiers:evaluation_hold", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), data=lambda w, obj: {"reason": "matrix"}),
    ("tiers:evaluation_release", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), prepare=_tier_held),
    ("tiers:evaluation_override", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,),
                                                    data=lambda w, obj: {"tier": _tier_named(obj, "Gold").pk, "reason": "matrix"}),
    ("tiers:portal", "get", ""): Page(PARTNER),
    ("loyalty:portal", "get", ""): Page(PARTNER),
    ("dashboard_home", "get", ""): Page(STAFF),
    ("partners:dashboard_list", "get", ""): Page(STAFF),
    ("partners:dashboard_create", "get", ""): Page(STAFF),
    ("partners:dashboard_create", "post", ""): Page(STAFF, ok=(302,), creates=Partner,
                                                    data=lambda w, obj: {"name": "Brand New Partner", "status": "active", "country": "FR"}),
    ("partners:dashboard_detail", "get", ""): Page(STAFF, NORTHWIND, (INITECH,)),
    ("partners:dashboard_timeline", "get", ""): Page(STAFF, NORTHWIND, (INITECH,)),
    ("partners:dashboard_edit", "get", ""): Page(STAFF, NORTHWIND, (INITECH,)),
    ("partners:dashboard_edit", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,),
                                                  data=lambda w, obj: _form_data(PartnerForm, obj, notes="Changed by the matrix")),
    ("partners:dashboard_invite", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), creates=Invitation,
                                                    data=lambda w, obj: {"email": "fresh@northwind.example", "role": PU}),
    ("partners:dashboard_deactivate", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), data=lambda w, obj: {"reason": "matrix"}),
    # Contoso, not Northwind: deactivating Northwind would sign out the partner visitors of the matrix.
    ("partners:dashboard_reactivate", "post", ""): Page(STAFF, CONTOSO, (INITECH,), ok=(302,), prepare=_partner_deactivated),
    ("partner_imports:upload", "get", ""): Page(STAFF),
    ("partner_imports:upload", "post", ""): Page(STAFF, ok=(302,), creates=PartnerImport, data=_partner_upload),
    ("partner_imports:detail", "get", ""): Page(STAFF, ACME_IMPORT, (GLOBEX_IMPORT,)),
    ("partner_imports:confirm", "post", ""): Page(STAFF, ACME_IMPORT, (GLOBEX_IMPORT,), ok=(302,),
                                                  data=lambda w, obj: {"invite_users": "on"}),
    ("partner_imports:problems", "get", ""): Page(STAFF, ACME_IMPORT, (GLOBEX_IMPORT,)),
    ("team", "get", ""): Page(frozenset({TA})),
    ("program_settings", "get", ""): Page(frozenset({TA})),
    ("program_settings", "post", ""): Page(frozenset({TA}), ok=(302,), target=lambda w: w.acme,
                                           data=lambda w, obj: _form_data(ProgramSettingsForm, fresh(w.acme), default_language="de")),
    ("team", "post", ""): Page(frozenset({TA}), ok=(302,), creates=Invitation,
                               data=lambda w, obj: {"email": "fresh@acme.example", "role": CM}),
    ("membership_deactivate", "post", ""): Page(STAFF, Ref("northwind_rep"), (Ref("initech_admin"),), ok=(302,)),
    ("membership_reactivate", "post", ""): Page(STAFF, Ref("northwind_alumnus"), (Ref("initech_admin"),), ok=(302,),
                                                prepare=_member_deactivated),
    ("invitation_revoke", "post", ""): Page(STAFF, Ref("northwind_invitation"), (Ref("initech_invitation"),), ok=(302,)),
    ("invitation_resend", "post", ""): Page(STAFF, Ref("northwind_invitation"), (Ref("initech_invitation"),), ok=(302,)),
    ("api_keys", "get", ""): Page(frozenset({TA})),
    ("api_keys", "post", ""): Page(frozenset({TA}), ok=(302,), creates=ApiKey, data=lambda w, obj: {"name": "Matrix key"}),
    ("api_key_revoke", "post", ""): Page(frozenset({TA}), Ref("acme_key"), (Ref("globex_key"),), ok=(302,)),
    ("dealreg:dashboard_list", "get", ""): Page(STAFF),
    ("dealreg:dashboard_queue", "get", ""): Page(STAFF),
    # Ids of deals not in the tenant's queue are skipped, not refused: the target stays untouched.
    ("dealreg:dashboard_bulk_approve", "post", ""): Page(STAFF, ok=(302,), target=N_DEAL,
                                                         prepare=lambda w, obj: _submitted(w, w.northwind_deal),
                                                         data=lambda w, obj: {"deal": [w.northwind_deal.pk]}),
    ("dealreg:dashboard_export", "get", "csv"): Page(STAFF),
    ("dealreg:dashboard_export", "get", "xlsx"): Page(STAFF),
    ("dealreg:dashboard_detail", "get", ""): Page(STAFF, N_DEAL, (I_DEAL,)),
    ("dealreg:dashboard_approve", "post", ""): Page(STAFF, N_DEAL, (I_DEAL,), ok=(302,), prepare=_submitted),
    ("dealreg:dashboard_decide", "post", "reject"): Page(STAFF, N_DEAL, (I_DEAL,), ok=(302,), prepare=_submitted,
                                                         data=lambda w, obj: {"reason": "Direct account"}),
    ("dealreg:dashboard_decide", "post", "request-info"): Page(STAFF, N_DEAL, (I_DEAL,), ok=(302,), prepare=_submitted,
                                                               data=lambda w, obj: {"question": "Which sites?"}),
    ("dealreg:rules", "get", ""): Page(frozenset({TA})),
    ("dealreg:rules", "post", ""): Page(frozenset({TA}), ok=(302,), target=lambda w: _in_acme(rules_for, w),
                                        data=lambda w, obj: _form_data(RulesForm, _in_acme(rules_for, w), protection_days=77)),
    ("dealreg:product_lines", "get", ""): Page(STAFF),
    ("dealreg:product_lines", "post", ""): Page(STAFF, ok=(302,), creates=ProductLine, data=lambda w, obj: {"name": "Switches"}),
    ("dealreg:product_line_toggle", "post", ""): Page(STAFF, Ref("acme_product"), (Ref("globex_product"),), ok=(302,)),
    ("dealreg:portal_list", "get", ""): Page(PARTNER),
    ("dealreg:portal_create", "get", ""): Page(PARTNER),
    ("dealreg:portal_create", "post", ""): Page(PARTNER, ok=(302,), creates=Deal, data=_deal_data),
    # The live conflict check reads only.
    ("dealreg:portal_check", "post", ""): Page(PARTNER, effect=False, data=lambda w, obj: {"customer_name": "Fabrikam"}),
    ("dealreg:portal_detail", "get", ""): Page(PARTNER, N_DEAL, (C_DEAL, I_DEAL)),
    ("dealreg:portal_edit", "get", ""): Page(PARTNER, N_DEAL, (C_DEAL, I_DEAL)),
    ("dealreg:portal_edit", "post", ""): Page(PARTNER, N_DEAL, (C_DEAL, I_DEAL), ok=(302,),
                                              data=lambda w, obj: _deal_data(w, customer_name="Fabrikam Incorporated")),
    ("dealreg:portal_action", "post", "submit"): _portal_deal_action(None),
    ("dealreg:portal_action", "post", "withdraw"): _portal_deal_action(None),
    ("dealreg:portal_action", "post", "extend"): _portal_deal_action(_approved),
    ("dealreg:portal_action", "post", "win"): _portal_deal_action(_approved),
    ("dealreg:portal_action", "post", "lose"): _portal_deal_action(_approved),
    ("surveys:dashboard_home", "get", ""): Page(STAFF),
    # Enqueues the ranking task after commit; the test's transaction never commits.
    ("surveys:dashboard_run", "post", ""): Page(STAFF, ok=(302,), effect=False),
    ("surveys:dashboard_export", "get", "csv"): Page(STAFF),
    ("surveys:dashboard_export", "get", "xlsx"): Page(STAFF),
    ("surveys:dashboard_partner", "get", ""): Page(STAFF, NORTHWIND, (INITECH,)),
    ("surveys:dashboard_follow_ups", "get", ""): Page(STAFF),
    ("surveys:dashboard_follow_up", "get", ""): Page(STAFF, Ref("northwind_case"), (Ref("initech_case"),)),
    ("surveys:dashboard_practice_hide", "post", ""): Page(STAFF, Ref("acme_note"), (Ref("globex_note"),), ok=(302,)),
    ("surveys:dashboard_surveys", "get", ""): Page(STAFF),
    ("surveys:dashboard_surveys", "post", ""): Page(STAFF, ok=(302,), creates=Survey,
                                                    data=lambda w, obj: {"name": "Quarterly", "language": "en", "nps_question": "How likely?"}),
    ("surveys:dashboard_survey_edit", "get", ""): Page(STAFF, Ref("acme_survey"), (Ref("globex_survey"),)),
    ("surveys:dashboard_survey_preview", "get", ""): Page(STAFF, Ref("acme_survey"), (Ref("globex_survey"),)),
    ("surveys:dashboard_survey_edit", "post", ""): Page(STAFF, Ref("acme_survey"), (Ref("globex_survey"),), ok=(302,),
                                                        data=lambda w, obj: _form_data(SurveyForm, obj, name="Renamed")),
    ("surveys:dashboard_campaigns", "get", ""): Page(STAFF),
    ("surveys:dashboard_campaigns", "post", ""): Page(STAFF, creates=ImportBatch, data=_upload),
    ("surveys:dashboard_import_confirm", "post", ""): Page(STAFF, Ref("northwind_batch"), (Ref("initech_batch"),), ok=(302,)),
    ("surveys:dashboard_import_problems", "get", ""): Page(STAFF, Ref("northwind_batch"), (Ref("initech_batch"),)),
    ("surveys:dashboard_campaign", "get", ""): Page(STAFF, Ref("northwind_campaign"), (Ref("initech_campaign"),)),
    ("surveys:settings", "get", ""): Page(frozenset({TA})),
    ("surveys:settings", "post", ""): Page(frozenset({TA}), ok=(302,), target=lambda w: _in_acme(settings_for, w),
                                           data=lambda w, obj: _form_data(SurveySettingsForm, _in_acme(settings_for, w), quarantine_days=45)),
    ("surveys:relationship_list", "get", ""): Page(STAFF),
    ("surveys:relationship_list", "post", ""): Page(STAFF, ok=(302,), creates=RelationshipSurvey,
                                                    data=lambda w, obj: {"name": "Autumn pulse", "closes_on": str(date.today() + timedelta(days=14))}),
    ("surveys:relationship_results", "get", ""): Page(STAFF, Ref("acme_pulse"), (Ref("globex_pulse"),)),
    ("surveys:portal_home", "get", ""): Page(PARTNER),
    # Publishing needs a top-quartile score, which no partner of the world has: refused by the service.
    ("surveys:portal_home", "post", ""): Page(PARTNER, ok=(302,), creates=PracticeNote, effect=False,
                                              data=lambda w, obj: {"text": "We call back within the hour."}),
    ("surveys:portal_follow_ups", "get", ""): Page(PARTNER),
    ("surveys:portal_follow_up", "get", ""): Page(PARTNER, Ref("northwind_case"), (Ref("contoso_case"), Ref("initech_case"))),
    ("surveys:portal_follow_up", "post", ""): Page(PARTNER, Ref("northwind_case"), (Ref("contoso_case"), Ref("initech_case")),
                                                   ok=(302,), data=lambda w, obj: {"contacted": "on", "root_cause": "Slow support"}),
    ("surveys:portal_campaigns", "get", ""): Page(frozenset({PA})),
    ("surveys:portal_campaigns", "post", ""): Page(frozenset({PA}), creates=ImportBatch, data=_upload),
    ("surveys:portal_import_confirm", "post", ""): Page(frozenset({PA}), Ref("northwind_batch"),
                                                        (Ref("contoso_batch"), Ref("initech_batch")), ok=(302,)),
    ("surveys:portal_import_problems", "get", ""): Page(frozenset({PA}), Ref("northwind_batch"),
                                                        (Ref("contoso_batch"), Ref("initech_batch"))),
    ("surveys:portal_campaign", "get", ""): Page(frozenset({PA}), Ref("northwind_campaign"),
                                                 (Ref("contoso_campaign"), Ref("initech_campaign"))),
    ("onboarding:queue", "get", ""): Page(STAFF),
    ("onboarding:settings", "get", ""): Page(frozenset({TA})),
    ("onboarding:settings", "post", ""): Page(frozenset({TA}), ok=(302,), target=lambda w: _in_acme(onboarding_settings_for, w),
                                              data=lambda w, obj: {"auto_approve_domains": "matrix.example"}),
    ("onboarding:question_toggle", "post", ""): Page(frozenset({TA}), Question("acme"), (Question("globex"),), ok=(302,)),
    ("onboarding:detail", "get", ""): Page(STAFF, ACME_APP, (GLOBEX_APP,)),
    ("onboarding:approve", "post", ""): Page(STAFF, ACME_APP, (GLOBEX_APP,), ok=(302,), data=lambda w, obj: {"owner": ""}),
    ("onboarding:reject", "post", ""): Page(STAFF, ACME_APP, (GLOBEX_APP,), ok=(302,), data=lambda w, obj: {"reason": "matrix"}),
    ("onboarding:request_info", "post", ""): Page(STAFF, ACME_APP, (GLOBEX_APP,), ok=(302,),
                                                  data=lambda w, obj: {"question": "matrix?"}),
    ("partners:dashboard_logo", "get", ""): Page(STAFF, NORTHWIND, (INITECH,), prepare=_with_logo),
    ("partners:change_approve", "post", ""): Page(STAFF, PendingChange("northwind"), (PendingChange("initech"),), ok=(302,)),
    ("partners:change_reject", "post", ""): Page(STAFF, PendingChange("northwind"), (PendingChange("initech"),), ok=(302,)),
    ("partners:profile_settings", "get", ""): Page(frozenset({TA})),
    ("partners:profile_settings", "post", ""): Page(frozenset({TA}), ok=(302,), creates=PartnerProfileSettings,
                                                    data=lambda w, obj: {"sensitive_fields": ["name", "website"]}),
    ("checklist:steps", "get", ""): Page(STAFF),
    ("checklist:steps", "post", ""): Page(STAFF, ok=(302,), creates=ChecklistStep,
                                          data=lambda w, obj: {"kind": "manual", "title": "Kick-off call"}),
    ("checklist:step_edit", "get", ""): Page(STAFF, ManualStep("acme"), (ManualStep("globex"),)),
    ("checklist:step_edit", "post", ""): Page(STAFF, ManualStep("acme"), (ManualStep("globex"),), ok=(302,),
                                              data=lambda w, obj: {"title": "Renamed by the matrix"}),
    ("checklist:step_move", "post", ""): Page(STAFF, ManualStep("acme"), (ManualStep("globex"),), ok=(302,),
                                              data=lambda w, obj: {"direction": "down"}),
    ("checklist:step_remove", "post", ""): Page(STAFF, ManualStep("acme"), (ManualStep("globex"),), ok=(302,)),
    ("checklist:settings", "get", ""): Page(frozenset({TA})),
    ("checklist:settings", "post", ""): Page(frozenset({TA}), ok=(302,), target=lambda w: _in_acme(checklist_settings_for, w),
                                             data=lambda w, obj: {"activation": "manager", "stuck_after_days": 45,
                                                                  "remind_every_days": 7}),
    ("checklist:stuck", "get", ""): Page(STAFF),
    ("checklist:partner", "get", ""): Page(STAFF, NORTHWIND, (INITECH,)),
    ("checklist:tick", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), prepare=_onboarding,
                                         data=lambda w, obj: {"step": ManualStep("acme")(w).pk, "done": "on"}),
    ("checklist:activate", "post", ""): Page(STAFF, NORTHWIND, (INITECH,), ok=(302,), prepare=_checklist_finished),
    ("checklist:portal", "get", ""): Page(PARTNER),
    ("tiers:list", "get", ""): Page(STAFF),
    ("tiers:create", "get", ""): Page(frozenset({TA})),
    ("tiers:create", "post", ""): Page(frozenset({TA}), ok=(302,), creates=Tier, data=_tier_data),
    ("tiers:edit", "get", ""): Page(frozenset({TA}), TierOf("acme"), (TierOf("globex"),)),
    ("tiers:edit", "post", ""): Page(frozenset({TA}), TierOf("acme"), (TierOf("globex"),), ok=(302,),
                                     data=lambda w, obj: _tier_data(w, name="Matrix tier", rank="91")),
    ("tiers:move", "post", ""): Page(frozenset({TA}), TierOf("acme"), (TierOf("globex"),), ok=(302,),
                                     data=lambda w, obj: {"direction": "down"}),
    ("tiers:delete", "post", ""): Page(frozenset({TA}), TierOf("acme"), (TierOf("globex"),), ok=(302,)),
    ("tiers:settings", "get", ""): Page(frozenset({TA})),
    ("tiers:settings", "post", ""): Page(frozenset({TA}), ok=(302,), data=lambda w, obj: {"upgrades": "approval", "grace_days": "45"},
                                         target=lambda w: _in_acme(lambda t: TierSettings.objects.get_or_create(tenant=t)[0], w)),
    ("portal_home", "get", ""): Page(PARTNER),
    ("portal:profile", "get", ""): Page(PARTNER),
    # Everyone at the partner sees the profile; only partner admins edit it.
    ("portal:profile", "post", ""): Page(frozenset({PA}), ok=(302,), target=lambda w: w.northwind,
                                         data=lambda w, obj: {"name": obj.name, "country": "DE", "city": "Leipzig"}),
    ("portal:logo", "get", ""): Page(PARTNER, NORTHWIND, (CONTOSO, INITECH), prepare=_with_logo),
    ("portal:team", "get", ""): Page(PARTNER),
    # The team page is for every partner user; inviting from it is for partner admins only.
    ("portal:team", "post", ""): Page(frozenset({PA}), ok=(302,), creates=Invitation,
                                      data=lambda w, obj: {"email": "fresh@northwind.example", "role": PU}),
    ("portal:member_deactivate", "post", ""): Page(frozenset({PA}), Ref("northwind_rep"), (Ref("contoso_rep"), Ref("initech_admin")), ok=(302,)),
    ("portal:member_reactivate", "post", ""): Page(frozenset({PA}), Ref("northwind_alumnus"), (Ref("contoso_rep"), Ref("initech_admin")), ok=(302,),
                                                   prepare=_member_deactivated),
    ("portal:invitation_resend", "post", ""): Page(frozenset({PA}), Ref("northwind_invitation"),
                                                   (Ref("contoso_invitation"), Ref("initech_invitation")), ok=(302,)),
    ("portal:invitation_revoke", "post", ""): Page(frozenset({PA}), Ref("northwind_invitation"),
                                                   (Ref("contoso_invitation"), Ref("initech_invitation")), ok=(302,)),
    ("agreements:list", "get", ""): Page(frozenset({TA})),
    ("agreements:create", "get", ""): Page(frozenset({TA})),
    ("agreements:create", "post", ""): Page(frozenset({TA}), ok=(302,), creates=AgreementTemplate,
                                            data=lambda w, obj: {"title": "Matrix terms", "body": "Terms for {{ partner_name }}."}),
    ("agreements:settings", "get", ""): Page(frozenset({TA})),
    ("agreements:settings", "post", ""): Page(frozenset({TA}), ok=(302,), data=lambda w, obj: {"resign_days": "45"},
                                              target=lambda w: _in_acme(lambda t: AgreementSettings.objects.get_or_create(tenant=t)[0], w)),
    ("agreements:template", "get", ""): Page(frozenset({TA}), AgreementOf("acme"), (AgreementOf("globex"),)),
    ("agreements:template", "post", ""): Page(frozenset({TA}), AgreementOf("acme"), (AgreementOf("globex"),), ok=(302,),
                                              data=lambda w, obj: {"title": "Matrix agreement", "countries": ["US"]}),
    ("agreements:draft", "get", ""): Page(frozenset({TA}), AgreementOf("acme"), (AgreementOf("globex"),)),
    # The draft (a version row) is what changes; the template's own row and trail are watched here.
    ("agreements:draft", "post", ""): Page(frozenset({TA}), AgreementOf("acme"), (AgreementOf("globex"),), ok=(302,),
                                           data=lambda w, obj: {"body": "Terms, revised by the matrix."}),
    ("agreements:preview", "get", ""): Page(frozenset({TA}), DraftOf("acme"), (DraftOf("globex"),)),
    ("agreements:publish", "post", ""): Page(frozenset({TA}), DraftOf("acme"), (DraftOf("globex"),), ok=(302,)),
    ("agreements:signature", "get", ""): Page(STAFF, SignatureOf("northwind"), (SignatureOf("initech"),)),
    ("agreements:signature", "post", ""): Page(frozenset({TA}), SignatureOf("northwind"), (SignatureOf("initech"),), ok=(302,),
                                               data=lambda w, obj: {"typed_name": "Ada Acme"}),
    ("agreements:signature_pdf", "get", ""): Page(STAFF, SignatureOf("northwind"), (SignatureOf("initech"),)),
    ("agreements:portal_sign", "get", ""): Page(PARTNER),
    ("agreements:portal_sign", "post", ""): Page(frozenset({PA}), ok=(302,), creates=Signature, data=sign_data),
    ("agreements:portal_signature_pdf", "get", ""): Page(PARTNER, SignatureOf("northwind"),
                                                         (SignatureOf("contoso"), SignatureOf("initech"))),
    ("training:courses", "get", ""): Page(STAFF),
    ("training:courses", "post", ""): Page(STAFF, ok=(302,), creates=Course, data=lambda w, obj: {"name": "Matrix new course"}),
    ("training:course_edit", "get", ""): Page(STAFF, CourseOf("acme"), (CourseOf("globex"),)),
    ("training:course_edit", "post", ""): Page(STAFF, CourseOf("acme"), (CourseOf("globex"),), ok=(302,),
                                               data=lambda w, obj: {"name": "Matrix course", "validity_months": "6"}),
    ("training:course_toggle", "post", ""): Page(STAFF, CourseOf("acme"), (CourseOf("globex"),), ok=(302,)),
    ("training:completions", "get", ""): Page(STAFF),
    ("training:completions", "post", ""): Page(STAFF, ok=(302,), creates=Completion, data=record_data),
    ("training:approve", "post", ""): Page(STAFF, ClaimOf("northwind"), (ClaimOf("initech"),), ok=(302,)),
    ("training:reject", "post", ""): Page(STAFF, ClaimOf("northwind"), (ClaimOf("initech"),), ok=(302,),
                                          data=lambda w, obj: {"reason": "matrix"}),
    ("training:certificate", "get", ""): Page(STAFF, ClaimOf("northwind"), (ClaimOf("initech"),)),
    ("training:import_upload", "post", ""): Page(STAFF, ok=(302,), creates=CompletionImport, data=lms_upload),
    ("training:import", "get", ""): Page(STAFF, CompletionImportOf("acme"), (CompletionImportOf("globex"),)),
    ("training:import_confirm", "post", ""): Page(STAFF, CompletionImportOf("acme"), (CompletionImportOf("globex"),), ok=(302,)),
    ("training:coverage", "get", ""): Page(STAFF),
    ("training:portal", "get", ""): Page(PARTNER),
    ("training:portal", "post", ""): Page(PARTNER, ok=(302,), creates=Completion, data=claim_data),
    ("training:portal_certificate", "get", ""): Page(PARTNER, ClaimOf("northwind"), (ClaimOf("contoso"), ClaimOf("initech"))),
    ("content:list", "get", ""): Page(STAFF),
    ("content:unused", "get", ""): Page(STAFF),
    ("content:create", "get", ""): Page(STAFF),
    ("content:create", "post", ""): Page(STAFF, ok=(302,), creates=ContentItem, data=item_form_data),
    ("content:item", "get", ""): Page(STAFF, ContentOf("acme"), (ContentOf("globex"),)),
    ("content:item", "post", ""): Page(STAFF, ContentOf("acme"), (ContentOf("globex"),), ok=(302,),
                                       data=lambda w, obj: item_form_data(w, obj, title="Renamed by the matrix")),
    ("content:upload", "post", ""): Page(STAFF, ContentOf("acme"), (ContentOf("globex"),), ok=(302,), data=version_upload_data),
    ("content:retire", "post", ""): Page(STAFF, ContentOf("acme"), (ContentOf("globex"),), ok=(302,)),
    ("content:version_download", "get", ""): Page(STAFF, ContentVersionOf("acme"), (ContentVersionOf("globex"),)),
    ("content:portal_list", "get", ""): Page(PARTNER),
    # An item named for Contoso is Northwind's 404 like Globex's: visibility is the partner's scope here.
    ("content:portal_item", "get", ""): Page(PARTNER, ContentOf("acme"), (ContentOf("globex"), ContosoContent())),
    ("content:portal_download", "get", ""): Page(PARTNER, ContentOf("acme"), (ContentOf("globex"), ContosoContent())),
    ("mdf:dashboard", "get", ""): Page(STAFF),
    ("mdf:dashboard", "post", ""): Page(STAFF, ok=(302,), creates=Budget,
                                        data=keyed(name="Matrix page budget", fiscal_year="2026", amount="100")),
    ("mdf:budget", "get", ""): Page(STAFF, BudgetOf("acme"), (BudgetOf("globex"),)),
    ("mdf:budget_fund", "post", ""): Page(STAFF, BudgetOf("acme"), (BudgetOf("globex"),), ok=(302,), data=keyed(amount="100")),
    ("mdf:allocate", "post", ""): Page(STAFF, BudgetOf("acme"), (BudgetOf("globex"),), ok=(302,),
                                       data=lambda w, obj: keyed(partner=w.contoso.pk, amount="10")(w, obj)),
    # No partner of the world is on a tier with an accrual percentage: the run finds nothing to accrue.
    ("mdf:accrue", "post", ""): Page(STAFF, BudgetOf("acme"), (BudgetOf("globex"),), ok=(302,), effect=False),
    ("mdf:settings", "get", ""): Page(frozenset({TA})),
    ("mdf:settings", "post", ""): Page(frozenset({TA}), ok=(302,), creates=MdfSettings,
                                       data=lambda w, obj: {"fiscal_year_start_month": "4", "notice_business_days": "10",
                                                            "vendor_share_percent": "50", "claim_days": "45", "unspent": "expire",
                                                            "unspent_offset_days": "0"}),
    ("mdf:activity_type_add", "post", ""): Page(frozenset({TA}), ok=(302,), creates=ActivityType,
                                                data=lambda w, obj: {"name": "Matrix new activity"}),
    ("mdf:activity_type_toggle", "post", ""): Page(frozenset({TA}), ActivityTypeOf("acme"), (ActivityTypeOf("globex"),), ok=(302,)),
    ("mdf:approval_limit", "post", ""): Page(frozenset({TA}), ok=(302,), creates=ApprovalLimit,
                                             data=lambda w, obj: {"membership": w.acme_manager.pk, "max_amount": "500"}),
    ("mdf:requests", "get", ""): Page(STAFF),
    ("mdf:request", "get", ""): Page(STAFF, FundRequestOf("northwind"), (FundRequestOf("initech"),)),
    ("mdf:request_approve", "post", ""): Page(STAFF, FundRequestOf("northwind"), (FundRequestOf("initech"),), ok=(302,),
                                              data=keyed(amount="800", allocation="")),
    ("mdf:request_reject", "post", ""): Page(STAFF, FundRequestOf("northwind"), (FundRequestOf("initech"),), ok=(302,),
                                             data=keyed(text="matrix")),
    ("mdf:request_more_info", "post", ""): Page(STAFF, FundRequestOf("northwind"), (FundRequestOf("initech"),), ok=(302,),
                                                data=keyed(text="matrix?")),
    ("mdf:request_cancel", "post", ""): Page(STAFF, FundRequestOf("northwind"), (FundRequestOf("initech"),), ok=(302,),
                                             data=keyed(text="matrix")),
    ("mdf:portal", "get", ""): Page(PARTNER),
    ("mdf:portal_new", "get", ""): Page(PARTNER),
    ("mdf:portal_new", "post", ""): Page(PARTNER, ok=(302,), creates=FundRequest, data=request_form_data),
    ("mdf:portal_request", "get", ""): Page(PARTNER, FundRequestOf("northwind"), (FundRequestOf("contoso"), FundRequestOf("initech"))),
    ("mdf:portal_answer", "post", ""): Page(PARTNER, FundRequestOf("northwind"), (FundRequestOf("contoso"), FundRequestOf("initech")),
                                            ok=(302,), prepare=asked, data=keyed(text="Leipzig")),
    ("mdf:portal_cancel", "post", ""): Page(PARTNER, FundRequestOf("northwind"), (FundRequestOf("contoso"), FundRequestOf("initech")),
                                            ok=(302,), data=keyed()),
    # Claims and payments: a partner claims against its own approved, ended request only; staff decide and pay.
    ("mdf:portal_claim", "post", ""): Page(PARTNER, ClaimableOf("northwind"), (ClaimableOf("contoso"), ClaimableOf("initech")),
                                           ok=(302,), creates=Claim, data=claim_form_data),
    ("mdf:portal_claim_withdraw", "post", ""): Page(PARTNER, FundClaimOf("northwind"),
                                                    (FundClaimOf("contoso"), FundClaimOf("initech")), ok=(302,), data=keyed()),
    ("mdf:portal_proof", "get", ""): Page(PARTNER, ProofOf("northwind"), (ProofOf("contoso"), ProofOf("initech"))),
    ("mdf:claims", "get", ""): Page(STAFF),
    ("mdf:claim", "get", ""): Page(STAFF, FundClaimOf("northwind"), (FundClaimOf("initech"),)),
    ("mdf:claim_approve", "post", ""): Page(STAFF, FundClaimOf("northwind"), (FundClaimOf("initech"),), ok=(302,),
                                            data=keyed(amount="", reason="")),
    ("mdf:claim_reject", "post", ""): Page(STAFF, FundClaimOf("northwind"), (FundClaimOf("initech"),), ok=(302,),
                                           data=keyed(reason="matrix")),
    ("mdf:claim_pay", "post", ""): Page(STAFF, FundClaimOf("northwind"), (FundClaimOf("initech"),), ok=(302,),
                                        prepare=claim_approved, data=payment_form_data),
    ("mdf:proof", "get", ""): Page(STAFF, ProofOf("northwind"), (ProofOf("initech"),)),
    ("mdf:proof_image", "get", ""): Page(STAFF, ProofOf("northwind"), (ProofOf("initech"),)),
    ("mdf:request_close", "post", ""): Page(STAFF, ClaimableOf("northwind"), (ClaimableOf("initech"),), ok=(302,),
                                            data=keyed(text="matrix")),
    ("mdf:payments", "get", ""): Page(STAFF),
    ("mdf:payments_export", "get", "csv"): Page(STAFF),
    ("mdf:payments_export", "get", "xlsx"): Page(STAFF),
    ("mdf:roi", "get", ""): Page(STAFF),
    ("mdf:roi_export", "get", "csv"): Page(STAFF),
    ("mdf:roi_export", "get", "xlsx"): Page(STAFF),
    ("mdf:utilisation", "get", ""): Page(STAFF),
    ("mdf:utilisation_export", "get", "csv"): Page(STAFF),
    ("mdf:utilisation_export", "get", "xlsx"): Page(STAFF),
}

# Public pages: reachable without an account on a tenant host; 404 on unknown hosts. Every method
# their views handle is tried (see handlers.py); the kwargs point at nothing real.
PUBLIC = {
    "home": {},
    "favicon": {},
    "invitation_accept": {"token": "not-a-real-token"},
    "api_schema": {},
    "api_docs": {},
    "api_not_found": {},  # the API's JSON 404 for unmatched /api/…/ URLs: it has no handler to try
    "account_login": {},
    "account_signup": {},
    "account_inactive": {},
    "account_reset_password": {},
    "account_reset_password_done": {},
    "account_reset_password_from_key": {"uidb36": "1", "key": "set-password"},
    "account_reset_password_from_key_done": {},
    "account_email_verification_sent": {},
    "account_confirm_email": {"key": "bogus-key"},
    "account_confirm_login_code": {},
    "account_request_login_code": {},
    "mfa_authenticate": {},
    "account_logout": {},
    "survey_thanks": {},
    "survey_answer": {"token": "forged-token"},
    "survey_unsubscribe": {"token": "forged-token"},
    "relationship_answer": {"token": "forged-token"},
    "onboarding:apply": {},
    "onboarding:apply_thanks": {},
    "onboarding:application_link": {"token": "forged-token"},
}

# Account pages: about the signed-in person only, so the checks are "sign in first" and "no 5xx".
ACCOUNT = [
    "account_profile", "account_reauthenticate", "account_email", "account_change_password", "account_set_password",
    "mfa_index", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
]
