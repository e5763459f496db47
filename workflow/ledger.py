"""Importing a county's existing ledger (历史台账导入): years of cases kept in Excel, brought in once.

The county admin uploads an .xlsx or .csv file (``ledger_upload``), says which of its columns holds which of our
fields and what its names mean in our lists (``ledger_mapping_save``: kept per county, offered again next time),
and sees a dry run (``ledger_check_run``, in Celery): how many rows would become cases, how many were imported
before, which rows cannot be taken and why (an error sheet: the row, its reason in Chinese, the row as it was),
how many petitioners are found by ID number or phone, and which categories, units and places have no match yet.
Then ``ledger_import_run`` (Celery) imports the valid rows in one transaction: a failure, or a worker killed half
way, leaves nothing behind.

Each row's source key (its ledger number when the file has one, else a digest of the row) becomes the case's
``external_id`` under ``external_system="ledger"``: the same row never becomes two cases, in one file or across
re-runs. Historical cases keep their dates and states; they run under the rule set that governs them (so their
next step here starts its clocks) but get no clock, card or point for what happened before.

Bulk writes as in cases.demo (rows built in Python, ``bulk_create`` by batch); the progress of a run is in the
cache, since its transaction is invisible to the page until it commits.
"""

import hashlib
import io
import logging
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, IntegerField, Value
from django.db.models.functions import Cast, Concat, LPad, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import from_excel

from cases.choices import CaseStatus, Channel, Satisfaction
from cases.models import Case, CaseCounter, CasePetitioner, Category, Petitioner, TimelineEvent
from cases.services import case_settings_for
from cases.signals import announce_cases_changed
from deadlines.services import rule_set_for
from xinfang import personal_data
from xinfang.celery import enqueue
from xinfang.errors import Conflict, NotPermitted, ValidationFailed, invalid
from xinfang.exchange.choices import ImportState
from xinfang.exchange.models import LedgerImport, LedgerMapping
from xinfang.org.models import Region, Unit, User
from xinfang.org.scoping import scoped
from xinfang.org.services import audit_record
from xinfang.tables import Table, TableUnreadable

logger = logging.getLogger("xinfang.ledger")

IMPORT_PERMISSION = "exchange.import_ledger"
SYSTEM = "ledger"  # Case.external_system of imported cases
CHECK_TASK = "xinfang.exchange.tasks.ledger_check"
IMPORT_TASK = "xinfang.exchange.tasks.ledger_import"
BATCH = 1000
EARLIEST = date(1980, 1, 1)


@dataclass(frozen=True)
class LedgerField:
    key: str
    label: str
    aliases: tuple = ()
    required: bool = False
    default_allowed: bool = False  # a whole file may say it once (a 来信台账 has no 信访形式 column)


# Our fields, in the order the mapping page shows them; the labels are the case ledger export's own headers
# (cases/exports.py), so a ledger exported from 信访通 maps itself.
FIELDS = [
    LedgerField("source_number", gettext_lazy("编号"), ("原编号", "信访编号", "事项编号", "登记编号", "案件编号")),
    LedgerField("received_at", gettext_lazy("收到时间"),
                ("登记时间", "登记日期", "来信来访时间", "来访时间", "来信时间", "来访日期", "来信日期", "信访日期",
                 "信访时间", "收件时间", "日期"), required=True),
    LedgerField("channel", gettext_lazy("信访形式"), ("信访方式", "来源", "渠道", "来源渠道"), default_allowed=True),
    LedgerField("name", gettext_lazy("信访人"), ("姓名", "信访人姓名", "来访人", "来信人", "反映人"), required=True),
    LedgerField("id_number", gettext_lazy("身份证号码"), ("身份证号", "身份证", "证件号码", "公民身份号码")),
    LedgerField("phone", gettext_lazy("电话"), ("联系电话", "手机", "手机号码", "手机号", "联系方式")),
    LedgerField("address", gettext_lazy("住址"), ("地址", "家庭住址", "通讯地址")),
    LedgerField("head_count", gettext_lazy("人数"), ("信访人数", "来访人数")),
    LedgerField("region", gettext_lazy("问题属地"), ("属地", "所属乡镇", "乡镇", "问题发生地", "所在地")),
    LedgerField("category", gettext_lazy("类别"), ("信访类别", "问题类别", "内容分类", "事项类别", "问题分类"),
                required=True),
    LedgerField("summary", gettext_lazy("诉求摘要"),
                ("信访事项", "主要诉求", "反映问题", "事由", "内容摘要", "信访内容", "反映内容"), required=True),
    LedgerField("demands", gettext_lazy("诉求内容"), ("诉求", "具体诉求", "详细内容")),
    LedgerField("lead_unit", gettext_lazy("主办单位"), ("责任单位", "承办单位", "交办单位", "办理单位")),
    LedgerField("status", gettext_lazy("状态"), ("办理状态", "办理情况", "办结情况"), default_allowed=True),
    LedgerField("is_repeat", gettext_lazy("重复信访"), ("重复", "是否重复", "是否重复信访")),
    LedgerField("is_collective", gettext_lazy("集体访"), ("集体", "是否集体访")),
    LedgerField("is_skip_level", gettext_lazy("越级访"), ("越级", "是否越级", "是否越级访")),
    LedgerField("satisfaction", gettext_lazy("满意度"), ("评价", "满意度评价", "群众满意度")),
    LedgerField("accepted_at", gettext_lazy("受理时间"), ("受理日期",)),
    LedgerField("replied_at", gettext_lazy("答复时间"), ("答复日期",)),
    LedgerField("closed_at", gettext_lazy("办结时间"), ("办结日期", "结案时间", "结案日期")),
    LedgerField("reply_text", gettext_lazy("答复意见"), ("处理结果", "答复内容", "办理结果", "处理意见")),
]
FIELD_KEYS = [f.key for f in FIELDS]
BY_KEY = {f.key: f for f in FIELDS}
MAPPED_KINDS = ("category", "lead_unit", "region")  # names the county maps to its own list when they do not match

