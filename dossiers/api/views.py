"""/api/v1/ endpoints of the dossiers app: the backlog board and each dossier's life (包案, 专班, 化解方案 and
measures, 提级会审, 督导验收, 销号), the 揭榜挂帅 board, a cadre's record and the county's backlog rules.

Thin: every queryset comes from a selector that starts from ``scoped`` (another county's row answers 404), reading
needs the view permission of the matching page, every write is one service call (which checks who may write), and
a service's refusal becomes ``{code, message, detail}`` with its status.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

import workflow
from scoring import selectors as scoring_selectors
from xinfang.api.schema import ERROR_RESPONSES
from xinfang.api.views import ScopedViewSet, validated
from xinfang.errors import NotFound, require_perm
from xinfang.org.selectors import user_list

from .. import selectors, services
from ..filtersets import DossierFilterSet, ListingFilterSet
from ..models import Claim, Dossier, Escalation, Measure
from .serializers import (
    BatchResultSerializer,
    BatchSerializer,
    CadreRecordSerializer,
    ClaimDecideSerializer,
    ClaimSerializer,
    ClaimSubmitSerializer,
    DesignateSerializer,
    DossierDetailSerializer,
    DossierFileSerializer,
    DossierSerializer,
    EscalateSerializer,
    EscalationRecordSerializer,
    EscalationSerializer,
    FromAboveSerializer,
    ListingSerializer,
    MeasureAddSerializer,
    MeasureSerializer,
    MemberAddSerializer,
    MemberSerializer,
    NoteSerializer,
    OwnersSerializer,
    PlanSerializer,
    ProgressSerializer,
    PublishSerializer,
    SignOffInputSerializer,
    SignOffSerializer,
)

# Dossiers -------------------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="积案看板（积案档案列表）",
                       responses={200: DossierSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="积案档案详情（包案、专班、方案措施、会审、验收、揭榜）",
                           responses={200: DossierDetailSerializer, **ERROR_RESPONSES}),
)
class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Backlog dossiers (一案一策一专班). The actions change one dossier each through one service and answer with the
    dossier as its detail reads, or with the part they made (201)."""

    serializer_class = DossierSerializer
    filterset_class = DossierFilterSet
    view_permission = "dossiers.view_dossier"

    def get_queryset(self):
        # Grouped by the measure counts: restate the order, which a paginator needs to be stable.
        return selectors.dossier_list(user=self.request.user).order_by("-opened_at", "-id")

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        try:
            dossier = selectors.dossier_detail(user=self.request.user, pk=pk)
        except Dossier.DoesNotExist:
            raise NotFound(_("未找到该积案。"), code="dossier_not_found") from None
        dossier.gaps = services.plan_gaps(dossier)
        return Response(DossierDetailSerializer(dossier).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(kwargs["pk"])

    @extend_schema(summary="积案档案卷宗（办理过程、附件、会议、接访、走访、回访）", request=None,
                   responses={200: DossierFileSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        return Response(DossierFileSerializer(selectors.dossier_file(self.get_object())).data)

    # Becoming backlog

    @extend_schema(summary="领导指定信访积案", request=DesignateSerializer,
                   responses={201: DossierDetailSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["post"])
    def designate(self, request):
        data = validated(DesignateSerializer, request.data, request)
        dossier = services.dossier_designate(actor=request.user, case=data["case"], reason=data["reason"])
        return self._detail(dossier.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="上级交办积案建档（单件）", request=FromAboveSerializer,
                   responses={201: DossierDetailSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["post"], url_path="from-above", url_name="from-above")
    def from_above(self, request):
        data = validated(FromAboveSerializer, request.data, request)
        dossier = services.dossier_from_above(actor=request.user, case=data["case"])
        return self._detail(dossier.pk, status.HTTP_201_CREATED)

    @extend_schema(summary="上级交办积案建档（整批）", request=BatchSerializer,
                   responses={200: BatchResultSerializer, **ERROR_RESPONSES})
    @action(detail=False, methods=["post"])
    def batch(self, request):
        data = validated(BatchSerializer, request.data, request)
        opened = services.batch_from_above(actor=request.user, upper_source=data["upper_source"],
                                           batch=data["batch"])
        return Response(BatchResultSerializer({"opened": opened}).data)

    # Owners, task force, plan, measures

    @extend_schema(summary="确定包案领导（双包案时两名）", request=OwnersSerializer,
                   responses={200: DossierDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def owners(self, request, pk=None):
        dossier = self.get_object()
        data = validated(OwnersSerializer, request.data, request)
        services.owners_set(actor=request.user, dossier=dossier, primary=data["primary"], second=data["second"])
        return self._detail(dossier.pk)

    @extend_schema(summary="专班增加成员", request=MemberAddSerializer,
                   responses={201: MemberSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        dossier = self.get_object()
        data = validated(MemberAddSerializer, request.data, request)
        member = services.member_add(actor=request.user, dossier=dossier, user=data["user"], role=data["role"])
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="专班移除成员", request=None, responses={204: None, **ERROR_RESPONSES})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<member_id>\d+)", url_name="member")
    def member(self, request, pk=None, member_id=None):
        dossier = self.get_object()
        member = dossier.members.select_related("user", "dossier__case").filter(pk=member_id).first()
        if member is None:
            raise NotFound(_("该人员不在专班中。"), code="member_not_found")
        services.member_remove(actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="修改化解方案与三包责任", request=PlanSerializer,
                   responses={200: DossierDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        dossier = self.get_object()
        data = validated(PlanSerializer, request.data, request)
        services.plan_update(actor=request.user, dossier=dossier, **data)
        return self._detail(dossier.pk)

    @extend_schema(summary="增加化解措施（责任人、措施、时限）", request=MeasureAddSerializer,
                   responses={201: MeasureSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def measures(self, request, pk=None):
        dossier = self.get_object()
        data = validated(MeasureAddSerializer, request.data, request)
        measure = services.measure_add(actor=request.user, dossier=dossier, **data)
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    # Progress to 销号

    @extend_schema(summary="化解方案生效，进入化解", request=None,
                   responses={200: DossierDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        dossier = services.dossier_start(actor=request.user, dossier=self.get_object())
        return self._detail(dossier.pk)

    @extend_schema(summary="登记化解进度", request=ProgressSerializer,
                   responses={200: DossierDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        dossier = self.get_object()
        data = validated(ProgressSerializer, request.data, request)
        services.progress_update(actor=request.user, dossier=dossier, **data)
        return self._detail(dossier.pk)

    @extend_schema(summary="提请上一级提级会审", request=EscalateSerializer,
                   responses={201: EscalationSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        dossier = self.get_object()
        data = validated(EscalateSerializer, request.data, request)
        escalation = services.escalation_request(actor=request.user, dossier=dossier, reason=data["reason"])
        return Response(EscalationSerializer(escalation).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="督导验收（措施须全部完成）", request=SignOffInputSerializer,
                   responses={201: SignOffSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"], url_path="sign-off", url_name="sign-off")
    def sign_off(self, request, pk=None):
        dossier = self.get_object()
        data = validated(SignOffInputSerializer, request.data, request)
        signed = services.sign_off(actor=request.user, dossier=dossier, **data)
        return Response(SignOffSerializer(signed).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="包案领导审批销号", request=NoteSerializer,
                   responses={200: DossierDetailSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        dossier = self.get_object()
        data = validated(NoteSerializer, request.data, request)
        workflow.dossier_close(actor=request.user, dossier=dossier, note=data["note"])
        return self._detail(dossier.pk)

    @extend_schema(summary="发布揭榜挂帅", request=PublishSerializer,
                   responses={201: ListingSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        dossier = self.get_object()
        data = validated(PublishSerializer, request.data, request)
        listing = services.listing_publish(actor=request.user, dossier=dossier, **data)
        listing = selectors.listing_list(user=request.user).get(pk=listing.pk)
        return Response(ListingSerializer(listing).data, status=status.HTTP_201_CREATED)


class MeasureViewSet(ScopedViewSet):
    """A measure of a dossier's plan (added on the dossier: POST /api/v1/dossiers/{id}/measures/)."""

    serializer_class = MeasureSerializer

    def get_queryset(self):
        return selectors.part_list(user=self.request.user, model=Measure).select_related("owner__unit",
                                                                                         "deadline")

    @extend_schema(summary="措施完成", request=NoteSerializer, responses={200: MeasureSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        measure = self.get_object()
        data = validated(NoteSerializer, request.data, request)
        services.measure_done(actor=request.user, measure=measure, note=data["note"])
        return self._one(measure.pk)


class EscalationViewSet(ScopedViewSet):
    """A 提级会审 (requested on the dossier: POST /api/v1/dossiers/{id}/escalate/)."""

    serializer_class = EscalationSerializer

    def get_queryset(self):
        return selectors.part_list(user=self.request.user, model=Escalation).select_related("to_region",
                                                                                            "requested_by")

    @extend_schema(summary="记录提级会审意见", request=EscalationRecordSerializer,
                   responses={200: EscalationSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        escalation = self.get_object()
        data = validated(EscalationRecordSerializer, request.data, request)
        services.escalation_record(actor=request.user, escalation=escalation, **data)
        return self._one(escalation.pk)


# 揭榜挂帅 -------------------------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="揭榜挂帅榜单", responses={200: ListingSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(summary="揭榜挂帅榜单详情", responses={200: ListingSerializer, **ERROR_RESPONSES}),
)
class ListingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The county's 揭榜挂帅 board (listings are published on the dossier: POST /api/v1/dossiers/{id}/publish/)."""

    serializer_class = ListingSerializer
    filterset_class = ListingFilterSet
    view_permission = "dossiers.view_listing"

    def get_queryset(self):
        return selectors.listing_list(user=self.request.user)

    @extend_schema(summary="揭榜（自荐或单位推荐）", request=ClaimSubmitSerializer,
                   responses={201: ClaimSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        listing = self.get_object()
        data = validated(ClaimSubmitSerializer, request.data, request)
        claim = services.claim_submit(actor=request.user, listing=listing, **data)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="撤榜", request=None, responses={200: ListingSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        listing = services.listing_withdraw(actor=request.user, listing=self.get_object())
        return self._one(listing.pk)


class ClaimViewSet(ScopedViewSet):
    """A claim on a listing (made on the listing: POST /api/v1/listings/{id}/claim/)."""

    serializer_class = ClaimSerializer

    def get_queryset(self):
        return selectors.part_list(user=self.request.user, model=Claim)

    @extend_schema(summary="审批揭榜", request=ClaimDecideSerializer,
                   responses={200: ClaimSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        claim = self.get_object()
        data = validated(ClaimDecideSerializer, request.data, request)
        services.claim_decide(actor=request.user, claim=claim, **data)
        return self._one(claim.pk)


# A cadre's record and the county's rules -------------------------------------------------------------------------

class CadreRecordView(APIView):
    """A cadre of the caller's jurisdiction: their points ledger, its total and their 揭榜 claims."""
    view_permission = "scoring.view_pointentry"

    @extend_schema(summary="干部积分与揭榜记录", responses={200: CadreRecordSerializer, **ERROR_RESPONSES})
    def get(self, request, user_id: int):
        require_perm(request.user, "scoring.view_pointentry")
        cadre = user_list(user=request.user).filter(pk=user_id).first()
        if cadre is None:
            raise NotFound(_("未找到该干部。"), code="user_not_found")
        record = scoring_selectors.cadre_record(user=request.user, cadre=cadre)
        return Response(CadreRecordSerializer({"cadre": cadre, **record}).data)


