"""/api/v1/applications/: applying is public and limited like /apply/ (one limiter for both), the
contact confirms before the application reaches the queue, and staff decide over the API with the
same emails as on the dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from partners.models import Partner
from partners.onboarding import services
from partners.onboarding.models import Application, ApplicationQuestion, ApplicationStatus as S
from prm.audit.models import AuditEvent
from prm.invitations.models import Invitation
from prm.tenancy.models import Role

from .helpers import APPLY, apply_data, link_in, make_application

APPLICATIONS = "/api/v1/applications/"


def _anon(tenant, ip="10.1.1.1"):
    return APIClient(HTTP_HOST=f"{tenant.slug}.localhost", REMOTE_ADDR=ip)


@pytest.fixture
def staff_api(world):
    def make(membership=None):
        membership = membership or world.acme_manager
        client = APIClient(HTTP_HOST=f"{membership.tenant.slug}.localhost")
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def questions(world, in_tenant):
    with in_tenant(world.acme):
        return [
            ApplicationQuestion.objects.create(tenant=world.acme, text="How many sales reps?", kind="text", required=True),
            ApplicationQuestion.objects.create(tenant=world.acme, text="Main market?", kind="choice", choices="SMB\nEnterprise"),
            ApplicationQuestion.objects.create(tenant=world.acme, text="Do you sell our products already?", kind="yes_no"),
        ]


@pytest.fixture
def confirmed(world, in_tenant):
    """A fresh application and one that looks like Northwind, both confirmed; one left unconfirmed."""
    with in_tenant(world.acme):
        fresh = services.application_confirm(application=make_application(world.acme))
        dup = services.application_confirm(application=make_application(
            world.acme, company="NW Trading", website="northwind.example", contact_email="a@nw.example"))
        make_application(world.acme, company="Unconfirmed Ltd", website="unconf.example", contact_email="u@unconf.example")
    return fresh, dup


def _companies(response):
    assert response.status_code == 200, response.content
    return [row["company"] for row in response.json()["results"]]


def test_anyone_applies_without_credentials_and_gets_a_confirmation_link(
        world, questions, in_tenant, mailoutbox, django_capture_on_commit_callbacks):
    client = _anon(world.acme)
    asked = client.get(f"{APPLICATIONS}questions/")
    assert asked.status_code == 200
    assert [(q["text"], q["kind"], q["choices"]) for q in asked.json()] == [
        ("How many sales reps?", "text", []), ("Main market?", "choice", ["SMB", "Enterprise"]),
        ("Do you sell our products already?", "yes_no", [])]
    answers = [{"question": questions[0].pk, "answer": "12"}, {"question": questions[1].pk, "answer": "SMB"},
               {"question": questions[2].pk, "answer": "yes"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLICATIONS, {**apply_data(), "answers": answers}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "unconfirmed" and "fran@fabrikam.example" in body["detail"]
    assert "id" not in body  # an anonymous caller learns nothing about the program's applications
    with in_tenant(world.acme):
        application = Application.objects.get()
    assert (application.status, application.domain, application.name_normalized) == (S.UNCONFIRMED, "fabrikam.example",
                                                                                     "fabrikam networks")
    assert application.answers == [{"question": "How many sales reps?", "answer": "12"},
                                   {"question": "Main market?", "answer": "SMB"},
                                   {"question": "Do you sell our products already?", "answer": "Yes"}]
    assert [m.to for m in mailoutbox] == [["fran@fabrikam.example"]]
    assert "/apply/a/" in mailoutbox[0].body
    assert AuditEvent.unscoped.filter(verb="application.received", target_id=str(application.pk)).count() == 1


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"answers": []}, "answers", "How many sales reps?: This field is required."),
    ({"answers": "q"}, "answers", None),
    ({"business_type": "spy"}, "business_type", None),
    ({"country": "XX"}, "country", None),
    ({"contact_email": "not-an-address"}, "contact_email", None),
    ({"company": ""}, "company", None),
])
def test_an_application_is_checked_like_on_the_apply_page(world, questions, in_tenant, mailoutbox, change, field, message):
    response = _anon(world.acme).post(APPLICATIONS, {**apply_data(), **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    with in_tenant(world.acme):
        assert not Application.objects.exists()
    assert mailoutbox == []


def test_answers_name_questions_of_this_program_and_valid_choices(world, questions, in_tenant):
    with in_tenant(world.globex):
        foreign = ApplicationQuestion.objects.create(tenant=world.globex, text="Globex only?")
    required = {"question": questions[0].pk, "answer": "3"}
    client = _anon(world.acme)
    unknown = client.post(APPLICATIONS, {**apply_data(), "answers": [required, {"question": foreign.pk, "answer": "x"}]},
                          format="json")
    assert unknown.status_code == 400
    assert unknown.json()["answers"] == [f"Question {foreign.pk} is not asked by this program."]
    bad_choice = client.post(APPLICATIONS, {**apply_data(), "answers": [required, {"question": questions[1].pk,
                                                                                    "answer": "Galaxy"}]}, format="json")
    assert bad_choice.status_code == 400
    assert bad_choice.json()["answers"][0].startswith("Main market?: Select a valid choice.")
    with in_tenant(world.acme):
        assert not Application.objects.exists()


def test_applications_over_the_api_are_limited_per_email_domain(world, in_tenant):
    for n in range(3):
        assert _anon(world.acme, ip=f"10.0.0.{n}").post(APPLICATIONS, apply_data(
            contact_email=f"p{n}@fabrikam.example", company=f"F{n}"), format="json").status_code == 201
    refused = _anon(world.acme, ip="10.0.0.9").post(APPLICATIONS, apply_data(contact_email="p9@fabrikam.example",
                                                                             company="F9"), format="json")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many applications came from your network or your company's email domain. "
                                        "Please try again later."}
    other_domain = _anon(world.acme, ip="10.0.0.9").post(APPLICATIONS, apply_data(contact_email="x@other.example",
                                                                                  company="Other"), format="json")
    assert other_domain.status_code == 201
    with in_tenant(world.acme):
        assert Application.objects.count() == 4


def test_applications_over_the_api_are_limited_per_client_ip(world, in_tenant):
    client = _anon(world.acme)
    for n in range(5):
        assert client.post(APPLICATIONS, apply_data(contact_email=f"a@d{n}.example", company=f"D{n}"),
                           format="json").status_code == 201
    refused = client.post(APPLICATIONS, apply_data(contact_email="a@d9.example", company="D9"), format="json")
    assert refused.status_code == 429
    assert "Too many applications" in refused.json()["detail"]
    assert _anon(world.acme, ip="10.9.9.9").post(APPLICATIONS, apply_data(contact_email="a@d9.example", company="D9"),
                                                 format="json").status_code == 201


def test_the_apply_page_and_the_api_count_against_one_limit(world, anon_client, in_tenant):
    page = anon_client(world.acme)
    for n in range(3):
        assert page.post(APPLY, apply_data(contact_email=f"p{n}@fabrikam.example", company=f"F{n}"),
                         REMOTE_ADDR=f"10.0.1.{n}").status_code == 302
    refused = _anon(world.acme, ip="10.0.1.9").post(APPLICATIONS, apply_data(contact_email="p9@fabrikam.example",
                                                                             company="F9"), format="json")
    assert refused.status_code == 429
    with in_tenant(world.acme):
        assert Application.objects.count() == 3


def test_applying_is_refused_off_a_tenants_host(world, settings):
    settings.ALLOWED_HOSTS = ["*"]
    for host in ("localhost", "nope.localhost"):
        response = APIClient(HTTP_HOST=host).post(APPLICATIONS, apply_data(), format="json")
        assert response.status_code == 404
    assert not Application.unscoped.exists()


def test_an_application_reaches_the_queue_only_once_its_email_is_confirmed(
        world, in_tenant, staff_api, anon_client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _anon(world.acme).post(APPLICATIONS, apply_data(), format="json").status_code == 201
    with in_tenant(world.acme):
        application = Application.objects.get()
    staff = staff_api()
    assert _companies(staff.get(APPLICATIONS)) == []
    assert _companies(staff.get(APPLICATIONS, {"status": "approved"})) == []
    assert staff.get(f"{APPLICATIONS}{application.pk}/").status_code == 404
    assert staff.post(f"{APPLICATIONS}{application.pk}/approve/", {}, format="json").status_code == 404
    assert anon_client(world.acme).post(link_in(mailoutbox[0].body)).status_code == 302
    assert _companies(staff.get(APPLICATIONS)) == ["Fabrikam Networks GmbH"]
    assert staff.get(f"{APPLICATIONS}{application.pk}/").json()["status"] == "submitted"


def test_staff_read_the_queue_with_answers_duplicate_flags_and_age(world, confirmed, staff_api, in_tenant):
    fresh, dup = confirmed
    staff = staff_api()
    assert _companies(staff.get(APPLICATIONS)) == ["Fabrikam Networks GmbH", "NW Trading"]
    detail = staff.get(f"{APPLICATIONS}{dup.pk}/").json()
    assert detail["duplicate"] is True
    assert (detail["matched_partner"], detail["matched_partner_name"]) == (world.northwind.pk, "Northwind Traders")
    assert detail["answers"] == [] and detail["age_days"] == 0
    assert staff.get(f"{APPLICATIONS}{fresh.pk}/").json()["duplicate"] is False
    assert _companies(staff.get(APPLICATIONS, {"duplicate": "true"})) == ["NW Trading"]
    assert _companies(staff.get(APPLICATIONS, {"duplicate": "false"})) == ["Fabrikam Networks GmbH"]
    with in_tenant(world.acme):
        Application.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(days=10))
    assert staff.get(f"{APPLICATIONS}{fresh.pk}/").json()["age_days"] == 10
    assert _companies(staff.get(APPLICATIONS, {"min_age_days": 7})) == ["Fabrikam Networks GmbH"]
    assert _companies(staff.get(APPLICATIONS, {"max_age_days": 7})) == ["NW Trading"]
    for bad in ({"status": "pending"}, {"duplicate": "maybe"}, {"min_age_days": -1}, {"max_age_days": "x"}):
        response = staff.get(APPLICATIONS, bad)
        assert response.status_code == 400
        assert set(response.json()) == set(bad)


def test_partner_users_cannot_read_or_decide_applications(world, confirmed, client_as, in_tenant):
    fresh, _dup = confirmed
    partner = APIClient(HTTP_HOST="acme.localhost")
    partner.force_login(world.northwind_admin.user, backend="django.contrib.auth.backends.ModelBackend")
    assert partner.get(APPLICATIONS).status_code == 403
    assert partner.get(f"{APPLICATIONS}{fresh.pk}/").status_code == 403
    assert partner.post(f"{APPLICATIONS}{fresh.pk}/reject/", {"reason": "no"}, format="json").status_code == 403
    with in_tenant(world.acme):
        assert Application.objects.get(pk=fresh.pk).status == S.SUBMITTED


def test_a_manager_approves_over_the_api(world, confirmed, staff_api, in_tenant, mailoutbox,
                                         django_capture_on_commit_callbacks):
    fresh, _dup = confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_api().post(f"{APPLICATIONS}{fresh.pk}/approve/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    with in_tenant(world.acme):
        partner = Partner.objects.get(name="Fabrikam Networks GmbH")
        assert response.json()["partner"] == partner.pk
        assert (partner.status, partner.owner) == ("onboarding", world.acme_manager)
        invitation = Invitation.objects.get(partner=partner)
    assert (invitation.email, invitation.role) == ("fran@fabrikam.example", Role.PARTNER_ADMIN)
    assert ["fran@fabrikam.example"] in [m.to for m in mailoutbox]
    event = AuditEvent.unscoped.get(verb="application.approved", target_id=str(fresh.pk))
    assert event.actor == world.acme_manager.user


def test_an_api_key_approves_as_the_admin_who_created_it_and_is_named_in_the_trail(world, confirmed, key_client, in_tenant):
    fresh, _dup = confirmed
    response = key_client.post(f"{APPLICATIONS}{fresh.pk}/approve/", {"owner": world.acme_manager.pk}, format="json")
    assert response.status_code == 200, response.content
    with in_tenant(world.acme):
        partner = Partner.objects.get(name="Fabrikam Networks GmbH")
        assert partner.owner == world.acme_manager
        assert Invitation.objects.get(partner=partner).invited_by == world.acme_admin.user
    event = AuditEvent.unscoped.get(verb="application.approved", target_id=str(fresh.pk))
    assert event.actor is None and "CRM" in event.actor_label


@pytest.mark.parametrize("owner", ["globex_manager", "northwind_admin", 987654321])
def test_the_channel_manager_must_be_active_staff_of_the_program(world, confirmed, staff_api, in_tenant, owner):
    fresh, _dup = confirmed
    owner_id = getattr(world, owner).pk if isinstance(owner, str) else owner
    response = staff_api().post(f"{APPLICATIONS}{fresh.pk}/approve/", {"owner": owner_id}, format="json")
    assert response.status_code == 400
    assert response.json() == {"owner": ["Choose an active channel manager of this program."]}
    with in_tenant(world.acme):
        assert Application.objects.get(pk=fresh.pk).status == S.SUBMITTED
        assert not Partner.objects.filter(name="Fabrikam Networks GmbH").exists()


def test_reject_needs_a_reason_and_emails_it(world, confirmed, staff_api, in_tenant, mailoutbox,
                                             django_capture_on_commit_callbacks):
    fresh, _dup = confirmed
    staff = staff_api()
    blank = staff.post(f"{APPLICATIONS}{fresh.pk}/reject/", {"reason": "  "}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()
    with in_tenant(world.acme):
        assert Application.objects.get(pk=fresh.pk).status == S.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{APPLICATIONS}{fresh.pk}/reject/", {"reason": "We have enough resellers in Bavaria."},
                              format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reject_reason"]) == ("rejected", "We have enough resellers in Bavaria.")
    assert "We have enough resellers in Bavaria." in mailoutbox[-1].body
    assert mailoutbox[-1].to == ["fran@fabrikam.example"]
    again = staff.post(f"{APPLICATIONS}{fresh.pk}/approve/", {}, format="json")
    assert again.status_code == 400
    assert again.json() == {"detail": ["Only an application waiting for review or for more information can be approved."]}


def test_asking_for_more_information_emails_the_link_and_the_answer_brings_it_back(
        world, confirmed, staff_api, anon_client, in_tenant, mailoutbox, django_capture_on_commit_callbacks):
    fresh, _dup = confirmed
    staff = staff_api()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"{APPLICATIONS}{fresh.pk}/request-info/", {"question": "Which regions do you serve?"},
                              format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["info_request"]) == ("more_info", "Which regions do you serve?")
    assert _companies(staff.get(APPLICATIONS, {"status": "more_info"})) == ["Fabrikam Networks GmbH"]
    email = mailoutbox[-1]
    assert "Which regions do you serve?" in email.body
    assert anon_client(world.acme).post(link_in(email.body), {"answer": "Bavaria and Austria"}).status_code == 302
    assert staff.get(f"{APPLICATIONS}{fresh.pk}/").json()["status"] == "submitted"
