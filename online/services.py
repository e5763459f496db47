"""Writes of the online petitions app: the public side's guards (a challenge against scripts, SMS codes, limits per
phone and per address, lockout after wrong codes) and the submission itself. What reaches the case (registering it,
the petitioner's material, rating, review) is in workflow/online.py.

Every public action is in the audit trail with its IP address and no user. A wrong or expired code, or a query code
that finds nothing, says the same plain thing either way: nothing tells whether a case exists."""

import hashlib
import hmac
import random
import re
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Category
from cases.services import upload_check
from xinfang import personal_data, sms
from xinfang.errors import ApplicationError, Conflict, NotFound, RateLimited, ValidationFailed, invalid
from xinfang.org.models import Region
from xinfang.org.services import audit_append
from xinfang.rules.selectors import rules_for

from .choices import SubmissionState
from .models import Material, Notice, NoticeCounter, Submission
from .rules import PUBLIC_RULES

CODE_SECONDS = 5 * 60  # an SMS code is good for five minutes
CODE_GAP_SECONDS = 60  # and one is sent a minute at most
MAX_FILES = 10  # at a time
MAX_FILES_IN_ALL = 30  # of one petition, with what was added later
QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone


# What a phone's Chinese keyboard types in full width (１２３４, ＡＢＣ) read as the digits and letters they are.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def typed(value) -> str:
    """What the petitioner typed, as a string, full-width digits and letters folded to ASCII, trimmed."""
    return str(value if value is not None else "").translate(_FULL_WIDTH).strip()


def public_rules(county: Region, on=None):
    """The county's public-side settings in force on ``on`` (today)."""
    return rules_for(county, PUBLIC_RULES.key, on)


def public_audit(action: str, county: Region, ip: str | None, obj_id: str = "", changes: dict | None = None
                 ) -> None:
    """A petitioner's action in the one audit trail: no user, the address it came from."""
    audit_append(actor=None, action=f"public.{action}", object_type="online.submission", object_id=obj_id,
                 object_repr="", region_id=county.pk, changes=changes or {}, ip_address=ip)


# Limits -------------------------------------------------------------------------------------------------

def _count(key: str, seconds: int) -> int:
    """One more try under ``key`` within a window of ``seconds``; the count so far."""
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, seconds)
        return 1


def _limit(key: str, limit: int, seconds: int) -> None:
    if _count(f"online:limit:{key}", seconds) > limit:
        raise RateLimited(_("操作过于频繁，请稍后再试。"))


def ip_limit(ip: str | None, county: Region, what: str) -> None:
    """The address's tries at lookups and codes this hour (the county's limit)."""
    _limit(f"{what}:ip:{ip or '-'}", public_rules(county).lookups_per_ip_per_hour, 3600)


# The challenge --------------------------------------------------------------------------------------------

_NUMERALS = "零一二三四五六七八九十"


def challenge_new(*, county: Region, ip: str | None = None) -> dict:
    """A small sum in Chinese words (三加五等于几？): its answer stays on the server (the cache, under a nonce the
    signed token names), so a script has to read the question; no external service. Each one is kept ten minutes,
    so an address gets the county's number an hour (a script asking for them in a loop would fill the cache)."""
    _limit(f"challenge:ip:{ip or '-'}", public_rules(county).challenges_per_ip_per_hour, 3600)
    a, b = random.randint(1, 9), random.randint(1, 9)  # noqa: S311 - a speed bump, not a secret
    nonce = secrets.token_hex(12)
    cache.set(f"online:challenge:{nonce}", a + b, 600)
    return {"question": _("%(a)s加%(b)s等于几？") % {"a": _NUMERALS[a], "b": _NUMERALS[b]},
            "token": signing.dumps(nonce, salt="online.challenge")}


