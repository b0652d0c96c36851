"""The public apply page: the form, the tenant's own questions, honeypot and rate limits, the
confirmation link (once, only for its own application), and German rendering."""

import pytest

from partners.onboarding.models import Application, ApplicationQuestion, ApplicationStatus
from partners.onboarding.services import application_request_info
from partners.onboarding.tokens import application_token
from prm.audit.models import AuditEvent

from .helpers import APPLY, apply_data, link_in, make_application


@pytest.fixture
def questions(world, in_tenant):
    with in_tenant(world.acme):
        return [
            ApplicationQuestion.objects.create(tenant=world.acme, text="How many sales reps?", kind="text", required=True),
            ApplicationQuestion.objects.create(tenant=world.acme, text="Main market?", kind="choice",
                                               choices="SMB\nEnterprise"),
            ApplicationQuestion.objects.create(tenant=world.acme, text="Do you sell our products already?", kind="yes_no"),
        ]


def test_an_applicant_applies_with_the_tenants_questions_and_gets_a_confirmation_link(
        world, questions, anon_client, in_tenant, mailoutbox, django_capture_on_commit_callbacks):
    client = anon_client(world.acme)
    page = client.get(APPLY)
    assert page.status_code == 200
    assert "How many sales reps?" in page.content.decode()
    answers = {f"q{questions[0].pk}": "12", f"q{questions[1].pk}": "SMB", f"q{questions[2].pk}": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY, apply_data(**answers))
    assert response.status_code == 302
    with in_tenant(world.acme):
        application = Application.objects.get()
    assert application.status == ApplicationStatus.UNCONFIRMED
    assert application.domain == "fabrikam.example"
    assert application.name_normalized == "fabrikam networks"
    assert application.answers == [{"question": "How many sales reps?", "answer": "12"},
                                   {"question": "Main market?", "answer": "SMB"},
                                   {"question": "Do you sell our products already?", "answer": "Yes"}]
    assert [m.to for m in mailoutbox] == [["fran@fabrikam.example"]]
    assert "/apply/a/" in mailoutbox[0].body


def test_a_required_question_left_empty_is_an_error_next_to_it(world, questions, anon_client, in_tenant):
    response = anon_client(world.acme).post(APPLY, apply_data())
    assert response.status_code == 400
    assert f'id="id_q{questions[0].pk}_error"' in response.content.decode()
    with in_tenant(world.acme):
        assert not Application.objects.exists()


def test_the_honeypot_stores_nothing_but_looks_like_success(world, anon_client, in_tenant, mailoutbox):
    response = anon_client(world.acme).post(APPLY, apply_data(nickname="buy cheap"))
    assert response.status_code == 302
    with in_tenant(world.acme):
        assert not Application.objects.exists()
    assert mailoutbox == []


def test_applications_are_limited_per_email_domain(world, anon_client, in_tenant, settings):
    client = anon_client(world.acme)
    for n in range(3):
        assert client.post(APPLY, apply_data(contact_email=f"p{n}@fabrikam.example", company=f"F{n}"),
                           REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
    refused = client.post(APPLY, apply_data(contact_email="p9@fabrikam.example", company="F9"), REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429
    assert "Too many applications" in refused.content.decode()
    other_domain = client.post(APPLY, apply_data(contact_email="x@other.example", company="Other"), REMOTE_ADDR="10.0.0.9")
    assert other_domain.status_code == 302
    with in_tenant(world.acme):
        assert Application.objects.count() == 4


def test_applications_are_limited_per_client_ip(world, anon_client, in_tenant):
    client = anon_client(world.acme)
    for n in range(5):
        assert client.post(APPLY, apply_data(contact_email=f"a@d{n}.example", company=f"D{n}")).status_code == 302
    assert client.post(APPLY, apply_data(contact_email="a@d9.example", company="D9")).status_code == 429
    with in_tenant(world.acme):
        assert Application.objects.count() == 5


def test_the_confirmation_link_works_once(world, anon_client, in_tenant, mailoutbox, django_capture_on_commit_callbacks):
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        application = make_application(world.acme)
    link = link_in(mailoutbox[0].body)
    client = anon_client(world.acme)
    assert "Confirm my email address" in client.get(link).content.decode()
    assert client.post(link).status_code == 302
    with in_tenant(world.acme):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.confirmed_at is not None
        confirmations = AuditEvent.objects.filter(verb="application.confirmed").count()
    again = client.post(link)
    assert again.status_code == 302
    assert "Confirm my email address" not in client.get(link).content.decode()
    with in_tenant(world.acme):
        assert AuditEvent.objects.filter(verb="application.confirmed").count() == confirmations == 1


def test_a_link_opens_only_its_own_application_of_its_own_tenant(world, anon_client, in_tenant):
    with in_tenant(world.acme):
        mine = make_application(world.acme)
        other = make_application(world.acme, company="Other Co", website="other.example", contact_email="o@other.example")
    token = application_token(mine)
    page = anon_client(world.acme).get(f"/apply/a/{token}/")
    assert "Fabrikam Networks GmbH" in page.content.decode() and "Other Co" not in page.content.decode()
    # On another tenant's host the same token is no key; a forged or altered one neither.
    assert anon_client(world.globex).post(f"/apply/a/{token}/").status_code == 404
    assert anon_client(world.acme).post(f"/apply/a/{token[:-2]}xx/").status_code == 404
    with in_tenant(world.acme):
        assert Application.objects.get(pk=mine.pk).status == ApplicationStatus.UNCONFIRMED
        assert Application.objects.get(pk=other.pk).status == ApplicationStatus.UNCONFIRMED


def test_an_expired_link_is_refused(world, anon_client, in_tenant, settings, monkeypatch):
    from partners.onboarding import tokens

    with in_tenant(world.acme):
        application = make_application(world.acme)
    token = application_token(application)
    monkeypatch.setattr(tokens, "LINK_MAX_AGE", -1)
    assert anon_client(world.acme).post(f"/apply/a/{token}/").status_code == 404
    with in_tenant(world.acme):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.UNCONFIRMED


def test_the_applicant_answers_a_request_for_more_information_by_the_link(
        world, anon_client, in_tenant, mailoutbox, django_capture_on_commit_callbacks):
    with in_tenant(world.acme):
        application = make_application(world.acme)
        from partners.onboarding.services import application_confirm
        application_confirm(application=application)
        with django_capture_on_commit_callbacks(execute=True):
            application_request_info(application=application, actor=world.acme_manager.user,
                                     question="Which regions do you cover?")
    link = link_in(mailoutbox[-1].body)
    client = anon_client(world.acme)
    assert "Which regions do you cover?" in client.get(link).content.decode()
    assert client.post(link, {"answer": ""}).status_code == 400
    assert client.post(link, {"answer": "DACH and Benelux"}).status_code == 302
    with in_tenant(world.acme):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.SUBMITTED
        event = AuditEvent.objects.get(verb="application.info_provided")
        assert event.data == {"note": "DACH and Benelux"}


def test_the_apply_page_speaks_german(world, anon_client):
    page = anon_client(world.acme).get(APPLY, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'lang="de"' in page
    assert "Bewerbung senden" in page
    assert "Firmenname" in page


def test_the_applicant_is_written_to_in_the_language_they_applied_in(
        world, anon_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        anon_client(world.acme).post(APPLY, apply_data(), HTTP_ACCEPT_LANGUAGE="de")
    assert mailoutbox[0].subject == "Bestätigen Sie Ihre Bewerbung für das Partnerprogramm von Acme Networks"
    assert "Guten Tag Fran Kam," in mailoutbox[0].body
