"""Finds text a person would read in a template but that no translation tag holds.

The template is flattened first: a translation tag, a variable or any other tag becomes a mark
with no letters in it, and the body of a blocktranslate, a comment or a script is dropped. What
keeps a letter after that, between HTML tags or in an attribute people read, is untranslated.
"""

import re
from pathlib import Path

from django.template.base import Lexer, TokenType

MARK = "\x00"
READ_ATTRIBUTES = re.compile(
    r"""\s(aria-label|aria-description|title|placeholder|alt|label)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE
)
LETTER = re.compile(r"[^\W\d_]")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
# Code, not prose: scripts, styles and code samples (an API key's prefix, a curl line).
DROPPED_ELEMENTS = re.compile(r"<(script|style|code|pre|kbd|samp)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
TAG = re.compile(r"<[^>]*>", re.DOTALL)
# Names that read the same in every language.
ALLOWED = frozenset({"PRM"})


def _flatten(source: str) -> str:
    out, skipping_until = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.split_contents()[0]
            if skipping_until:
                if name == skipping_until:
                    skipping_until = None
                continue
            if name in ("blocktranslate", "blocktrans", "comment"):
                skipping_until = "end" + name
            out.append(MARK)
        elif token.token_type == TokenType.TEXT and not skipping_until:
            out.append(token.contents)
        elif not skipping_until:
            out.append(MARK)
    return "".join(out)


def _has_words(text: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’-]*", ENTITY.sub(" ", text))
    return any(word not in ALLOWED for word in words) and bool(LETTER.search(text))


def untagged_text(path: Path) -> list[str]:
    """The pieces of `path` a person reads that are outside translation tags."""
    flat = HTML_COMMENT.sub("", DROPPED_ELEMENTS.sub("", _flatten(path.read_text(encoding="utf-8"))))
    found = []
    for tag in TAG.findall(flat):
        for _name, double, single in READ_ATTRIBUTES.findall(tag):
            if _has_words(double or single):
                found.append((double or single).replace(MARK, "…").strip())
    for piece in TAG.sub(MARK, flat).split(MARK):
        if _has_words(piece):
            found.append(" ".join(piece.split()))
    return found
