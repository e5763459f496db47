"""/api/v1/rules/: the caller's county settings, every group in one shape: the values in force (on a day), the next
version saved (values, reason, valid_from), the versions with what each changed, a diff, a rollback."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.api.schema import ERROR_RESPONSES
from xinfang.api.views import validated
from xinfang.errors import NotFound, NotPermitted
from xinfang.workdays.api.views import caller_county

from .. import selectors, services
from ..registry import groups
from .serializers import (
    ChangeSerializer,
    DiffQuerySerializer,
    InForceQuerySerializer,
    RollbackSerializer,
    RulesGroupSerializer,
    RulesSaveSerializer,
    RulesVersionSerializer,
)

# The groups the apps registered (their AppConfig.ready ran before the URLs import this module).
KEY = OpenApiParameter("key", str, OpenApiParameter.PATH, enum=[g.key for g in groups()],
                       description="规则组：" + "、".join(f"{g.key}（{g.label}）" for g in groups()))


def _version_data(row, changes) -> dict:
    return {**RulesVersionSerializer(row).data, "changes": ChangeSerializer(changes, many=True).data}


def _readable(request, key):
    """The group, if the caller may read it (404 for no such group, 403 for one they may not read)."""
    g = services.group_or_404(key)
    if not selectors.may_view(request.user, g):
        raise NotPermitted()
    return g


class RulesListView(APIView):
    permission_classes = [IsAuthenticated]  # each group says who reads it; the services, who saves
    @extend_schema(summary="本县各组规则（现行版本）", responses={200: RulesGroupSerializer(many=True),
                                                               **ERROR_RESPONSES})
    def get(self, request):
        readable = selectors.viewable_groups(request.user)
        if not readable:
            raise NotPermitted()
        county = caller_county(request.user)
        return Response(RulesGroupSerializer(selectors.rules_for_groups(county, [g.key for g in readable]),
                                             many=True, context={"county_id": county.pk}).data)


class RulesGroupView(APIView):
    permission_classes = [IsAuthenticated]  # each group says who reads it; the services, who saves
    @extend_schema(summary="本县一组规则（某日施行的版本）", parameters=[KEY, InForceQuerySerializer],
                   responses={200: RulesGroupSerializer, **ERROR_RESPONSES})
    def get(self, request, key):
        g = _readable(request, key)
        on = validated(InForceQuerySerializer, request.query_params, request).get("on")
        county = caller_county(request.user)
        return Response(RulesGroupSerializer(selectors.rules_for(county, g.key, on),
                                             context={"county_id": county.pk}).data)

    @extend_schema(summary="保存本县一组规则的新版本", parameters=[KEY], request=RulesSaveSerializer,
                   responses={201: RulesVersionSerializer, **ERROR_RESPONSES})
    def post(self, request, key):
        g = services.group_or_404(key)
        data = validated(RulesSaveSerializer, request.data, request)
        row = services.rules_save(actor=request.user, county=caller_county(request.user), key=g.key,
                                  values=data["values"], reason=data["reason"], valid_from=data.get("valid_from"),
                                  base_version=data.get("base_version"))
        return Response(_version_data(row, selectors.version_changes(row)), status=status.HTTP_201_CREATED)


class RulesVersionListView(APIView):
    permission_classes = [IsAuthenticated]  # each group says who reads it; the services, who saves
    @extend_schema(summary="本县一组规则的历史版本", parameters=[KEY],
                   responses={200: RulesVersionSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request, key):
        g = _readable(request, key)
        versions = list(selectors.version_list(user=request.user, county=caller_county(request.user), key=g.key))
        return Response([_version_data(v, changes) for v, changes in selectors.history(versions, g)])


class RulesDiffView(APIView):
    permission_classes = [IsAuthenticated]  # each group says who reads it; the services, who saves
    @extend_schema(summary="比较本县一组规则的两个版本", parameters=[KEY, DiffQuerySerializer],
                   responses={200: ChangeSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request, key):
        g = _readable(request, key)
        query = validated(DiffQuerySerializer, request.query_params, request)
        versions = {v.version: v for v in selectors.version_list(
            user=request.user, county=caller_county(request.user), key=g.key).filter(
            version__in=[query["a"], query["b"]])}
        missing = [n for n in (query["a"], query["b"]) if n not in versions]
        if missing:
            raise NotFound(_("没有第%(n)s版。") % {"n": missing[0]}, code="rules_version_not_found")
        changes = selectors.rules_diff(g, versions[query["a"]].values, versions[query["b"]].values,
                                       versions[query["a"]].county_id)
        return Response(ChangeSerializer(changes, many=True).data)


class RulesRollbackView(APIView):
    permission_classes = [IsAuthenticated]  # each group says who reads it; the services, who saves
    @extend_schema(summary="恢复本县一组规则的旧版本（保存为新版本）", parameters=[KEY], request=RollbackSerializer,
                   responses={201: RulesVersionSerializer, **ERROR_RESPONSES})
    def post(self, request, key, version):
        g = services.group_or_404(key)
        data = validated(RollbackSerializer, request.data, request)
        row = services.rules_rollback(actor=request.user, county=caller_county(request.user), key=g.key,
                                      version=version, reason=data["reason"])
        return Response(_version_data(row, selectors.version_changes(row)), status=status.HTTP_201_CREATED)


class RulesWithdrawView(APIView):
    permission_classes = [IsAuthenticated]  # each group says who reads it; the services, who saves
    @extend_schema(summary="撤回本县一组规则尚未施行的版本", parameters=[KEY], request=RollbackSerializer,
                   responses={200: RulesVersionSerializer, **ERROR_RESPONSES})
    def post(self, request, key, version):
        g = services.group_or_404(key)
        data = validated(RollbackSerializer, request.data, request)
        row = services.rules_withdraw(actor=request.user, county=caller_county(request.user), key=g.key,
                                      version=version, reason=data["reason"])
        return Response(RulesVersionSerializer(row).data)
