"""The API keys page gives the API's address as this page was served, with a copy button; the API
docs (Swagger UI) sit inside the app's header with a way back, and keep the strict script policy."""

import re

import pytest
from django.test import Client

from prm.api.views import BASE_PATH

KEYS, DOCS = "/manage/api-keys/", "/api/docs/"
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def _signed_in(membership, **client_options):
    client = Client(**client_options)
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(("options", "address"), [
    ({"HTTP_HOST": "acme.localhost:8123"}, "http://acme.localhost:8123/api/v1/"),
    ({"HTTP_HOST": "acme.localhost"}, "http://acme.localhost/api/v1/"),
    ({"HTTP_HOST": "acme.localhost", "secure": True}, "https://acme.localhost/api/v1/"),
])
def test_the_keys_page_gives_the_address_with_the_scheme_and_port_served(world, options, address):
    secure = options.pop("secure", False)
    page = _signed_in(world.acme_admin, **options).get(KEYS, secure=secure)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<code id="api-base-url">{address}</code>' in html
    if not secure:
        assert "https://" not in html  # no scheme the page was not served with


def test_the_address_is_where_the_api_answers(world, key_client):
    assert key_client.get(f"{BASE_PATH}partners/").status_code == 200


def test_the_copy_buttons_come_with_their_script_and_no_inline_script(world, client_as):
    admin = client_as(world.acme_admin)
    admin.post(KEYS, {"name": "Salesforce sync"})
    html = admin.get(KEYS).content
    assert re.search(rb'<button type="button"[^>]*data-copy="api-base-url"[^>]*hidden>Copy address</button>', html)
    assert re.search(rb'<button type="button"[^>]*data-copy="new-key"[^>]*hidden>Copy key</button>', html)
    assert re.search(rb'<script src="/static/js/copy\.js" defer></script>', html)
    assert not INLINE_SCRIPT.search(html)


@pytest.mark.parametrize(("member", "back"), [
    ("acme_admin", ("/manage/", "Back to the dashboard")),
    ("acme_manager", ("/manage/", "Back to the dashboard")),
    ("northwind_rep", ("/portal/", "Back to the portal")),
])
def test_the_docs_carry_the_app_header_with_a_way_back(world, client_as, member, back):
    page = client_as(getattr(world, member)).get(DOCS)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<header class="topbar">' in html and "Sign out" in html
    href, label = back
    assert f'<a href="{href}">{label}</a>' in html
    assert '<div id="swagger-ui" class="api-docs"></div>' in html


def test_the_docs_offer_a_visitor_to_sign_in(world, anon_client):
    html = anon_client(world.acme).get(DOCS).content.decode()
    assert '<header class="topbar">' in html
    assert '<a href="/accounts/login/">Sign in</a>' in html


def test_swagger_runs_from_this_sites_scripts_under_the_strict_policy(world, client_as):
    page = client_as(world.acme_admin).get(DOCS)
    assert not INLINE_SCRIPT.search(page.content)
    scripts = re.findall(rb'<script src="([^"]+)"', page.content)
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in scripts
    assert b"/api/docs/?script=" in scripts
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'"
    setup = client_as(world.acme_admin).get("/api/docs/", {"script": ""})
    assert setup.status_code == 200 and setup["Content-Type"].startswith("application/javascript")
