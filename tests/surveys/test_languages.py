"""End customers read the survey in its language, whatever their browser prefers: the answer, thanks,
already-answered and unsubscribe pages, and the invitation and reminder emails. The author's own NPS
question is shown as typed. Partner users answer the partner-satisfaction survey in their language."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from prm.outbox.models import OutboundEmail
from surveys import relationship, services, tokens
from surveys.models import SurveyInvitation
from surveys.statistics import ordinal
from tests.support import links_to

from .helpers import INVITATION_KIND, REMINDER_KIND, html_of, make_invitation, make_survey, set_settings, utc

ENGLISH_BROWSER = {"accept-language": "en-US,en;q=0.9"}
T0 = utc(2025, 3, 3, 10, 0)

GERMAN = {
    "question": "Wie wahrscheinlich ist es, dass Sie Northwind Traders einem Freund oder Kollegen empfehlen?",
    "submit": "Antwort senden",
    "comment": "Was ist der wichtigste Grund für Ihre Bewertung?",
    "thanks": "Vielen Dank!",
    "already": "Sie haben bereits geantwortet",
    "subject": "Northwind Traders und Acme Networks: Wie war Ihre Erfahrung?",
    "intro": "Sie haben kürzlich mit Northwind Traders, einem Partner von Acme Networks, gearbeitet.",
    "reminder": "Erinnerung: Northwind Traders und Acme Networks: Wie war Ihre Erfahrung?",
}
FRENCH = {
    "question": "Quelle est la probabilité que vous recommandiez Northwind Traders à un ami ou un collègue ?",
    "submit": "Envoyer ma réponse",
    "comment": "Quelle est la principale raison de votre note ?",
    "thanks": "Merci !",
    "already": "Vous avez déjà répondu",
    "subject": "Northwind Traders et Acme Networks : comment s'est passée votre expérience ?",
    "intro": "Vous avez récemment travaillé avec Northwind Traders, partenaire de Acme Networks.",
    "reminder": "Rappel : Northwind Traders et Acme Networks : comment s'est passée votre expérience ?",
}
BY_LANGUAGE = {"de": GERMAN, "fr": FRENCH}


@pytest.fixture
def customer(world, anon_client):
    return anon_client(world.acme)


def invitation_in(world, language, **survey_fields):
    survey = make_survey(world.acme, f"Survey in {language}", language=language, ask_effort=True, **survey_fields)
    return make_invitation(survey, world.northwind, f"dana.{language}@fabrikam.example", sent_at=timezone.now())


def texts_of(response):
    return " ".join(html_of(response).split())


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_answer_page_and_what_follows_are_in_the_survey_language(world, customer, language):
    words = BY_LANGUAGE[language]
    url = f"/s/{tokens.answer_token(invitation_in(world, language))}/"

    page = customer.get(url, headers=ENGLISH_BROWSER)
    assert page.status_code == 200
    assert page["Content-Language"] == language
    html = texts_of(page)
    assert f"<h1>{words['question']}</h1>" in html
    assert words["submit"] in html and words["comment"] in html
    assert "How likely" not in html and "Send my answer" not in html

    # A form error is in the survey's language too (Django's own message).
    refused = customer.post(url, {"score": "11"}, headers=ENGLISH_BROWSER)
    assert refused.status_code == 400 and refused["Content-Language"] == language
    assert "Select a valid choice" not in texts_of(refused)

    answered = customer.post(url, {"score": "9"}, headers=ENGLISH_BROWSER)
    assert answered.status_code == 302
    thanks = customer.get(answered["Location"], headers=ENGLISH_BROWSER)
    assert thanks["Content-Language"] == language
    assert words["thanks"] in texts_of(thanks)

    again = customer.get(url, headers=ENGLISH_BROWSER)
    assert again.status_code == 409
    assert words["already"] in texts_of(again)


def test_the_thanks_page_without_an_answer_behind_it_follows_the_browser(world, customer):
    assert "Thank you!" in texts_of(customer.get("/s/thanks/", headers=ENGLISH_BROWSER))
    german = customer.get("/s/thanks/", headers={"accept-language": "de"})
    assert german["Content-Language"] == "de"
    assert GERMAN["thanks"] in texts_of(german)


def test_the_page_leaves_the_request_language_as_it_was(world, customer):
    customer.get(f"/s/{tokens.answer_token(invitation_in(world, 'de'))}/", headers=ENGLISH_BROWSER)
    assert translation.get_language() == "en"


def test_a_custom_nps_question_is_shown_as_typed_in_any_language(world, customer, in_tenant):
    typed = "Würden Sie {partner} weiterempfehlen? 100% ehrlich, {vendor} hört zu {0} %(x)s"
    invitation = invitation_in(world, "fr", nps_question=typed)
    shown = "Würden Sie Northwind Traders weiterempfehlen? 100% ehrlich, Acme Networks hört zu {0} %(x)s"

    page = texts_of(customer.get(f"/s/{tokens.answer_token(invitation)}/", headers=ENGLISH_BROWSER))
    assert f"<h1>{shown}</h1>" in page
    assert FRENCH["submit"] in page  # the rest of the page is the survey's language

    with in_tenant(world.acme):
        SurveyInvitation.objects.filter(pk=invitation.pk).update(status="scheduled", sent_at=None, send_after=T0)
        services.invitations_send(tenant=world.acme, invitation_ids=[invitation.pk], now=T0)
        email = OutboundEmail.objects.get(kind=INVITATION_KIND)
    assert shown in email.body_text
    assert FRENCH["intro"] in email.body_text


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_invitation_and_reminder_emails_are_in_the_survey_language(world, in_tenant, language):
    words = BY_LANGUAGE[language]
    survey = make_survey(world.acme, "Survey", language=language)
    invitation = make_invitation(survey, world.northwind, "dana@fabrikam.example", status="scheduled", send_after=T0)
    set_settings(world.acme, reminders=1, reminder_interval_days=1)
    with translation.override("en"), in_tenant(world.acme):  # whoever sends, in whichever language
        services.invitations_send(tenant=world.acme, invitation_ids=[invitation.pk], now=T0)
        services.send_reminders(tenant=world.acme, now=T0 + timedelta(days=2))
        email = OutboundEmail.objects.get(kind=INVITATION_KIND)
        reminder = OutboundEmail.objects.get(kind=REMINDER_KIND)
    assert email.subject == words["subject"]
    assert reminder.subject == words["reminder"]
    for body in (email.body_text, email.body_html.replace("&#x27;", "'"), reminder.body_text):
        assert words["intro"] in body and words["question"] in body
    assert f'<html lang="{language}">' in email.body_html
    assert "How likely" not in email.body_text + email.body_html


def test_the_unsubscribe_page_is_in_the_language_of_the_last_survey_sent(world, customer):
    invitation = invitation_in(world, "de")
    url = f"/u/{tokens.unsubscribe_token(world.acme, invitation.email)}/"
    page = customer.get(url, headers=ENGLISH_BROWSER)
    assert page["Content-Language"] == "de"
    assert "Keine Umfragen mehr an dana.de@fabrikam.example senden?" in texts_of(page)
    done = customer.post(url, headers=ENGLISH_BROWSER)
    assert "Acme Networks sendet keine Umfragen mehr an dana.de@fabrikam.example." in texts_of(done)
    # An address that never got a survey: the language the request would get anyway.
    stranger = customer.get(f"/u/{tokens.unsubscribe_token(world.acme, 'nobody@example.com')}/", headers=ENGLISH_BROWSER)
    assert "Stop surveys to nobody@example.com?" in texts_of(stranger)


def test_a_partner_user_answers_partner_satisfaction_in_their_own_language(world, in_tenant, anon_client, mailoutbox,
                                                                          django_capture_on_commit_callbacks):
    rep = world.northwind_rep.user
    rep.language = "de"
    rep.save(update_fields=["language"])
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        relationship.relationship_survey_start(tenant=world.acme, actor=world.acme_manager.user, name="Pulse",
                                               closes_on=date.today() + timedelta(days=7))
    links = {m.to[0]: links_to(m.body, "acme.localhost", "/r/")[0] for m in mailoutbox}
    browser = anon_client(world.acme)

    german = texts_of(browser.get(links[rep.email], headers=ENGLISH_BROWSER))
    assert "Wie wahrscheinlich ist es, dass Sie Acme Networks als Hersteller einem anderen Partner empfehlen?" in german
    assert "Anonym:" in german and "Anonyme Antwort senden" in german
    english = texts_of(browser.get(links["rep@contoso.example"], headers=ENGLISH_BROWSER))
    assert "How likely are you to recommend Acme Networks as a vendor to another partner?" in english

    answered = browser.post(links[rep.email], {"score": "8"}, headers=ENGLISH_BROWSER)
    assert GERMAN["thanks"] in texts_of(browser.get(answered["Location"], headers=ENGLISH_BROWSER))


@pytest.mark.parametrize(("n", "language", "expected"), [
    (1, "en", "1st"), (2, "en", "2nd"), (12, "en", "12th"), (3, "de", "3."), (1, "fr", "1er"), (2, "fr", "2e"),
    (3, "es", "3.º"), (4, "nl", "4e"), (2, "en-us", "2nd"), (2, "de-at", "2."),
])
def test_ranks_are_written_the_language_s_way(n, language, expected):
    assert ordinal(n, language) == expected


def test_the_survey_language_choices_are_the_site_languages():
    from django.conf import settings

    from surveys.models import Survey

    assert Survey._meta.get_field("language").choices == list(settings.LANGUAGES)
