"""The ledger (台账) export: the filtered case list as an Excel sheet with the columns offices use.

Rows are written with openpyxl's write-only workbook from a chunked iterator, so memory stays flat at 100,000
rows; the caller streams the finished file."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook


def _yes_no(flag: bool) -> str:
    """是 or 否, never a blank a reader could take for "not recorded"."""
    return str(_("是")) if flag else str(_("否"))


COLUMNS = [
    (_("编号"), lambda c: c.number),
    (_("收到时间"), lambda c: timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M")),
    (_("信访形式"), lambda c: c.get_channel_display()),
    (_("信访人"), lambda c: c.lead_petitioner.name),
    (_("人数"), lambda c: c.head_count),
    (_("问题属地"), lambda c: c.region.name),
    (_("类别"), lambda c: str(c.category)),
    (_("诉求摘要"), lambda c: c.summary),
    (_("主办单位"), lambda c: c.lead_unit.name if c.lead_unit_id else ""),
    (_("状态"), lambda c: c.get_status_display()),
    (_("重复信访"), lambda c: _yes_no(c.is_repeat)),
    (_("集体访"), lambda c: _yes_no(c.is_collective)),
    (_("越级访"), lambda c: _yes_no(c.is_skip_level)),
    (_("满意度"), lambda c: c.get_satisfaction_display()),
    (_("办结时间"), lambda c: timezone.localtime(c.closed_at).strftime("%Y-%m-%d") if c.closed_at else ""),
]


def write_case_ledger(queryset, out) -> int:
    """Write ``queryset`` to ``out`` as .xlsx; returns the number of rows. Personal data is not exported."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("信访台账")))
    sheet.append([str(title) for title, _value in COLUMNS])
    rows = 0
    for case in queryset.iterator(chunk_size=2000):
        sheet.append([value(case) for _title, value in COLUMNS])
        rows += 1
    workbook.save(out)
    return rows
