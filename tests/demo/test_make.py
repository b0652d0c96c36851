"""The Makefile, bin/serve and pyproject.toml describe what exists: `make help` names every target,
`make run` and `make demo` hand the port to the demo's email links, bin/serve lists the README's people."""

import re
import subprocess
from pathlib import Path

from django.apps import apps

from partners.demo import USERS

ROOT = Path(__file__).resolve().parents[2]


def _make(*args):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=60).stdout


def test_make_help_describes_every_target():
    phony = re.search(r"^\.PHONY: (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    described = dict(re.findall(r"^  make (\S+) +(.+)$", _make("help"), re.M))
    assert sorted(described) == sorted(phony)
    assert all(len(text) > 10 for text in described.values())
    assert _make() == _make("help")  # plain `make` says what it can do


def test_the_demo_links_its_emails_to_the_port_it_is_served_on():
    demo = _make("-n", "demo", "PORT=8123")
    assert "PRM_PUBLIC_PORT=${PRM_PUBLIC_PORT:-8123} .venv/bin/python manage.py load_demo" in demo
    run = _make("-n", "run", "PORT=8123")
    assert run.index("load_demo") < run.index("PORT=8123 BIN=.venv/bin ./bin/serve")


def test_bin_serve_lists_every_demo_user():
    serve = (ROOT / "bin" / "serve").read_text()
    assert [email for email, *_ in USERS if email not in serve] == []
    assert "operator@prm.example" in serve


def test_the_package_description_names_no_app_that_has_nothing_yet():
    description = re.search(r'^description = "(.+)"$', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    empty = {"mdf": ("MDF", "market development"), "loyalty": ("loyalty", "points")}
    for app, words in empty.items():
        if not list(apps.get_app_config(app).get_models()):
            assert not any(word.lower() in description.lower() for word in words), (app, description)
    for words in ("deal registration", "NPS", "portal", "API"):
        assert words in description
