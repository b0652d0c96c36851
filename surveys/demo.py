"""Demo survey data for both programs: 14 months of answers, so rankings, intervals and trends have
something to show, and tonight's ranking already run.

Most partners keep their level all along. A few changed about ten months ago, and by enough that
the ranking's test finds the change between the window and the window before it significant (the
"●" on their rows): Contoso Integration got much better, one other Acme partner much worse, and
Globex's Initech Solutions worse. A few recent detractor answers go through the service, so their
follow-up cases open and the partner is emailed; and the customer of each program's won deal has
just been sent the survey, an email whose link can be answered.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from dealreg.models import Deal, DealStatus
from partners.models import Partner
from prm.outbox.services import emails_send_later
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Tenant

from . import services
from .models import Answer, InvitationStatus, Survey, SurveyInvitation
from .rankings import run_rankings

DAYS = 420  # answers from the last 14 months
CHANGED_DAYS_AGO = 300  # when the partners who changed did: inside the ranking window whatever today's date
CHANGED_ANSWERS = 160
COMMENTS = {
    "en": {
        "promoter": ["Fast, knowledgeable and they followed up without being asked.", "Installation went exactly as planned.",
                     "Best partner we have worked with."],
        "passive": ["Good work, but the quote took two weeks.", "Fine overall; documentation could be better."],
        "detractor": ["Nobody answered our support calls for days.", "The project ran a month late and over budget.",
                      "They sold us licences we did not need."],
    },
    "de": {
        "promoter": ["Schnell, kompetent und sie haben von sich aus nachgefragt.", "Die Installation lief genau nach Plan.",
                     "Der beste Partner, mit dem wir je gearbeitet haben."],
        "passive": ["Gute Arbeit, aber das Angebot hat zwei Wochen gedauert.",
                    "Insgesamt in Ordnung; die Dokumentation könnte besser sein."],
        "detractor": ["Tagelang hat niemand auf unsere Supportanfragen reagiert.",
                      "Das Projekt war einen Monat zu spät und über dem Budget.",
                      "Man hat uns Lizenzen verkauft, die wir nicht brauchten."],
    },
}
# Per program: the survey, how the partners' quality changed ("better"/"worse"; None: the rest of
# that program's partners, of which one gets worse), and the detractor answers that open follow-ups.
PROGRAMS = {
    "acme": {
        "survey": {"name": "Customer satisfaction after a won deal", "language": "en"},
        "changed": {"Contoso Integration": "better", None: "worse"},
        "unhappy": ("Northwind Traders", "Fabrikam, Inc.", "fabrikam.example",
                    [(3, "Nobody answered our support calls for days."), (5, "")]),
    },
    "globex": {
        "survey": {"name": "Kundenzufriedenheit nach einem gewonnenen Deal", "language": "de"},
        "changed": {"Initech Solutions": "worse"},
        "unhappy": ("Initech Solutions", "Wide World Importers", "wideworldimporters.example",
                    [(2, "Die Einrichtung hat drei Wochen länger gedauert als zugesagt.")]),
    },
}
QUALITY = {"better": (-0.4, 0.7), "worse": (0.6, -0.3)}  # (before, after) the change, as typical NPS shares


def _category(score):
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _score(quality, rng):
    roll = rng.random()
    if roll < 0.45 + quality / 2:
        return rng.choice([9, 10])
    return rng.choice([7, 8]) if roll < 0.75 + quality / 4 else rng.randrange(0, 7)


def _profiles(partners, changed, rng):
    """(partner, number of answers, quality before the change, after it) for every partner."""
    chosen = {name: how for name, how in changed.items() if name is not None}
    if None in changed:  # one of the generated partners, drawn like everything else from the seeded generator
        generated = [p.name for p in partners if p.name not in changed and p.name != "Northwind Traders"]
        chosen[rng.choice(generated)] = changed[None]
    for partner in partners:
        if partner.name in chosen:
            before, after = QUALITY[chosen[partner.name]]
            yield partner, CHANGED_ANSWERS, before, after
            continue
        quality = rng.uniform(-0.3, 0.6)  # this partner's typical NPS, as a share
        yield partner, 80 if partner.name == "Northwind Traders" else rng.choice([4, 12, 35, 60, 90, 140]), quality, quality


def _answers_for(tenant, survey, partners, changed, now, rng):
    invitations, answers = [], []
    comments = COMMENTS[survey.language]
    for index, (partner, count, before, after) in enumerate(_profiles(partners, changed, rng)):
        for k in range(count):
            days_ago = rng.uniform(0, DAYS)
            score = _score(before if days_ago > CHANGED_DAYS_AGO else after, rng)
            answered_at = now - timedelta(days=days_ago)
            invitations.append(SurveyInvitation(
                tenant=tenant, survey=survey, partner=partner, email=f"customer{index}-{k}@demo-customers.example",
                name=f"Customer {k}", company=f"Demo Customer {index}-{k}", status=InvitationStatus.ANSWERED,
                send_after=answered_at - timedelta(days=2), sent_at=answered_at - timedelta(days=2), answered_at=answered_at,
            ))
            answers.append((score, answered_at))
    SurveyInvitation.objects.bulk_create(invitations, batch_size=1000)
    Answer.objects.bulk_create([
        Answer(tenant=tenant, invitation=invitation, survey=survey, partner_id=invitation.partner_id, score=score,
               effort=rng.randrange(3, 8), comment=rng.choice(comments[_category(score)]) if rng.random() < 0.4 else "",
               answered_at=answered_at)
        for invitation, (score, answered_at) in zip(invitations, answers)
    ], batch_size=1000)


def _unhappy_answers(tenant, survey, unhappy, now):
    partner_name, company, domain, answers = unhappy
    partner = Partner.objects.get(name=partner_name)
    for k, (score, comment) in enumerate(answers):
        invitation = SurveyInvitation.objects.create(
            tenant=tenant, survey=survey, partner=partner, email=f"unhappy{k}@{domain}", name=f"Unhappy Customer {k}",
            company=company, status=InvitationStatus.SENT, send_after=now - timedelta(days=3), sent_at=now - timedelta(days=3),
        )
        services.answer_record(invitation=invitation, score=score, comment=comment, now=now - timedelta(days=k * 3))


def _invite_won_customers(tenant, survey, deal_ids, now):
    """Send the survey now to the customers of the demo's won deals not invited yet: emails ready to be answered."""
    invited = SurveyInvitation.objects.filter(survey=survey, deal__isnull=False).values("deal_id")
    won = Deal.objects.filter(pk__in=deal_ids, status=DealStatus.WON).exclude(pk__in=invited).select_related("partner")
    ids = [
        SurveyInvitation.objects.create(
            tenant=tenant, survey=survey, partner=deal.partner, deal=deal, email=deal.contact_email.lower(),
            name=deal.contact_name, company=deal.customer_name, send_after=now,
        ).pk
        for deal in won
    ]
    _, email_ids = services.invitations_send(tenant=tenant, invitation_ids=ids, now=now)
    emails_send_later(email_ids)


@transaction.atomic
def load_survey_demo(*, won_deals: dict[str, list[int]]):
    """Idempotent. `won_deals`: each program's won demo deals ({slug: [id, ...]}), whose customers get the survey."""
    now = timezone.now()
    for slug, program in PROGRAMS.items():
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            survey = Survey.objects.filter(for_won_deals=True).first()
            if survey is None:
                survey = Survey.objects.create(tenant=tenant, for_won_deals=True, **program["survey"])
                partners = list(Partner.objects.exclude(status="inactive").order_by("name"))
                _answers_for(tenant, survey, partners, program["changed"], now, random.Random(f"{slug}-answers"))
                _unhappy_answers(tenant, survey, program["unhappy"], now)
                run_rankings(tenant=tenant, run_date=now.date())
            _invite_won_customers(tenant, survey, won_deals.get(slug, []), now)
