import re

from partners.onboarding import services
from partners.onboarding.models import Application

APPLY = "/apply/"


def apply_data(**changes):
    return {"company": "Fabrikam Networks GmbH", "website": "https://www.fabrikam.example", "country": "DE",
            "business_type": "reseller", "contact_name": "Fran Kam", "contact_email": "fran@fabrikam.example",
            **changes}


def make_application(tenant, **changes) -> Application:
    fields = apply_data(**changes)
    return services.application_create(tenant=tenant, questions=[], answers={}, language="en", **fields)


def link_in(body: str) -> str:
    """The path of the applicant's link in an email body."""
    return re.search(r"https?://[^/\s]+(/apply/a/[^\s]+/)", body).group(1)
