"""URLconf for bench/dealreg.py: the app's own URLs plus a minimal baseline view.

`bench/ok/` returns "ok" and nothing else, so timing it through the same middleware stack
(tenant from the host, session, auth, membership, CSP, ...) gives the fixed cost of any page;
what a real page costs beyond it is its own work.
"""

from django.http import HttpResponse
from django.urls import include, path


def ok(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/ok/", ok, name="bench_ok"),
    path("", include("prm.urls")),
]
