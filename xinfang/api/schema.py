"""Error responses shared by every endpoint in the OpenAPI schema: the one error shape and its codes."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="machine-readable, e.g. not_found, invalid, stale_version, "
                                                "transition_not_allowed, duplicate_external_id"),
        "message": serializers.CharField(help_text="human-readable, Chinese by default"),
        "detail": serializers.DictField(help_text="per-field errors or context"),
    },
)

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="invalid input (code: invalid, invalid_id_number, …)"),
    403: OpenApiResponse(ErrorSerializer, description="permission_denied / not_authenticated"),
    404: OpenApiResponse(ErrorSerializer, description="not_found: absent or outside your jurisdiction"),
    409: OpenApiResponse(ErrorSerializer, description="conflict: stale_version, transition_not_allowed, …"),
}
