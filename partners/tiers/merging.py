"""Tier labels typed by hand become tier rows: "gold", "Gold " and "GOLD" are one tier.

Pure logic (no models) so that the migration that turns `Partner.tier` text into rows and its
tests use the same rules. The spelling kept is the one most partners had (ties: the one starting
with a capital, then one not in capitals throughout, "Gold" before "GOLD", then the first
alphabetically). Ranks follow the usual ladder where the name is a known one; other names come above
them, alphabetically, for a manager to put in order."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

LADDER = ("registered", "authorised", "authorized", "member", "select", "bronze", "silver", "gold", "platinum",
          "diamond", "elite")
COLOURS = {"bronze": "#a0522d", "silver": "#8a8f98", "gold": "#b8860b", "platinum": "#5b6b7a", "diamond": "#2f6f9f"}
DEFAULT_COLOUR = "#6b7280"


@dataclass(frozen=True)
class MergedTier:
    name: str
    rank: int
    colour: str
    spellings: frozenset[str]  # every label (as stored) that becomes this tier


def key_of(label: str) -> str:
    return " ".join(label.split()).casefold()


def merge_labels(labels: Iterable[str]) -> list[MergedTier]:
    """One tier per label told apart only by case and spaces, ranked; empty labels are no tier."""
    counts = Counter(label for label in labels if label and label.strip())
    groups: dict[str, Counter] = {}
    for label, count in counts.items():
        groups.setdefault(key_of(label), Counter())[label] += count
    ordered = sorted(groups, key=lambda key: (0, LADDER.index(key)) if key in LADDER else (1, key))
    merged = []
    for rank, key in enumerate(ordered, start=1):
        spellings = groups[key]
        name = " ".join(min(spellings, key=lambda s: (-spellings[s], not s.strip()[:1].isupper(), s.isupper(),
                                                      " ".join(s.split()))).split())
        merged.append(MergedTier(name=name, rank=rank, colour=COLOURS.get(key, DEFAULT_COLOUR),
                                 spellings=frozenset(spellings)))
    return merged


def settle_deferred_checks(schema_editor) -> None:
    """PostgreSQL checks foreign keys written in a migration's transaction at its end, and will not
    alter a table with checks pending: a data step that writes links runs them at once, so the
    schema steps after it in the same migration can proceed."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
