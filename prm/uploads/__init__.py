"""The one way into the app for uploaded files.

- `check_file(upload, allowed_types=…, max_bytes=…)` for files that are stored as they are (a PDF
  proof of performance, a PNG or JPEG logo): size counted while reading, kind told by content and
  required to match the name.
- `read_table(upload, max_rows=…)` for imports: a .csv or .xlsx read into a DataFrame of strings
  with limits on size, unpacked size, declared dimensions, rows and columns (see spreadsheet.py).

Both raise a ValidationError on the form field (`field="file"` by default) that says what to fix.
The request body as a whole is capped before any of this (request_limits.py).
"""

from .files import check_file, read_capped
from .tables import read_table

__all__ = ["check_file", "read_capped", "read_table"]
