"""Helpers shared by the sub-folder test modules (the shared fixtures stay in tests/conftest.py)."""

import re
import time

import pytest
from django.test import Client

from prm.celery import app as celery_app

from .factories import PASSWORD


@pytest.fixture
def eager_celery():
    """Run Celery tasks in process for one test, whatever REDIS_URL says, then restore the settings.

    Import it into a sub-folder conftest.py (with `autouse`) so that the suite behaves the same on
    the embedded default (eager) and in CI (Redis broker, not eager).
    """
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = True
    conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


def host_of(tenant):
    return f"{tenant.slug}.localhost"


def links_to(text, host, path_prefix=""):
    """Paths of the absolute links to `host` in `text`, e.g. ['/invitations/abc/']."""
    return re.findall(rf"https?://{re.escape(host)}({re.escape(path_prefix)}[^\s\"'<>]*)", text)


def sign_in(client, email, password=PASSWORD):
    """POST the allauth sign-in form; returns the response (not followed)."""
    return client.post("/accounts/login/", {"login": email, "password": password})


def is_signed_in(client):
    return "_auth_user_id" in client.session


def current_totp_code(secret):
    """The code an authenticator app shows now for `secret`."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def fresh_client(host):
    return Client(HTTP_HOST=host)
