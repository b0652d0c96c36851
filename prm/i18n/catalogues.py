"""The message catalogues: extracted, merged, compiled and checked with Babel, so that no system
gettext tools are needed (Django's makemessages and compilemessages call xgettext and msgfmt).

Each app owns a catalogue in its own `locale/` folder, holding the strings of its Python modules and
of `templates/<app>/`; the project catalogue (`locale/`) holds the rest of `prm/` and `templates/`.
Templates are read the way makemessages reads them: Django turns a template into Python-like text
(`templatize`), and the Python extractor reads that.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract as babel_extract, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation.template import templatize

BASE = Path(settings.BASE_DIR)
APPS = ("partners", "dealreg", "mdf", "surveys", "loyalty")
SOURCE_LANGUAGE = "en"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SKIPPED_PARTS = {"migrations", "locale", "__pycache__", "tests"}
# What end customers read (the survey pages and the survey email): every language has these.
END_CUSTOMER_SOURCES = (
    "templates/surveys/public/*",
    "templates/surveys/email/survey_*",
    "surveys/texts.py",
)
# A fixed creation date: the files change only when their messages do.
CREATED = datetime(2026, 12, 1)
HEADER = (
    "# Translations of PRM. Fill in msgstr; `manage.py catalogues update` merges new messages in,\n"
    "# `manage.py catalogues compile` writes the .mo file beside this one (commit both).\n"
)


@dataclass(frozen=True)
class Catalogue:
    name: str
    folder: Path
    sources: tuple[Path, ...]

    def po_path(self, language: str) -> Path:
        return self.folder / language / "LC_MESSAGES" / "django.po"

    def mo_path(self, language: str) -> Path:
        return self.po_path(language).with_suffix(".mo")


def target_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def _files(root: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.suffix in suffixes and path.is_file() and not SKIPPED_PARTS & set(path.relative_to(BASE).parts):
            yield path


def catalogues() -> dict[str, Catalogue]:
    app_sources = {app: (*_files(BASE / app, (".py",)), *_files(BASE / "templates" / app, (".html", ".txt"))) for app in APPS}
    owned = {path for paths in app_sources.values() for path in paths}
    project = tuple(path for path in (*_files(BASE / "prm", (".py",)), *_files(BASE / "templates", (".html", ".txt")))
                    if path not in owned)
    found = {"project": Catalogue("project", BASE / "locale", project)}
    found.update({app: Catalogue(app, BASE / app / "locale", paths) for app, paths in app_sources.items()})
    return found


def _messages_in(path: Path) -> Iterator[tuple[str | tuple[str, ...], list[str], str | None]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        # Python's tokenizer minds indentation, which the template's layout leaves in the text.
        text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
    comment_tags = ["Translators:"]  # a "Translators: …" comment above a message goes into the catalogue
    for _lineno, message, comments, context in babel_extract(extract_python, io.BytesIO(text.encode()), keywords=KEYWORDS,
                                                             comment_tags=comment_tags, strip_comment_tags=True):
        yield message, comments, context


def extract(catalogue: Catalogue) -> Catalog:
    """The catalogue's template: every message its sources mark, with where it is used."""
    template = Catalog(project="PRM", creation_date=CREATED, fuzzy=False)
    for path in catalogue.sources:
        location = str(path.relative_to(BASE))
        for message, comments, context in _messages_in(path):
            if isinstance(message, tuple):
                ids = tuple(m for m in message if m is not None)
                message = ids if len(ids) > 1 else ids[0]
            if message:
                template.add(message, locations=[(location, None)], context=context, auto_comments=comments)
    return template


def _read(path: Path, language: str) -> Catalog:
    if path.exists():
        with path.open("rb") as handle:
            return read_po(handle, locale=language)
    return Catalog(locale=language, project="PRM", version="1", creation_date=CREATED, fuzzy=False,
                   header_comment=HEADER)


def read(catalogue: Catalogue, language: str) -> Catalog:
    return _read(catalogue.po_path(language), language)


def update(catalogue: Catalogue) -> list[Path]:
    """Merge the sources' messages into each language's .po, keeping the translations there."""
    template = extract(catalogue)
    if not len(template) and not catalogue.folder.exists():
        return []
    written = []
    for language in target_languages():
        po = read(catalogue, language)
        po.update(template, update_creation_date=False)
        po.obsolete.clear()
        path = catalogue.po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, po, width=100, include_lineno=False, sort_output=True)
        written.append(path)
    return written


def compiled(po: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, po, use_fuzzy=False)
    return out.getvalue()


def compile_catalogue(catalogue: Catalogue) -> list[Path]:
    written = []
    for language in target_languages():
        if catalogue.po_path(language).exists():
            catalogue.mo_path(language).write_bytes(compiled(read(catalogue, language)))
            written.append(catalogue.mo_path(language))
    return written


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and not message.fuzzy


def _key(message: Message):
    return (message.id, message.context)


def is_end_customer(message: Message) -> bool:
    return any(fnmatch(path, pattern) for path, _line in message.locations for pattern in END_CUSTOMER_SOURCES)


@dataclass(frozen=True)
class Problem:
    catalogue: str
    language: str
    msgid: str
    why: str

    def __str__(self):
        return f"{self.catalogue} [{self.language}] {self.why}: {self.msgid!r}"


def problems(catalogue: Catalogue, language: str, *, everything: bool) -> list[Problem]:
    """What is missing from one language: messages the sources use that the .po lacks, leaves
    empty, or marks fuzzy; placeholders that differ; a compiled file that does not match.
    `everything=False` asks only for what end customers read."""
    template = extract(catalogue)
    po = read(catalogue, language)
    found = []
    for wanted in template:
        if not wanted.id or not (everything or is_end_customer(wanted)):
            continue
        msgid = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
        have = po.get(wanted.id, wanted.context)
        if have is None:
            found.append(Problem(catalogue.name, language, msgid, "not in the catalogue (run: manage.py catalogues update)"))
        elif not _translated(have):
            found.append(Problem(catalogue.name, language, msgid, "fuzzy" if have.fuzzy else "untranslated"))
        else:
            found.extend(Problem(catalogue.name, language, msgid, f"placeholders: {error}") for error in have.check(po))
    if len(template) and (not catalogue.mo_path(language).exists()
                          or catalogue.mo_path(language).read_bytes() != compiled(po)):
        found.append(Problem(catalogue.name, language, str(catalogue.mo_path(language).relative_to(BASE)),
                             "compiled file missing or out of date (run: manage.py catalogues compile)"))
    return found


REQUIRED_COMPLETE = ("de",)


def all_problems(chosen: list[Catalogue] | None = None) -> list[Problem]:
    found = []
    for catalogue in catalogues().values() if chosen is None else chosen:
        for language in target_languages():
            found.extend(problems(catalogue, language, everything=language in REQUIRED_COMPLETE))
    return found
