"""The one error hierarchy. Services raise these; the API turns them into ``{"code", "message", "detail"}``
with the status below (xinfang/api/errors.py), and pages show ``message`` (in Chinese) to the user."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A refused request: nothing was changed. ``code`` is stable and machine-readable."""

    status = 400
    default_code = "invalid"
    default_message = _("请求无效。")

    def __init__(self, message=None, *, code: str | None = None, detail: dict | None = None):
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.detail = detail or {}
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    """Bad input (400)."""


class NotPermitted(ApplicationError):
    """The user may not do this (403)."""

    status = 403
    default_code = "permission_denied"
    default_message = _("您没有执行此操作的权限。")


class NotFound(ApplicationError):
    """No such object in the user's jurisdiction (404)."""

    status = 404
    default_code = "not_found"
    default_message = _("未找到该对象。")


class Conflict(ApplicationError):
    """Not allowed in the object's current state, or a stale write (409)."""

    status = 409
    default_code = "conflict"
    default_message = _("当前状态不允许此操作。")


class RateLimited(ApplicationError):
    """Too many tries from one phone or address: wait and try again (429)."""

    status = 429
    default_code = "rate_limited"
    default_message = _("操作过于频繁，请稍后再试。")


# Codes of our own field checks that serializers raise too (cases.api.serializers): an API refusal for that one reason
# answers with it rather than the generic "invalid" (xinfang.api.errors).
FIELD_CODES = frozenset({"invalid_id_number", "invalid_phone"})


def full_clean_or_fail(obj, *, validate_constraints: bool = True) -> None:
    """Run a model's own validation; its errors become one ValidationFailed (400) naming the fields. A caller that
    turns a constraint's refusal from the database into its own answer passes ``validate_constraints=False``."""
    try:
        obj.full_clean(validate_constraints=validate_constraints)
    except ValidationError as exc:
        raise ValidationFailed(_("提交的数据有误。"), code="invalid", detail=exc.message_dict) from exc


def require_perm(actor, permission: str) -> None:
    """A service's first line: the actor holds ``permission`` or the request is refused (403)."""
    if not actor.has_perm(permission):
        raise NotPermitted()


def invalid(field_name: str, message, code: str = "invalid") -> ValidationFailed:
    """Bad input on one field (400), the message also under the field's name in ``detail``."""
    return ValidationFailed(message, code=code, detail={field_name: [str(message)]})


def required_text(value, field_name: str, message, *, code: str = "invalid") -> str:
    """``value`` stripped, or bad input (400) when nothing is left."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code, detail={field_name: [str(message)]})
    return value
