"""Partner satisfaction: partner users rate the vendor. Anonymous by construction:

- the invitation records only *whether* it was used, never when or with which answer;
- the answer has a random id, the day (not the time), and nothing about the person or partner;
- results are shown only once at least MIN_GROUP answers exist.
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import audit_record
from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url
from prm.tenancy.models import PARTNER_ROLES, Membership

from . import statistics
from .audit_verbs import SurveyVerb
from .models import RelationshipAnswer, RelationshipInvitation, RelationshipSurvey

MIN_GROUP = 5


class Unusable(Exception):
    """Unknown, used, or closed."""


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def relationship_survey_start(*, tenant, actor, name, closes_on):
    """Create the survey and email every active partner user a personal, single-use link."""
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing day is in the past.")})
    survey = RelationshipSurvey.objects.create(tenant=tenant, name=name, closes_on=closes_on, created_by=actor)
    members = Membership.objects.filter(role__in=PARTNER_ROLES, is_active=True, partner__status__in=["active", "onboarding"])
    for membership in members.select_related("user"):
        token = secrets.token_urlsafe(32)
        RelationshipInvitation.objects.create(tenant=tenant, survey=survey, user=membership.user, token_hash=_hash(token))
        email_render_and_enqueue(
            template="surveys/email/relationship", tenant=tenant, to=[membership.user.email], sensitive=True,
            context={"tenant": tenant, "survey": survey, "min_group": MIN_GROUP,
                     "url": tenant_url(tenant, reverse("relationship_answer", args=[token]))},
        )
    audit_record(tenant=tenant, actor=actor, verb=SurveyVerb.RELATIONSHIP_SURVEY_STARTED, target=survey,
                 data={"invited": members.count()})
    return survey


def invitation_for(token):
    invitation = RelationshipInvitation.objects.select_related("survey", "user").filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.used or invitation.survey.closes_on < timezone.localdate():
        return None
    return invitation


@transaction.atomic
def relationship_answer(*, token, score, effort=None, comment=""):
    invitation = invitation_for(token)
    if invitation is None:
        raise Unusable
    # The conditional update is the single-use guarantee; it stores no time.
    if not RelationshipInvitation.objects.filter(pk=invitation.pk, used=False).update(used=True):
        raise Unusable
    return RelationshipAnswer.objects.create(
        tenant=invitation.tenant, survey=invitation.survey, score=score, effort=effort,
        comment=(comment or "").strip(), answered_on=timezone.localdate(),
    )


def relationship_results(survey):
    """Totals for the survey, or None while fewer than MIN_GROUP people answered."""
    answers = RelationshipAnswer.objects.filter(survey=survey)
    totals = answers.aggregate(n=Count("id"), promoters=Count("id", filter=Q(score__gte=9)),
                               detractors=Count("id", filter=Q(score__lte=6)), effort=Avg("effort"))
    invited = RelationshipInvitation.objects.filter(survey=survey).aggregate(
        invited=Count("id"), answered=Count("id", filter=Q(used=True)))
    if totals["n"] < MIN_GROUP:
        return {"hidden": True, "n": totals["n"], **invited}
    low, high = statistics.adjusted_wald(totals["promoters"], totals["detractors"], totals["n"])
    comments = [c for c in answers.exclude(comment="").values_list("comment", flat=True)]
    return {"hidden": False, **totals, **invited, "nps": statistics.nps(totals["promoters"], totals["detractors"], totals["n"]),
            "ci_low": low, "ci_high": high, "comments": comments}
