"""/api/v1/public/<county code>/…: the petitioner's operations for a county's WeChat mini-program or the provincial
portal — the same services, challenges and limits as the public pages. No user: a lookup with the query code and
the phone's last four digits answers a short-lived access token, sent back as ``X-Query-Token``."""

from django.core import signing
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from visits.selectors import public_county
from workflow import online as steps
from xinfang.api.schema import ERROR_RESPONSES
from xinfang.errors import NotFound
from xinfang.http import client_ip

from . import selectors, services

TOKEN_SECONDS = 30 * 60
TOKEN = OpenApiParameter("X-Query-Token", str, OpenApiParameter.HEADER, required=True,
                         description="查询所得的访问令牌（30分钟有效）")


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
    last_four = serializers.CharField(label=_("手机号后四位"), max_length=4)


class ReasonRequest(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"), max_length=500, required=False, allow_blank=True)


class RateRequest(serializers.Serializer):
    result = serializers.CharField(label=_("评价（satisfied / basic / unsatisfied）"), max_length=20)
    note = serializers.CharField(label=_("意见"), max_length=500, required=False, allow_blank=True)


class MaterialRequest(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), label=_("材料"))


STATUS = inline_serializer("PublicStatus", {
    "label": serializers.CharField(), "reason": serializers.CharField(), "unit": serializers.CharField(),
    "reply": serializers.CharField(), "steps": serializers.ListField(child=serializers.DictField()),
    "documents": serializers.ListField(child=serializers.DictField()), "can_rate": serializers.BooleanField(),
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
        return {"label": s.label, "reason": s.reason, "unit": s.unit, "reply": s.reply,
                "steps": [{"label": label, "at": at.isoformat() if at else None} for label, at in s.steps],
                "documents": [{"kind": kind, "label": label} for kind, label in s.documents],
                "can_rate": s.can_rate, "can_review": s.can_review, "can_withdraw": s.can_withdraw,
                "can_add_material": s.can_add_material, "review_deadline": s.review_deadline,
                "case_number": submission.case.number if submission.case_id else None}


class ChallengeView(PublicView):
    @extend_schema(summary="网上信访：取验证问题", request=None, responses={200: inline_serializer(
        "Challenge", {"question": serializers.CharField(), "token": serializers.CharField()})})
    def post(self, request, code):
        self.county(code)
        return Response(services.challenge_new())


class CodeView(PublicView):
    @extend_schema(summary="网上信访：发送短信验证码", request=CodeRequest, responses={202: None, **ERROR_RESPONSES})
    def post(self, request, code):
        county = self.county(code)
        data = self.valid(CodeRequest, request)
        self.challenge(data)
        services.phone_code_send(county=county, phone=data["phone"], purpose="submit", ip=client_ip(request))
        return Response(status=status.HTTP_202_ACCEPTED)


class SubmissionView(PublicView):
    @extend_schema(summary="网上信访：提交信访", request=SubmissionRequest, responses={201: inline_serializer(
        "Submitted", {"query_code": serializers.CharField()}), **ERROR_RESPONSES})
    def post(self, request, code):
        county = self.county(code)
        data = self.valid(SubmissionRequest, request)
        self.challenge(data)
        _submission, query_code = services.submission_create(county=county, ip=client_ip(request),
                                                             data=services.submission_input(data))
        return Response({"query_code": query_code}, status=status.HTTP_201_CREATED)


class LookupView(PublicView):
    @extend_schema(summary="网上信访：凭查询码查询", request=LookupRequest, responses={200: inline_serializer(
        "Lookup", {"token": serializers.CharField(), "expires_in": serializers.IntegerField(), "status": STATUS}),
        **ERROR_RESPONSES})
    def post(self, request, code):
        county = self.county(code)
        data = self.valid(LookupRequest, request)
        self.challenge(data)
        submission = services.submission_find(county=county, query_code=data["query_code"],
                                              last_four=data["last_four"], ip=client_ip(request))
        token = signing.dumps({"pk": submission.pk}, salt="online.access")
        return Response({"token": token, "expires_in": TOKEN_SECONDS, "status": self.status_of(submission)})


class MineView(PublicView):
    @extend_schema(summary="网上信访：办理情况", parameters=[TOKEN], responses={200: STATUS, **ERROR_RESPONSES})
    def get(self, request, code):
        return Response(self.status_of(self.granted(request, self.county(code))))


def _mine_action(name, serializer_class, run, summary):
    class View(PublicView):
        @extend_schema(summary=summary, parameters=[TOKEN], request=serializer_class,
                       responses={200: STATUS, **ERROR_RESPONSES})
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

