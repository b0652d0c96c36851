from prm.tenancy.context import tenant_context

from .services import unsubscribe


def suppress_bounced_survey_address(sender, email, addresses, **kwargs):
    """A survey email refused for good: the address goes on the tenant's suppression list as a bounce."""
    if email.tenant_id is None or not email.kind.startswith("surveys/"):
        return
    with tenant_context(email.tenant):
        for address in addresses:
            unsubscribe(tenant=email.tenant, email=address, reason="bounce")
