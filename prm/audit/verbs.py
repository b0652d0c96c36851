"""The registry of audit verbs: each app declares its verbs as one `TextChoices` enumeration in its
`audit_verbs.py` (value: the stored verb, label: what a timeline shows), decorated with
`@audit_verbs`. `audit_record` refuses a verb that no enumeration declares, so a new state change
cannot reach the audit trail without a label for people to read."""

from django.db.models import TextChoices
from django.utils.module_loading import autodiscover_modules

_ENUMS: list[type[TextChoices]] = []
_discovered = False


def audit_verbs(enum: type[TextChoices]) -> type[TextChoices]:
    """Class decorator: add an app's verb enumeration to the registry."""
    if enum not in _ENUMS:
        _ENUMS.append(enum)
    return enum


def verb_enums() -> list[type[TextChoices]]:
    """Every registered enumeration, after importing each installed app's `audit_verbs` module."""
    global _discovered
    if not _discovered:
        autodiscover_modules("audit_verbs")
        _discovered = True
    return list(_ENUMS)


_labels: dict[str, str] = {}
_labels_from: list[type[TextChoices]] = []


def verb_labels() -> dict[str, str]:
    """Stored verb → timeline label, for every declared verb (built again only when an enumeration
    is added: a timeline asks once per event, the partner page up to 50 times)."""
    global _labels, _labels_from
    enums = verb_enums()
    if enums != _labels_from:
        _labels = {member.value: member.label for enum in enums for member in enum}
        _labels_from = enums
    return _labels


def is_known_verb(verb: str) -> bool:
    return any(str(verb) in enum._value2member_map_ for enum in verb_enums())
