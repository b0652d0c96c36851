"""The tenant admin's application settings: the questions applicants answer, and auto-approved domains."""

from partners.onboarding.models import ApplicationQuestion, OnboardingSettings
from prm.audit.models import AuditEvent

SETTINGS = "/manage/applications/settings/"


def test_a_tenant_admin_adds_a_question_that_the_apply_page_then_asks(world, client_as, anon_client, in_tenant):
    client = client_as(world.acme_admin)
    assert client.get(SETTINGS).status_code == 200
    response = client.post(SETTINGS, {"text": "Which vendors do you sell?", "kind": "choice", "choices": "Acme\nOthers",
                                      "required": "on"})
    assert response.status_code == 302
    page = anon_client(world.acme).get("/apply/").content.decode()
    assert "Which vendors do you sell?" in page and ">Others<" in page
    assert "Which vendors" not in anon_client(world.globex).get("/apply/").content.decode()
    with in_tenant(world.acme):
        question = ApplicationQuestion.objects.get()
        assert AuditEvent.objects.filter(verb="application_question.created", target_id=str(question.pk)).exists()


def test_a_choice_question_needs_two_options(world, client_as, in_tenant):
    response = client_as(world.acme_admin).post(SETTINGS, {"text": "Pick", "kind": "choice", "choices": "Only one"})
    assert response.status_code == 400
    assert 'id="id_choices_error"' in response.content.decode()
    with in_tenant(world.acme):
        assert not ApplicationQuestion.objects.exists()


def test_a_retired_question_is_no_longer_asked(world, client_as, anon_client, in_tenant):
    with in_tenant(world.acme):
        question = ApplicationQuestion.objects.create(tenant=world.acme, text="Team size?")
    client_as(world.acme_admin).post(f"/manage/applications/questions/{question.pk}/toggle/")
    assert "Team size?" not in anon_client(world.acme).get("/apply/").content.decode()
    with in_tenant(world.acme):
        assert not ApplicationQuestion.objects.get().is_active


def test_auto_approved_domains_are_normalised_and_a_bad_line_is_refused(world, client_as, in_tenant):
    client = client_as(world.acme_admin)
    assert client.post(SETTINGS, {"auto_approve_domains": "https://www.Fabrikam.example\n\nnorthwind.example"}).status_code == 302
    with in_tenant(world.acme):
        assert OnboardingSettings.objects.get().domains == {"fabrikam.example", "northwind.example"}
    assert client.post(SETTINGS, {"auto_approve_domains": "not a domain"}).status_code == 400
    with in_tenant(world.acme):
        assert OnboardingSettings.objects.get().domains == {"fabrikam.example", "northwind.example"}


def test_only_tenant_admins_change_the_settings(world, client_as):
    assert client_as(world.acme_manager).get(SETTINGS).status_code == 403
