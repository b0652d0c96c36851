"""/api/v1/ for surveys: definitions for staff and keys, invitations/answers/follow-ups scoped to the
partner for partner users, the latest rankings, and the follow-up record action."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from surveys import rankings, services
from surveys.models import FollowUpCase, FollowUpStatus, Survey

from .helpers import make_invitation, make_survey, set_settings

SURVEYS = "/api/v1/surveys/"
INVITATIONS = "/api/v1/survey-invitations/"
ANSWERS = "/api/v1/survey-answers/"
RANKINGS = "/api/v1/rankings/"
FOLLOW_UPS = "/api/v1/follow-ups/"


@pytest.fixture
def session():
    def make(membership):
        client = APIClient(HTTP_HOST=f"{membership.tenant.slug}.localhost")
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def data(acme):
    """Answers for Northwind (a 9 and a 2, with its case) and Contoso (a 4, with its case); one unanswered invitation."""
    set_settings(acme.acme, minimum_answers=1, ghost_answers=0)
    survey = make_survey(acme.acme, "NPS")
    answers = {}
    for partner, email, score in ((acme.northwind, "ann@fabrikam.example", 9), (acme.northwind, "bo@fabrikam.example", 2),
                                  (acme.contoso, "cy@adatum.example", 4)):
        invitation = make_invitation(survey, partner, email, name=email.split("@")[0].title(), company="Customer Co")
        answers[email] = services.answer_record(invitation=invitation, score=score, now=timezone.now())
    pending = make_invitation(survey, acme.contoso, "dee@adatum.example")
    globex_survey = make_survey(acme.globex, "Globex NPS")
    make_invitation(globex_survey, acme.initech, "eve@initrode.example")
    acme.run = rankings.run_rankings(tenant=acme.acme, run_date=timezone.now().date())
    acme.survey, acme.answers, acme.pending = survey, answers, pending
    acme.northwind_case = answers["bo@fabrikam.example"].follow_up
    acme.contoso_case = answers["cy@adatum.example"].follow_up
    return acme


def results(response):
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


# --- survey definitions -------------------------------------------------------------------------


def test_staff_create_list_update_surveys(acme, key_client, session):
    created = key_client.post(SURVEYS, {"name": "After the project", "language": "de", "ask_effort": False}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["language"], body["ask_effort"], body["for_won_deals"]) == ("After the project", "de", False, False)
    survey = Survey.objects.get(pk=body["id"])
    assert survey.tenant == acme.acme

    manager = session(acme.acme_manager)
    assert [s["name"] for s in results(manager.get(SURVEYS))] == ["After the project"]
    updated = manager.patch(f"{SURVEYS}{survey.pk}/", {"name": "Project close"}, format="json")
    assert (updated.status_code, updated.json()["name"]) == (200, "Project close")
    assert manager.get(f"{SURVEYS}{survey.pk}/").json()["language"] == "de"

    # Another tenant's survey is not there.
    globex = make_survey(acme.globex, "Globex NPS")
    assert key_client.get(f"{SURVEYS}{globex.pk}/").status_code == 404
    assert key_client.patch(f"{SURVEYS}{globex.pk}/", {"name": "Mine"}, format="json").status_code == 404


def test_a_second_won_deal_survey_is_a_400_with_the_field(acme, key_client):
    assert key_client.post(SURVEYS, {"name": "Won", "for_won_deals": True}, format="json").status_code == 201
    second = key_client.post(SURVEYS, {"name": "Won too", "for_won_deals": True}, format="json")
    assert second.status_code == 400
    assert second.json() == {"for_won_deals": ["Another active survey already goes to won deals; turn it off first."]}
    assert Survey.objects.count() == 1


@pytest.mark.parametrize("who", ["northwind_admin", "northwind_rep"])
def test_partners_cannot_use_survey_definitions(acme, session, who):
    survey = make_survey(acme.acme, "NPS")
    client = session(getattr(acme, who))
    assert client.get(SURVEYS).status_code == 403
    assert client.get(f"{SURVEYS}{survey.pk}/").status_code == 403
    assert client.post(SURVEYS, {"name": "Mine"}, format="json").status_code == 403
    assert client.patch(f"{SURVEYS}{survey.pk}/", {"name": "Mine"}, format="json").status_code == 403
    assert list(Survey.objects.values_list("name", flat=True)) == ["NPS"]


def test_anonymous_callers_are_refused(data):
    anonymous = APIClient(HTTP_HOST="acme.localhost")
    for url in (SURVEYS, INVITATIONS, ANSWERS, RANKINGS, FOLLOW_UPS):
        assert anonymous.get(url).status_code in (401, 403), url


# --- invitations and answers --------------------------------------------------------------------


def test_invitations_are_scoped_to_the_partner_for_partner_users(data, key_client, session):
    everyone = {i["email"] for i in results(key_client.get(INVITATIONS))}
    assert everyone == {"ann@fabrikam.example", "bo@fabrikam.example", "cy@adatum.example", "dee@adatum.example"}
    northwind = {i["email"] for i in results(session(data.northwind_rep).get(INVITATIONS))}
    assert northwind == {"ann@fabrikam.example", "bo@fabrikam.example"}
    contoso = session(data.contoso_rep)
    assert {i["email"] for i in results(contoso.get(INVITATIONS))} == {"cy@adatum.example", "dee@adatum.example"}
    assert [i["email"] for i in results(key_client.get(INVITATIONS, {"status": "sent"}))] == ["dee@adatum.example"]
    assert results(key_client.get(INVITATIONS, {"survey": str(data.survey.pk + 1000)})) == []

    ann = data.answers["ann@fabrikam.example"].invitation_id
    assert contoso.get(f"{INVITATIONS}{ann}/").status_code == 404
    assert session(data.northwind_rep).get(f"{INVITATIONS}{ann}/").json()["status"] == "answered"
    assert session(data.northwind_rep).post(INVITATIONS, {}, format="json").status_code in (403, 405)


def test_answers_carry_the_customer_and_are_scoped_to_the_partner(data, key_client, session):
    staff = results(key_client.get(ANSWERS))
    assert sorted((a["email"], a["score"], a["category"]) for a in staff) == [
        ("ann@fabrikam.example", 9, "promoter"), ("bo@fabrikam.example", 2, "detractor"), ("cy@adatum.example", 4, "detractor")]
    northwind = results(session(data.northwind_admin).get(ANSWERS))
    assert sorted((a["email"], a["name"], a["company"]) for a in northwind) == [
        ("ann@fabrikam.example", "Ann", "Customer Co"), ("bo@fabrikam.example", "Bo", "Customer Co")]
    # The partner filter cannot widen a partner user's view.
    assert results(session(data.northwind_rep).get(ANSWERS, {"partner": data.contoso.pk})) == []
    assert [a["email"] for a in results(key_client.get(ANSWERS, {"partner": data.contoso.pk}))] == ["cy@adatum.example"]
    cy = data.answers["cy@adatum.example"].pk
    assert session(data.northwind_rep).get(f"{ANSWERS}{cy}/").status_code == 404


# --- rankings -----------------------------------------------------------------------------------


def test_rankings_list_the_latest_run_and_partners_see_their_own_row(data, key_client, session):
    rows = results(key_client.get(RANKINGS))
    assert [(r["partner_name"], r["rank"], r["n"]) for r in rows] == [
        ("Northwind Traders", 1, 2), ("Contoso Integration", 2, 1)]
    northwind = rows[0]
    assert northwind["nps"] == pytest.approx(0.0)  # one promoter, one detractor
    assert northwind["ci_low"] < 0 < northwind["ci_high"]
    assert northwind["period"] == "window"
    assert [r["partner_name"] for r in results(session(data.contoso_rep).get(RANKINGS))] == ["Contoso Integration"]
    month = data.run.run_date.strftime("%Y-%m")
    assert {r["period"] for r in results(key_client.get(RANKINGS, {"period": month}))} == {month}


# --- follow-ups ---------------------------------------------------------------------------------


def test_follow_ups_are_scoped_and_partners_record_and_close_their_own(data, session):
    rep = session(data.northwind_rep)
    assert [c["email"] for c in results(rep.get(FOLLOW_UPS))] == ["bo@fabrikam.example"]
    url = f"{FOLLOW_UPS}{data.northwind_case.pk}/record/"

    refused = rep.post(url, {"close": True}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"contacted", "root_cause", "action_taken"}

    recorded = rep.post(url, {"contacted": True, "root_cause": "Late delivery"}, format="json")
    assert recorded.status_code == 200
    assert recorded.json()["status"] == "open" and recorded.json()["contacted_at"]
    closed = rep.post(url, {"action_taken": "Expedited the rest", "close": True}, format="json")
    assert closed.status_code == 200
    body = closed.json()
    assert (body["status"], body["root_cause"], body["action_taken"]) == ("closed", "Late delivery", "Expedited the rest")
    case = FollowUpCase.objects.get(pk=data.northwind_case.pk)
    assert (case.status, case.closed_by) == (FollowUpStatus.CLOSED, data.northwind_rep.user)

    again = rep.post(url, {"contacted": True, "root_cause": "x", "action_taken": "y", "close": True}, format="json")
    assert again.status_code == 400
    assert again.json() == {"detail": ["This case is closed."]}

    # Another partner's case: 404, as if it did not exist.
    other = rep.post(f"{FOLLOW_UPS}{data.contoso_case.pk}/record/", {"contacted": True}, format="json")
    missing = rep.post(f"{FOLLOW_UPS}999999/record/", {"contacted": True}, format="json")
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content
    assert FollowUpCase.objects.get(pk=data.contoso_case.pk).contacted_at is None


def test_staff_see_every_case_and_an_integration_can_record(data, key_client):
    assert sorted(c["email"] for c in results(key_client.get(FOLLOW_UPS))) == ["bo@fabrikam.example", "cy@adatum.example"]
    assert sorted(c["email"] for c in results(key_client.get(FOLLOW_UPS, {"status": "open"}))) == [
        "bo@fabrikam.example", "cy@adatum.example"]
    response = key_client.post(f"{FOLLOW_UPS}{data.contoso_case.pk}/record/",
                               {"contacted": True, "root_cause": "Wrong SKU", "action_taken": "Replaced it", "close": True},
                               format="json")
    assert response.status_code == 200
    case = FollowUpCase.objects.get(pk=data.contoso_case.pk)
    assert (case.status, case.closed_by) == (FollowUpStatus.CLOSED, None)  # an API key is not a person
    assert [c["email"] for c in results(key_client.get(FOLLOW_UPS, {"status": "closed"}))] == ["cy@adatum.example"]


# --- schema -------------------------------------------------------------------------------------


def test_the_schema_documents_the_survey_endpoints(world):
    schema = APIClient(HTTP_HOST="acme.localhost").get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (SURVEYS, "/api/v1/surveys/{id}/", INVITATIONS, "/api/v1/survey-invitations/{id}/", ANSWERS,
                 "/api/v1/survey-answers/{id}/", RANKINGS, FOLLOW_UPS, "/api/v1/follow-ups/{id}/",
                 "/api/v1/follow-ups/{id}/record/"):
        assert path in paths, path
    assert {"get", "post"} <= set(paths[SURVEYS])
    assert "post" in paths["/api/v1/follow-ups/{id}/record/"]
    assert {p["name"] for p in paths[INVITATIONS]["get"]["parameters"]} >= {"status", "campaign", "survey"}
    assert {p["name"] for p in paths[ANSWERS]["get"]["parameters"]} >= {"partner", "since"}
    assert "period" in {p["name"] for p in paths[RANKINGS]["get"]["parameters"]}
