"""Leaders' practices: the partner admins of top-quartile partners share what they do well; channel managers may
hide a note."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.tenancy.models import Membership

from .audit_verbs import SurveyVerb
from .models import PracticeNote
from .selectors import is_top_quartile, latest_run


@transaction.atomic
def practice_publish(*, actor_membership: Membership, text: str) -> PracticeNote:
    """The note speaks for the company, so only its partner admins publish it (partner users read it)."""
    partner = actor_membership.partner
    if not (actor_membership.is_active and actor_membership.is_partner_admin and partner is not None):
        raise PermissionDenied(_("Only your company's partner admins can publish a practice note."))
    if not is_top_quartile(latest_run(), partner):
        raise PermissionDenied(_("Only partners in the top quartile of the latest ranking can publish a practice note."))
    if not text.strip():
        raise ValidationError({"text": _("Write what you do well.")})
    actor = actor_membership.user
    note = PracticeNote.objects.create(tenant=partner.tenant, partner=partner, author=actor, text=text.strip())
    audit_record(tenant=partner.tenant, actor=actor, verb=SurveyVerb.PRACTICE_PUBLISHED, target=note)
    return note


@transaction.atomic
def practice_hide(*, note, actor):
    if note.hidden_at:
        raise ValidationError(_("This note is already hidden."))
    PracticeNote.objects.filter(pk=note.pk).update(hidden_at=timezone.now(), hidden_by=actor)
    audit_record(tenant=note.tenant, actor=actor, verb=SurveyVerb.PRACTICE_HIDDEN, target=note)
