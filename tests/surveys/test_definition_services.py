"""Survey definitions and settings are written by services (actor, audit row), never by a form or
serializer's save(): the dashboard and the API both go through them."""

import pytest
from django.core.exceptions import ValidationError

from prm.api.services import api_key_create
from prm.audit.models import AuditEvent
from surveys import services
from surveys.audit_verbs import SurveyVerb
from surveys.models import Survey, SurveySettings

from .helpers import make_survey

pytestmark = pytest.mark.django_db


def events(target, verb):
    return list(AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk), verb=verb))


def test_survey_create_records_who_created_it(acme):
    survey = services.survey_create(tenant=acme.acme, actor=acme.acme_manager.user, name="Quarterly", for_won_deals=True)
    assert (survey.tenant, survey.name, survey.for_won_deals, survey.is_active) == (acme.acme, "Quarterly", True, True)
    [event] = events(survey, SurveyVerb.SURVEY_CREATED)
    assert (event.actor, event.to_state) == (acme.acme_manager.user, "active")


def test_a_second_active_won_deal_survey_is_an_error_on_its_field_and_nothing_is_written(acme):
    services.survey_create(tenant=acme.acme, actor=acme.acme_manager.user, name="Won deals", for_won_deals=True)
    with pytest.raises(ValidationError) as raised:
        services.survey_create(tenant=acme.acme, actor=acme.acme_manager.user, name="Also", for_won_deals=True)
    assert list(raised.value.message_dict) == ["for_won_deals"]
    assert list(Survey.objects.values_list("name", flat=True)) == ["Won deals"]
    assert AuditEvent.objects.filter(verb=SurveyVerb.SURVEY_CREATED).count() == 1


def test_survey_update_audits_what_changed_and_nothing_when_nothing_did(acme):
    survey = make_survey(acme.acme, "Quarterly")
    services.survey_update(survey=survey, actor=acme.acme_manager.user, name="Quarterly", is_active=True)
    assert events(survey, SurveyVerb.SURVEY_UPDATED) == []
    services.survey_update(survey=survey, actor=acme.acme_manager.user, name="Yearly", is_active=False)
    survey.refresh_from_db()
    assert (survey.name, survey.is_active) == ("Yearly", False)
    [event] = events(survey, SurveyVerb.SURVEY_UPDATED)
    assert event.data == {"changed": {"name": ["Quarterly", "Yearly"], "is_active": ["True", "False"]}}
    assert (event.from_state, event.to_state) == ("active", "inactive")


def test_survey_update_refuses_a_second_active_won_deal_survey(acme):
    make_survey(acme.acme, "Won deals", for_won_deals=True)
    other = make_survey(acme.acme, "Quarterly")
    with pytest.raises(ValidationError) as raised:
        services.survey_update(survey=other, actor=acme.acme_manager.user, for_won_deals=True)
    assert list(raised.value.message_dict) == ["for_won_deals"]
    other.refresh_from_db()
    assert other.for_won_deals is False and events(other, SurveyVerb.SURVEY_UPDATED) == []


def test_services_refuse_fields_that_are_not_theirs(acme):
    survey = make_survey(acme.acme, "Quarterly")
    with pytest.raises(ValidationError, match="tenant"):
        services.survey_update(survey=survey, actor=acme.acme_manager.user, tenant=acme.globex)
    with pytest.raises(ValidationError, match="id"):
        services.survey_settings_update(tenant=acme.acme, actor=acme.acme_admin.user, id=999)


def test_survey_settings_update_validates_and_audits(acme):
    with pytest.raises(ValidationError) as raised:
        services.survey_settings_update(tenant=acme.acme, actor=acme.acme_admin.user, reminders=9)
    assert "reminders" in raised.value.message_dict
    assert services.settings_for(acme.acme).reminders == 2
    settings = services.survey_settings_update(tenant=acme.acme, actor=acme.acme_admin.user, reminders=1, minimum_answers=5)
    assert (settings.reminders, settings.minimum_answers) == (1, 5)
    [event] = events(settings, SurveyVerb.SETTINGS_UPDATED)
    assert event.data == {"changed": {"reminders": ["2", "1"], "minimum_answers": ["30", "5"]}}
    assert event.actor == acme.acme_admin.user


def test_the_dashboard_pages_write_through_the_services(acme, client_as):
    manager = client_as(acme.acme_manager)
    form = {"name": "Won deals", "language": "en", "nps_question": "", "ask_effort": "on", "for_won_deals": "on",
            "is_active": "on"}
    assert manager.post("/manage/surveys/", form).status_code == 302
    survey = Survey.objects.get()
    assert events(survey, SurveyVerb.SURVEY_CREATED)[0].actor == acme.acme_manager.user
    assert manager.post(f"/manage/surveys/{survey.pk}/", {**form, "name": "Renamed"}).status_code == 302
    assert events(survey, SurveyVerb.SURVEY_UPDATED)[0].data == {"changed": {"name": ["Won deals", "Renamed"]}}
    admin = client_as(acme.acme_admin)
    fields = {"days_after_won": 7, "quarantine_days": 90, "reminders": 2, "reminder_interval_days": 4, "sends_per_minute": 120,
              "minimum_answers": 30, "ghost_answers": 20, "window_months": 12, "follow_up_business_days": 2}
    assert admin.post("/manage/survey-settings/", fields).status_code == 302
    settings = SurveySettings.objects.get()
    assert events(settings, SurveyVerb.SETTINGS_UPDATED)[0].data == {"changed": {"days_after_won": ["14", "7"]}}


def test_the_api_writes_through_the_services(acme):
    from rest_framework.test import APIClient

    _, secret = api_key_create(tenant=acme.acme, actor=acme.acme_admin.user, name="CRM")
    client = APIClient(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    created = client.post("/api/v1/surveys/", {"name": "Won deals", "for_won_deals": True}, format="json")
    assert created.status_code == 201, created.content
    survey = Survey.objects.get(pk=created.json()["id"])
    assert events(survey, SurveyVerb.SURVEY_CREATED)[0].actor_label
    second = client.post("/api/v1/surveys/", {"name": "Also", "for_won_deals": True}, format="json")
    assert (second.status_code, list(second.json())) == (400, ["for_won_deals"])
    updated = client.patch(f"/api/v1/surveys/{survey.pk}/", {"name": "Renamed"}, format="json")
    assert (updated.status_code, updated.json()["name"]) == (200, "Renamed")
    assert events(survey, SurveyVerb.SURVEY_UPDATED)[0].data == {"changed": {"name": ["Won deals", "Renamed"]}}
