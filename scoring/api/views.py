"""/api/v1/ endpoints of the unit rankings: the snapshots and their rows, generating a period now, the cadres by
points. The petition-index rules are a group of the county settings (/api/v1/rules/index/).

Thin: every queryset comes from a selector that starts from ``scoped`` (another county's snapshot answers 404),
reading needs the view permission of the matching page, every write is one service call, and a refusal becomes
``{code, message, detail}`` with its status.
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.api.schema import ERROR_RESPONSES
from xinfang.api.views import ScopedViewSet, validated
from xinfang.errors import require_perm
from xinfang.workdays.api.views import caller_county

from .. import selectors, services
from ..filtersets import RankingSnapshotFilterSet
from .serializers import (
    CadreRankingQuerySerializer,
    CadreRankingSerializer,
    GenerateSerializer,
    RankingRowSerializer,
    RankingSnapshotDetailSerializer,
    RankingSnapshotSerializer,
    RowsQuerySerializer,
)

MANAGE = "scoring.add_rankingsnapshot"


def _changes(snapshot) -> dict:
    """The rows' arrows: against the previous snapshot of the same kind (环比) and the same period a year earlier
    (同比)."""
    return {"changes": selectors.rank_changes(snapshot),
            "changes_yoy": selectors.rank_changes(snapshot, year_on_year=True)}


@extend_schema_view(
    list=extend_schema(summary="单位排名快照列表（日通报、周亮晒、月排名、季考核）",
                       responses={200: RankingSnapshotSerializer(many=True), **ERROR_RESPONSES}),
)
class RankingSnapshotViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The county's ranking snapshots, newest first; one with its rows and arrows; generating a period now."""

    serializer_class = RankingSnapshotSerializer
    filterset_class = RankingSnapshotFilterSet
    view_permission = "scoring.view_rankingsnapshot"
    write_permissions = {"generate": "scoring.add_rankingsnapshot"}

    def get_queryset(self):
        return selectors.snapshot_list(user=self.request.user).order_by("-period_start", "kind", "-pk")

    def _detail(self, snapshot, status_code=status.HTTP_200_OK) -> Response:
        snapshot.row_list = list(selectors.snapshot_rows(snapshot))
        previous = selectors.previous_snapshot(snapshot)
        snapshot.previous_id = previous.pk if previous else None
        serializer = RankingSnapshotDetailSerializer(snapshot, context=_changes(snapshot))
        return Response(serializer.data, status=status_code)

    @extend_schema(summary="排名快照详情（乡镇、部门各模块数据、得分、指数、颜色和升降）",
                   responses={200: RankingSnapshotDetailSerializer, **ERROR_RESPONSES})
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(summary="排名快照的单位排名（可按乡镇或部门）", parameters=[RowsQuerySerializer],
                   responses={200: RankingRowSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        snapshot = self.get_object()
        query = validated(RowsQuerySerializer, request.query_params, request)
        rows = selectors.snapshot_rows(snapshot)
        if query.get("group"):
            rows = rows.filter(group=query["group"])
        return Response(RankingRowSerializer(rows, many=True, context=_changes(snapshot)).data)

    @extend_schema(summary="立即生成本县某一周期的排名（已生成则返回原快照）", request=GenerateSerializer,
                   responses={201: RankingSnapshotDetailSerializer, 200: RankingSnapshotDetailSerializer,
                              **ERROR_RESPONSES})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        data = validated(GenerateSerializer, request.data, request)
        kind, day = data["kind"], data["day"] or timezone.localdate() - timedelta(days=1)
        snapshot, made = services.snapshot_request(actor=request.user, county=caller_county(request.user), kind=kind,
                                                   day=day)
        snapshot = self.get_queryset().get(pk=snapshot.pk)
        return self._detail(snapshot, status.HTTP_201_CREATED if made else status.HTTP_200_OK)


class CadreRankingView(APIView):
    """The cadres of the caller's jurisdiction by their points in a period (this year by default), top 50."""
    view_permission = "scoring.view_pointentry"

    @extend_schema(summary="干部积分排行", parameters=[CadreRankingQuerySerializer],
                   responses={200: CadreRankingSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request):
        require_perm(request.user, "scoring.view_pointentry")
        query = validated(CadreRankingQuerySerializer, request.query_params, request)
        today = timezone.localdate()
        start, end = query.get("start") or today.replace(month=1, day=1), query.get("end") or today
        rows = selectors.cadre_ranking(user=request.user, start=start, end=end)
        return Response(CadreRankingSerializer(rows, many=True).data)
