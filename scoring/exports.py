"""The bulletin as an Excel workbook (one sheet for the townships, one for the departments), and the way a module's
value reads on the page, in the workbook and in the API: rates with %, counts as whole numbers."""

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .choices import Module, UnitGroup

RATE_MODULES = {Module.FIRST, Module.BACKLOG, Module.SATISFACTION}


def module_text(module: str, cell: dict | None) -> str:
    """98.40% for a rate, 3 for a count; — when the snapshot has no such module."""
    if not cell:
        return "—"
    value = Decimal(str(cell["value"]))
    return f"{value}%" if module in RATE_MODULES else str(int(value))


def change_text(change: int | None) -> str:
    """↑2 (rose two places), ↓1, — (same place, or not ranked last time)."""
    if not change:
        return "—"
    return f"↑{change}" if change > 0 else f"↓{-change}"


def write_snapshot(snapshot, rows, changes: dict, out) -> int:
    """The snapshot's rows (``selectors.snapshot_rows``) to ``out`` as .xlsx; returns the number of rows."""
    workbook = Workbook(write_only=True)
    header = [_("排名"), _("升降"), _("单位")]
    for _module, label in Module.choices:
        header += [str(label), _("%(module)s得分") % {"module": label}]
    header += [_("信访指数"), _("颜色")]
    sheets = {group: workbook.create_sheet(title=str(label)) for group, label in UnitGroup.choices}
    title = _("%(county)s%(kind)s（%(start)s至%(end)s）") % {
        "county": snapshot.county.name, "kind": snapshot.get_kind_display(),
        "start": snapshot.period_start.isoformat(), "end": snapshot.period_end.isoformat()}
    for sheet in sheets.values():
        sheet.append([title])
        sheet.append(header)
    n = 0
    for row in rows:
        line = [row.rank, change_text(changes.get(row.unit_id)), row.name]
        for module in Module.values:
            score = row.scores.get(module)
            line += [module_text(module, row.values.get(module)), float(score) if score is not None else None]
        line += [float(row.index), row.colour_name]
        sheets[row.group].append(line)
        n += 1
    workbook.save(out)
    return n
