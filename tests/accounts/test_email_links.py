"""Links in account emails come from the tenant's configured host, never from the request's Host header."""

from allauth.account.models import EmailAddress
from django.test import Client

from prm.tenancy.links import public_site, public_url
from tests.support import links_to, sign_in


def test_the_address_confirmation_link_ignores_a_forged_host(world, django_capture_on_commit_callbacks, mailoutbox):
    user = world.acme_manager.user
    EmailAddress.objects.filter(user=user).update(verified=False)
    forged = Client(HTTP_HOST="ACME.localhost:6666")
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(forged, user.email)
    [message] = mailoutbox
    assert "6666" not in message.body and "ACME" not in message.body
    assert links_to(message.body, "acme.localhost", "/accounts/confirm-email/")


def test_public_urls_use_the_configured_scheme_host_and_port(world, settings):
    settings.PRM_URL_SCHEME, settings.PRM_PUBLIC_PORT = "https", "8443"
    assert public_url(world.acme, "/x/") == "https://acme.localhost:8443/x/"
    assert public_url(None, "/x/") == "https://localhost:8443/x/"
    assert public_site(world.globex).domain == "globex.localhost:8443"
    assert public_site(world.globex).name == "Globex Systems"