def challenge_check(token: str, answer: str) -> None:
    """The answer to a challenge of the last ten minutes. A challenge is used up by its first answer, right or
    wrong: it cannot be tried again."""
    message = _("请正确回答验证问题（请填阿拉伯数字）。")
    try:
        nonce = signing.loads(token or "", salt="online.challenge", max_age=600)
    except signing.BadSignature as exc:
        raise invalid("challenge", message, code="challenge_failed") from exc
    key = f"online:challenge:{nonce}"
    expected = cache.get(key)
    if expected is None or not cache.delete(key):  # (delete says whether it was there: one answer wins a race)
        raise invalid("challenge", message, code="challenge_failed")
    answer = typed(answer)
    if not (answer.isascii() and answer.isdigit()) or int(answer) != expected:
        raise invalid("challenge", message, code="challenge_failed")


# SMS codes ----------------------------------------------------------------------------------------------

def _code_key(purpose: str, phone: str) -> str:
    return f"online:code:{purpose}:{personal_data.lookup_hash(phone)}"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _sms_ready() -> None:
    if not settings.SMS_BACKEND:
        raise ValidationFailed(_("本系统未配置短信网关，暂不能发送验证码，请到信访接待场所或拨打电话反映。"),
                               code="sms_unavailable")


def _code_issue(*, key: str, phone: str) -> None:
    """A fresh six-digit code under ``key`` (kept as a keyed digest, with a nonce its wrong tries are counted by),
    sent to ``phone`` through the SMS gateway."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(key, {"digest": _digest(code), "nonce": secrets.token_hex(8)}, CODE_SECONDS)
    sms.send_sms(phone, _("【信访通】您的验证码是 %(code)s，5分钟内有效。请勿告诉他人。") % {"code": code})


def _code_take(*, key: str, county: Region, code: str) -> None:
    """The code kept under ``key``: used once; wrong the county's number of times, it is gone and a new one must be
    asked for. Any failure is the same ``code_invalid``."""
    message = _("验证码不正确或已过期，请重新获取。")
    held = cache.get(key)
    if held is None:
        raise invalid("code", message, code="code_invalid")
    # Each try is counted (atomically) before the code is compared, so guesses sent at once are counted too.
    tries = _count(f"{key}:tries:{held['nonce']}", CODE_SECONDS)
    if tries > public_rules(county).wrong_codes_before_lockout:
        cache.delete(key)
        raise invalid("code", message, code="code_invalid")
    if not hmac.compare_digest(held["digest"], _digest(typed(code))):
        raise invalid("code", message, code="code_invalid")
    if not cache.delete(key):  # used once, even by two requests at the same moment
        raise invalid("code", message, code="code_invalid")


def phone_code_send(*, county: Region, phone: str, purpose: str, ip: str | None = None) -> None:
    """Send a six-digit code to ``phone`` for ``purpose`` ("submit"): one a minute, the county's number an hour per
    phone, and the address's limit."""
    phone = personal_data.normalize_phone(phone)
    if not phone:
        raise invalid("phone", _("请填写手机号码。"))
    if not phone.startswith("1"):
        raise invalid("phone", _("请填写11位手机号码（验证码以短信发送）。"))
    _sms_ready()
    ip_limit(ip, county, "code")
    phone_key = personal_data.lookup_hash(phone)
    if not cache.add(f"online:code-gap:{phone_key}", 1, CODE_GAP_SECONDS):
        raise RateLimited(_("验证码已发送，请一分钟后再试。"))
    _limit(f"code:phone:{phone_key}", public_rules(county).codes_per_phone_per_hour, 3600)
    _code_issue(key=_code_key(purpose, phone), phone=phone)
    public_audit("code_sent", county, ip, changes={"purpose": purpose, "phone": personal_data.mask_phone(phone)})


def phone_code_check(*, county: Region, phone: str, purpose: str, code: str) -> None:
    """The code sent to ``phone`` for ``purpose``: used once; wrong the county's number of times, it is gone and a
    new one must be asked for."""
    _code_take(key=_code_key(purpose, phone), county=county, code=code)


# Submitting ---------------------------------------------------------------------------------------------

@dataclass
class SubmissionInput:
    name: str
    id_number: str
    phone: str
    code: str
    region: Region | None
    category: Category | None
    summary: str
    facts: str
    demands: str
    promised: bool
    address: str = ""
    files: list = field(default_factory=list)


