"""/api/v1/ endpoints of the visits app: reception schedules and slots, campaigns, appointments, receptions, field
visits, return visits (and the petitioner's one-time link), meetings, duty rules and their compliance, statistics
and the county's visit settings.

Thin: every queryset comes from a selector that starts from ``scoped`` (another county's row answers 404), reading
needs the view permission of the matching page, every write is one service call (which checks who may write), and
a service's refusal becomes ``{code, message, detail}`` with its status.
"""

from dataclasses import fields as dataclass_fields

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

import workflow
from xinfang.api.schema import ERROR_RESPONSES
from xinfang.api.views import ScopedViewSet, validated
from xinfang.errors import require_perm
from xinfang.workdays.api.views import caller_county

from .. import selectors, services
from ..filtersets import (
    AppointmentFilterSet,
    FieldVisitFilterSet,
    MeetingFilterSet,
    ReceptionFilterSet,
    ReturnVisitFilterSet,
    SlotFilterSet,
)
from .serializers import (
    AnswerLinkCreateSerializer,
    AnswerLinkSerializer,
    AppointmentCancelSerializer,
    AppointmentSerializer,
    BookSerializer,
    CampaignSerializer,
    CampaignWriteSerializer,
    ComplianceQuerySerializer,
    ComplianceSerializer,
    FieldVisitSerializer,
    FieldVisitWriteSerializer,
    MeetingSerializer,
    MeetingWriteSerializer,
    ReceptionSerializer,
    ReceptionWriteSerializer,
    ReturnVisitAssignSerializer,
    ReturnVisitRecordSerializer,
    ReturnVisitSerializer,
    ScheduleSerializer,
    ScheduleWriteSerializer,
    SlotCancelSerializer,
    SlotSerializer,
    SlotWriteSerializer,
    StatsQuerySerializer,
    VisitStatsSerializer,
    petitioner_data_from,
)


def _input(dataclass, data: dict):
    """The service's input dataclass from validated data (the serializer's fields are named like its own)."""
    names = {f.name for f in dataclass_fields(dataclass)}
    return dataclass(**{k: v for k, v in data.items() if k in names})