# What ledgers write for our choices, beside our own labels.
CHANNEL_WORDS = {"信件": Channel.LETTER, "来信": Channel.LETTER, "信": Channel.LETTER, "来访": Channel.VISIT,
                 "访": Channel.VISIT, "网上": Channel.ONLINE, "网信": Channel.ONLINE, "网络": Channel.ONLINE,
                 "电话": Channel.HOTLINE, "12345": Channel.HOTLINE, "热线": Channel.HOTLINE,
                 "交办": Channel.FROM_ABOVE, "上级转办": Channel.FROM_ABOVE, "走访": Channel.FIELD_VISIT,
                 "接访": Channel.LEADER_RECEPTION}
STATUS_WORDS = {"办结": CaseStatus.CLOSED, "已结案": CaseStatus.CLOSED, "结案": CaseStatus.CLOSED,
                "已办结": CaseStatus.CLOSED, "在办": CaseStatus.HANDLING, "正在办理": CaseStatus.HANDLING,
                "已受理": CaseStatus.ACCEPTED, "未受理": CaseStatus.REGISTERED, "转送": CaseStatus.FORWARDED,
                "已转办": CaseStatus.FORWARDED}
SATISFACTION_WORDS = {"非常满意": Satisfaction.SATISFIED, "比较满意": Satisfaction.BASIC,
                      "一般": Satisfaction.BASIC}
YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
NO = {"否", "n", "no", "false", "0", "×", "无"}
CLOSED_STATUSES = {CaseStatus.CLOSED, CaseStatus.NOT_ACCEPTED, CaseStatus.FORWARDED, CaseStatus.DIVERTED}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y年%m月%d日%H:%M", "%Y%m%d")


def _words(choices, extra) -> dict:
    return {**{str(label): value for value, label in choices.choices}, **{k: v for k, v in extra.items()}}


def _normal(text) -> str:
    """A header or a name as compared: no spaces, marks of required fields or full-width brackets."""
    return re.sub(r"[\s*＊:：()（）\[\]【】]", "", str(text or ""))


# Upload and mapping --------------------------------------------------------------------------------------

def _require(actor: User, county: Region) -> None:
    if not actor.has_perm(IMPORT_PERMISSION) or not scoped(Region.objects.filter(pk=county.pk), actor).exists():
        raise NotPermitted()


