"""Partners and their users imported from a spreadsheet (CSV or XLSX): read under the upload limits,
checked row by row into a preview, then written all-or-nothing by a task that shows its progress."""
