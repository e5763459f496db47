"""One exception handler gives every API error the shape ``{"code": ..., "message": ..., "detail": {...}}``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xinfang.errors import FIELD_CODES, ApplicationError

# DRF's own exceptions → our stable codes.
_DRF_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(code: str, message, detail=None) -> dict:
    return {"code": code, "message": str(message), "detail": detail or {}}


def exception_handler(exc, context):
    """Map every known exception to the one error shape; unknown ones propagate (and are logged as 500s)."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.detail), status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("request_too_large", _("提交的内容过大。")),
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", _("提交的数据有误。"), detail), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "error_code", None) or next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)),
                                                    "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(_specific_code(exc) or code, _("提交的数据有误。"), detail)
    else:
        response.data = error_body(code, exc.detail)
    return response


def _leaf_codes(codes):
    if isinstance(codes, dict):
        return [c for value in codes.values() for c in _leaf_codes(value)]
    if isinstance(codes, list):
        return [c for value in codes for c in _leaf_codes(value)]
    return [codes]


def _specific_code(exc) -> str | None:
    """A refusal for one reason of our own (every field error is invalid_id_number, say) keeps that reason's code;
    a mix of reasons, or the framework's own, is "invalid"."""
    codes = set(_leaf_codes(exc.get_codes()))
    return codes.pop() if len(codes) == 1 and codes <= FIELD_CODES else None
