"""The OpenAPI document says what the API really answers, so clients (and the fuzzer) can rely on it.

- A list operation's query parameters come from its viewset's `filter_serializer_class`, the very
  serializer that parses them (prm/api/filters.py).
- Every operation documents the error answers of the one exception handler (prm/api/exceptions.py).
- Path ids are integers: the router accepts any segment (so that a bad one gets the API's 404),
  but clients send, and get back, integer ids.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "Why the request was refused.",
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages per field or query parameter; `detail` holds those about the request as a whole.",
    "additionalProperties": {"anyOf": [{"type": "array", "items": {}}, {"type": "object"}]},
}
ERROR_ANSWERS = {
    "400": ("FieldErrors", "Invalid input: the messages name the field or parameter to fix."),
    "401": ("Error", "No valid credentials (missing, unknown, revoked or inactive API key)."),
    "403": ("Error", "The caller's role may not do this (or the CSRF token is missing)."),
    "404": ("Error", "No such object in this tenant (or not visible to the caller), or a page past the end."),
    "429": ("Error", "Too many requests with this API key; retry after the `Retry-After` seconds."),
}
BODY_ERROR_ANSWERS = {"415": ("Error", "The body is not in a supported media type (send JSON).")}


class TenantApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if "{id}" in self.path:
            parameters = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), *parameters]
        filters = getattr(self.view, "filter_serializer_class", None)
        if filters is not None and getattr(self.view, "action", None) == "list":
            parameters = [filters, *parameters]
        return parameters


def add_error_answers(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the error answers on every operation, with their two shapes."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"], schemas["FieldErrors"] = ERROR, FIELD_ERRORS
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            answers = {**ERROR_ANSWERS, **(BODY_ERROR_ANSWERS if "requestBody" in operation else {})}
            for code, (component, description) in answers.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                })
    return result
