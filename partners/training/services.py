"""Every write of training: courses, completions (recorded, claimed, approved, rejected, imported)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.content.models import ContentItem
from partners.tiers.models import Tier
from prm.accounts.models import User
from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Membership, Role, Tenant

from . import importing
from .audit_verbs import TrainingVerb
from .certificates import check_certificate
from .models import Completion, CompletionImport, CompletionStatus, Course, ImportStatus, Source
from .signals import certification_completed
from .validity import expiry_of


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, get_user_model()) else None


# Courses ------------------------------------------------------------------------------------------

def _clean_course(course: Course) -> None:
    course.name = " ".join(course.name.split())
    course.full_clean(exclude=["tenant"])
    if Course.objects.filter(name__iexact=course.name).exclude(pk=course.pk).exists():
        raise ValidationError({"name": _("The program has a course of this name already.")})


def _link_content(course: Course, content: Iterable[ContentItem]) -> list[str]:
    """Link the course to `content` (items of its own program only); the titles linked, for the audit."""
    items = sorted(content, key=lambda item: (item.title.lower(), item.pk))
    if any(item.tenant_id != course.tenant_id for item in items):
        raise ValidationError({"content": _("Choose items of the program's content library.")})
    course.content.set(items)
    return [item.title for item in items]


@transaction.atomic
def course_create(*, tenant: Tenant, actor: Actor, name: str, description: str = "", validity_months: int | None = None,
                  required_for_tiers: Iterable[Tier] = (), is_active: bool = True,
                  content: Iterable[ContentItem] = ()) -> Course:
    course = Course(tenant=tenant, name=name, description=description, validity_months=validity_months, is_active=is_active)
    _clean_course(course)
    course.save()
    tiers = list(required_for_tiers)
    course.required_for_tiers.set(tiers)
    titles = _link_content(course, content)
    audit_record(tenant=tenant, actor=actor, verb=TrainingVerb.COURSE_CREATED, target=course,
                 data={"name": course.name, "validity_months": validity_months, "tiers": [t.name for t in tiers],
                       "content": titles})
    return course


@transaction.atomic
def course_update(*, course: Course, actor: Actor, **fields: Any) -> Course:
    """Change a course's name, description, validity, tiers or linked content. A new validity applies
    to completions recorded from now on; those recorded keep their expiry."""
    tiers = fields.pop("required_for_tiers", None)
    content = fields.pop("content", None)
    unknown = set(fields) - {"name", "description", "validity_months", "is_active"}
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for name, value in fields.items():
        setattr(course, name, value)
    _clean_course(course)
    course.save()
    data = {name: value for name, value in fields.items()}
    if tiers is not None:
        tiers = list(tiers)
        course.required_for_tiers.set(tiers)
        data["tiers"] = [t.name for t in tiers]
    if content is not None:
        data["content"] = _link_content(course, content)
    audit_record(tenant=course.tenant, actor=actor, verb=TrainingVerb.COURSE_EDITED, target=course, data=data)
    return course


@transaction.atomic
def course_toggle(*, course: Course, actor: Actor) -> Course:
    """Switch a course off (no new completions; it counts towards no tier) or on again."""
    course.is_active = not course.is_active
    Course.objects.filter(pk=course.pk).update(is_active=course.is_active)
    audit_record(tenant=course.tenant, actor=actor, target=course,
                 verb=TrainingVerb.COURSE_ACTIVATED if course.is_active else TrainingVerb.COURSE_DEACTIVATED)
    return course


# Completions --------------------------------------------------------------------------------------

def _announce(completion: Completion) -> None:
    transaction.on_commit(lambda: certification_completed.send(sender=Completion, completion=completion), robust=True)


def _check_new(course: Course, membership: Membership | None, completed_on: date, expires_on: date | None,
               *, field: str = "user") -> date | None:
    """The expiry to store; refuses an inactive course, a person who is no partner's, a date ahead."""
    if not course.is_active:
        raise ValidationError({"course": _("This course is switched off: it takes no new completions.")})
    if membership is None or membership.role not in (Role.PARTNER_ADMIN, Role.PARTNER_USER) or not membership.is_active:
        raise ValidationError({field: _("Choose a person with an active account at one of the program's partners.")})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The completion date cannot lie in the future.")})
    expires_on = expires_on or expiry_of(course, completed_on)
    if expires_on is not None and expires_on <= completed_on:
        raise ValidationError({"expires_on": _("The expiry must come after the completion date.")})
    if Completion.objects.filter(course=course, user=membership.user, completed_on=completed_on).exists():
        raise ValidationError({"completed_on": _("This person's completion of this course on this day is recorded already.")})
    return expires_on


def _membership(tenant: Tenant, user: User) -> Membership | None:
    return Membership.objects.filter(user=user, tenant=tenant).select_related("partner").first()


@transaction.atomic
def completion_record(*, tenant: Tenant, actor: Actor, course: Course, user: User, completed_on: date,
                      expires_on: date | None = None) -> Completion:
    """A channel manager records a completion: approved at once. Without `expires_on`, the course's
    validity sets the expiry."""
    membership = _membership(tenant, user)
    expires_on = _check_new(course, membership, completed_on, expires_on)
    completion = Completion.objects.create(
        tenant=tenant, course=course, user=user, partner=membership.partner, completed_on=completed_on,
        expires_on=expires_on, source=Source.MANAGER, status=CompletionStatus.APPROVED, recorded_by=_user(actor),
        decided_by=_user(actor), decided_at=timezone.now())
    audit_record(tenant=tenant, actor=actor, verb=TrainingVerb.COMPLETION_RECORDED, target=completion,
                 to_state=CompletionStatus.APPROVED,
                 data={"course": course.name, "person": user.email, "partner": membership.partner_id,
                       "completed_on": str(completed_on), "expires_on": str(expires_on) if expires_on else None})
    _announce(completion)
    return completion


