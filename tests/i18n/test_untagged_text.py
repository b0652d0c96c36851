from pathlib import Path

import pytest
from django.conf import settings

from .untagged import untagged_text

TEMPLATES = sorted(p for p in (Path(settings.BASE_DIR) / "templates").rglob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(Path(settings.BASE_DIR) / "templates")))
def test_template_has_no_text_outside_translation_tags(path):
    assert untagged_text(path) == []


def _template(tmp_path, text):
    path = tmp_path / "page.html"
    path.write_text(text)
    return untagged_text(path)


def test_the_check_finds_text_between_tags_and_in_read_attributes(tmp_path):
    found = _template(tmp_path, '{% load i18n %}<h1>Deals</h1><a href="{% url \'x\' %}" title="Open the deal">{% translate "Go" %}</a>'
                                '<input placeholder="{{ hint }} here">')
    assert found == ["Open the deal", "… here", "Deals"]


def test_the_check_accepts_tags_variables_symbols_and_skips_code(tmp_path):
    assert _template(tmp_path, '{% load i18n %}<p>{% translate "Hello" %} · {{ deal.reference }} — 42 %</p>'
                               '{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}<script>let a = "x";</script>'
                               '{% comment %}notes{% endcomment %}<!-- a note --><a aria-label="{% translate \'Menu\' %}">&rarr;</a>'
                               '<input type="hidden" value="approve">') == []
