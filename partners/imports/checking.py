"""The rows of an import checked against each other and against the program: which partners are
new, which existing ones they update (matched by website domain, then by normalised name), which
users are invited, and every problem with its line. The same check runs for the preview and again
inside the import's transaction, so a row that went bad in between stops the whole import."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from partners.business_types import BusinessType
from partners.domains import domain_from_website
from partners.names import normalize_company_name, normalize_domain
from partners.tiers.merging import key_of
from prm.tenancy.models import Role

from .business_types import business_type
from .columns import FIELDS, PARTNER_FIELDS, USER_FIELDS
from .countries import country_code

# The longest value each partner field takes (Partner's columns).
MAX_LENGTHS = {"partner": 200, "website": 200, "street": 200, "postcode": 20, "city": 100, "tier": 60,
               "description": 2000, "email": 254, "full_name": 150}
ROLES = {"": Role.PARTNER_USER, "user": Role.PARTNER_USER, "partneruser": Role.PARTNER_USER,
         "admin": Role.PARTNER_ADMIN, "partneradmin": Role.PARTNER_ADMIN}
UPDATABLE = ("website", "country", "business_type", "street", "postcode", "city", "tier", "description")
_url = URLValidator(schemes=["http", "https"])


@dataclass
class Existing:
    """The program as the check sees it: its partners and who is a member already."""

    partners: dict[int, dict]  # pk -> {"name", "status", "domain", and the UPDATABLE fields (tier: its name)}
    members: dict[str, int | None]  # email -> the partner they work for (None: staff)
    tiers: dict[str, str] = field(default_factory=dict)  # key_of(name) -> the tier's name

    def __post_init__(self):
        self.by_domain: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for pk, partner in self.partners.items():
            if partner["domain"]:
                self.by_domain.setdefault(partner["domain"], pk)
            self.by_name.setdefault(normalize_company_name(partner["name"]), pk)


@dataclass
class Group:
    """One partner of the file, with the line that named it first."""

    line: int
    values: dict[str, str]
    existing: int | None = None
    contact: tuple[str, str] | None = None  # (name, email) of its first user


@dataclass
class User:
    line: int
    email: str
    role: str
    group: int
    member: bool  # already a member of this partner: nothing to do


@dataclass
class Plan:
    groups: list[Group] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)
    changes: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # existing pk -> field -> [old, new]

    @property
    def bad_lines(self) -> set[int]:
        return {line for line, _field, _message in self.problems}

    def summary(self, rows: int) -> dict[str, int]:
        return {
            "rows": rows,
            "partners_new": sum(1 for g in self.groups if g.existing is None),
            "partners_updated": len(self.changes),
            "partners_unchanged": sum(1 for g in self.groups if g.existing is not None and g.existing not in self.changes),
            "users": sum(1 for u in self.users if not u.member),
            "users_members": sum(1 for u in self.users if u.member),
            "bad_rows": len(self.bad_lines),
        }


@lru_cache(maxsize=4096)  # a partner's cells repeat on each of its users' rows
def _normalized_name(name: str) -> str:
    return normalize_company_name(name)


@lru_cache(maxsize=4096)
def _website(text: str) -> tuple[str, str | None]:
    """(the website as stored, its domain), or ("", None) when it is not a website."""
    if not text:
        return "", ""
    url = text if "://" in text else f"https://{text}"
    try:
        _url(url)
    except ValidationError:
        return "", None
    domain = normalize_domain(url)
    return (url, domain_from_website(url)) if domain else ("", None)


def _partner_values(row: dict[str, str], tiers: dict[str, str], report) -> dict[str, str]:
    values = {name: row[name] for name in PARTNER_FIELDS}
    if not values["partner"]:
        report("partner", _("The partner's name is missing."))
    if values["website"]:
        values["website"], domain = _website(values["website"])
        if domain is None:
            report("website", _("“%(value)s” is not a website address.") % {"value": row["website"]})
            domain = ""
        values["domain"] = domain
    else:
        values["domain"] = ""
    code = country_code(values["country"])
    if code is None:
        report("country", _("Unknown country “%(value)s”: use its English name or its ISO code, e.g. DE.")
               % {"value": values["country"]})
        code = ""
    values["country"] = code
    kind = business_type(values["business_type"])
    if kind is None:
        report("business_type", _("Unknown business type “%(value)s”: use one of %(types)s.")
               % {"value": values["business_type"], "types": ", ".join(str(label) for label in BusinessType.labels)})
        kind = ""
    values["business_type"] = kind
    if values["tier"]:
        tier = tiers.get(key_of(values["tier"]))
        if tier is None:
            report("tier", _("Unknown tier “%(value)s”: use one of %(tiers)s.")
                   % {"value": values["tier"], "tiers": ", ".join(tiers.values()) or _("(the program has no tiers)")})
        values["tier"] = tier or ""
    for name in PARTNER_FIELDS:
        limit = MAX_LENGTHS.get(name)
        if limit and len(row[name]) > limit:
            report(name, _("Longer than %(max)s characters.") % {"max": limit})
    return values


def check(records: list[list], existing: Existing) -> Plan:
    """Check `records` (each [line, *FIELDS values]); every problem names its line and field."""
    plan = Plan()
    by_account: dict[str, int] = {}
    by_domain: dict[str, int] = {}
    by_name: dict[str, int] = {}
    claimed: dict[int, int] = {}  # existing partner pk -> the group that updates it
    seen_rows: dict[tuple, int] = {}
    seen_emails: dict[str, int] = {}
    names = {pk: p["name"] for pk, p in existing.partners.items()}
    for record in records:
        line, row = record[0], dict(zip(FIELDS, record[1:], strict=True))

        def report(name, message, line=line):
            plan.problems.append((line, name, message))

        key = tuple(record[1:])
        if key in seen_rows:
            report("partner", _("Duplicate of line %(line)s.") % {"line": seen_rows[key]})
            continue
        seen_rows[key] = line
        before = len(plan.problems)
        values = _partner_values(row, existing.tiers, report)
        if len(plan.problems) > before:
            _check_user(plan, row, None, existing, seen_emails, line, report)
            continue
        norm = _normalized_name(values["partner"])
        index = (by_account.get(row["account_id"]) if row["account_id"] else None)
        if index is None and values["domain"]:
            index = by_domain.get(values["domain"])
        if index is None:
            index = by_name.get(norm)
        if index is None:
            index = _new_group(plan, values, norm, line, existing, claimed, names, report)
            if index is None:
                _check_user(plan, row, None, existing, seen_emails, line, report)
                continue
        else:
            group = plan.groups[index]
            for name in PARTNER_FIELDS[1:]:
                if values[name] and group.values[name] and values[name] != group.values[name]:
                    report(name, _("Differs from line %(line)s, which gives the same partner “%(value)s”.")
                           % {"line": group.line, "value": group.values[name]})
                elif values[name]:
                    group.values[name] = values[name]
            if values["domain"] and not group.values["domain"]:
                group.values["domain"] = values["domain"]
        if row["account_id"]:
            by_account.setdefault(row["account_id"], index)
        if plan.groups[index].values["domain"]:
            by_domain.setdefault(plan.groups[index].values["domain"], index)
        by_name.setdefault(norm, index)
        _check_user(plan, row, index, existing, seen_emails, line, report)
    for group in plan.groups:
        if group.existing is not None:
            _changes(plan, group, existing.partners[group.existing])
    return plan


def _new_group(plan, values, norm, line, existing, claimed, names, report) -> int | None:
    match = existing.by_domain.get(values["domain"]) if values["domain"] else None
    if match is None:
        match = existing.by_name.get(norm)
    if match is not None:
        if existing.partners[match]["status"] == "inactive":
            report("partner", _("“%(partner)s” is deactivated: reactivate it before importing into it.")
                   % {"partner": names[match]})
            return None
        if match in claimed:
            report("partner", _("Matches “%(partner)s”, as line %(line)s does: give both lines the same partner.")
                   % {"partner": names[match], "line": plan.groups[claimed[match]].line})
            return None
        claimed[match] = len(plan.groups)
    plan.groups.append(Group(line=line, values=values, existing=match))
    return len(plan.groups) - 1


def _check_user(plan, row, index, existing, seen_emails, line, report) -> None:
    email = row["email"].strip().lower()
    if not email:
        if any(row[name] for name in USER_FIELDS):
            report("email", _("A user without an email address: add it, or clear the user's cells."))
        return
    try:
        validate_email(email)
    except ValidationError:
        report("email", _("“%(email)s” is not an email address.") % {"email": row["email"]})
        return
    role = ROLES.get(row["role"].strip().lower().replace(" ", ""))
    if role is None:
        report("role", _("Unknown role “%(role)s”: use “admin” or “user”.") % {"role": row["role"]})
    if email in seen_emails:
        report("email", _("The same email as line %(line)s.") % {"line": seen_emails[email]})
        return
    seen_emails[email] = line
    group = plan.groups[index] if index is not None else None
    member = False
    if email in existing.members:
        works_for = existing.members[email]
        if group is not None and group.existing is not None and works_for == group.existing:
            member = True
        elif works_for is None:
            report("email", _("%(email)s is already a member of this program's staff.") % {"email": email})
        else:
            partner = existing.partners.get(works_for, {}).get("name", "")
            report("email", _("%(email)s is already a member of this program, for “%(partner)s”.")
                   % {"email": email, "partner": partner})
    if index is None or role is None or plan.problems and plan.problems[-1][0] == line:
        return
    name = row["full_name"] or " ".join(part for part in (row["first_name"], row["last_name"]) if part)
    if group.contact is None:
        group.contact = (name[:150], email)
    plan.users.append(User(line=line, email=email, role=role, group=index, member=member))


def _changes(plan: Plan, group: Group, partner: dict) -> None:
    changed = {name: [partner[name], group.values[name]] for name in UPDATABLE
               if group.values[name] and group.values[name] != partner[name]}
    if changed:
        plan.changes[group.existing] = changed
