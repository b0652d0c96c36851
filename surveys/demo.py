"""Demo survey data: 14 months of answers for Acme's partners, so rankings, intervals and trends
have something to show; a few recent detractor answers for Northwind go through the service so
their follow-up cases open."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from partners.models import Partner
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant

from . import services
from .models import Answer, InvitationStatus, Survey, SurveyInvitation
from .rankings import run_rankings

COMMENTS = {
    "promoter": ["Fast, knowledgeable and they followed up without being asked.", "Installation went exactly as planned.",
                 "Best partner we have worked with."],
    "passive": ["Good work, but the quote took two weeks.", "Fine overall; documentation could be better."],
    "detractor": ["Nobody answered our support calls for days.", "The project ran a month late and over budget.",
                  "They sold us licences we did not need."],
}


def _category(score):
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _answers_for(tenant, survey, partners, now, rng):
    invitations, answers = [], []
    for index, partner in enumerate(partners):
        quality = rng.uniform(-0.3, 0.6)  # this partner's typical NPS, as a share
        count = rng.choice([4, 12, 35, 60, 90, 140]) if partner.name != "Northwind Traders" else 80
        for k in range(count):
            days_ago = rng.randrange(5, 420)
            roll = rng.random()
            if roll < 0.45 + quality / 2:
                score = rng.choice([9, 10])
            else:
                score = rng.choice([7, 8]) if roll < 0.75 + quality / 4 else rng.randrange(0, 7)
            invitations.append(SurveyInvitation(
                tenant=tenant, survey=survey, partner=partner, email=f"customer{index}-{k}@demo-customers.example",
                name=f"Customer {k}", company=f"Demo Customer {index}-{k}", status=InvitationStatus.ANSWERED,
                send_after=now - timedelta(days=days_ago + 2), sent_at=now - timedelta(days=days_ago + 2),
                answered_at=now - timedelta(days=days_ago),
            ))
            answers.append((score, now - timedelta(days=days_ago)))
    SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    Answer.objects.bulk_create([
        Answer(tenant=tenant, invitation=invitation, survey=survey, partner_id=invitation.partner_id, score=score,
               effort=rng.randrange(3, 8), comment=rng.choice(COMMENTS[_category(score)]) if rng.random() < 0.4 else "",
               answered_at=answered_at)
        for invitation, (score, answered_at) in zip(invitations, answers)
    ], batch_size=1000)


@transaction.atomic
def load_survey_demo():
    tenant = Tenant.objects.get(slug="acme")
    with tenant_context(tenant):
        if Survey.objects.exists():
            return
        survey = Survey.objects.create(tenant=tenant, name="Customer satisfaction after a won deal", for_won_deals=True)
        now = timezone.now()
        rng = random.Random(11)
        partners = list(Partner.objects.exclude(status="inactive").order_by("name"))
        _answers_for(tenant, survey, partners, now, rng)
        northwind = Partner.objects.get(name="Northwind Traders")
        for k, (score, comment) in enumerate([(3, "Nobody answered our support calls for days."), (5, "")]):
            invitation = SurveyInvitation.objects.create(
                tenant=tenant, survey=survey, partner=northwind, email=f"unhappy{k}@fabrikam.example",
                name=f"Unhappy Customer {k}", company="Fabrikam, Inc.", status=InvitationStatus.SENT,
                send_after=now - timedelta(days=3), sent_at=now - timedelta(days=3),
            )
            services.answer_record(invitation=invitation, score=score, comment=comment, now=now - timedelta(days=k * 3))
        run_rankings(tenant=tenant, run_date=now.date())
