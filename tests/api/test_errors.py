"""The API's one error path: services' errors, bad query parameters and bad ids are 4xx, never 500."""

import inspect

import pytest
from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework.test import APIClient

from prm.api.exceptions import api_exception_handler
from prm.api.urls import router
from prm.api.viewsets import TenantScopedViewSet

TWENTY_DIGITS = "9" * 20


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (DjangoValidationError({"name": "Taken."}), 400, {"name": ["Taken."]}),
        (DjangoValidationError({"__all__": ["Both dates."], "end": ["Too early."]}), 400,
         {"detail": ["Both dates."], "end": ["Too early."]}),
        (DjangoValidationError("Not now."), 400, {"detail": ["Not now."]}),
        (DjangoValidationError(["One.", "Two."]), 400, {"detail": ["One.", "Two."]}),
        (PermissionDenied("Only the vendor decides."), 403, {"detail": "Only the vendor decides."}),
        (Http404("No Deal matches the given query."), 404, {"detail": "No Deal matches the given query."}),
    ],
)
def test_handler_shapes(exc, status, body):
    response = api_exception_handler(exc, {})
    assert response.status_code == status
    assert response.data == body


def test_unknown_exceptions_stay_server_errors():
    # A bug must surface as a 500 (and in the logs), not be passed off as bad input.
    assert api_exception_handler(ZeroDivisionError(), {}) is None


def test_service_errors_reach_the_client_as_field_errors(world, key_client):
    url = f"/api/v1/partners/{world.northwind.pk}/"
    assert key_client.patch(url, {"name": "contoso integration"}, format="json").json() == {
        "name": ["Another partner in this program already has this name."]
    }
    response = key_client.post(f"{url}reactivate/")
    assert (response.status_code, response.json()) == (400, {"detail": ["This partner is not deactivated."]})


LIST_PARAMETERS = [
    ("partners", {"status": "garbage"}, "status"),
    ("partners", {"q": "x" * 201}, "q"),
    ("partners", {"q": "nul\x00byte"}, "q"),
    ("memberships", {"partner": "²"}, "partner"),
    ("memberships", {"role": "owner"}, "role"),
    ("deals", {"partner": TWENTY_DIGITS}, "partner"),
    ("deals", {"partner": "0"}, "partner"),
    ("deals", {"status": "lost-ish"}, "status"),
    ("survey-invitations", {"survey": TWENTY_DIGITS}, "survey"),
    ("survey-invitations", {"campaign": "1.5"}, "campaign"),
    ("survey-invitations", {"status": "opened"}, "status"),
    ("survey-answers", {"since": "x"}, "since"),
    ("survey-answers", {"since": "2026-02-30"}, "since"),
    ("survey-answers", {"partner": "-1"}, "partner"),
    ("rankings", {"period": "garbage"}, "period"),
    ("rankings", {"period": "2026-13"}, "period"),
    ("follow-ups", {"status": "pending"}, "status"),
    ("surveys", {"page": "abc"}, "page"),
    ("deals", {"page": "0"}, "page"),
    ("partners", {"page": TWENTY_DIGITS}, "page"),
]


@pytest.mark.parametrize(("endpoint", "params", "field"), LIST_PARAMETERS)
def test_a_bad_query_parameter_is_a_400_naming_it(world, key_client, endpoint, params, field):
    response = key_client.get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert isinstance(response.json()[field], list) and response.json()[field]


def test_good_values_of_the_same_parameters_are_accepted(world, key_client):
    for endpoint, params in [
        ("memberships", {"partner": world.northwind.pk, "role": "partner_user"}),
        ("deals", {"partner": "12345", "status": "", "q": ""}),
        ("survey-answers", {"since": "2026-01-31", "partner": world.northwind.pk}),
        ("rankings", {"period": "2026-01"}),
        ("rankings", {"period": "window"}),
        ("follow-ups", {"status": "open", "page": "1"}),
    ]:
        assert key_client.get(f"/api/v1/{endpoint}/", params).status_code == 200, (endpoint, params)


def test_a_page_past_the_end_is_404(world, key_client):
    response = key_client.get("/api/v1/partners/", {"page": "7"})
    assert (response.status_code, response.json()) == (404, {"detail": "Invalid page."})


@pytest.mark.parametrize("bad_id", [TWENTY_DIGITS, str(2**63), "abc", "0", "１２", "0.5", "-2.8e-256"])
@pytest.mark.parametrize("suffix", ["", "deactivate/"])
def test_an_id_that_cannot_exist_is_the_same_404_as_a_missing_or_foreign_one(world, key_client, bad_id, suffix):
    method = key_client.post if suffix else key_client.get
    missing = method(f"/api/v1/partners/987654/{suffix}")
    foreign = method(f"/api/v1/partners/{world.initech.pk}/{suffix}")
    bad = method(f"/api/v1/partners/{bad_id}/{suffix}")
    assert missing.status_code == foreign.status_code == bad.status_code == 404
    assert missing.content == foreign.content == bad.content


def test_an_unmatched_api_url_is_a_json_404_and_a_missing_slash_still_redirects(world, key_client):
    for path in ("/api/v1/nothing-here/", "/api/v1/deals/1/2/3/", "/api/v2/partners/"):
        response = key_client.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), path
        assert response.json() == {"detail": "Not found."}
    assert key_client.get("/api/v1/partners").status_code == 301


@pytest.mark.parametrize("body", [b"\x00", b"{not json", b"\xaa\xff"])
def test_a_body_that_is_not_json_is_a_400_like_any_bad_input(world, key_client, body):
    response = key_client.generic("POST", "/api/v1/partners/", body, content_type="application/json")
    assert response.status_code == 400
    [message] = response.json()["detail"]
    assert message.startswith("JSON parse error")


def _list_viewsets():
    return [viewset for _, viewset, _ in router.registry if hasattr(viewset, "list")]


def test_list_viewsets_read_query_parameters_only_through_their_filter_serializer():
    for viewset in _list_viewsets():
        assert issubclass(viewset, TenantScopedViewSet)
        assert "query_params" not in inspect.getsource(viewset), viewset.__name__


def test_the_schema_documents_each_lists_parameters_from_its_filter_serializer(world):
    schema = APIClient(HTTP_HOST="acme.localhost").get("/api/schema/", {"format": "json"}).json()
    for prefix, viewset, _ in router.registry:
        if not hasattr(viewset, "list"):
            continue
        operation = schema["paths"][f"/api/v1/{prefix}/"]["get"]
        documented = {p["name"] for p in operation["parameters"]}
        expected = set(viewset.filter_serializer_class().fields) if viewset.filter_serializer_class else set()
        assert documented == expected | {"page"}, prefix
        assert {"400", "401", "403", "404"} <= set(operation["responses"]), prefix
    since = next(p for p in schema["paths"]["/api/v1/survey-answers/"]["get"]["parameters"] if p["name"] == "since")
    assert since["schema"] == {"type": "string", "format": "date"}
    status = next(p for p in schema["paths"]["/api/v1/partners/"]["get"]["parameters"] if p["name"] == "status")
    assert {"onboarding", "active", "inactive"} <= set(status["schema"]["enum"])
    assert "415" in schema["paths"]["/api/v1/partners/"]["post"]["responses"]
    assert "415" not in schema["paths"]["/api/v1/partners/"]["get"]["responses"]
    # A retrieve takes no list filters, and its id is an integer (the router accepts any segment only
    # so that a bad one gets the API's 404).
    retrieve = schema["paths"]["/api/v1/partners/{id}/"]["get"]
    assert [(p["name"], p["schema"]) for p in retrieve["parameters"]] == [("id", {"type": "integer"})]
