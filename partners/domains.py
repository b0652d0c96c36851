from urllib.parse import urlsplit


def domain_from_website(website: str) -> str:
    """'https://www.Northwind.example/about' → 'northwind.example'."""
    value = (website or "").strip().lower()
    if not value:
        return ""
    if "://" not in value:
        value = f"http://{value}"
    host = urlsplit(value).hostname or ""
    return host.removeprefix("www.").rstrip(".")
