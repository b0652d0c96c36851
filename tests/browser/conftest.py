"""Fixtures for the browser journeys: one Chromium for the session, a live server on tenant hosts.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; Playwright never downloads a
browser here. Without Chromium the journeys are skipped locally and fail in CI.
"""

import os
from types import SimpleNamespace

import pytest

from tests.support import eager_celery  # noqa: F401 — a fixture, used below

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Fail fast: every page here is served from loopback.
TIMEOUT_MS = 10_000


def _in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):
    """Outbox tasks run in process (in the live server's thread too), also when CI sets REDIS_URL."""


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if _in_ci():
            pytest.fail(f"{CHROMIUM} is missing, and CI must run the browser journeys: apt-get install chromium",
                        pytrace=False)
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread, and Django refuses ORM calls
    # from a thread with a running loop. The tests are plain synchronous code, so allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser):
    """new_page() → a page in a fresh browser context: its own cookies, so a different person."""
    contexts = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def site(live_server, settings):
    """The live server on tenant hosts: site.url(tenant, path) → http://<slug>.localhost:<port><path>.

    Emailed links are built for the same port, so a link from an email opens on the live server.
    """
    port = live_server.thread.port
    settings.PRM_PUBLIC_PORT = str(port)

    def url(tenant, path="/"):
        slug = tenant if isinstance(tenant, str) else tenant.slug
        return f"http://{slug}.localhost:{port}{path}"

    return SimpleNamespace(port=port, url=url)
