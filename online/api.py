"""/api/v1/public/<county code>/…: the petitioner's operations for a county's WeChat mini-program or the provincial
portal — the same services, challenges and limits as the public pages. No user: a lookup with the query code and
the phone's last four digits (or an SMS code sent to the phone on file: ``lookup/codes/``) answers a short-lived
access token, sent back as ``X-Query-Token``; it also opens the documents owed, as PDFs."""

from django.core import signing
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from visits.selectors import public_county
from workflow import online as steps
from xinfang.api.schema import ERROR_RESPONSES, ErrorSerializer
from xinfang.errors import NotFound
from xinfang.http import client_ip

from . import selectors, services
from .public_views import DOCUMENTS, document_response

TOKEN_SECONDS = 30 * 60
TOKEN = OpenApiParameter("X-Query-Token", str, OpenApiParameter.HEADER, required=True,
                         description="查询所得的访问令牌（30分钟有效）")
ERRORS = {**ERROR_RESPONSES, 429: OpenApiResponse(ErrorSerializer, description="rate_limited: too many tries from "
                                                  "this phone, address or query code; wait and try again")}


class ChallengeAnswer(serializers.Serializer):
    challenge_token = serializers.CharField(label=_("验证问题令牌"), required=False, allow_blank=True)
    challenge = serializers.CharField(label=_("验证问题答案"), required=False, allow_blank=True)


class CodeRequest(ChallengeAnswer):
    phone = serializers.CharField(label=_("手机号码"), max_length=20)


class SubmissionRequest(ChallengeAnswer):
    name = serializers.CharField(label=_("姓名"), max_length=50, required=False, allow_blank=True)
    id_number = serializers.CharField(label=_("身份证号码"), max_length=18, required=False, allow_blank=True)
    phone = serializers.CharField(label=_("手机号码"), max_length=20, required=False, allow_blank=True)
    code = serializers.CharField(label=_("短信验证码"), max_length=6, required=False, allow_blank=True)
    address = serializers.CharField(label=_("住址"), max_length=200, required=False, allow_blank=True)
    region = serializers.IntegerField(label=_("问题发生地"), required=False, allow_null=True)
    category = serializers.IntegerField(label=_("事项类别"), required=False, allow_null=True)
    summary = serializers.CharField(label=_("反映事项"), required=False, allow_blank=True)
    facts = serializers.CharField(label=_("事实和理由"), required=False, allow_blank=True)
    demands = serializers.CharField(label=_("诉求"), required=False, allow_blank=True)
    promised = serializers.BooleanField(label=_("承诺所述属实"), required=False, default=False)
    files = serializers.ListField(child=serializers.FileField(), label=_("材料"), required=False, default=list)


class LookupRequest(ChallengeAnswer):
    query_code = serializers.CharField(label=_("查询码"), max_length=20)
    last_four = serializers.CharField(label=_("手机号后四位（与短信验证码二选一）"), max_length=4, required=False,
                                      allow_blank=True)
    code = serializers.CharField(label=_("短信验证码（lookup/codes/ 发送，与手机号后四位二选一）"), max_length=6,
                                 required=False, allow_blank=True)

    def validate(self, attrs):
        if bool(attrs.get("last_four")) == bool(attrs.get("code")):
            message = _("请填写手机号后四位或短信验证码（二选一）。")
            raise serializers.ValidationError({"last_four": [message], "code": [message]})
        return attrs


class TrackCodeRequest(ChallengeAnswer):
    query_code = serializers.CharField(label=_("查询码"), max_length=20)


class ReasonRequest(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"), max_length=500, required=False, allow_blank=True)


class RateRequest(serializers.Serializer):
    result = serializers.CharField(label=_("评价（satisfied / basic / unsatisfied）"), max_length=20)
    note = serializers.CharField(label=_("意见"), max_length=500, required=False, allow_blank=True)


class MaterialRequest(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), label=_("材料"))