# Schedules, campaigns, slots, appointments ---------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="接访日程规则列表", responses={200: ScheduleSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="接访日程规则详情", responses={200: ScheduleSerializer, **ERROR_RESPONSES}),
)
class ScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Recurring reception rules (every Thursday afternoon …); creating one generates its dated slots at once."""

    serializer_class = ScheduleSerializer
    view_permission = "visits.view_receptionschedule"

    def get_queryset(self):
        return selectors.schedule_list(user=self.request.user)

    @extend_schema(summary="新建接访日程规则（立即生成接访时段）", request=ScheduleWriteSerializer,
                   responses={201: ScheduleSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        data = validated(ScheduleWriteSerializer, request.data, request)
        schedule = services.schedule_create(actor=request.user, data=_input(services.ScheduleInput, data))
        return self._one(schedule.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="停用接访日程规则（取消其无人预约的未来时段）", request=None,
                   responses={200: ScheduleSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        schedule = services.schedule_deactivate(actor=request.user, schedule=self.get_object())
        return self._one(schedule.pk)


@extend_schema_view(
    list=extend_schema(summary="集中接访活动列表", responses={200: CampaignSerializer(many=True), **ERROR_RESPONSES}),
)
class CampaignViewSet(mixins.ListModelMixin, ScopedViewSet):
    """集中接访: one topic at one time in every county under a region (each county gets a slot)."""

    serializer_class = CampaignSerializer
    view_permission = "visits.view_receptionslot"

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user)

    @extend_schema(summary="组织集中接访（各县各生成一个接访时段）", request=CampaignWriteSerializer,
                   responses={201: CampaignSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        data = validated(CampaignWriteSerializer, request.data, request)
        campaign = services.campaign_create(actor=request.user, **data)
        return self._one(campaign.pk, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="接访时段列表（含已约、剩余批次）",
                       responses={200: SlotSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="接访时段详情", responses={200: SlotSerializer, **ERROR_RESPONSES}),
)
class SlotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Dated receptions of the jurisdiction and of the levels above it; booking takes one of a slot's places."""

    serializer_class = SlotSerializer
    filterset_class = SlotFilterSet
    view_permission = "visits.view_receptionslot"

    def get_queryset(self):
        # The place count groups rows, and Django drops the model ordering from a grouped query: restate it.
        return selectors.slot_list(user=self.request.user)

    @extend_schema(summary="新建单次接访时段", request=SlotWriteSerializer,
                   responses={201: SlotSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        data = validated(SlotWriteSerializer, request.data, request)
        slot = services.slot_create(actor=request.user, data=_input(services.SlotInput, data))
        return self._one(slot.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="取消接访时段（其预约一并取消）", request=SlotCancelSerializer,
                   responses={200: SlotSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        slot = self.get_object()
        data = validated(SlotCancelSerializer, request.data, request)
        services.slot_cancel(actor=request.user, slot=slot, reason=data["reason"])
        return self._one(slot.pk)

    @extend_schema(summary="预约接访（约访）", request=BookSerializer,
                   responses={201: AppointmentSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        slot = self.get_object()
        data = validated(BookSerializer, request.data, request)
        appointment = services.appointment_book(
            actor=request.user, slot=slot, topic=data["topic"], case=data["case"], petitioner=data["petitioner"],
            petitioner_data=petitioner_data_from(data), head_count=data["head_count"])
        appointment = selectors.appointment_list(user=request.user).get(pk=appointment.pk)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="约访列表", responses={200: AppointmentSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="约访详情", responses={200: AppointmentSerializer, **ERROR_RESPONSES}),
)
class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Bookings into slots (made on the slot: POST /api/v1/reception-slots/{id}/book/)."""

    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilterSet
    view_permission = "visits.view_appointment"

    def get_queryset(self):
        return selectors.appointment_list(user=self.request.user)

    @extend_schema(summary="取消预约", request=AppointmentCancelSerializer,
                   responses={200: AppointmentSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = self.get_object()
        data = validated(AppointmentCancelSerializer, request.data, request)
        services.appointment_cancel(actor=request.user, appointment=appointment, reason=data["reason"])
        return self._one(appointment.pk)

    @extend_schema(summary="登记预约未到", request=None, responses={200: AppointmentSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], url_path="no-show", url_name="no-show")
    def no_show(self, request, pk=None):
        appointment = services.appointment_no_show(actor=request.user, appointment=self.get_object())
        return self._one(appointment.pk)


# Receptions, field visits, meetings ----------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="领导接访记录列表", responses={200: ReceptionSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="领导接访记录详情", responses={200: ReceptionSerializer, **ERROR_RESPONSES}),
)
class ReceptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Leaders' receptions. Recording one links an open case or opens a new one (channel 领导接访), and the
    receiving leader becomes the case's owner (谁接访谁包案)."""

    serializer_class = ReceptionSerializer
    filterset_class = ReceptionFilterSet
    view_permission = "visits.view_reception"

    def get_queryset(self):
        # The case's owner is shown with each row (one join, not a query per row).
        return selectors.reception_list(user=self.request.user)

    @extend_schema(summary="登记领导接访（关联或新登记信访事项，谁接访谁包案）", request=ReceptionWriteSerializer,
                   responses={201: ReceptionSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        data = validated(ReceptionWriteSerializer, request.data, request)
        data["petitioner_data"] = petitioner_data_from(data)
        reception = workflow.reception_record(actor=request.user, data=_input(services.ReceptionInput, data))
        return self._one(reception.pk, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="下访走访列表", responses={200: FieldVisitSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="下访走访详情", responses={200: FieldVisitSerializer, **ERROR_RESPONSES}),
)
class FieldVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """下访, 带案下访, 走访 and 上门回访; ``is_night`` is fixed by the county's night hours when recorded."""

    serializer_class = FieldVisitSerializer
    filterset_class = FieldVisitFilterSet
    view_permission = "visits.view_fieldvisit"

    def get_queryset(self):
        return selectors.field_visit_list(user=self.request.user)

    @extend_schema(summary="登记下访走访", request=FieldVisitWriteSerializer,
                   responses={201: FieldVisitSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        data = validated(FieldVisitWriteSerializer, request.data, request)
        visit = services.field_visit_record(actor=request.user, data=_input(services.FieldVisitInput, data))
        return self._one(visit.pk, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="会议列表", responses={200: MeetingSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="会议详情", responses={200: MeetingSerializer, **ERROR_RESPONSES}),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Meetings on petition work (调度会, 联席会议 …) with their attendees and the cases discussed."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet
    view_permission = "visits.view_meeting"

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    @extend_schema(summary="登记会议", request=MeetingWriteSerializer,
                   responses={201: MeetingSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        data = validated(MeetingWriteSerializer, request.data, request)
        meeting = services.meeting_record(actor=request.user, data=_input(services.MeetingInput, data))
        return self._one(meeting.pk, status.HTTP_201_CREATED)


# Return visits -------------------------------------------------------------------------------------------------

class ReturnVisitApiFilterSet(ReturnVisitFilterSet):
    mine = django_filters.BooleanFilter(label=_("我负责的"), method="filter_mine")

    class Meta(ReturnVisitFilterSet.Meta):
        fields = [*ReturnVisitFilterSet.Meta.fields, "mine"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value else queryset


@extend_schema_view(
    list=extend_schema(summary="回访列表", responses={200: ReturnVisitSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="回访详情", responses={200: ReturnVisitSerializer, **ERROR_RESPONSES}),
)
class ReturnVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Return visits on replied cases, due by the case's 答复后回访 clock; ``mine=true`` lists the caller's own."""

    serializer_class = ReturnVisitSerializer
    filterset_class = ReturnVisitApiFilterSet
    view_permission = "visits.view_returnvisit"

    def get_queryset(self):
        return selectors.return_visit_list(user=self.request.user)

    @extend_schema(summary="登记回访结果（上门或电话）", request=ReturnVisitRecordSerializer,
                   responses={201: ReturnVisitSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["post"])
    def record(self, request):
        data = validated(ReturnVisitRecordSerializer, request.data, request)
        visit = workflow.return_visit_record(actor=request.user, **data)
        return self._one(visit.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="指定回访责任人", request=ReturnVisitAssignSerializer,
                   responses={200: ReturnVisitSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        visit = self.get_object()
        data = validated(ReturnVisitAssignSerializer, request.data, request)
        services.return_visit_assign(actor=request.user, return_visit=visit, assignee=data["assignee"])
        return self._one(visit.pk)

    @extend_schema(summary="生成信访人一次性评价链接（短信发送或打印二维码）", request=AnswerLinkCreateSerializer,
                   responses={201: AnswerLinkSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        visit = self.get_object()
        data = validated(AnswerLinkCreateSerializer, request.data, request)
        link, token = services.answer_link_create(actor=request.user, return_visit=visit, channel=data["channel"])
        # The token is never stored; an SMS link goes only to the phone, a QR link is shown once to print.
        url = services.answer_url(token) if link.channel == "qr" else None
        body = {"channel": link.channel, "sent_to": link.sent_to, "expires_at": link.expires_at, "url": url}
        return Response(AnswerLinkSerializer(body).data, status=status.HTTP_201_CREATED)


# Duty rules and compliance -------------------------------------------------------------------------------------

class DutyComplianceView(APIView):
    """The caller's county: for each duty rule in force on ``day``, its period and each person against it."""
    view_permission = "visits.view_compliance"

    @extend_schema(summary="工作制度落实情况", parameters=[ComplianceQuerySerializer],
                   responses={200: ComplianceSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request):
        require_perm(request.user, "visits.view_compliance")
        query = validated(ComplianceQuerySerializer, request.query_params, request)
        report = selectors.duty_compliance(user=request.user, county=caller_county(request.user),
                                           day=query.get("day") or timezone.localdate())
        return Response(ComplianceSerializer(report, many=True).data)


class VisitStatsView(APIView):
    """Receptions, field and night visits, return visits and skip-level petitions of a period (default: this
    month) in the caller's jurisdiction."""
    view_permission = "visits.view_visit_stats"

    @extend_schema(summary="接访走访统计", parameters=[StatsQuerySerializer],
                   responses={200: VisitStatsSerializer, **ERROR_RESPONSES})
    def get(self, request):
        require_perm(request.user, "visits.view_visit_stats")
        query = validated(StatsQuerySerializer, request.query_params, request)
        today = timezone.localdate()
        start = query.get("start") or today.replace(day=1)
        end = query.get("end") or selectors.period_bounds("month", start)[1]
        if end < start:
            start = end.replace(day=1)
        stats = selectors.visit_stats(user=request.user, start=start, end=end)
        return Response(VisitStatsSerializer(stats).data)


