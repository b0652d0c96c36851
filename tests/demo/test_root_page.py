"""The first minute: 127.0.0.1 and localhost show a page that explains the *.localhost addresses
and links to the programs, outside production only; production answers its own domains only."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from prm.tenancy.resolution import resolve_host

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("host", "base"), [("127.0.0.1:8000", ":8000"), ("localhost:8123", ":8123"), ("localhost", "")])
def test_the_root_page_links_to_every_program_at_the_port_it_was_reached_on(world, host, base):
    response = Client(HTTP_HOST=host).get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "The programs on this computer" in content
    assert f'<a href="http://acme.localhost{base}/">Acme Networks</a>' in content
    assert f'<a href="http://globex.localhost{base}/">Globex Systems</a>' in content
    assert "ends in .localhost" in content
    port = base.lstrip(":") or "80"
    assert f"curl --resolve acme.localhost:{port}:127.0.0.1 http://acme.localhost{base}/api/v1/deals/" in content
    assert f"curl -H &quot;Host: acme.localhost{base}&quot; http://127.0.0.1{base}/api/v1/deals/" in content


def test_an_inactive_program_is_not_listed(world):
    world.globex.is_active = False
    world.globex.save()
    content = Client(HTTP_HOST="127.0.0.1:8000").get("/").content.decode()
    assert "Acme Networks" in content and "Globex Systems" not in content


def test_without_programs_the_page_says_how_to_load_the_demo(db):
    content = Client(HTTP_HOST="127.0.0.1:8000").get("/").content.decode()
    assert "There is no program yet." in content and "load_demo" in content


def test_127_0_0_1_is_the_root_outside_production_only(world, settings):
    assert resolve_host("127.0.0.1:8000").is_root
    settings.PRM_ROOT_ALIASES = []
    assert not resolve_host("127.0.0.1:8000").found


def test_in_production_the_root_page_lists_no_programs(world, settings):
    settings.PRODUCTION = True
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Each partner program runs on its own address." in content
    assert "Acme Networks" not in content and "acme.localhost" not in content and "curl" not in content


def _settings_of(**env):
    """ALLOWED_HOSTS, PRM_ROOT_ALIASES and EMAIL_BACKEND as a fresh process reads them from `env`."""
    script = ("import json, django; from django.conf import settings; django.setup(); "
              "print(json.dumps([settings.ALLOWED_HOSTS, settings.PRM_ROOT_ALIASES, settings.EMAIL_BACKEND]))")
    clean = {k: v for k, v in os.environ.items() if k not in ("PRM_ENV", "ALLOWED_HOSTS", "EMAIL_URL", "DEBUG")}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "prm.settings", **env})
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_does_not_answer_127_0_0_1_and_dev_writes_eml_files():
    hosts, aliases, backend = _settings_of()
    assert (hosts, aliases, backend) == (["localhost", ".localhost", "127.0.0.1"], ["127.0.0.1"], "prm.outbox.eml_backend.EmlEmailBackend")
    hosts, aliases, _ = _settings_of(PRM_ENV="production", SECRET_KEY="x" * 60, PRM_DOMAIN="prm.example.com")
    assert (hosts, aliases) == (["prm.example.com", ".prm.example.com"], [])
