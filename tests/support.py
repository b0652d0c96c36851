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


def race(tenant, calls, *, wait=60):
    """Run each call in its own thread, connection and transaction inside `tenant`, released at the
    same moment by a barrier (PostgreSQL concurrency tests).

    Returns one ("ok", result) or ("error", exception) per call, in order."""
    import threading

    from django.db import connection

    from prm.tenancy.context import tenant_context

    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            connection.ensure_connection()  # connect first, so the barrier releases queries, not handshakes
            with tenant_context(tenant):
                barrier.wait(timeout=wait)
                outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 — reported to the test
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * wait)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung (deadlock?)"
    return outcomes
