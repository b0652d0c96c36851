from datetime import date
from surveys.models import Survey, SurveyInvitation
from surveys import tokens, rankings
from django.utils import timezone

def test_scratch(acme, anon_client):
    w = acme
    s = Survey.objects.create(tenant=w.acme, name="S")
    inv = SurveyInvitation.objects.create(tenant=w.acme, survey=s, partner=w.northwind, email="a@b.example", send_after=timezone.now(), status="sent")
    r = anon_client(w.acme).get(f"/s/{tokens.answer_token(inv)}/?score=3")
    print(r.status_code)
    print(r.content.decode())
    run = rankings.run_rankings(tenant=w.acme, run_date=date(2025, 3, 10))
    print(run, run.scores.count())
