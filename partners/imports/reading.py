"""An uploaded file as the rows the check takes: read through prm.uploads under this import's
limits, its columns recognised (columns.py), each row as [line, *FIELDS values]."""

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from prm.uploads import read_table

from .columns import FIELDS, recognise

MAX_ROWS = 150_000  # 100,000 users and the partners without any
MAX_UNPACKED = 256 * 1024 * 1024  # an .xlsx of MAX_ROWS rows of a dozen columns inflates to ~100 MB
FALLBACK_ENCODING = "cp1252"  # Excel on Windows saves "CSV" in it


def max_bytes() -> int:
    return settings.PRM_MAX_REQUEST_BYTES


def read_upload(upload) -> tuple[pd.DataFrame, dict[str, str], list[list]]:
    """(the file as a frame, field -> its column, the rows); ValidationError on "file" for a file to fix."""
    frame = read_table(upload, max_rows=MAX_ROWS, max_bytes=max_bytes(), max_unpacked=MAX_UNPACKED,
                       fallback_encoding=FALLBACK_ENCODING)
    columns = recognise(list(frame.columns))
    if "partner" not in columns:
        raise ValidationError({"file": _("No column names the partners. Name it “Partner” or “Account Name” "
                                         "(as a Salesforce export does) in the first row.")})
    if frame.empty:
        raise ValidationError({"file": _("The file has no rows below its first one.")})
    blank = [""] * len(frame)
    cells = [frame[columns[name]].tolist() if name in columns else blank for name in FIELDS]
    records = [list(values) for values in zip(frame.index.tolist(), *cells, strict=True)]
    return frame, columns, records