STATUS = inline_serializer("PublicStatus", {
    "label": serializers.CharField(), "reason": serializers.CharField(), "unit": serializers.CharField(),
    "officer": serializers.CharField(help_text="the replier, only where the county shows officers' names"),
    "reply": serializers.CharField(), "replied_at": serializers.DateTimeField(allow_null=True),
    "rating": serializers.CharField(), "appeal": serializers.CharField(help_text="a decided review's opinion"),
    "steps": serializers.ListField(child=serializers.DictField()),
    "documents": serializers.ListField(child=serializers.DictField(), help_text="kind and label; the PDF at "
                                       "mine/documents/<kind>/"),
    "requests": serializers.ListField(child=serializers.DictField(), help_text="the petitioner's withdrawal and "
                                      "review requests: kind, label, answer (the caseworker's), answered_at"),
    "can_rate": serializers.BooleanField(),
    "can_review": serializers.BooleanField(), "can_withdraw": serializers.BooleanField(),
    "can_add_material": serializers.BooleanField(), "review_deadline": serializers.DateField(allow_null=True),
    "case_number": serializers.CharField(allow_null=True)})


class PublicView(APIView):
    """No user and no session: anyone may call, within the limits of the services."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def county(self, code):
        county = public_county(code=code)
        if county is None:
            raise Http404
        return county

    def challenge(self, data):
        services.challenge_check(data.get("challenge_token", ""), data.get("challenge", ""))

    def valid(self, serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def granted(self, request, county):
        try:
            data = signing.loads(request.headers.get("X-Query-Token", ""), salt="online.access",
                                 max_age=TOKEN_SECONDS)
        except signing.BadSignature as exc:
            raise NotFound(_("查询令牌无效或已过期，请重新查询。"), code="token_invalid") from exc
        found = selectors.submission_public(pk=data.get("pk"), county=county)
        if found is None:
            raise NotFound(_("查询令牌无效或已过期，请重新查询。"), code="token_invalid")
        return found

    def status_of(self, submission):
        s = selectors.public_status(submission)
        return {"label": s.label, "reason": s.reason, "unit": s.unit, "officer": s.officer, "reply": s.reply,
                "replied_at": s.replied_at.isoformat() if s.replied_at else None, "rating": s.rating,
                "appeal": s.appeal,
                "steps": [{"label": label, "at": at.isoformat() if at else None} for label, at in s.steps],
                "documents": [{"kind": kind, "label": label} for kind, label in s.documents],
                "requests": [{**r, "answered_at": r["answered_at"].isoformat() if r["answered_at"] else None}
                             for r in s.requests],
                "can_rate": s.can_rate, "can_review": s.can_review, "can_withdraw": s.can_withdraw,
                "can_add_material": s.can_add_material, "review_deadline": s.review_deadline,
                "case_number": submission.case.number if submission.case_id else None}


class ChallengeView(PublicView):
    @extend_schema(summary="网上信访：取验证问题", request=None, responses={200: inline_serializer(
        "Challenge", {"question": serializers.CharField(), "token": serializers.CharField()}), 429: ERRORS[429]})
    def post(self, request, code):
        return Response(services.challenge_new(county=self.county(code), ip=client_ip(request)))


class CodeView(PublicView):
    @extend_schema(summary="网上信访：发送短信验证码", request=CodeRequest, responses={202: None, **ERRORS})
    def post(self, request, code):
        county = self.county(code)
        data = self.valid(CodeRequest, request)
        self.challenge(data)
        services.phone_code_send(county=county, phone=data["phone"], purpose="submit", ip=client_ip(request))
        return Response(status=status.HTTP_202_ACCEPTED)


class SubmissionView(PublicView):
    @extend_schema(summary="网上信访：提交信访", request=SubmissionRequest, responses={201: inline_serializer(
        "Submitted", {"query_code": serializers.CharField()}), **ERRORS})
    def post(self, request, code):
        county = self.county(code)
        data = self.valid(SubmissionRequest, request)
        self.challenge(data)
        _submission, query_code = services.submission_create(county=county, ip=client_ip(request),
                                                             data=services.submission_input(data))
        return Response({"query_code": query_code}, status=status.HTTP_201_CREATED)


class TrackCodeView(PublicView):
    @extend_schema(summary="网上信访：查询用短信验证码", description=(
        "Sends an SMS code to the phone on file of the petition the query code names, for `lookup/` with `code` "
        "instead of `last_four`. 202 whether or not the query code names a petition (nothing tells)."),
        request=TrackCodeRequest, responses={202: None, **ERRORS})
    def post(self, request, code):
        county = self.county(code)
        data = self.valid(TrackCodeRequest, request)
        self.challenge(data)
        services.track_code_send(county=county, query_code=data["query_code"], ip=client_ip(request))
        return Response(status=status.HTTP_202_ACCEPTED)


class LookupView(PublicView):
    @extend_schema(summary="网上信访：凭查询码查询", request=LookupRequest, responses={200: inline_serializer(
        "Lookup", {"token": serializers.CharField(), "expires_in": serializers.IntegerField(), "status": STATUS}),
        **ERRORS})
    def post(self, request, code):
        county = self.county(code)
        data = self.valid(LookupRequest, request)
        self.challenge(data)
        if data.get("code"):
            submission = services.submission_find_by_code(county=county, query_code=data["query_code"],
                                                          code=data["code"], ip=client_ip(request))
        else:
            submission = services.submission_find(county=county, query_code=data["query_code"],
                                                  last_four=data["last_four"], ip=client_ip(request))
        token = signing.dumps({"pk": submission.pk}, salt="online.access")
        return Response({"token": token, "expires_in": TOKEN_SECONDS, "status": self.status_of(submission)})


class MineView(PublicView):
    @extend_schema(summary="网上信访：办理情况", parameters=[TOKEN], responses={200: STATUS, **ERRORS})
    def get(self, request, code):
        return Response(self.status_of(self.granted(request, self.county(code))))


class JSONErrors(BaseContentNegotiation):
    """The document's answer is a PDF (an HttpResponse of its own); its refusals are the one JSON error shape,
    whatever the client's Accept asks for."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class MineDocumentView(PublicView):
    content_negotiation_class = JSONErrors

    @extend_schema(summary="网上信访：文书PDF", description=(
        "The document owed (受理告知书 `accepted`, 不予受理告知书 `not_accepted`, 处理意见书 `reply`) as a PDF, "
        "numbered as on the pages; 404 `document_not_owed` before its decision; 429 past the county's PDFs an hour "
        "(per petition and per address); 503 `pdf_unavailable` where the server cannot make PDFs."),
        parameters=[TOKEN, OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(DOCUMENTS))],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                   503: OpenApiResponse(ErrorSerializer, description="pdf_unavailable"), **ERRORS})
    def get(self, request, code, kind):
        submission = self.granted(request, self.county(code))
        response = document_response(request._request, submission.county, submission, kind, pdf=True)
        if response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
            return Response({"code": "pdf_unavailable", "message": response.content.decode(), "detail": {}},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return response


def _mine_action(name, serializer_class, run, summary):
    class View(PublicView):
        @extend_schema(summary=summary, parameters=[TOKEN], request=serializer_class,
                       responses={200: STATUS, **ERRORS})
        def post(self, request, code):
            submission = self.granted(request, self.county(code))
            run(submission, self.valid(serializer_class, request), client_ip(request))
            return Response(self.status_of(selectors.submission_public(pk=submission.pk, county=submission.county)))

    View.__name__ = View.__qualname__ = f"Mine{name.title()}View"
    return View


MineRateView = _mine_action("rate", RateRequest, lambda s, d, ip: steps.public_rate(
    submission=s, result=d["result"], note=d.get("note", ""), ip=ip), "网上信访：评价答复")
MineWithdrawView = _mine_action("withdraw", ReasonRequest, lambda s, d, ip: steps.public_withdraw(
    submission=s, reason=d.get("reason", ""), ip=ip), "网上信访：撤回")
MineReviewView = _mine_action("review", ReasonRequest, lambda s, d, ip: steps.public_request_review(
    submission=s, reason=d.get("reason", ""), ip=ip), "网上信访：申请复查")
MineMaterialView = _mine_action("material", MaterialRequest, lambda s, d, ip: steps.public_add_material(
    submission=s, files=d["files"], ip=ip), "网上信访：补充材料")

