"""A learning system's CSV of completions: read through prm.uploads, each row checked.

Columns (named in the first row, in any case; English or German): email, course, completed on, and
optionally expires on. Dates are ISO (2026-03-31) or day.month.year (31.03.2026). A row is bad when its
email names no active person of a partner, its course no active course, its dates cannot be read or
lie wrong, or it repeats a completion already recorded (or another row of the file)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.tenancy.models import PARTNER_ROLES, Membership
from prm.uploads import read_table

from .models import Completion, Course
from .validity import expiry_of

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
FIELDS = ("email", "course", "completed_on", "expires_on")
NAMES = {
    "email": ("email", "e-mail", "email address", "user email", "e-mail-adresse"),
    "course": ("course", "course name", "course title", "kurs", "schulung"),
    "completed_on": ("completed on", "completed", "completion date", "date completed", "abgeschlossen am", "abschlussdatum"),
    "expires_on": ("expires on", "expires", "expiry date", "expiration date", "valid until", "gültig bis", "läuft ab am"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


@dataclass
class ImportRow:
    line: int
    membership: Membership
    course: Course
    completed_on: date
    expires_on: date | None


def recognise(columns: list[str]) -> dict[str, str]:
    """Field → the file's column, for the columns this import knows."""
    found = {}
    for column in columns:
        key = " ".join(column.replace("_", " ").lower().split())
        for field, names in NAMES.items():
            if key in names and field not in found:
                found[field] = column
    return found


def read_upload(upload) -> list[list]:
    """The file's rows as [line, email, course, completed on, expires on]; ValidationError on "file"."""
    frame = read_table(upload, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    columns = recognise(list(frame.columns))
    missing = [field for field in FIELDS[:3] if field not in columns]
    if missing:
        raise ValidationError({"file": _("The first row must name the columns email, course and completed on "
                                         "(expires on is optional).")})
    if frame.empty:
        raise ValidationError({"file": _("The file has no rows below its first one.")})
    blank = [""] * len(frame)
    cells = [frame[columns[name]].tolist() if name in columns else blank for name in FIELDS]
    return [[int(line), *values] for line, *values in zip(frame.index.tolist(), *cells, strict=True)]


def parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def check_rows(rows: list[list]) -> tuple[list[ImportRow], dict]:
    """(the good rows, the bad rows as prm.imports keeps them: every problem of every row)."""
    emails = {str(row[1]).strip().lower() for row in rows}
    people = {m.email_lower: m for m in Membership.objects.filter(role__in=PARTNER_ROLES, is_active=True)
              .annotate(email_lower=Lower("user__email")).filter(email_lower__in=emails).select_related("user", "partner")}
    courses = {c.name.lower(): c for c in Course.objects.all()}
    today = timezone.localdate()
    seen: set[tuple] = set()
    known = set(Completion.objects.filter(user__in=[m.user_id for m in people.values()])
                .values_list("user_id", "course_id", "completed_on"))
    good, bad = [], []
    for line, email, course_name, completed_text, expires_text in rows:
        problems = []
        membership = people.get(str(email).strip().lower())
        if not str(email).strip():
            problems.append(_("The email is missing."))
        elif membership is None:
            problems.append(_("No active person of a partner has the email %(email)s.") % {"email": email})
        course = courses.get(" ".join(str(course_name).split()).lower())
        if course is None:
            problems.append(_("The program has no course named “%(course)s”.") % {"course": course_name})
        elif not course.is_active:
            problems.append(_("The course “%(course)s” is switched off.") % {"course": course.name})
        completed_on = parse_date(str(completed_text))
        if completed_on is None:
            problems.append(_("The completion date “%(date)s” is not a date like 2026-03-31 or 31.03.2026.")
                            % {"date": completed_text})
        elif completed_on > today:
            problems.append(_("The completion date lies in the future."))
        expires_on = None
        if str(expires_text).strip():
            expires_on = parse_date(str(expires_text))
            if expires_on is None:
                problems.append(_("The expiry date “%(date)s” is not a date like 2026-03-31 or 31.03.2026.")
                                % {"date": expires_text})
            elif completed_on is not None and expires_on <= completed_on:
                problems.append(_("The expiry date must come after the completion date."))
        if not problems:
            key = (membership.user_id, course.pk, completed_on)
            if key in known:
                problems.append(_("This completion is recorded already."))
            elif key in seen:
                problems.append(_("An earlier row of the file has the same completion."))
            seen.add(key)
        if problems:
            bad.append({"line": line, "values": [email, course_name, completed_text, expires_text], "problems": problems})
            continue
        good.append(ImportRow(line, membership, course, completed_on, expires_on or expiry_of(course, completed_on)))
    return good, {"columns": ["email", "course", "completed on", "expires on"], "rows": bad}
