"""What every spreadsheet import shares: the file of its bad rows, to correct and upload again.

An import keeps its bad rows as {"columns": [the file's column names], "rows": [{"line": …,
"values": [the row's cells], "problems": [what is wrong, each a sentence]}]}.
"""

import pandas as pd
from django.utils.translation import gettext as _

from .spreadsheets import neutralise, neutralise_frame


def bad_rows_frame(bad_rows: dict) -> pd.DataFrame:
    """The bad rows as the file had them, with their line and what is wrong. Text a spreadsheet would
    run as a formula is neutralised."""
    columns = bad_rows.get("columns", [])
    line, problem = _("line"), _("problem")
    frame = pd.DataFrame.from_records(
        [[row["line"], *row["values"], " ".join(row["problems"])] for row in bad_rows.get("rows", [])],
        columns=[line, *columns, problem])
    frame.columns = [neutralise(column) for column in frame.columns]
    return neutralise_frame(frame)
