"""/api/v1/ endpoints of the deadlines app: red and yellow cards, the overdue board, the county's rule sets,
suspensions, supervision documents and the caller's notifications.

Thin: every queryset comes from a selector that starts from ``scoped`` (another county's row answers 404), every
write is one service call, and a service's refusal becomes ``{code, message, detail}`` with its status. Actions on
a case (request a suspension, issue a supervision document) live on /api/v1/cases/{id}/ (cases/actions.py).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.api.schema import ERROR_RESPONSES
from xinfang.errors import NotPermitted
from xinfang.workdays.api.views import caller_county

from .. import selectors, services
from ..filtersets import CardFilterSet, NotificationFilterSet, SupervisionFilterSet
from ..models import Notification
from .serializers import (
    CardSerializer,
    MarkedSerializer,
    MarkReadSerializer,
    MilestoneSaveSerializer,
    NotificationSerializer,
    OverdueBoardSerializer,
    RuleSetSerializer,
    RuleSetWriteSerializer,
    SupervisionRespondSerializer,
    SupervisionSerializer,
    SuspensionDecideSerializer,
    SuspensionSerializer,
    UnreadCountSerializer,
    rule_set_input_from,
)


def _require(user, permission: str) -> None:
    """The permission a page of the same data asks for (deadlines/views/)."""
    if not user.has_perm(permission):
        raise NotPermitted()


@extend_schema_view(
    list=extend_schema(summary="红黄牌列表", responses={200: CardSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="红黄牌详情", responses={200: CardSerializer, **ERROR_RESPONSES}),
)
class CardViewSet(viewsets.ReadOnlyModelViewSet):
    """Red and yellow cards on cases in the caller's jurisdiction, current and past (``current`` filters)."""

    serializer_class = CardSerializer
    filterset_class = CardFilterSet

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _require(request.user, "deadlines.view_card")

    def get_queryset(self):
        return selectors.card_list(user=self.request.user)


class OverdueBoardView(APIView):
    """Current cards of the jurisdiction counted by responsible unit and by township."""

    @extend_schema(summary="超期督办看板", responses={200: OverdueBoardSerializer, **ERROR_RESPONSES})
    def get(self, request):
        _require(request.user, "deadlines.view_deadline_board")
        return Response(OverdueBoardSerializer(selectors.overdue_board(user=request.user)).data)


@extend_schema_view(
    list=extend_schema(summary="时限规则列表（含各版本及节点）",
                       responses={200: RuleSetSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="时限规则详情", responses={200: RuleSetSerializer, **ERROR_RESPONSES}),
)
class RuleSetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The county's deadline rule sets, every version. Editing a version that cases already run under publishes a
    new version: the response is then that new version (another ``id``, ``version`` + 1)."""

    serializer_class = RuleSetSerializer
    # JSON only: in a form-encoded body an absent checkbox reads as false and would switch a milestone off.
    parser_classes = [parsers.JSONParser]

    def get_queryset(self):
        return selectors.rule_set_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        _require(request.user, "deadlines.view_ruleset")
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        _require(request.user, "deadlines.view_ruleset")
        return super().retrieve(request, *args, **kwargs)

    def _respond(self, rule_set_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        rule_set = selectors.rule_set_list(user=self.request.user).get(pk=rule_set_id)
        return Response(RuleSetSerializer(rule_set).data, status=status_code)

    @extend_schema(summary="新建时限规则（节点从默认规则复制）", request=RuleSetWriteSerializer,
                   responses={201: RuleSetSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        serializer = RuleSetWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        rule_set = services.rule_set_create(actor=request.user, county=caller_county(request.user),
                                            data=rule_set_input_from(serializer.validated_data))
        return self._respond(rule_set.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="修改时限规则的适用范围（已有事项使用的版本将发布新版本）", request=RuleSetWriteSerializer,
                   responses={200: RuleSetSerializer, **ERROR_RESPONSES})
    def partial_update(self, request, *args, **kwargs):
        rule_set = self.get_object()
        serializer = RuleSetWriteSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        target = services.rule_set_update(actor=request.user, rule_set=rule_set,
                                          data=rule_set_input_from(serializer.validated_data, instance=rule_set))
        return self._respond(target.pk)

    @extend_schema(summary="新增或修改时限节点（按代码；已有事项使用的版本将发布新版本）",
                   request=MilestoneSaveSerializer, responses={200: RuleSetSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        rule_set = self.get_object()
        serializer = MilestoneSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        milestone = services.milestone_save(actor=request.user, rule_set=rule_set, code=values.pop("code"),
                                            values=values)
        return self._respond(milestone.rule_set_id)


@extend_schema_view(
    list=extend_schema(summary="中止计时列表", responses={200: SuspensionSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="中止计时详情", responses={200: SuspensionSerializer, **ERROR_RESPONSES}),
)
class SuspensionViewSet(viewsets.ReadOnlyModelViewSet):
    """Requests to stop a case's clocks (made on the case: POST /api/v1/cases/{id}/request-suspension/)."""

    serializer_class = SuspensionSerializer

    def get_queryset(self):
        return selectors.suspension_list(user=self.request.user)

    @extend_schema(summary="审批中止计时", request=SuspensionDecideSerializer,
                   responses={200: SuspensionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        suspension = self.get_object()
        serializer = SuspensionDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suspension = services.suspension_decide(actor=request.user, suspension=suspension,
                                                **serializer.validated_data)
        return Response(SuspensionSerializer(suspension).data)

    @extend_schema(summary="恢复计时", request=None, responses={200: SuspensionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        suspension = services.suspension_end(actor=request.user, suspension=self.get_object())
        return Response(SuspensionSerializer(suspension).data)


@extend_schema_view(
    list=extend_schema(summary="提醒单、督办函列表",
                       responses={200: SupervisionSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="提醒单、督办函详情", responses={200: SupervisionSerializer, **ERROR_RESPONSES}),
)
class SupervisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Reminders and supervision letters (issued on the case: POST /api/v1/cases/{id}/supervise/); the supervised
    unit signs for them and answers."""

    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilterSet

    def get_queryset(self):
        return selectors.supervision_list(user=self.request.user)

    @extend_schema(summary="签收督办", request=None, responses={200: SupervisionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        supervision = services.supervision_acknowledge(actor=request.user, supervision=self.get_object())
        return Response(SupervisionSerializer(supervision).data)

    @extend_schema(summary="回复督办（办理情况）", request=SupervisionRespondSerializer,
                   responses={200: SupervisionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        supervision = self.get_object()
        serializer = SupervisionRespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supervision = services.supervision_respond(actor=request.user, supervision=supervision,
                                                   response=serializer.validated_data["response"])
        return Response(SupervisionSerializer(supervision).data)


@extend_schema_view(
    list=extend_schema(summary="我的通知", responses={200: NotificationSerializer(many=True), **ERROR_RESPONSES}),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first, each with its text in the caller's language."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return selectors.notification_list(user=self.request.user)

    @extend_schema(summary="未读通知数", responses={200: UnreadCountSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["get"], url_path="unread-count", url_name="unread-count")
    def unread_count(self, request):
        return Response({"count": selectors.unread_count(user=request.user)})

    @extend_schema(summary="标为已读（指定编号，或全部）", request=MarkReadSerializer,
                   responses={200: MarkedSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["post"], url_path="mark-read", url_name="mark-read")
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(actor=request.user, ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked})
