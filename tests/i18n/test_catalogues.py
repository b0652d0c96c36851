"""The catalogues are complete: German for everything, every language for what end customers read."""

import pytest
from babel.messages.pofile import read_po, write_po

from prm.i18n import catalogues as cat


def test_every_catalogue_is_complete_and_compiled():
    problems = cat.all_problems()
    assert not problems, "\n".join(map(str, problems))


def test_the_languages_are_the_ones_the_settings_offer():
    assert cat.target_languages() == ["de", "fr", "es", "nl"]


@pytest.fixture
def tiny(tmp_path, monkeypatch, settings):
    """A project of one template and one module, with its own catalogue."""
    monkeypatch.setattr(cat, "BASE", tmp_path)
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch")]
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load i18n %}<h1>{% translate "Deals" %}</h1>'
        "{% blocktranslate count n=total %}One deal{% plural %}{{ n }} deals{% endblocktranslate %}"
    )
    (tmp_path / "module.py").write_text('from django.utils.translation import gettext_lazy as _\n'
                                        '# Translators: the day the deal was won\nLABEL = _("Won on %(day)s")\n')
    return cat.Catalogue("tiny", tmp_path / "locale", (tmp_path / "templates" / "page.html", tmp_path / "module.py"))


def _translate(catalogue, **strings):
    po = cat.read(catalogue, "de")
    for message in po:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in strings:
            message.string = strings[key]
            message.flags.discard("fuzzy")
    with catalogue.po_path("de").open("wb") as handle:
        write_po(handle, po)


def _why(catalogue):
    return sorted((p.msgid, p.why.split(" (")[0]) for p in cat.problems(catalogue, "de", everything=True))


def test_extraction_finds_template_and_python_messages_with_plurals(tiny):
    ids = {m.id if isinstance(m.id, str) else m.id for m in cat.extract(tiny) if m.id}
    assert ids == {"Deals", ("One deal", "%(n)s deals"), "Won on %(day)s"}


def test_translator_comments_reach_the_catalogue(tiny):
    assert cat.extract(tiny).get("Won on %(day)s").auto_comments == ["the day the deal was won"]


def test_missing_untranslated_fuzzy_wrong_placeholders_and_stale_compiled_files_are_reported(tiny):
    assert _why(tiny) == [("Deals", "not in the catalogue"), ("One deal", "not in the catalogue"),
                          ("Won on %(day)s", "not in the catalogue"),
                          ("locale/de/LC_MESSAGES/django.mo", "compiled file missing or out of date")]
    cat.update(tiny)
    assert {why for _msgid, why in _why(tiny)} == {"untranslated", "compiled file missing or out of date"}
    _translate(tiny, **{"Deals": "Deals", "One deal": ("Ein Deal", "%(n)s Deals"), "Won on %(day)s": "Gewonnen am %(tag)s"})
    cat.compile_catalogue(tiny)
    assert [why for _msgid, why in _why(tiny)] == ["placeholders: unknown named placeholder 'tag'"]
    _translate(tiny, **{"Won on %(day)s": "Gewonnen am %(day)s"})
    assert [why for _msgid, why in _why(tiny)] == ["compiled file missing or out of date"]
    cat.compile_catalogue(tiny)
    assert _why(tiny) == []
    po = cat.read(tiny, "de")
    po.get("Deals").flags.add("fuzzy")
    with tiny.po_path("de").open("wb") as handle:
        write_po(handle, po)
    assert ("Deals", "fuzzy") in _why(tiny)


def test_update_keeps_translations_and_drops_messages_no_source_uses(tiny):
    cat.update(tiny)
    _translate(tiny, Deals="Deals")
    (tiny.sources[0]).write_text('{% load i18n %}<h1>{% translate "Deals" %}</h1>')
    cat.update(tiny)
    with tiny.po_path("de").open("rb") as handle:
        po = read_po(handle)
    assert [m.id for m in po if m.id] == ["Deals", "Won on %(day)s"]
    assert po.get("Deals").string == "Deals"


def test_the_projects_translations_win_over_third_party_apps_for_the_same_message():
    """Django merges app catalogues with the earlier app winning: ours come first (settings)."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    checked = 0
    for catalogue in cat.catalogues().values():
        if not catalogue.po_path("de").exists():
            continue
        for message in cat.read(catalogue, "de"):
            if not message.id or not isinstance(message.id, str) or not message.string or message.fuzzy:
                continue
            with translation.override("de"):
                shown = pgettext(message.context, message.id) if message.context else gettext(message.id)
            if message.id in ("Save", "Home", "Search", "Action", "Email"):
                checked += 1
            # The same message in two of our own catalogues may differ; a third party's must not win.
            assert shown == message.string or _ours_elsewhere(message, shown), (catalogue.name, message.id, shown)
    assert checked >= 3  # the messages that collided with the admin's and allauth's catalogues


def _ours_elsewhere(message, shown):
    return any(
        (other := cat.read(c, "de").get(message.id, message.context)) is not None and other.string == shown
        for c in cat.catalogues().values() if c.po_path("de").exists()
    )
