"""Which language a person sees: their own choice, else the program's default, else the browser's."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from prm.audit.models import AuditEvent
from prm.outbox import services as outbox
from prm.tenancy.audit_verbs import TenancyVerb
from prm.tenancy.models import Tenant

pytestmark = pytest.mark.django_db


def _language_of(client, url="/", **headers):
    return client.get(url, **headers)["Content-Language"]


def _set(tenant, **fields):
    Tenant.objects.filter(pk=tenant.pk).update(**fields)


def test_without_any_choice_the_browser_decides(world, anon_client):
    assert _language_of(anon_client(world.acme), reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9") == "de"
    assert _language_of(anon_client(world.acme), reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ja") == "en"


def test_the_programs_default_beats_the_browser(world, anon_client):
    _set(world.acme, default_language="fr")
    assert _language_of(anon_client(world.acme), reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de") == "fr"
    assert _language_of(anon_client(world.globex), reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de") == "de"


def test_a_persons_own_choice_beats_the_program_and_the_browser(world, client_as):
    _set(world.acme, default_language="fr")
    user = world.northwind_rep.user
    user.language = "nl"
    user.save(update_fields=["language"])
    assert _language_of(client_as(world.northwind_rep), reverse("portal_home"), HTTP_ACCEPT_LANGUAGE="de") == "nl"
    assert _language_of(client_as(world.northwind_admin), reverse("portal_home"), HTTP_ACCEPT_LANGUAGE="de") == "fr"


def test_pages_vary_on_the_browsers_language(world, anon_client):
    assert "Accept-Language" in anon_client(world.acme).get(reverse("account_login"))["Vary"]


def test_a_person_chooses_their_language_and_the_next_pages_follow(world, client_as):
    client = client_as(world.northwind_rep)
    response = client.post(reverse("account_profile"), {"full_name": "Nora Rep", "language": "de"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    world.northwind_rep.user.refresh_from_db()
    world.northwind_admin.user.refresh_from_db()
    assert (world.northwind_rep.user.language, world.northwind_rep.user.full_name) == ("de", "Nora Rep")
    assert world.northwind_admin.user.language == ""
    assert _language_of(client, reverse("portal_home"), HTTP_ACCEPT_LANGUAGE="en") == "de"


def test_an_unknown_language_is_refused_next_to_the_field(world, client_as):
    response = client_as(world.northwind_rep).post(reverse("account_profile"), {"full_name": "", "language": "xx"})
    assert response.status_code == 400
    assert b'id="id_language_error"' in response.content
    world.northwind_rep.user.refresh_from_db()
    assert world.northwind_rep.user.language == ""


def test_a_tenant_admin_sets_the_programs_language_time_zone_and_currency(world, client_as):
    data = {"name": "Acme Networks", "default_language": "de", "time_zone": "Europe/Berlin", "currency": "EUR"}
    response = client_as(world.acme_admin).post(reverse("program_settings"), data)
    assert response.status_code == 302
    acme = Tenant.objects.get(pk=world.acme.pk)
    assert (acme.default_language, acme.time_zone, acme.currency) == ("de", "Europe/Berlin", "EUR")
    event = AuditEvent.unscoped.get(tenant=acme, verb=TenancyVerb.SETTINGS_CHANGED)
    assert event.data == {"default_language": ["", "de"], "time_zone": ["UTC", "Europe/Berlin"], "currency": ["USD", "EUR"]}
    assert Tenant.objects.get(pk=world.globex.pk).default_language == ""


def test_program_settings_refuse_a_bad_time_zone_and_keep_the_row(world, client_as):
    data = {"name": "Acme Networks", "default_language": "de", "time_zone": "Mars/Olympus", "currency": "EUR"}
    response = client_as(world.acme_admin).post(reverse("program_settings"), data)
    assert response.status_code == 400
    assert b'id="id_time_zone_error"' in response.content
    acme = Tenant.objects.get(pk=world.acme.pk)
    assert (acme.default_language, acme.time_zone, acme.currency) == ("", "UTC", "USD")


@pytest.fixture
def rendering(monkeypatch):
    """What language and time zone each email template was rendered in."""
    seen = []

    def fake_render(name, context):
        seen.append((name, translation.get_language(), timezone.get_current_timezone_name()))
        return name

    monkeypatch.setattr(outbox, "render_to_string", fake_render)
    return seen


def test_an_email_is_written_in_its_recipients_language_and_the_programs_time_zone(world, rendering, in_tenant):
    _set(world.acme, default_language="fr", time_zone="Europe/Paris")
    world.acme.refresh_from_db()
    user = world.northwind_rep.user
    user.language = "de"
    user.save(update_fields=["language"])
    with in_tenant(world.acme):
        german = outbox.email_render_and_enqueue(template="t", context={}, tenant=world.acme, to=[user.email])
        french = outbox.email_render_and_enqueue(template="t", context={}, tenant=world.acme, to=["customer@example.org"])
        chosen = outbox.email_render_and_enqueue(template="t", context={}, tenant=world.acme, to=[user.email], language="es")
    per_email = [rendering[start:start + 3] for start in range(0, len(rendering), 3)]  # subject, text, HTML
    assert [{(lang, zone) for _name, lang, zone in parts} for parts in per_email] == [
        {("de", "Europe/Paris")}, {("fr", "Europe/Paris")}, {("es", "Europe/Paris")}]
    assert [e.headers["Content-Language"] for e in (german, french, chosen)] == ["de", "fr", "es"]
