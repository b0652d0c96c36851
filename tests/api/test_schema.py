"""The OpenAPI document and its interactive docs."""

from rest_framework.test import APIClient


def test_schema_documents_the_endpoints_and_the_key_scheme(world):
    response = APIClient(HTTP_HOST="acme.localhost").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/partners/", "/api/v1/partners/{id}/", "/api/v1/partners/{id}/deactivate/",
                 "/api/v1/partners/{id}/reactivate/", "/api/v1/memberships/", "/api/v1/memberships/{id}/"):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/v1/partners/"])
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert {"ApiKeyAuth": []} in paths["/api/v1/partners/"]["get"]["security"]
    list_params = {p["name"] for p in paths["/api/v1/partners/"]["get"]["parameters"]}
    assert {"q", "status", "tier"} <= list_params


def test_schema_contains_no_tenant_data(world):
    content = APIClient(HTTP_HOST="acme.localhost").get("/api/schema/").content
    assert b"Northwind" not in content and b"Acme Networks" not in content


def test_docs_page(world):
    response = APIClient(HTTP_HOST="acme.localhost").get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"PRM API" in response.content
    # Swagger UI comes from the project's static files (the sidecar package), never from a CDN.
    assert b'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"' in response.content
    assert b"cdn" not in response.content.lower()
    script = APIClient(HTTP_HOST="acme.localhost").get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert b"/api/schema/" in script.content
