"""Read endpoints for regions, units and users, all scoped by the caller's jurisdiction."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import selectors
from ..filtersets import RegionFilterSet, UnitFilterSet, UserFilterSet
from .serializers import RegionSerializer, UnitSerializer, UserSerializer


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative divisions in the caller's jurisdiction, looked up by their 12-digit code."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"

    def get_queryset(self):
        return selectors.region_list(user=self.request.user)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units (departments, township governments, village committees) in the caller's jurisdiction."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People in the caller's jurisdiction (service accounts are not listed)."""

    serializer_class = UserSerializer
    filterset_class = UserFilterSet

    def get_queryset(self):
        return selectors.user_list(user=self.request.user)


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])  # every signed-in person reads who they are
def me(request):
    """The caller: a person (session) or an API client's service account (token)."""
    return Response(UserSerializer(request.user).data)