@transaction.atomic
def ledger_upload(*, actor: User, county: Region, upload, ip_address: str | None = None) -> LedgerImport:
    """Keep an uploaded ledger and read its header; refuses what is not a readable .xlsx or .csv, or too large."""
    _require(actor, county)
    limit = settings.LEDGER_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise invalid("file", _("文件超过 %(mb)s MB，请分成几个文件导入。") % {"mb": limit // (1024 * 1024)},
                      code="file_too_large")
    if upload.size == 0:
        raise invalid("file", _("文件是空的。"), code="invalid_file")
    upload.seek(0)
    content = upload.read()
    try:
        table = Table(io.BytesIO(content), upload.name)
        headers = table.headers
        table.close()
    except TableUnreadable as exc:
        raise invalid("file", exc.message, code="invalid_file") from exc
    if len(headers) > 200:
        raise invalid("file", _("第一行有 %(n)s 列，不像台账的表头，请检查文件。") % {"n": len(headers)},
                      code="invalid_file")
    ledger_import = LedgerImport(county=county, name=upload.name[:200], size=upload.size, headers=headers,
                                 created_by=actor)
    # Kept encrypted, like every ID number and phone it holds; removed once its rows are imported.
    ledger_import.file.save("ledger.enc", ContentFile(personal_data.encrypt_bytes(content)), save=False)
    ledger_import.save()
    audit_record(actor=actor, action="ledger.upload", obj=ledger_import, region=county,
                 changes={"name": ledger_import.name, "size": ledger_import.size}, ip_address=ip_address)
    return ledger_import


def saved_mapping(county: Region) -> dict:
    """The county's kept mapping: {"columns": {field: header}, "values": {kind: {name: id}}, "defaults": …}."""
    found = LedgerMapping.objects.filter(county=county).first()
    if found is None:
        return {"columns": {}, "values": {}, "defaults": {}}
    return {"columns": dict(found.columns), "values": dict(found.values), "defaults": dict(found.defaults)}


def proposed_mapping(ledger_import: LedgerImport) -> dict:
    """The mapping offered for this file: what it was checked with, else the county's kept columns where this file
    has them, else the headers that name a field (our labels and the usual ones)."""
    if ledger_import.mapping:
        return ledger_import.mapping
    kept = saved_mapping(ledger_import.county)
    headers = ledger_import.headers
    by_name = {_normal(h): h for h in headers}
    columns = {}
    for f in FIELDS:
        if kept["columns"].get(f.key) in headers:
            columns[f.key] = kept["columns"][f.key]
            continue
        for word in (f.label, *f.aliases):
            if _normal(word) in by_name and by_name[_normal(word)] not in columns.values():
                columns[f.key] = by_name[_normal(word)]
                break
    return {"columns": columns, "values": kept["values"], "defaults": kept["defaults"]}


def value_options(county: Region) -> dict[str, list[tuple[int, str]]]:
    """What a name of the ledger may be mapped to: the county's categories, units and places."""
    categories = Category.objects.filter(county=county, is_active=True).select_related("parent")
    units = Unit.objects.filter(region__path__startswith=county.path, is_active=True).order_by("sort_order", "name")
    regions = (Region.objects.filter(path__startswith=county.path).select_related("parent").order_by("path"))
    return {
        "category": [(c.pk, str(c)) for c in categories],
        "lead_unit": [(u.pk, u.name) for u in units],
        "region": [(r.pk, f"{r.parent.name} {r.name}" if r.level > county.level + 1 else r.name) for r in regions],
    }


@transaction.atomic
def ledger_mapping_save(*, actor: User, ledger_import: LedgerImport, columns: dict, values: dict, defaults: dict,
                        ip_address: str | None = None) -> LedgerImport:
    """Keep the mapping (for this file and as the county's), then check the file with it in the background."""
    county = ledger_import.county
    _require(actor, county)
    ledger_import = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
    if ledger_import.state == ImportState.IMPORTED or (
            ledger_import.state in (ImportState.CHECKING, ImportState.IMPORTING) and not _stalled(ledger_import)):
        raise Conflict(_("该文件正在处理或已导入，不能再修改对照。"), code="import_busy")
    errors = {}
    columns = {k: v for k, v in columns.items() if v}
    for key, header in columns.items():
        if key not in BY_KEY or header not in ledger_import.headers:
            errors[key] = [_("所选的列不在文件中。")]
    doubled = [h for h, n in Counter(columns.values()).items() if n > 1]
    for key, header in columns.items():
        if header in doubled:
            errors[key] = [_("“%(header)s”一列对应了多个字段。") % {"header": header}]
    defaults = {k: v for k, v in defaults.items() if v}
    known = {"channel": Channel.values, "status": CaseStatus.values}
    for key, value in defaults.items():
        if key not in known or value not in known[key]:
            errors[key] = [_("所选的默认值无效。")]
    for f in FIELDS:
        if f.required and f.key not in columns:
            errors[f.key] = [_("请选择“%(field)s”对应的列。") % {"field": f.label}]
        elif f.default_allowed and f.key not in columns and f.key not in defaults:
            errors[f.key] = [_("请选择“%(field)s”对应的列，或指定本文件统一的值。") % {"field": f.label}]
    options = value_options(county)
    clean_values = {}
    for kind, names in (values or {}).items():
        allowed = {pk for pk, _label in options.get(kind, [])}
        for name, pk in names.items():
            if not pk:
                continue
            try:
                pk = int(pk)
            except (TypeError, ValueError):
                pk = None
            if kind not in MAPPED_KINDS or pk not in allowed:
                errors.setdefault(kind, []).append(_("“%(name)s”对应的选项无效。") % {"name": name})
                continue
            clean_values.setdefault(kind, {})[str(name)] = pk
    if errors:
        raise ValidationFailed(_("列对照有误，请按提示修改。"), code="invalid", detail=errors)
    kept = saved_mapping(county)
    merged_values = {kind: {**kept["values"].get(kind, {}), **clean_values.get(kind, {})} for kind in MAPPED_KINDS}
    LedgerMapping.objects.update_or_create(county=county, defaults={
        "columns": columns, "values": merged_values, "defaults": defaults, "updated_by": actor})
    ledger_import.mapping = {"columns": columns, "values": merged_values, "defaults": defaults}
    ledger_import.state = ImportState.CHECKING
    ledger_import.queued_at = timezone.now()
    ledger_import.checked_at = None  # the figures of an earlier check were another mapping's
    ledger_import.failure = ""
    ledger_import.save(update_fields=["mapping", "state", "queued_at", "checked_at", "failure"])
    audit_record(actor=actor, action="ledger.mapping", obj=ledger_import, region=county,
                 changes={"columns": columns, "defaults": defaults}, ip_address=ip_address)
    _progress_set(ledger_import.pk, "check", 0, 0)
    enqueue(CHECK_TASK, ledger_import.pk)
    return ledger_import


@transaction.atomic
def ledger_import_start(*, actor: User, ledger_import: LedgerImport, ip_address: str | None = None) -> LedgerImport:
    """Import the checked file's valid rows, in the background."""
    _require(actor, ledger_import.county)
    ledger_import = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
    restartable = ledger_import.state == ImportState.IMPORTING and _stalled(ledger_import)
    retry = ledger_import.state == ImportState.FAILED and ledger_import.checked_at is not None
    if not (ledger_import.state == ImportState.CHECKED or restartable or retry):
        raise Conflict(_("请先完成检查，再开始导入。"), code="not_checked")
    if not ledger_import.rows_valid:
        raise Conflict(_("没有可导入的行。"), code="nothing_to_import")
    ledger_import.state = ImportState.IMPORTING
    ledger_import.queued_at = timezone.now()
    ledger_import.failure = ""
    ledger_import.save(update_fields=["state", "queued_at", "failure"])
    audit_record(actor=actor, action="ledger.import", obj=ledger_import, region=ledger_import.county,
                 changes={"rows_valid": ledger_import.rows_valid}, ip_address=ip_address)
    _progress_set(ledger_import.pk, "import", 0, ledger_import.rows_total)
    enqueue(IMPORT_TASK, ledger_import.pk)
    return ledger_import


# Progress ------------------------------------------------------------------------------------------------

def _progress_key(pk: int) -> str:
    return f"ledger-import:{pk}:progress"


def _progress_set(pk: int, phase: str, done: int, total: int) -> None:
    cache.set(_progress_key(pk), {"phase": phase, "done": done, "total": total, "at": time.time()}, 24 * 3600)


def _stalled(ledger_import: LedgerImport) -> bool:
    """A run that has said nothing for a while: its worker died (its transaction died with it: nothing was
    written), so it may be started again."""
    limit = settings.LEDGER_IMPORT_STALL_SECONDS
    seen = (cache.get(_progress_key(ledger_import.pk)) or {}).get("at")
    if seen is None:
        seen = ledger_import.queued_at.timestamp() if ledger_import.queued_at else 0
    return time.time() - seen > limit


def ledger_progress(ledger_import: LedgerImport) -> dict:
    """Where a run stands, for the page's progress bar: rows done of the file's rows, and whether it stalled."""
    progress = cache.get(_progress_key(ledger_import.pk)) or {"done": 0, "total": 0}
    total = progress["total"] or ledger_import.rows_total
    running = ledger_import.state in (ImportState.CHECKING, ImportState.IMPORTING)
    return {"done": progress["done"], "total": total, "running": running,
            "percent": min(99, int(progress["done"] * 100 / total)) if total else 0,
            "stalled": running and _stalled(ledger_import)}


# The run ------------------------------------------------------------------------------------------------

def ledger_check_run(pk: int) -> None:
    """The dry run (a Celery task): every row read and judged as the import would, nothing written but the figures
    and the error sheet."""
    ledger_import = LedgerImport.objects.select_related("county", "created_by").filter(
        pk=pk, state=ImportState.CHECKING).first()
    if ledger_import is None:
        return
    # This run's own request: a newer one (a new mapping, a restart after a stall) makes its figures stale.
    this_run = LedgerImport.objects.filter(pk=pk, state=ImportState.CHECKING, queued_at=ledger_import.queued_at)
    _fresh_statistics()
    try:
        result = _Run(ledger_import, write=False).run()
    except TableUnreadable as exc:
        _failed(this_run, exc.message)
        return
    except Exception:
        logger.exception("ledger check %s failed", pk)
        _failed(this_run, _("检查出错，请联系系统管理员查看日志。"))
        return
    with transaction.atomic():
        if this_run.update(state=ImportState.CHECKED, checked_at=timezone.now(), **result.figures()):
            _save_errors(ledger_import, result)
        else:
            result.sheet_file.close()


def ledger_import_run(pk: int) -> None:
    """The import (a Celery task): the valid rows in one transaction, with the import's own figures and error sheet;
    a failure rolls it all back and says so."""
    _fresh_statistics()
    try:
        with transaction.atomic():
            try:
                ledger_import = (LedgerImport.objects.select_for_update(nowait=True).select_related("county")
                                 .filter(pk=pk, state=ImportState.IMPORTING).first())
            except DatabaseError:
                return  # another worker is running it
            if ledger_import is None:
                return
            # One import at a time per county: its source keys are checked against what is there.
            LedgerMapping.objects.select_for_update().filter(county=ledger_import.county).first()
            result = _Run(ledger_import, write=True).run()
            LedgerImport.objects.filter(pk=pk).update(state=ImportState.IMPORTED, imported_at=timezone.now(),
                                                      rows_imported=result.imported, **result.figures())
            _save_errors(ledger_import, result)
            # Its rows are cases now (their personal data encrypted there): the file itself goes.
            transaction.on_commit(lambda: _delete_file(ledger_import.file.name))
            LedgerImport.objects.filter(pk=pk).update(file="")
            audit_record(actor=ledger_import.created_by, action="ledger.imported", obj=ledger_import,
                         region=ledger_import.county, changes={"imported": result.imported,
                                                               "errors": result.error_count})
    except TableUnreadable as exc:
        _failed(LedgerImport.objects.filter(pk=pk), exc.message)
    except Exception:
        logger.exception("ledger import %s failed", pk)
        _failed(LedgerImport.objects.filter(pk=pk), _("导入出错，未导入任何数据。请联系系统管理员查看日志。"))


def _fresh_statistics() -> None:
    """ANALYZE the tables a run looks rows up in (PostgreSQL), before it starts: right after an earlier import of
    100,000 rows their statistics are stale, and the planner scans a county's every imported case for each batch's
    source keys (0.25 s a batch, a third of a dry run) instead of probing the unique index (0.1 ms). Outside the run's
    transaction, so it holds no lock for the import's length."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, cases_petitioner")


def _failed(this_run, message) -> None:
    """The run ended without a result: said on the page (a run that is no longer the latest says nothing)."""
    for pk in this_run.values_list("pk", flat=True):
        cache.delete(_progress_key(pk))
    this_run.update(state=ImportState.FAILED, failure=str(message)[:500])


def _delete_file(name: str) -> None:
    if name:
        LedgerImport.file.field.storage.delete(name)


def _save_errors(ledger_import: LedgerImport, result: "_Result") -> None:
    """The run's error sheet, encrypted, in place of the last one (removed only once this one is committed)."""
    ledger_import.refresh_from_db()
    old = ledger_import.errors_file.name
    if result.error_count:
        result.sheet_file.seek(0)
        ledger_import.errors_file.save("errors.enc", ContentFile(personal_data.encrypt_bytes(result.sheet_file.read())),
                                       save=False)
    else:
        ledger_import.errors_file = ""
    ledger_import.save(update_fields=["errors_file"])
    result.sheet_file.close()
    transaction.on_commit(lambda: _delete_file(old))
    cache.delete(_progress_key(ledger_import.pk))


def error_sheet(ledger_import: LedgerImport) -> bytes:
    """The error sheet as Excel bytes (it is kept encrypted)."""
    with ledger_import.errors_file.open("rb") as f:
        return personal_data.decrypt_bytes(f.read())


@dataclass
class _Row:
    number: int
    raw: list
    errors: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    key: str = ""
    petitioner: object = None  # a Petitioner: found, or new (saved only when the run writes)


@dataclass
class _Result:
    total: int = 0
    valid: int = 0
    skipped: int = 0
    error_count: int = 0
    imported: int = 0
    by_id: int = 0
    by_phone: int = 0
    new_petitioners: int = 0
    repeats_unlinked: int = 0
    unmatched: dict = field(default_factory=lambda: defaultdict(Counter))
    sheet_file: object = None

    def figures(self) -> dict:
        return {"rows_total": self.total, "rows_valid": self.valid, "rows_skipped": self.skipped,
                "rows_error": self.error_count,
                "summary": {"petitioners": {"by_id": self.by_id, "by_phone": self.by_phone,
                                            "new": self.new_petitioners},
                            "repeats_unlinked": self.repeats_unlinked,
                            "unmatched": {kind: [[name, n] for name, n in names.most_common(200)]
                                          for kind, names in self.unmatched.items() if names}}}


class _Run:
    """One pass over the file: rows parsed, judged and, when ``write``, written batch by batch."""

    def __init__(self, ledger_import: LedgerImport, *, write: bool):
        self.imp = ledger_import
        self.county = ledger_import.county
        self.write = write
        self.actor = ledger_import.created_by
        mapping = ledger_import.mapping
        headers = ledger_import.headers
        self.index = {key: headers.index(h) for key, h in mapping["columns"].items() if h in headers}
        self.defaults = mapping.get("defaults", {})
        self.names = {kind: {_name_key(k): v for k, v in mapping.get("values", {}).get(kind, {}).items()}
                      for kind in MAPPED_KINDS}
        self._lists()
        self.channels = {_normal(k): v for k, v in _words(Channel, CHANNEL_WORDS).items()}
        self.statuses = {_normal(k): v for k, v in _words(CaseStatus, STATUS_WORDS).items()}
        self.satisfactions = {_normal(k): v for k, v in _words(Satisfaction, SATISFACTION_WORDS).items()}
        self.collective_at: dict[date, int] = {}  # the county's 集体访 head count, by the day it was in force
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.keys_seen: dict[str, int] = {}  # source key → its first row in this file
        self.people: dict = {}  # in-file petitioner key → Petitioner (or a marker in a dry run)
        self.per_year: Counter = Counter()  # cases written per year of receipt, numbered at the end
        self.first_pk = None
        self.rule_sets: dict = {}
        self.marked_repeats: list[tuple[int, int, datetime]] = []  # (case id, petitioner id, received)
        self.result = _Result()

    def _lists(self) -> None:
        county = self.county
        categories = list(Category.objects.filter(county=county, is_active=True).select_related("parent"))
        self.categories_by_pk = {c.pk: c for c in categories}
        self.categories = {}
        leaf_names = Counter(_normal(c.name) for c in categories)
        for c in categories:
            self.categories[_normal(str(c))] = c
            if c.parent_id:
                self.categories.setdefault(_normal(f"{c.parent.name}-{c.name}"), c)
            if leaf_names[_normal(c.name)] == 1:
                self.categories.setdefault(_normal(c.name), c)
        units = list(Unit.objects.filter(region__path__startswith=county.path, is_active=True))
        self.units_by_pk = {u.pk: u for u in units}
        self.units = {}
        for u in units:
            self.units.setdefault(_normal(u.name), u)
            if u.short_name:
                self.units.setdefault(_normal(u.short_name), u)
        regions = list(Region.objects.filter(path__startswith=county.path).select_related("parent"))
        self.regions_by_pk = {r.pk: r for r in regions}
        name_count = Counter(_normal(r.name) for r in regions)
        self.regions = {}
        for r in regions:
            self.regions[r.code] = r
            if r.parent_id and r.pk != county.pk:
                self.regions[_normal(r.parent.name + r.name)] = r
            if name_count[_normal(r.name)] == 1:
                self.regions[_normal(r.name)] = r

    # reading ------------------------------------------------------------------------------------------

    def run(self) -> _Result:
        with self.imp.file.open("rb") as stored:
            content = io.BytesIO(personal_data.decrypt_bytes(stored.read()))
        table = Table(content, self.imp.name)
        self.headers = table.headers
        sheet_file = tempfile.TemporaryFile()  # noqa: SIM115 - handed on in the result, closed by _save_errors
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=str(_("错误清单")))
        self.sheet = sheet
        self._sheet_row([str(_("行号")), str(_("错误原因")), *self.headers])
        limit = settings.LEDGER_IMPORT_MAX_ROWS
        rows = table.rows()
        estimate = table.estimate
        try:
            while True:
                batch = [_Row(number, raw) for number, raw in islice(rows, BATCH)]
                if not batch:
                    break
                if self.result.total + len(batch) > limit:
                    raise TableUnreadable(_("文件超过 %(n)s 行，请分成几个文件导入。") % {"n": limit})
                self._batch(batch)
                _progress_set(self.imp.pk, "import" if self.write else "check", self.result.total,
                              max(estimate, self.result.total))
        finally:
            table.close()
        if self.write:
            self._link_repeats()
            self._renumber()
        book.save(sheet_file)
        self.result.sheet_file = sheet_file
        return self.result

    def _batch(self, batch: list[_Row]) -> None:
        self.result.total += len(batch)
        for row in batch:
            self._parse(row)
        self._keys(batch)
        self._petitioners([r for r in batch if not r.errors and r.key])
        good = [r for r in batch if not r.errors and r.key]
        for row in batch:
            if row.errors:
                self.result.error_count += 1
                self._sheet_row([row.number, "；".join(str(e) for e in row.errors), *row.raw])
        self.result.valid += len(good)
        if self.write and good:
            self._write(good)

    def _sheet_row(self, values) -> None:
        """A row of the error sheet: values as the file had them, as text where text (a cell that begins with "="
        is not made a formula), without the characters a workbook cannot hold."""
        cells = []
        for value in values:
            if isinstance(value, datetime | date | int | float) or value is None:
                cells.append(value)
                continue
            cell = WriteOnlyCell(self.sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32000])
            cell.data_type = "s"
            cells.append(cell)
        self.sheet.append(cells)

    def _cell(self, row: _Row, key: str):
        i = self.index.get(key)
        value = row.raw[i] if i is not None else None
        if isinstance(value, str):
            value = value.strip()
        return None if value == "" else value

    def _text(self, row: _Row, key: str) -> str:
        value = self._cell(row, key)
        if value is None:
            return ""
        if isinstance(value, bool):  # an Excel TRUE/FALSE cell
            return "是" if value else "否"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def _parse(self, row: _Row) -> None:
        v, err = row.values, row.errors
        label = lambda key: BY_KEY[key].label  # noqa: E731
        v["received_at"] = self._date(row, "received_at")
        if v["received_at"] is None and not err:
            err.append(_("“收到时间”未填写。"))
        for key in ("accepted_at", "replied_at", "closed_at"):
            v[key] = self._date(row, key)
            if v[key] and v["received_at"] and v[key] < v["received_at"] - timedelta(days=1):
                err.append(_("“%(field)s”早于收到时间。") % {"field": label(key)})
        v["name"] = self._text(row, "name")[:50]
        if not v["name"]:
            err.append(_("“信访人”未填写。"))
        id_value = self._cell(row, "id_number")
        if isinstance(id_value, float | int) and len(str(int(id_value))) > 15:
            err.append(_("身份证号码被 Excel 存成了数字，后几位已丢失，请把该列设为文本后重新导出。"))
            id_value = None
        v["id_number"] = self._personal(row, personal_data.normalize_id_number, id_value, _("身份证号码"))
        v["phone"] = self._personal(row, personal_data.normalize_phone, self._text(row, "phone"), _("电话"))
        v["address"] = self._text(row, "address")[:200]
        v["summary"] = self._text(row, "summary")
        v["demands"] = self._text(row, "demands")
        if not v["summary"]:
            err.append(_("“诉求摘要”未填写。"))
        elif len(v["summary"]) > 300:
            v["demands"] = v["demands"] or v["summary"]
            v["summary"] = v["summary"][:299] + "…"
        v["reply_text"] = self._text(row, "reply_text")
        v["source_number"] = self._text(row, "source_number")[:64]
        v["head_count"] = 1
        head_count = self._text(row, "head_count")
        if head_count:
            v["head_count"] = int(head_count) if re.fullmatch(r"[0-9]{1,6}", head_count) else 0
            if v["head_count"] < 1:
                err.append(_("“人数”应为正整数：%(value)s。") % {"value": head_count[:20]})
        v["channel"] = self._choice(row, "channel", self.channels)
        if v["channel"] is None and not self._text(row, "channel"):
            err.append(_("“信访形式”未填写。"))
        v["status"] = self._choice(row, "status", self.statuses)
        if v["status"] is None and not self._text(row, "status"):
            if v["closed_at"]:
                v["status"] = CaseStatus.CLOSED
            else:
                err.append(_("“状态”未填写，也没有办结时间。"))
        v["satisfaction"] = self._choice(row, "satisfaction", self.satisfactions) or ""
        for key in ("is_repeat", "is_collective", "is_skip_level"):
            v[key] = self._flag(row, key)
        v["category"] = self._named(row, "category", self.categories, self.categories_by_pk, required=True)
        v["lead_unit"] = self._named(row, "lead_unit", self.units, self.units_by_pk)
        v["region"] = self._named(row, "region", self.regions, self.regions_by_pk) or self.county
        self._state_facts(row)

    def _state_facts(self, row: _Row) -> None:
        """What a state needs to be true of the case here, so that the workflow can take the case on from it."""
        v, err, status = row.values, row.errors, row.values["status"]
        if status is None:
            return
        label = CaseStatus(status).label
        if status in (CaseStatus.REVIEWING, CaseStatus.RE_REVIEWING):
            err.append(_("“%(status)s”的事项不能从台账导入：请按“已答复”导入原事项，再在系统中登记复查（复核）申请。")
                       % {"status": label})
        if status in (CaseStatus.ASSIGNED, CaseStatus.HANDLING, CaseStatus.REPLIED) and v["lead_unit"] is None \
                and not self._text(row, "lead_unit"):
            err.append(_("状态为“%(status)s”的事项须填写主办单位。") % {"status": label})
        if status == CaseStatus.REPLIED and v["replied_at"] is None and not self._text(row, "replied_at"):
            err.append(_("状态为“%(status)s”的事项须填写答复时间。") % {"status": label})
        if status in CLOSED_STATUSES:
            v["closed_at"] = v["closed_at"] or v["replied_at"]
            if v["closed_at"] is None and not self._text(row, "closed_at"):
                err.append(_("状态为“%(status)s”的事项须填写办结时间。") % {"status": label})

    def _date(self, row: _Row, key: str) -> datetime | None:
        value = self._cell(row, key)
        if value is None:
            return None
        parsed = None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day)
        elif isinstance(value, int | float) and 20000 < value < 80000:
            parsed = from_excel(value)  # a date cell Excel stored as its serial number
        else:
            text = re.sub(r"\s+", " ", str(value).strip())
            for fmt in DATE_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            row.errors.append(_("“%(field)s”不是有效的日期：%(value)s。") % {"field": BY_KEY[key].label,
                                                                        "value": str(value)[:30]})
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, self.tz)
        if parsed.date() < EARLIEST or parsed > self.now + timedelta(minutes=5):
            row.errors.append(_("“%(field)s”超出合理范围（1980年至今）：%(value)s。") % {
                "field": BY_KEY[key].label, "value": timezone.localtime(parsed).strftime("%Y-%m-%d")})
            return None
        return parsed

    def _personal(self, row: _Row, normalize, value, label) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return normalize(str(value))
        except ValidationFailed as exc:
            row.errors.append(f"{exc.message}（{label}：{str(value)[:20]}）")
            return ""

    def _choice(self, row: _Row, key: str, words: dict):
        """One of our choices from its label or a usual word; a blank cell takes the file's value (or None)."""
        text = self._text(row, key)
        if not text:
            return self.defaults.get(key)
        value = words.get(_normal(text))
        if value is None:
            row.errors.append(_("“%(field)s”的值“%(value)s”无法识别。") % {"field": BY_KEY[key].label,
                                                                        "value": text[:30]})
        return value

    def _flag(self, row: _Row, key: str) -> bool:
        text = self._text(row, key).lower()
        if not text or text in NO:
            return False
        if text in YES:
            return True
        row.errors.append(_("“%(field)s”应填“是”或“否”：%(value)s。") % {"field": BY_KEY[key].label,
                                                                    "value": text[:10]})
        return False

    def _named(self, row: _Row, key: str, names: dict, by_pk: dict, required: bool = False):
        text = self._text(row, key)
        if not text:
            if required:
                row.errors.append(_("“%(field)s”未填写。") % {"field": BY_KEY[key].label})
            return None
        mapped = self.names[key].get(_name_key(text))
        found = by_pk.get(mapped) if mapped else names.get(_normal(text))
        if found is None:
            self.result.unmatched[key][text[:200]] += 1
            row.errors.append(_("“%(field)s”的“%(value)s”在本县没有对应，请在名称对照中指定。") % {
                "field": BY_KEY[key].label, "value": text[:50]})
        return found

    # judging against the file and the database ---------------------------------------------------------

    def _keys(self, batch: list[_Row]) -> None:
        """Each row's source key: a digest of what it says of the matter (its date, petitioner, summary and
        category as written), so that neither a ledger number that starts again at 1 in next year's file nor a
        mapping changed between two runs can make an old row new or a new row old."""
        # A ledger exported from 信访通 itself names its cases by their numbers: they are here already.
        numbers = {r.values["source_number"] for r in batch if not r.errors and r.values["source_number"]}
        ours = set(Case.objects.filter(county=self.county, number__in=numbers).values_list("number", flat=True))
        for row in batch:
            if row.errors:
                continue
            v = row.values
            if v["source_number"] in ours:
                self.result.skipped += 1
                continue
            fields = [v["received_at"].isoformat(), v["name"], v["id_number"], v["phone"], v["summary"],
                      self._text(row, "category")]
            row.key = "sha256:" + hashlib.sha256("\x1f".join(map(str, fields)).encode()).hexdigest()[:57]
            first = self.keys_seen.get(row.key)
            if first is not None:
                row.errors.append(_("与第 %(row)s 行重复（日期、信访人、诉求和类别都相同）。") % {"row": first})
                row.key = ""
            else:
                self.keys_seen[row.key] = row.number
        keys = [r.key for r in batch if r.key]
        before = set(Case.objects.filter(county=self.county, external_system=SYSTEM, external_id__in=keys)
                     .values_list("external_id", flat=True))
        for row in batch:
            if row.key in before:
                self.result.skipped += 1
                row.key = ""  # imported by an earlier run: left as it is

    def _petitioners(self, rows: list[_Row]) -> None:
        """Each row's petitioner. A row with an ID number: the person this file already named with it, else the
        county's, else new. A row without: the one this file or the county has with that phone and name, else new.
        A new person with both is known by both from then on, so the result is the same wherever the batches
        fall, in the dry run as in the import."""
        def keys(v):
            id_hash = personal_data.lookup_hash(v["id_number"]) if v["id_number"] else ""
            phone_hash = personal_data.lookup_hash(v["phone"]) if v["phone"] else ""
            return id_hash, phone_hash, ("id", id_hash), ("phone", phone_hash, v["name"])

        wanted = [keys(r.values) for r in rows]
        id_hashes = {w[0] for w in wanted if w[0] and w[2] not in self.people}
        phone_hashes = {w[1] for w in wanted if w[1] and not w[0] and w[3] not in self.people}
        by_id = {p.id_hash: p for p in Petitioner.objects.filter(county=self.county, id_hash__in=id_hashes)}
        by_phone = {}
        for p in (Petitioner.objects.filter(county=self.county, phone_hash__in=phone_hashes).order_by("pk")):
            by_phone.setdefault((p.phone_hash, p.name), p)
        new = []
        for row, (id_hash, phone_hash, id_key, phone_key) in zip(rows, wanted, strict=True):
            v = row.values
            if id_hash:
                known, found = self.people.get(id_key), by_id.get(id_hash)
            elif phone_hash:
                known, found = self.people.get(phone_key), by_phone.get((phone_hash, v["name"]))
            else:
                known = found = None
            person = known or found
            if person is not None:
                if person.name != v["name"]:
                    # (The name on file is not repeated here: the sheet would tell anyone who holds an ID number.)
                    row.errors.append(
                        _("身份证号码与第 %(row)s 行相同，姓名却不同，请核对。") % {"row": person._row}
                        if getattr(person, "_row", None) else _("身份证号码已登记为另一姓名的信访人，请核对姓名。"))
                    row.key = ""
                    continue
                if known is None:
                    if id_hash:
                        self.result.by_id += 1
                    else:
                        self.result.by_phone += 1
                    self.people[id_key if id_hash else phone_key] = person
                row.petitioner = person
                continue
            petitioner = Petitioner(county=self.county, name=v["name"], address=v["address"], region=v["region"]
                                    if v["region"].pk != self.county.pk else None)
            petitioner._row = row.number
            if v["id_number"]:
                petitioner.id_number = personal_data.encrypt(v["id_number"]) if self.write else ""
                petitioner.id_hash = id_hash
                petitioner.id_masked = personal_data.mask_id_number(v["id_number"])
                self.people[id_key] = petitioner
            if v["phone"]:
                petitioner.phone = personal_data.encrypt(v["phone"]) if self.write else ""
                petitioner.phone_hash = phone_hash
                petitioner.phone_masked = personal_data.mask_phone(v["phone"])
                self.people.setdefault(phone_key, petitioner)
            self.result.new_petitioners += 1
            row.petitioner = petitioner
            new.append(petitioner)
        # A row refused just now no longer counts among the good ones (the caller filters on key).
        if self.write and new:
            Petitioner.objects.bulk_create(new, batch_size=BATCH)

    # writing ------------------------------------------------------------------------------------------

    def _number(self, received: datetime) -> str:
        """A number of this import's own while it runs (T<import>-<year>-<n>): the county's counters are taken only
        at the end (``_renumber``), so intake is not kept waiting on them for the whole import."""
        year = timezone.localtime(received).year
        self.per_year[year] += 1
        return f"T{self.imp.pk}-{year}-{self.per_year[year]:07d}"

    def _renumber(self) -> None:
        """The county's numbers for the imported cases, year by year, in one UPDATE each, the counter locked from
        here to the commit only."""
        for year, count in sorted(self.per_year.items()):
            CaseCounter.objects.get_or_create(county=self.county, year=year)
            counter = CaseCounter.objects.select_for_update().get(county=self.county, year=year)
            if counter.last + count > 999_999:
                raise TableUnreadable(_("%(year)s年的事项编号将超过六位，请联系系统管理员。") % {"year": year})
            prefix = f"T{self.imp.pk}-{year}-"
            Case.objects.filter(pk__gte=self.first_pk, number__startswith=prefix).update(number=Concat(
                Value(f"{self.county.code[:6]}-{year}-"),
                LPad(Cast(Cast(Substr("number", len(prefix) + 1), IntegerField()) + Value(counter.last),
                          CharField()), 6, Value("0"))))
            counter.last += count
            counter.save(update_fields=["last"])

    def _collective_at(self, received: datetime) -> int:
        day = timezone.localtime(received).date()
        if day not in self.collective_at:
            self.collective_at[day] = case_settings_for(self.county, day).collective_head_count
        return self.collective_at[day]

    def _rule_set(self, case: Case):
        key = (case.channel, case.upper_source, case.category_id)
        if key not in self.rule_sets:
            self.rule_sets[key] = rule_set_for(case)
        return self.rule_sets[key]

    def _write(self, rows: list[_Row]) -> None:
        cases = []
        for row in rows:
            v = row.values
            status = v["status"]
            satisfaction = v["satisfaction"]
            case = Case(
                number=self._number(v["received_at"]), county=self.county, channel=v["channel"],
                received_at=v["received_at"], status=status, lead_petitioner=row.petitioner,
                head_count=v["head_count"],
                is_collective=v["is_collective"] or v["head_count"] >= self._collective_at(v["received_at"]),
                category=v["category"], summary=v["summary"], demands=v["demands"], region=v["region"],
                is_skip_level=v["is_skip_level"], external_system=SYSTEM, external_id=row.key,
                lead_unit=v["lead_unit"], first_unit=v["lead_unit"], registered_by=self.actor,
                registered_at=v["received_at"], accepted_at=v["accepted_at"],
                assigned_at=v["accepted_at"] if v["lead_unit"] else None, replied_at=v["replied_at"],
                closed_at=v["closed_at"] if status in CLOSED_STATUSES else None, reply_text=v["reply_text"],
                satisfaction=satisfaction, outcome_reason=_("台账未载明理由")
                if status in CLOSED_STATUSES - {CaseStatus.CLOSED} else "",
            )
            case.rule_set = self._rule_set(case)
            cases.append(case)
        Case.objects.bulk_create(cases, batch_size=BATCH)
        if self.first_pk is None:
            self.first_pk = cases[0].pk
        CasePetitioner.objects.bulk_create(
            [CasePetitioner(case=c, petitioner_id=c.lead_petitioner_id, is_lead=True) for c in cases],
            batch_size=BATCH)
        source = self.imp.name
        TimelineEvent.objects.bulk_create([
            TimelineEvent(case=c, actor=self.actor, kind="import", at=self.now, message=(
                _("自台账“%(file)s”第 %(row)s 行导入%(number)s；状态与日期按台账记录，不补计时限。") % {
                    "file": source, "row": row.number, "number": _("（原编号 %(n)s）") % {
                        "n": row.values["source_number"]} if row.values["source_number"] else ""})[:500],
                changes={"status": [None, c.status], "source": row.key})
            for c, row in zip(cases, rows, strict=True)], batch_size=BATCH)
        for c, row in zip(cases, rows, strict=True):
            if row.values["is_repeat"]:
                self.marked_repeats.append((c.pk, c.lead_petitioner_id, c.received_at))
        self.result.imported += len(cases)
        announce_cases_changed([c.pk for c in cases])

    def _link_repeats(self) -> None:
        """A row the ledger marks 重复 repeats the same petitioner's latest earlier case (in the county, this file
        included); with none to repeat it is imported as a first petition, and counted."""
        if not self.marked_repeats:
            return
        petitioner_ids = {p for _c, p, _r in self.marked_repeats}
        history = defaultdict(list)
        for case_id, petitioner_id, received in (Case.objects.filter(lead_petitioner_id__in=petitioner_ids)
                                                 .order_by("received_at", "pk")
                                                 .values_list("pk", "lead_petitioner_id", "received_at")):
            history[petitioner_id].append((received, case_id))
        linked = []
        for case_id, petitioner_id, received in self.marked_repeats:
            earlier = [pk for at, pk in history[petitioner_id] if at < received and pk != case_id]
            if earlier:
                linked.append(Case(pk=case_id, is_repeat=True, repeat_of_id=earlier[-1]))
            else:
                self.result.repeats_unlinked += 1
        Case.objects.bulk_update(linked, ["is_repeat", "repeat_of"], batch_size=BATCH)


def _name_key(text: str) -> str:
    """A name as the mapping and the lookup both key it (the page lists at most this much of a name)."""
    return _normal(text)[:100]
