from django.conf import settings
from django.http.request import split_domain_port
from django.shortcuts import redirect, render

from .tenancy.models import Tenant


def home(request):
    """`/`: the platform page on the root domain; elsewhere each person's own home."""
    if request.tenant is None:
        return render(request, "root.html", {} if settings.PRODUCTION else {"guide": _guide(request)})
    if not request.user.is_authenticated or request.membership is None:
        return redirect("account_login")
    if request.membership.is_staff_role:
        return redirect("dashboard_home")
    return redirect("portal_home")


def _guide(request):
    """Outside production only: the programs on this machine, at the port this page was reached on,
    and how to reach one from curl (the *.localhost names resolve in browsers, not everywhere)."""
    _, port = split_domain_port(request.get_host())
    at_port = f":{port}" if port else ""
    programs = [{"name": tenant.name, "host": tenant.host, "url": f"{request.scheme}://{tenant.host}{at_port}/"}
                for tenant in Tenant.objects.filter(is_active=True).order_by("name")]
    example = programs[0]["host"] if programs else f"acme.{settings.PRM_DOMAIN}"
    return {
        "programs": programs,
        "domain": settings.PRM_DOMAIN,
        "on_localhost": settings.PRM_DOMAIN == "localhost" or settings.PRM_DOMAIN.endswith(".localhost"),
        "curl_resolve": f"curl --resolve {example}:{port or 80}:127.0.0.1 {request.scheme}://{example}{at_port}/api/v1/deals/ "
                        '-H "Authorization: Api-Key <key>"',
        "curl_host": f'curl -H "Host: {example}{at_port}" {request.scheme}://127.0.0.1{at_port}/api/v1/deals/ '
                     '-H "Authorization: Api-Key <key>"',
    }
