"""What the apps' API views share: validated input, and a viewset whose reads ask for the page's view permission."""

from rest_framework import status, viewsets
from rest_framework.response import Response

from .permissions import SERVICE


def validated(serializer_class, data, request, **kwargs) -> dict:
    """``data`` through ``serializer_class`` (400 with per-field errors when invalid), as a plain dict."""
    serializer = serializer_class(data=data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ScopedViewSet(viewsets.GenericViewSet):
    """Reading asks for ``view_permission``, as the matching page does; its writes are its services' to check
    (xinfang.api.permissions). ``get_queryset`` returns a selector's scoped queryset, so another county's row is 404.
    Ids are numbers: anything else is a 404, not a database error."""

    view_permission: str = ""
    write_permissions = {"*": SERVICE}
    lookup_value_regex = r"\d+"

    def _one(self, pk, status_code=status.HTTP_200_OK) -> Response:
        """The object as the list reads it (annotations and all), freshly from its selector."""
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, status=status_code)
