"""/api/v1/dashboard/: the leader dashboard's figures for BI tools, the same selectors as the page.

Every ``*_cases`` value is a query string for /api/v1/cases/ (or the /cases/ page) listing the cases behind the
figure. A region outside the caller's jurisdiction answers 404; a bad month 400 (``invalid_period``, or
``period_in_future`` for months after this one).
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.api.schema import ERROR_RESPONSES
from xinfang.api.views import validated

from .. import selectors
from .serializers import DashboardQuerySerializer, DashboardSerializer, KpisAnswerSerializer


def _answer(request, *, kpis_only: bool = False) -> dict:
    query = validated(DashboardQuerySerializer, request.query_params, request)
    region = selectors.dashboard_region(request.user, query.get("region"))
    period = selectors.parse_period(query.get("start"), query.get("end"))
    return selectors.dashboard(user=request.user, region=region, period=period, kpis_only=kpis_only)


class DashboardView(APIView):
    """Everything on the dashboard: KPIs with 同比/环比, counts, trends, breakdowns, cards, backlog, receptions and
    the latest five-colour ranking."""
    view_permission = "dashboards.view_dashboard"

    @extend_schema(summary="领导驾驶舱（全部数据）", parameters=[DashboardQuerySerializer],
                   responses={200: DashboardSerializer, **ERROR_RESPONSES})
    def get(self, request):
        return Response(DashboardSerializer(_answer(request)).data)


class DashboardKpisView(APIView):
    """The KPIs alone (with their definitions, numerators, denominators, 同比 and 环比)."""
    view_permission = "dashboards.view_dashboard"

    @extend_schema(summary="领导驾驶舱：核心指标", parameters=[DashboardQuerySerializer],
                   responses={200: KpisAnswerSerializer, **ERROR_RESPONSES})
    def get(self, request):
        return Response(KpisAnswerSerializer(_answer(request, kpis_only=True)).data)