@transaction.atomic
def completion_claim(*, membership: Membership, course: Course, completed_on: date, certificate: UploadedFile,
                     user: User | None = None) -> Completion:
    """A partner's person claims a completion with its certificate file; it waits for a manager.
    A partner admin may claim for a colleague (`user`); a partner user claims for themselves."""
    user = user or membership.user
    if user != membership.user and membership.role != Role.PARTNER_ADMIN:
        raise ValidationError({"user": _("Only your partner admins claim certifications for colleagues.")})
    person = _membership(membership.tenant, user)
    if person is None or person.partner_id != membership.partner_id:
        raise ValidationError({"user": _("Choose a person of your own company.")})
    if not certificate:
        raise ValidationError({"certificate": _("Attach the certificate (PDF, PNG or JPEG).")})
    check_certificate(certificate)
    expires_on = _check_new(course, person, completed_on, None)
    completion = Completion(
        tenant=membership.tenant, course=course, user=user, partner=person.partner, completed_on=completed_on,
        expires_on=expires_on, source=Source.CLAIM, status=CompletionStatus.PENDING, recorded_by=membership.user)
    completion.certificate.save(certificate.name, certificate, save=False)
    completion.save(force_insert=True)
    audit_record(tenant=membership.tenant, actor=membership.user, verb=TrainingVerb.COMPLETION_CLAIMED, target=completion,
                 to_state=CompletionStatus.PENDING,
                 data={"course": course.name, "person": user.email, "completed_on": str(completed_on)})
    return completion


def _decide(completion: Completion, actor: Actor, to: str, note: str) -> Completion:
    """Move a pending claim to `to` (claimed with a conditional update: decided once)."""
    now = timezone.now()
    if not Completion.objects.filter(pk=completion.pk, status=CompletionStatus.PENDING).update(
            status=to, decided_by=_user(actor), decided_at=now, decision_note=note):
        raise ValidationError(_("Only a claim waiting for approval can be approved or rejected."))
    completion.status, completion.decided_by, completion.decided_at, completion.decision_note = to, _user(actor), now, note
    return completion


@transaction.atomic
def completion_approve(*, completion: Completion, actor: Actor) -> Completion:
    """A manager approves a claim: it counts from now on (from its completion date to its expiry)."""
    completion = _decide(completion, actor, CompletionStatus.APPROVED, "")
    audit_record(tenant=completion.tenant, actor=actor, verb=TrainingVerb.COMPLETION_APPROVED, target=completion,
                 from_state=CompletionStatus.PENDING, to_state=CompletionStatus.APPROVED)
    _announce(completion)
    return completion


@transaction.atomic
def completion_reject(*, completion: Completion, actor: Actor, reason: str) -> Completion:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the partner reads it.")})
    completion = _decide(completion, actor, CompletionStatus.REJECTED, reason)
    audit_record(tenant=completion.tenant, actor=actor, verb=TrainingVerb.COMPLETION_REJECTED, target=completion,
                 from_state=CompletionStatus.PENDING, to_state=CompletionStatus.REJECTED, data={"note": reason})
    return completion


# Import -------------------------------------------------------------------------------------------

@transaction.atomic
def completions_import_check(*, tenant: Tenant, actor: Actor, upload: UploadedFile) -> CompletionImport:
    """Read a learning system's CSV and check every row: the preview lists every bad row and why."""
    rows = importing.read_upload(upload)
    good, bad = importing.check_rows(rows)
    return CompletionImport.objects.create(
        tenant=tenant, filename=upload.name[:255], rows=rows, bad_rows=bad, created_by=_user(actor),
        status=ImportStatus.PROBLEMS if bad["rows"] else ImportStatus.CHECKED)


@transaction.atomic
def completions_import_confirm(*, batch: CompletionImport, actor: Actor) -> list[Completion]:
    """Import every row of a checked file, or none: the rows are checked again against the program as
    it is now, and any bad row refuses the whole file."""
    if not CompletionImport.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED).update(status=ImportStatus.DONE):
        raise ValidationError(_("Only a checked file without problems can be imported, once."))
    good, bad = importing.check_rows(batch.rows)
    if bad["rows"]:
        raise ValidationError(_("Since the check, %(count)s rows have become invalid; nothing was imported. "
                                "Upload the file again to see why.") % {"count": len(bad["rows"])})
    now = timezone.now()
    created = Completion.objects.bulk_create([
        Completion(tenant=batch.tenant, course=row.course, user=row.membership.user, partner=row.membership.partner,
                   completed_on=row.completed_on, expires_on=row.expires_on, source=Source.IMPORT,
                   status=CompletionStatus.APPROVED, recorded_by=_user(actor), decided_by=_user(actor), decided_at=now)
        for row in good])
    batch.status, batch.imported_count, batch.rows = ImportStatus.DONE, len(created), []
    batch.save(update_fields=["status", "imported_count", "rows"])
    audit_record(tenant=batch.tenant, actor=actor, verb=TrainingVerb.COMPLETION_IMPORTED, target=batch,
                 data={"file": batch.filename, "completions": len(created)})
    for completion in created:
        _announce(completion)
    return created

