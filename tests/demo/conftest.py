"""The demo loaded once for a module of tests that only read it (`demo`), inside a transaction that
is rolled back afterwards. The browser journey through the loaded demo is in tests/browser, beside
the one Chromium of the session."""

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from prm.celery import app as celery_app
from prm.tenancy.context import rls_bypass
from tests.support import eager_celery  # noqa: F401 — a fixture, used below

PORT = "8123"  # the port `make run PORT=8123` would pass on


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):
    """The demo's emails are sent in process, also when CI points Celery at Redis."""


def load_demo_now():
    """Run load_demo and what it hands to Celery after its commits (the emails), in process."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    mail = Path(tmp_path_factory.mktemp("mail"))
    conf = celery_app.conf
    eager = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    try:
        with (django_db_blocker.unblock(), rls_bypass(reason="the demo spans both programs"),
              override_settings(EMAIL_BACKEND="prm.outbox.eml_backend.EmlEmailBackend", EMAIL_FILE_PATH=str(mail),
                                PRM_PUBLIC_PORT=PORT, PRM_DOMAIN="localhost", MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
                                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])):
            outer = transaction.atomic()
            outer.__enter__()
            try:
                load_demo_now()
                yield SimpleNamespace(mail=mail, port=PORT)
            finally:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
    finally:
        conf.task_always_eager, conf.task_eager_propagates = eager
