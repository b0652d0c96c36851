"""Refusals shared by the readers: each says what to change in the file."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def too_many_rows(max_rows: int, last_cell: str | None = None) -> ValidationError:
    if last_cell:
        return ValidationError(
            _("The sheet reaches down to cell %(cell)s; import at most %(max)s rows at a time. Delete the rows "
              "below your data, or split the file.") % {"cell": last_cell, "max": f"{max_rows:,}"},
            code="too_many_rows")
    return ValidationError(_("The file has more than %(max)s rows; import at most %(max)s at a time.")
                           % {"max": f"{max_rows:,}"}, code="too_many_rows")
