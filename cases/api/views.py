"""/api/v1/cases/: list, filter, search, create (intake), retrieve; each workflow step as a POST action."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

import workflow
from xinfang.api.permissions import SERVICE
from xinfang.api.schema import ERROR_RESPONSES
from xinfang.errors import Conflict
from xinfang.http import client_ip

from .. import selectors, services
from ..actions import ACTIONS
from ..filtersets import CaseFilterSet
from ..models import Case, Extension, Petitioner
from .serializers import (
    AttachmentSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    ExtensionDecideSerializer,
    ExtensionSerializer,
    HandoffSerializer,
    PetitionerSerializer,
    TimelineEventSerializer,
    case_input_from,
)


@extend_schema_view(
    list=extend_schema(summary="信访事项列表", responses={200: CaseListSerializer, **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="信访事项详情", responses={200: CaseDetailSerializer, **ERROR_RESPONSES}),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Petition cases in the caller's jurisdiction. Each workflow step is a POST action carrying the version
    the caller read; a stale version or a step not allowed now answers 409 with a code."""
    write_permissions = {"create": "cases.register_case", "*": SERVICE}  # each step: its service's permission

    filterset_class = CaseFilterSet

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return CaseListSerializer
        if self.action == "create":
            return CaseCreateSerializer
        return CaseDetailSerializer

    def get_object(self):
        try:
            case = workflow.case_file(user=self.request.user, pk=int(self.kwargs["pk"]))
        except (Case.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        self.check_object_permissions(self.request, case)
        return case

    @extend_schema(summary="登记信访事项", request=CaseCreateSerializer,
                   responses={201: CaseDetailSerializer, **ERROR_RESPONSES})
    def create(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        case = workflow.case_register(actor=request.user, data=case_input_from(serializer.validated_data,
                                                                                user=request.user),
                                      ip_address=client_ip(request))
        case = workflow.case_file(user=request.user, pk=case.pk)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="办理过程", responses={200: TimelineEventSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        return Response(TimelineEventSerializer(self.get_object().events.all(), many=True).data)

    @extend_schema(summary="上传附件", request={"multipart/form-data": {"type": "object", "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "kind": {"type": "string"}}}}, responses={201: AttachmentSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser])
    def attachments(self, request, pk=None):
        case = self.get_object()
        created = services.case_attach(actor=request.user, case=case, files=request.FILES.getlist("files"),
                                       kind=request.data.get("kind", "other"))
        return Response(AttachmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class HandoffView(APIView):
    """The inbound API of a platform that assigns a case to the county (12345, the city or province's system): its
    own id and batch, its due date, its files. Idempotent on its id: sent again (a retry, a lost answer), it answers
    200 with the case it became; first time, 201. Status updates and the reply go back through a subscriber of
    events limited to that platform (xinfang.exchange: its callback, in its shape)."""

    write_permissions = {"post": "cases.register_case"}

    @extend_schema(summary="上级平台交办（12345/上级交办）", request=HandoffSerializer,
                   responses={201: CaseDetailSerializer, 200: CaseDetailSerializer, **ERROR_RESPONSES})
    def post(self, request):
        serializer = HandoffSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        files = [a["file"] for a in data.get("attachments", [])]
        case, created = workflow.case_handoff(actor=request.user, data=case_input_from(data, user=request.user),
                                              files=files, ip_address=client_ip(request))
        try:
            shown = workflow.case_file(user=request.user, pk=case.pk)
        except Case.DoesNotExist as exc:
            # The id is the county's already, for a case outside this client's own part of it: said, not shown.
            raise Conflict(_("该来源系统编号已登记过信访事项。"), code="duplicate_external_id") from exc
        return Response(CaseDetailSerializer(shown).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _make_action(case_action):
    def handler(self, request, pk=None):
        case = self.get_object()
        serializer = case_action.input(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        result = case_action.run(request.user, case, serializer.validated_data)
        if isinstance(result, Extension):
            return Response(ExtensionSerializer(result).data, status=status.HTTP_201_CREATED)
        return Response(CaseDetailSerializer(workflow.case_file(user=request.user, pk=case.pk)).data)

    handler.__name__ = case_action.name
    handler.__doc__ = f"{case_action.label}"
    responses = {200: CaseDetailSerializer, **ERROR_RESPONSES,
                 409: OpenApiResponse(description="stale_version / transition_not_allowed / …")}
    if case_action.name == "request_extension":
        responses = {201: ExtensionSerializer, **ERROR_RESPONSES}
    handler = extend_schema(summary=case_action.label, request=case_action.input, responses=responses)(handler)
    return action(detail=True, methods=["post"], url_path=case_action.url_path, url_name=case_action.url_path)(
        handler)


for _name, _case_action in ACTIONS.items():
    setattr(CaseViewSet, _name, _make_action(_case_action))


class PetitionerViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Petitioners, masked. ``reveal`` returns the full ID number and phone to those allowed, and logs it."""
    view_permission = "cases.view_case"
    write_permissions = {"reveal": "cases.view_personal_data"}

    serializer_class = PetitionerSerializer

    def get_queryset(self):
        return selectors.petitioner_list(user=self.request.user)

    @extend_schema(summary="查看完整身份证号码和电话（记录查看日志）", request=None,
                   responses={200: {"type": "object", "properties": {"id_number": {"type": "string"},
                                                                      "phone": {"type": "string"}}},
                              **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        petitioner: Petitioner = self.get_object()
        return Response(services.personal_data_reveal(actor=request.user, petitioner=petitioner, channel="api",
                                                      ip_address=client_ip(request)))


class ExtensionViewSet(viewsets.GenericViewSet):
    """Extension requests; ``decide`` approves or rejects a pending one."""
    write_permissions = {"decide": "cases.approve_extension"}

    serializer_class = ExtensionSerializer

    def get_queryset(self):
        return Extension.objects.filter(case__in=selectors.case_list(user=self.request.user)).select_related("case")

    @extend_schema(summary="审批延期", request=ExtensionDecideSerializer,
                   responses={200: ExtensionSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        extension = self.get_object()
        serializer = ExtensionDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = workflow.extension_decide(actor=request.user, extension=extension, **serializer.validated_data)
        return Response(ExtensionSerializer(extension).data)
