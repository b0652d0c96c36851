"""File kinds recognised by their first bytes, never by their name."""

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc, and password-protected .xlsx

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "xlsx": (ZIP,),
}

# The names a person may give each kind; the content must agree with the name.
EXTENSIONS = {
    "csv": (".csv",),
    "xlsx": (".xlsx",),
    "pdf": (".pdf",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "docx": (".docx",),
    "pptx": (".pptx",),
    "zip": (".zip",),
}

# Kinds that are zip archives: the first bytes cannot tell them apart, so a zip's name decides.
ZIP_KINDS = frozenset({"xlsx", "docx", "pptx", "zip"})


def kind_of_content(head: bytes) -> str | None:
    """The kind the first bytes announce: a signature, or "csv" for text; None for anything else.

    Text means: no NUL byte and valid UTF-8 (a multi-byte character cut at the end of `head` is
    allowed). Whether a zip really is a workbook is checked when it is opened.
    """
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return kind
    if head.startswith(OLE2):
        return "ole2"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return None
    return "csv"


def kind_of_name(name: str) -> str | None:
    lowered = (name or "").lower()
    for kind, extensions in EXTENSIONS.items():
        if lowered.endswith(extensions):
            return kind
    return None
