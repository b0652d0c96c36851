"""Accepting an invitation as an existing account with two-factor asks for the second factor too."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from prm.invitations.services import invitation_create
from prm.tenancy.models import Membership, Role
from tests.factories import PASSWORD
from tests.support import current_totp_code, is_signed_in


@pytest.fixture
def invited(world, in_tenant, django_capture_on_commit_callbacks):
    """A Globex manager with TOTP and recovery codes, invited to Acme; returns (path, secret, recovery codes)."""
    person = world.globex_manager.user
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    codes = RecoveryCodes.activate(person).generate_codes()
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        _, token = invitation_create(tenant=world.acme, actor_membership=world.acme_manager,
                                     email=person.email, role=Role.PARTNER_USER, partner=world.northwind)
    return f"/invitations/{token}/", secret, codes


def _joined(world):
    return Membership.unscoped.filter(tenant=world.acme, user=world.globex_manager.user).exists()


def _wrong_code(secret):
    return "000000" if current_totp_code(secret) != "000000" else "111111"


def test_the_accept_page_asks_for_the_code(world, anon_client, invited):
    path, _, _ = invited
    page = anon_client(world.acme).get(path)
    assert b'name="password"' in page.content and b'name="code"' in page.content
    assert b"two-factor code" in page.content


def test_the_password_alone_does_not_join(world, anon_client, invited):
    path, _, _ = invited
    client = anon_client(world.acme)
    response = client.post(path, {"password": PASSWORD})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["This field is required."]
    assert not _joined(world) and not is_signed_in(client)


def test_a_wrong_code_does_not_join(world, anon_client, invited):
    path, secret, _ = invited
    client = anon_client(world.acme)
    response = client.post(path, {"password": PASSWORD, "code": _wrong_code(secret)})
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["Incorrect code."]
    assert b'id="id_code_error"' in response.content
    assert not _joined(world) and not is_signed_in(client)


def test_a_right_code_with_a_wrong_password_does_not_join(world, anon_client, invited):
    path, secret, _ = invited
    response = anon_client(world.acme).post(path, {"password": "not-my-password", "code": current_totp_code(secret)})
    assert response.status_code == 400
    assert "password" in response.context["form"].errors
    assert not _joined(world)


def test_password_and_totp_code_join(world, anon_client, invited):
    path, secret, _ = invited
    client = anon_client(world.acme)
    response = client.post(path, {"password": PASSWORD, "code": current_totp_code(secret)})
    assert response.status_code == 302
    assert _joined(world) and is_signed_in(client)
    totp = Authenticator.objects.get(user=world.globex_manager.user, type=Authenticator.Type.TOTP)
    assert totp.last_used_at is not None  # recorded through allauth, like its own two-factor step


def test_a_recovery_code_joins_and_is_used_up(world, anon_client, invited):
    path, _, codes = invited
    response = anon_client(world.acme).post(path, {"password": PASSWORD, "code": codes[0]})
    assert response.status_code == 302 and _joined(world)
    recovery = Authenticator.objects.get(user=world.globex_manager.user, type=Authenticator.Type.RECOVERY_CODES)
    assert codes[0] not in recovery.wrap().get_unused_codes()


def test_a_used_totp_code_cannot_be_replayed(world, anon_client, invited):
    """The code typed on the sign-in form cannot be reused on the invitation by whoever watched it."""
    path, secret, _ = invited
    code = current_totp_code(secret)
    assert TOTP(Authenticator.objects.get(user=world.globex_manager.user, type="totp")).validate_code(code)
    response = anon_client(world.acme).post(path, {"password": PASSWORD, "code": code})
    assert response.status_code == 400 and not _joined(world)


def test_an_account_without_two_factor_is_not_asked(world, anon_client, in_tenant, django_capture_on_commit_callbacks):
    with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
        _, token = invitation_create(tenant=world.acme, actor_membership=world.acme_manager,
                                     email=world.globex_admin.user.email, role=Role.PARTNER_USER, partner=world.northwind)
    page = anon_client(world.acme).get(f"/invitations/{token}/")
    assert b'name="password"' in page.content and b'name="code"' not in page.content
