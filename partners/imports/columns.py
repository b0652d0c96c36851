"""Which column of an uploaded file holds what: our own headers and those of a Salesforce
Account or Contact export (data export API names like BILLINGCOUNTRY, report labels like
"Billing Country" or "Account: Website"), compared without case, spaces or punctuation."""

import re
import unicodedata

# field -> header spellings, each compared as key() makes it.
ALIASES: dict[str, tuple[str, ...]] = {
    "account_id": ("account id", "account: account id", "accountid", "account_id", "account number", "accountnumber"),
    "partner": ("partner", "partner name", "company", "company name", "account name", "account",
                "account: account name", "organisation", "organization"),
    "website": ("website", "web site", "url", "homepage", "account: website", "account website"),
    "country": ("country", "billing country", "billing country/territory", "billing country code",
                "account: billing country", "country code", "shipping country", "mailing country"),
    "business_type": ("business type", "partner type", "type", "account type", "account: type"),
    "street": ("street", "address", "billing street", "billing address line 1", "account: billing street"),
    "postcode": ("postcode", "postal code", "zip", "zip code", "billing zip/postal code", "billing postal code",
                 "account: billing zip/postal code"),
    "city": ("city", "billing city", "account: billing city"),
    "tier": ("tier", "partner tier", "partner level"),
    "description": ("description", "account description", "account: description"),
    "email": ("email", "e-mail", "email address", "contact: email", "contact email", "user email"),
    "first_name": ("first name", "firstname", "given name", "contact: first name"),
    "last_name": ("last name", "lastname", "surname", "family name", "contact: last name"),
    "full_name": ("full name", "contact name", "contact: full name", "user name", "contact"),
    "role": ("role", "user role"),
}
PARTNER_FIELDS = ("partner", "website", "country", "business_type", "street", "postcode", "city", "tier", "description")
USER_FIELDS = ("email", "first_name", "last_name", "full_name", "role")
FIELDS = ("account_id", *PARTNER_FIELDS, *USER_FIELDS)


def key(header: str) -> str:
    """"Billing Country", "BillingCountry", "BILLING_COUNTRY" -> "billingcountry"."""
    folded = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


_BY_KEY = {key(spelling): field for field, spellings in ALIASES.items() for spelling in spellings}


def recognise(headers: list[str]) -> dict[str, str]:
    """field -> the file's header holding it (the first one, where two spellings of a field appear).

    "Name" alone is the partner's name in an Account export; beside a partner column (a Contact
    export has "Account Name"), it is the person's name.
    """
    found: dict[str, str] = {}
    for header in headers:
        field = _BY_KEY.get(key(header))
        if field and field not in found:
            found[field] = header
    for header in headers:
        if key(header) == "name":
            found.setdefault("full_name" if "partner" in found else "partner", header)
    return found
