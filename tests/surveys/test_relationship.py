"""Partner satisfaction surveys are anonymous by construction."""

from datetime import date, timedelta

import pytest

from prm.tenancy.models import Role
from surveys import relationship
from surveys.models import RelationshipAnswer, RelationshipInvitation
from tests.factories import MembershipFactory, UserFactory
from tests.support import (
    eager_celery,  # noqa: F401
    links_to,
)


@pytest.fixture(autouse=True)
def _eager(eager_celery):  # noqa: F811
    pass


@pytest.fixture
def started(world, in_tenant, django_capture_on_commit_callbacks, mailoutbox):
    # Six partner users in Acme, so that results can be shown.
    for k in range(3):
        MembershipFactory(tenant=world.acme, user=UserFactory(email=f"extra{k}@northwind.example"),
                          role=Role.PARTNER_USER, partner=world.northwind)
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        survey = relationship.relationship_survey_start(tenant=world.acme, actor=world.acme_manager.user,
                                                        name="Pulse", closes_on=date.today() + timedelta(days=7))
    links = {m.to[0]: links_to(m.body, "acme.localhost", "/r/")[0] for m in mailoutbox}
    return survey, links


def test_every_active_partner_user_gets_a_personal_link(world, started):
    survey, links = started
    assert set(links) == {"admin@northwind.example", "rep@northwind.example", "rep@contoso.example",
                          "extra0@northwind.example", "extra1@northwind.example", "extra2@northwind.example"}
    assert "manager@acme.example" not in links and "admin@initech.example" not in links


def test_answer_stores_nothing_that_points_back_to_the_person(world, started, anon_client, in_tenant):
    survey, links = started
    response = anon_client(world.acme).post(links["rep@contoso.example"], {"score": 4, "effort": 2, "comment": "Slow MDF payments"})
    assert response.status_code == 302
    with in_tenant(world.acme):
        answer = RelationshipAnswer.objects.get()
        invitation = RelationshipInvitation.objects.get(user__email="rep@contoso.example")
    assert invitation.used is True
    field_names = {f.name for f in RelationshipAnswer._meta.get_fields()}
    assert not field_names & {"user", "partner", "invitation", "membership", "created_at", "answered_at"}
    assert {f.name for f in RelationshipInvitation._meta.get_fields()}.isdisjoint({"answer", "used_at", "answered_at"})
    assert answer.answered_on == date.today() and answer.score == 4
    # The link works once.
    again = anon_client(world.acme).post(links["rep@contoso.example"], {"score": 10})
    assert again.status_code == 404
    with in_tenant(world.acme):
        assert RelationshipAnswer.objects.count() == 1


def test_results_stay_hidden_below_five_answers(world, started, anon_client, client_as):
    survey, links = started
    people = sorted(links)
    for email, score in zip(people[:4], [10, 9, 3, 8]):
        anon_client(world.acme).post(links[email], {"score": score})
    page = client_as(world.acme_manager).get(f"/manage/partner-satisfaction/{survey.pk}/")
    assert b"Results appear once at least 5 people have answered" in page.content
    anon_client(world.acme).post(links[people[4]], {"score": 10, "comment": "Great enablement"})
    page = client_as(world.acme_manager).get(f"/manage/partner-satisfaction/{survey.pk}/")
    # 3 promoters, 1 passive, 1 detractor of 5: NPS = 100 * (3 - 1) / 5 = 40.
    assert b"Results appear" not in page.content
    assert b">40<" in page.content
    assert b"Great enablement" in page.content


def test_closed_survey_refuses_answers(world, started, anon_client, in_tenant):
    survey, links = started
    with in_tenant(world.acme):
        type(survey).objects.filter(pk=survey.pk).update(closes_on=date.today() - timedelta(days=1))
    assert anon_client(world.acme).get(links["rep@northwind.example"]).status_code == 404
