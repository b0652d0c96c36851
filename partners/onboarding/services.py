"""Every write of partner onboarding: applying, confirming, and the review moves."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import PartnerStatus
from partners.names import normalize_company_name, normalize_domain
from partners.services import partner_create
from prm.audit.services import Actor, audit_record
from prm.invitations.services import invitation_create
from prm.tenancy.models import STAFF_ROLES, Membership, Role, Tenant

from . import emails
from .audit_verbs import OnboardingVerb
from .models import Application, ApplicationQuestion, OnboardingSettings, QuestionKind
from .selectors import duplicates_for, onboarding_settings_for
from .states import TRANSITIONS, illegal_message

AUTO_APPROVAL = "auto-approval (email domain)"


def _move(application: Application, action: str, actor: Actor, *, data: dict[str, Any] | None = None,
          **changes: Any) -> Application:
    """Move `application` along one edge of the lifecycle, or refuse with the reason."""
    sources, target, _refusal = TRANSITIONS[action]
    changes = {"status": target, "updated_at": timezone.now(), **changes}
    if not Application.objects.filter(pk=application.pk, status__in=sources).update(**changes):
        raise ValidationError(illegal_message(action))
    previous = application.status
    for name, value in changes.items():
        setattr(application, name, value)
    audit_record(tenant=application.tenant, actor=actor, verb=OnboardingVerb.of_move(action), target=application, from_state=previous,
                 to_state=target, data=data)
    return application


@transaction.atomic
def application_create(*, tenant: Tenant, questions: list[ApplicationQuestion], answers: dict[int, str],
                       language: str, **fields: Any) -> Application:
    """A new application, waiting for its contact to confirm the email address (a link is emailed)."""
    application = Application(tenant=tenant, language=language, **fields)
    application.answers = [{"question": q.text, "answer": answers.get(q.pk, "")} for q in questions]
    application.name_normalized = normalize_company_name(application.company)[:200]
    application.domain = normalize_domain(application.website)
    application.matched_partner, application.duplicate_of = duplicates_for(application)
    application.full_clean()
    application.save()
    audit_record(tenant=tenant, actor=application.contact_email, verb=OnboardingVerb.APPLICATION_RECEIVED,
                 target=application, to_state=application.status)
    emails.send_confirm_email(application)  # an outbox row, in the same transaction; sent after commit
    return application


@transaction.atomic
def application_confirm(*, application: Application) -> Application:
    """The contact followed the emailed link: the application reaches the queue (or is auto-approved)."""
    _move(application, "confirm", application.contact_email, confirmed_at=timezone.now())
    email_domain = application.contact_email.rpartition("@")[2].lower()
    if email_domain in onboarding_settings_for(application.tenant).domains and not application.is_flagged:
        inviter = (Membership.objects.filter(role=Role.TENANT_ADMIN, is_active=True).order_by("created_at").first())
        if inviter is not None:
            return _approve(application, actor=AUTO_APPROVAL, inviter=inviter, owner=None)
    return application


def _approve(application: Application, *, actor: Actor, inviter: Membership, owner: Membership | None) -> Application:
    partner = partner_create(tenant=application.tenant, actor=actor, name=application.company,
                             status=PartnerStatus.ONBOARDING, business_type=application.business_type,
                             country=application.country,
                             website=_as_url(application.website), primary_contact_name=application.contact_name,
                             primary_contact_email=application.contact_email)
    partner.owner = owner
    partner.save(update_fields=["owner"])
    _move(application, "approve", actor, partner=partner,
          reviewed_by=inviter.user if actor != AUTO_APPROVAL else None,
          data={"owner": owner.user.email if owner else ""})
    invitation_create(tenant=application.tenant, actor_membership=inviter, email=application.contact_email,
                      role=Role.PARTNER_ADMIN, partner=partner)
    return application


def _as_url(website: str) -> str:
    value = website.strip()
    return value if "://" in value else f"https://{value}"


@transaction.atomic
def application_approve(*, application: Application, actor_membership: Membership,
                        owner: Membership | None = None, actor: Actor = None) -> Application:
    """Create the partner in onboarding, invite the applicant as its partner admin, assign its channel manager
    (the approving manager unless another is chosen). `actor` names who approved when it is not the member
    (an API key, which invites through the membership of the admin who created it)."""
    owner = owner or actor_membership
    if owner.role not in STAFF_ROLES or not owner.is_active or owner.tenant_id != application.tenant_id:
        raise ValidationError({"owner": _("Choose an active channel manager of this program.")})
    return _approve(application, actor=actor or actor_membership.user, inviter=actor_membership, owner=owner)


@transaction.atomic
def application_reject(*, application: Application, actor: Actor, reason: str) -> Application:
    """Turn the application down; the reason is emailed to the applicant."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is rejected; the applicant reads it.")})
    _move(application, "reject", actor, reject_reason=reason, data={"note": reason})
    emails.send_rejection(application)  # an outbox row, in the same transaction; sent after commit
    return application


@transaction.atomic
def application_request_info(*, application: Application, actor: Actor, question: str) -> Application:
    """Ask the applicant for more; they answer by the emailed link."""
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Write what the applicant should tell you.")})
    _move(application, "request_info", actor, info_request=question, data={"note": question})
    emails.send_info_request(application)  # an outbox row, in the same transaction; sent after commit
    return application


@transaction.atomic
def application_provide_info(*, application: Application, answer: str) -> Application:
    """The applicant's answer: back in the queue, the answer in the application's timeline."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write your answer.")})
    return _move(application, "provide_info", application.contact_email, data={"note": answer})



@transaction.atomic
def onboarding_settings_update(*, tenant: Tenant, actor: Actor, auto_approve_domains: str) -> OnboardingSettings:
    """The email domains whose applications skip review (one per line, normalised)."""
    settings = onboarding_settings_for(tenant)
    domains = sorted({normalize_domain(line) for line in auto_approve_domains.splitlines() if line.strip()})
    if "" in domains:
        raise ValidationError({"auto_approve_domains": _("Write one email domain per line, such as example.com.")})
    settings.auto_approve_domains = "\n".join(domains)
    settings.save(update_fields=["auto_approve_domains"])
    audit_record(tenant=tenant, actor=actor, verb=OnboardingVerb.SETTINGS_UPDATED, target=settings,
                 data={"auto_approve_domains": domains})
    return settings


@transaction.atomic
def question_create(*, tenant: Tenant, actor: Actor, text: str, kind: str, choices: str = "",
                    required: bool = False) -> ApplicationQuestion:
    """A question every new applicant answers; a choice question needs at least two options."""
    question = ApplicationQuestion(tenant=tenant, text=text.strip(), kind=kind, choices=choices.strip(), required=required,
                                   position=ApplicationQuestion.objects.count())
    if kind == QuestionKind.CHOICE and len(question.options) < 2:
        raise ValidationError({"choices": _("A choice question needs at least two options, one per line.")})
    if kind != QuestionKind.CHOICE:
        question.choices = ""
    question.full_clean()
    question.save()
    audit_record(tenant=tenant, actor=actor, verb=OnboardingVerb.QUESTION_CREATED, target=question)
    return question


@transaction.atomic
def question_toggle(*, question: ApplicationQuestion, actor: Actor) -> ApplicationQuestion:
    """Stop asking a question (earlier applications keep their answers), or ask it again."""
    question.is_active = not question.is_active
    question.save(update_fields=["is_active"])
    audit_record(tenant=question.tenant, actor=actor, verb=OnboardingVerb.QUESTION_TOGGLED, target=question,
                 to_state="active" if question.is_active else "retired")
    return question
