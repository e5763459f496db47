"""/api/v1/calendar-days/ and /api/v1/calendar-years/: the caller's county working-day calendar. Registered in
deadlines/api/urls.py, next to the deadlines that follow it."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

import workflow
from xinfang.api.schema import ERROR_RESPONSES
from xinfang.errors import NotFound, NotPermitted
from xinfang.org.models import Region
from xinfang.org.selectors import user_county

from .. import selectors
from ..models import CalendarDay
from .serializers import (
    CalendarCheckQuerySerializer,
    CalendarCheckSerializer,
    CalendarDayInputSerializer,
    CalendarDaySerializer,
    CalendarYearInputSerializer,
    CalendarYearSerializer,
)


def caller_county(user) -> Region:
    """The county whose settings the caller reads and changes (404 for someone above county level)."""
    county = user_county(user)
    if county is None:
        raise NotFound(_("您不属于任何县，没有本县设置。"), code="no_county")
    return county


@extend_schema_view(
    list=extend_schema(summary="本县工作日历调整列表",
                       responses={200: CalendarDaySerializer(many=True), **ERROR_RESPONSES}),
)
class CalendarDayViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The county's own rest days and working days on top of the national calendar. A change moves the due dates
    of running deadlines (after commit, in the background)."""
    read_permissions = {"check": "cases.view_case"}  # whoever works cases may ask whether a day is worked
    write_permissions = {"create": "workdays.add_calendarday", "destroy": "workdays.delete_calendarday"}

    serializer_class = CalendarDaySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return CalendarDay.objects.none()
        return selectors.calendar_day_list(user=self.request.user, county_id=caller_county(self.request.user).pk)

    def list(self, request, *args, **kwargs):
        if not request.user.has_perm("workdays.view_calendarday"):
            raise NotPermitted()
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="设置本县工作日或休息日", request=CalendarDayInputSerializer,
                   responses={201: CalendarDaySerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        serializer = CalendarDayInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        day = workflow.calendar_day_set(actor=request.user, county=caller_county(request.user), day=data["date"],
                                        is_workday=data["is_workday"], name=data["name"])
        return Response(CalendarDaySerializer(day).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="删除本县工作日历调整（恢复国家日历）", responses={204: None, **ERROR_RESPONSES})
    def destroy(self, request, *args, **kwargs):
        workflow.calendar_day_delete(actor=request.user, day=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="查询某日是否工作日（本县日历）", parameters=[CalendarCheckQuerySerializer],
                   responses={200: CalendarCheckSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["get"])
    def check(self, request):
        query = CalendarCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data["date"]
        calendar = selectors.calendar_for(caller_county(request.user).pk)
        return Response(CalendarCheckSerializer(
            {"date": day, "is_workday": calendar.is_workday(day), "source": calendar.source(day)}).data)


class CalendarYearViewSet(viewsets.GenericViewSet):
    """Years the county admin has entered by hand (years the national calendar package does not cover yet)."""
    write_permissions = {"create": "workdays.add_calendaryear"}

    serializer_class = CalendarYearSerializer

    @extend_schema(summary="确认本县某年工作日历已录入完整", request=CalendarYearInputSerializer,
                   responses={201: CalendarYearSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        serializer = CalendarYearInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        year = workflow.calendar_year_confirm(actor=request.user, county=caller_county(request.user),
                                              year=serializer.validated_data["year"])
        return Response(CalendarYearSerializer(year).data, status=status.HTTP_201_CREATED)
