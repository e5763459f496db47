"""Every API view refuses by default: an action runs only when the caller holds the permission the view names for
it (DEFAULT_PERMISSION_CLASSES, after IsAuthenticated).

- Reads (GET, HEAD, OPTIONS), custom actions included, ask for ``view.read_permissions[action]``, else
  ``view.view_permission``, else the view permission of the view's model (``cases.view_case`` for the case list, as
  its page asks).
- Writes ask for ``view.write_permissions[action]`` (or ``["*"]``, for every write of the view). ``SERVICE`` says the
  service of that step decides who may (a case's workflow: each step has its own permission, and the services check
  it); a write the view does not name is refused.
- A view that is for every signed-in person (their own notifications, ``/me/``, the settings groups that check
  each group) says so by setting its own ``permission_classes``.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

SERVICE = "checked by the service"


def _model_view_permission(view) -> str | None:
    queryset = getattr(view, "queryset", None)
    if queryset is None and hasattr(view, "get_queryset"):
        try:
            queryset = view.get_queryset()
        except (AssertionError, AttributeError, NotImplementedError):
            queryset = None
    if queryset is None:
        return None
    meta = queryset.model._meta
    return f"{meta.app_label}.view_{meta.model_name}"


def required_permission(view, request) -> str | None:
    """The permission the action needs, SERVICE, or None (refused: nothing declared)."""
    action = getattr(view, "action", None) or request.method.lower()
    if request.method in SAFE_METHODS:
        return (getattr(view, "read_permissions", {}).get(action) or getattr(view, "view_permission", "")
                or _model_view_permission(view))
    writes = getattr(view, "write_permissions", {})
    return writes.get(action, writes.get("*"))


class ActionPermission(BasePermission):
    message = _("您没有执行该操作的权限。")

    def has_permission(self, request, view):
        if getattr(view, "_ignore_model_permissions", False):
            return True  # the router's list of the API's addresses (DRF's APIRootView says so)
        needed = required_permission(view, request)
        if needed is None:
            return False
        return needed == SERVICE or request.user.has_perm(needed)