def submission_input(data: dict) -> SubmissionInput:
    """A SubmissionInput from a form's or an API body's cleaned data (region and category as ids; an id that names
    nothing is None, which submission_create refuses with its message)."""
    def text(name):
        return data.get(name) or ""

    region = Region.objects.filter(pk=data["region"]).first() if data.get("region") else None
    category = Category.objects.filter(pk=data["category"]).first() if data.get("category") else None
    return SubmissionInput(name=text("name"), id_number=text("id_number"), phone=text("phone"), code=text("code"),
                           region=region, category=category, summary=text("summary"), facts=text("facts"),
                           demands=text("demands"), promised=bool(data.get("promised")), address=text("address"),
                           files=list(data.get("files") or []))


def _query_code() -> str:
    raw = "".join(secrets.choice(QUERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def query_hash(code: str) -> str:
    """The query code's keyed hash, as typed or read aloud: case, spaces and the hyphen do not matter."""
    return personal_data.lookup_hash("query:" + re.sub(r"[\s-]", "", typed(code)).upper())


@transaction.atomic
def submission_create(*, county: Region, data: SubmissionInput, ip: str | None = None) -> tuple[Submission, str]:
    """The petition sent in: every field checked at once (all its errors together), the phone proved by its code;
    returns it with its query code, shown once and sent by SMS."""
    ip_limit(ip, county, "submit")
    errors: dict[str, list] = {}

    def check(name, fn):
        try:
            return fn()
        except ValidationFailed as exc:
            errors.setdefault(name, []).extend([str(m) for v in exc.detail.values() for m in v] or [str(exc.message)])
            return None

    name = (data.name or "").strip()
    if not name:
        errors["name"] = [_("请填写姓名。")]
    id_number = check("id_number", lambda: personal_data.normalize_id_number(data.id_number))
    if not id_number and "id_number" not in errors:
        errors["id_number"] = [_("请填写身份证号码。")]
    phone = check("phone", lambda: personal_data.normalize_phone(data.phone))
    if not phone and "phone" not in errors:
        errors["phone"] = [_("请填写手机号码。")]
    if data.region is None or not data.region.path.startswith(county.path) or data.region.pk == county.pk:
        errors["region"] = [_("请选择问题发生地（乡镇或村、社区）。")]
    if data.category is None or data.category.county_id != county.pk or not data.category.is_active:
        errors["category"] = [_("请选择反映事项的类别。")]
    for field_name, value, message, limit in (("summary", data.summary, _("请用一句话概括反映的事项。"), 300),
                                              ("facts", data.facts, _("请写明事实和理由。"), 10000),
                                              ("demands", data.demands, _("请写明您的诉求。"), 5000)):
        if not (value or "").strip():
            errors[field_name] = [message]
        elif len(value.strip()) > limit:
            errors[field_name] = [_("不能超过 %(n)s 字。") % {"n": limit}]
    if not data.promised:
        errors["promised"] = [_("请确认所反映的情况属实。")]
    if len(data.files) > MAX_FILES:
        errors["files"] = [_("最多上传 %(n)s 个文件。") % {"n": MAX_FILES}]
    for upload in data.files:
        check("files", lambda upload=upload: upload_check(upload))
    if not errors:  # the code is checked (and used up) only for a petition that can go in as it is
        check("code", lambda: phone_code_check(county=county, phone=phone, purpose="submit", code=data.code))
    if errors:
        raise ValidationFailed(_("提交的内容有误，请按提示修改。"), code="invalid", detail=errors)
    code = _query_code()
    submission = Submission(
        county=county, region=data.region, category=data.category, name=name[:50],
        id_number=personal_data.encrypt(id_number), id_hash=personal_data.lookup_hash(id_number),
        id_masked=personal_data.mask_id_number(id_number), phone=personal_data.encrypt(phone),
        phone_hash=personal_data.lookup_hash(phone), phone_masked=personal_data.mask_phone(phone),
        address=(data.address or "").strip()[:200], summary=data.summary.strip(), facts=data.facts.strip(),
        demands=data.demands.strip(), promised=True, query_hash=query_hash(code), ip_address=ip)
    submission.save()
    materials_add(submission, data.files)
    public_audit("submit", county, ip, str(submission.pk), {"files": len(data.files)})
    transaction.on_commit(lambda: sms.send_sms(phone, _(
        "【信访通】您的网上信访已提交，查询码 %(code)s。凭查询码和手机号后四位可查询办理情况。") % {"code": code}))
    return submission, code


def materials_add(submission: Submission, files) -> list[Material]:
    """Files kept with a submission not yet registered (checked by the caller)."""
    made = []
    for upload in files:
        material = Material(submission=submission, name=upload.name[:200], size=upload.size,
                            content_type=upload.content_type or "")
        material.file.save(upload.name, upload, save=False)
        material.save()
        made.append(material)
    return made


# Finding one's own petition ------------------------------------------------------------------------------

def submission_find(*, county: Region, query_code: str, last_four: str, ip: str | None = None) -> Submission:
    """The petition the query code names, if the phone's last four digits match. A wrong pair says the same as an
    unknown code; the address's lookups are limited, and a code tried wrong too often is locked for a while."""
    digest = query_hash(query_code)
    tries_key = _lookup_guard(county, digest, ip)
    digits = typed(last_four)
    found = Submission.objects.select_related("case", "county").filter(county=county, query_hash=digest).first()
    # (compare_digest refuses a str that is not ASCII: anything else is simply wrong.)
    if (found is None or len(digits) != 4 or not digits.isascii()
            or not hmac.compare_digest(found.phone_masked[-4:], digits)):
        public_audit("lookup_failed", county, ip)
        raise NotFound(_("查询码或手机号后四位不正确。"), code="not_found")
    cache.delete(tries_key)
    public_audit("lookup", county, ip, str(found.pk))
    return found


def _lookup_guard(county: Region, digest: str, ip: str | None) -> str:
    """What every lookup passes first, by the last four digits or by an SMS code: the address's limit, then the
    query code's lock and its count of tries (one count for both ways). Returns the key of that count, which a right
    lookup clears."""
    ip_limit(ip, county, "lookup")
    rules = public_rules(county)
    lock, tries_key = f"online:lock:{digest}", f"online:tries:{digest}"
    locked = _("查询错误次数过多，请 %(n)s 分钟后再试。") % {"n": rules.lockout_minutes}
    if (cache.get(lock) or 0) > time.time():  # the lock holds its own end (the cache's expiry is only tidying)
        raise RateLimited(locked)
    # Each try is counted (atomically) before it is compared: a burst of guesses is counted too.
    if _count(tries_key, rules.lockout_minutes * 60) > rules.wrong_codes_before_lockout:
        cache.set(lock, time.time() + rules.lockout_minutes * 60, rules.lockout_minutes * 60)
        cache.delete(tries_key)
        raise RateLimited(locked)
    return tries_key


def _track_key(submission: Submission) -> str:
    # One petition's code: a code sent for one of a phone's petitions opens that one only.
    return f"online:code:track:{submission.pk}"


def track_code_send(*, county: Region, query_code: str, ip: str | None = None) -> None:
    """An SMS code to the phone on file of the petition ``query_code`` names, to open its page instead of the last
    four digits. The answer is the same whether or not the code names a petition: the limits a caller can see
    (the address's, one a minute and the county's number an hour per query code, the query code's lock) count every
    query code alike; the phone's own limits, shared with the submit form's codes, hold a code back silently."""
    _sms_ready()
    if not re.sub(r"[\s-]", "", typed(query_code)):
        raise invalid("query_code", _("请填写查询码。"))
    ip_limit(ip, county, "code")
    rules = public_rules(county)
    digest = query_hash(query_code)
    if (cache.get(f"online:lock:{digest}") or 0) > time.time():
        raise RateLimited(_("查询错误次数过多，请 %(n)s 分钟后再试。") % {"n": rules.lockout_minutes})
    if not cache.add(f"online:code-gap:query:{digest}", 1, CODE_GAP_SECONDS):
        raise RateLimited(_("验证码已发送，请一分钟后再试。"))
    _limit(f"code:query:{digest}", rules.codes_per_phone_per_hour, 3600)
    found = Submission.objects.filter(county=county, query_hash=digest).first()
    if found is None:
        public_audit("track_code_unknown", county, ip)
        return
    phone = found.phone_plain
    if (not cache.add(f"online:code-gap:{found.phone_hash}", 1, CODE_GAP_SECONDS)
            or _count(f"online:limit:code:phone:{found.phone_hash}", 3600) > rules.codes_per_phone_per_hour):
        public_audit("track_code_held", county, ip, str(found.pk))
        return
    _code_issue(key=_track_key(found), phone=phone)
    public_audit("code_sent", county, ip, str(found.pk), {"purpose": "track", "phone": found.phone_masked})


def submission_find_by_code(*, county: Region, query_code: str, code: str, ip: str | None = None) -> Submission:
    """The petition the query code names, if ``code`` is the SMS code last sent to its phone (track_code_send). A
    wrong, used or expired code says the same as an unknown query code; the tries count with the digits' tries."""
    digest = query_hash(query_code)
    tries_key = _lookup_guard(county, digest, ip)
    found = Submission.objects.select_related("case", "county").filter(county=county, query_hash=digest).first()
    try:
        if found is None:
            raise NotFound()
        _code_take(key=_track_key(found), county=county, code=code)
    except ApplicationError as exc:
        public_audit("lookup_failed", county, ip, changes={"by": "sms"})
        raise NotFound(_("查询码或短信验证码不正确，或验证码已过期。"), code="not_found") from exc
    cache.delete(tries_key)
    public_audit("lookup", county, ip, str(found.pk), {"by": "sms"})
    return found


@transaction.atomic
def submission_withdraw(*, submission: Submission, reason: str, ip: str | None = None) -> Submission:
    """The petitioner withdraws a petition not yet registered."""
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写撤回理由。"))
    updated = Submission.objects.filter(pk=submission.pk, state=SubmissionState.PENDING).update(
        state=SubmissionState.WITHDRAWN, withdraw_reason=reason[:300], withdrawn_at=timezone.now())
    if not updated:
        raise Conflict(_("该信访件已登记或已处理，不能在此撤回。"), code="not_pending")
    public_audit("withdraw", submission.county, ip, str(submission.pk))
    submission.refresh_from_db()
    return submission



def pdf_limit(*, submission: Submission, ip: str | None = None) -> None:
    """A PDF of a document is made at most the county's number of times an hour per petition and per address (the
    printable page is not limited: it costs nothing)."""
    rules = public_rules(submission.county)
    _limit(f"pdf:ip:{ip or '-'}", rules.pdfs_per_ip_per_hour, 3600)
    _limit(f"pdf:submission:{submission.pk}", rules.pdfs_per_petition_per_hour, 3600)


# Notices ------------------------------------------------------------------------------------------------

NOTICE_WORDS = {"accepted": "受", "not_accepted": "不受", "reply": "处"}


@transaction.atomic
def notice_issue(*, case, kind: str, on) -> "Notice":
    """The document's number, given once: the first time it is issued it takes the next of the county's sequence
    for its kind and the year of its decision (``on``); issued again, it keeps its number. The county's counter is
    locked before the case's notice is looked for, so two first views at once (the page and its PDF) wait for each
    other and the second finds the first's number."""
    found = Notice.objects.filter(case=case, kind=kind).first()
    if found is not None:
        return found
    year = timezone.localtime(on).year
    NoticeCounter.objects.get_or_create(county=case.county, kind=kind, year=year)
    counter = NoticeCounter.objects.select_for_update().get(county=case.county, kind=kind, year=year)
    found = Notice.objects.filter(case=case, kind=kind).first()
    if found is not None:
        return found
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = public_rules(case.county, timezone.localtime(on).date()).notice_prefix or f"{case.county.name[:1]}信"
    number = _("%(prefix)s%(word)s字〔%(year)s〕%(n)s号") % {"prefix": prefix, "word": NOTICE_WORDS[kind],
                                                          "year": year, "n": counter.last}
    return Notice.objects.create(case=case, kind=kind, year=year, number=number)
