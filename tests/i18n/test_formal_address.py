"""German addresses people formally ("Sie"), also where the words come from django-allauth or Django
REST framework, whose own German says "du" (prm/i18n/formal_german.py lets the project catalogue
give those messages formal German)."""

import re
from pathlib import Path

import allauth
import pytest
import rest_framework
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django import forms
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext
from rest_framework import serializers

# Informal address: the pronouns, the second person's verb forms and the imperatives the apps use.
INFORMAL = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines"
    r"|bist|hast|kannst|musst|möchtest|willst|erhältst|sendest"
    r"|gib|klick|klicke|lass|folge|bestätige|verwende|benutze|nutze|rufe|erstelle|lade|prüfe|überprüfe"
    r"|kontaktiere|wähle|versuche|melde|habe geduld|stelle sicher)\b",
    re.IGNORECASE,
)
# The parts of allauth this project uses (not social accounts, identity provider, headless, sessions).
ALLAUTH_PARTS = ("account/", "mfa/", "templates/account/", "templates/mfa/")


def _allauth_messages():
    with (Path(allauth.__file__).parent / "locale/de/LC_MESSAGES/django.po").open("rb") as handle:
        catalogue = read_po(handle, locale="de")
    return [m for m in catalogue if m.id and any(path.startswith(ALLAUTH_PARTS) for path, _line in m.locations)]


def _drf_messages():
    with (Path(rest_framework.__file__).parent / "locale/de/LC_MESSAGES/django.mo").open("rb") as handle:
        return [m for m in read_mo(handle) if m.id]


def _django_german():
    with (Path(forms.__file__).parent.parent / "conf/locale/de/LC_MESSAGES/django.po").open("rb") as handle:
        return read_po(handle, locale="de")


def _german(message) -> list[str]:
    """What a German reader sees for `message`, looked up the way Django looks it up."""
    with translation.override("de"):
        if isinstance(message.id, (list, tuple)):
            singular, plural = message.id[:2]
            if message.context:
                return [npgettext(message.context, singular, plural, n) for n in (1, 2)]
            return [ngettext(singular, plural, n) for n in (1, 2)]
        return [pgettext(message.context, message.id) if message.context else gettext(message.id)]


def _informal(messages) -> list[tuple[str, str]]:
    return [(str(m.id), text) for m in messages for text in _german(m) if INFORMAL.search(text)]


def test_the_word_list_recognises_the_apps_own_informal_german():
    own = [m for m in (*_allauth_messages(), *_drf_messages()) if INFORMAL.search(str(m.string))]
    assert len(own) > 40
    assert not INFORMAL.search("Bitte geben Sie Ihr Passwort ein. Verwenden Sie eines dieser Formate; Dauer; Stellen")


@pytest.mark.parametrize("messages", [_allauth_messages, _drf_messages], ids=["allauth", "rest_framework"])
def test_the_apps_messages_read_formally_in_german(messages):
    found = _informal(messages())
    assert not found, "informal German (add the msgid to prm/i18n/formal_german.py and translate it):\n" + "\n".join(
        f"{msgid!r}: {text!r}" for msgid, text in found)


def test_rest_framework_does_not_replace_djangos_german_in_forms():
    django_german = _django_german()
    replaced = []
    for message in _drf_messages():
        own = django_german.get(message.id)
        if own is not None and own.string != message.string and _german(message) == [message.string]:
            replaced.append(message.id)
    assert not replaced


def test_a_bad_email_address_is_refused_formally_in_forms_and_the_api():
    with translation.override("de"):
        assert gettext("Enter a valid email address.") == "Bitte gültige E-Mail-Adresse eingeben."
        with pytest.raises(forms.ValidationError) as form_error:
            forms.EmailField().clean("not-an-address")
        assert form_error.value.messages == ["Bitte gültige E-Mail-Adresse eingeben."]
        with pytest.raises(serializers.ValidationError) as api_error:
            serializers.EmailField().run_validation("not-an-address")
        assert api_error.value.detail == ["Bitte gültige E-Mail-Adresse eingeben."]
        with pytest.raises(serializers.ValidationError) as too_long:
            serializers.CharField(max_length=3).run_validation("four")
        assert too_long.value.detail == ["Dieses Feld darf höchstens 3 Zeichen enthalten."]


@pytest.mark.django_db
def test_allauths_password_reset_page_speaks_formally(world, anon_client):
    page = anon_client(world.acme).get(reverse("account_reset_password"), HTTP_ACCEPT_LANGUAGE="de")
    text = page.content.decode()
    assert page["Content-Language"] == "de"
    assert "Geben Sie unten Ihre E-Mail-Adresse ein." in text
    assert not INFORMAL.search(re.sub(r"<[^>]+>", " ", text))
