"""/api/v1/ endpoints of the deadlines app: red and yellow cards, the overdue board, the county's rule sets,
suspensions, supervision documents and the caller's notifications.

Thin: every queryset comes from a selector that starts from ``scoped`` (another county's row answers 404), every
write is one service call, and a service's refusal becomes ``{code, message, detail}`` with its status. Actions on
a case (request a suspension, issue a supervision document) live on /api/v1/cases/{id}/ (cases/actions.py).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.api.permissions import SERVICE
from xinfang.api.schema import ERROR_RESPONSES
from xinfang.errors import NotPermitted

from .. import selectors, services
from ..filtersets import CardFilterSet, NotificationFilterSet, SupervisionFilterSet
from ..models import Notification
from .serializers import (
    CardSerializer,
    MarkedSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    OverdueBoardSerializer,
    RuleSetSerializer,
    SupervisionRespondSerializer,
    SupervisionSerializer,
    SuspensionDecideSerializer,
    SuspensionSerializer,
    UnreadCountSerializer,
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
    view_permission = "deadlines.view_deadline_board"

    @extend_schema(summary="超期督办看板", responses={200: OverdueBoardSerializer, **ERROR_RESPONSES})
    def get(self, request):
        _require(request.user, "deadlines.view_deadline_board")
        return Response(OverdueBoardSerializer(selectors.overdue_board(user=request.user)).data)


@extend_schema_view(
    list=extend_schema(summary="事项所按的时限规则（含节点；本县规则的修改见 /api/v1/rules/deadlines/）",
                       responses={200: RuleSetSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="时限规则详情", responses={200: RuleSetSerializer, **ERROR_RESPONSES}),
)
class RuleSetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The rule sets the county's cases run under, as compiled from its deadline rules (a case's ``rule_set``), with
    their milestones. Read only: the rules are the county's settings, read and saved at /api/v1/rules/deadlines/."""

    serializer_class = RuleSetSerializer

    def get_queryset(self):
        return selectors.rule_set_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        _require(request.user, "deadlines.view_ruleset")
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        _require(request.user, "deadlines.view_ruleset")
        return super().retrieve(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="中止计时列表", responses={200: SuspensionSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="中止计时详情", responses={200: SuspensionSerializer, **ERROR_RESPONSES}),
)
class SuspensionViewSet(viewsets.ReadOnlyModelViewSet):
    """Requests to stop a case's clocks (made on the case: POST /api/v1/cases/{id}/request-suspension/)."""
    view_permission = "cases.view_case"  # on the cases the caller may see
    write_permissions = {"*": SERVICE}

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
    view_permission = "cases.view_case"  # on the cases the caller may see
    write_permissions = {"*": SERVICE}

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
    permission_classes = [IsAuthenticated]  # each person's own notifications

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
