"""The bulletin as an Excel workbook (one sheet for the townships, one for the departments), and the way a stored
ranking row reads on the page, on the map, in the workbook (the API gives the same stored values raw): rates with %,
counts as whole numbers, 无数据 where there was nothing to count."""

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .choices import Module, NoDataRule, UnitGroup

RATE_MODULES = {Module.FIRST, Module.BACKLOG, Module.SATISFACTION}


def no_data_text() -> str:
    return _("无数据")


def module_text(module: str, cell: dict | None) -> str:
    """98.40% for a rate, 3 for a count; 无数据 for a rate with nothing to count; — when the snapshot has no such
    module."""
    if not cell:
        return "—"
    if cell.get("no_data") or cell.get("value") is None:
        return no_data_text()
    value = Decimal(str(cell["value"]))
    return f"{value}%" if module in RATE_MODULES else str(int(value))


def rank_text(row) -> str:
    """The overall rank, or — for a unit without an index (not ranked)."""
    return "—" if row.rank is None else str(row.rank)


def index_text(row) -> str:
    """The index as stored (two decimals), or 无数据."""
    return no_data_text() if row.index is None else str(row.index)


def colour_text(row) -> str:
    """The band's name as published, or 无数据 (grey) in the reader's language."""
    return no_data_text() if row.index is None else row.colour_name


def change_text(change: int | None) -> str:
    """↑2 (rose two places), ↓1, — (same place, or not ranked last time)."""
    if not change:
        return "—"
    return f"↑{change}" if change > 0 else f"↓{-change}"


def rule_notes(scheme) -> list[str]:
    """The footnote of the bulletin, the map and the Excel sheet: how ties and modules without data are treated."""
    if scheme.no_data_rule == NoDataRule.FULL_MARKS:
        no_data = _("某模块本期无可统计的事项（如无初信初访、无满意度评价）时显示“无数据”，按本县规则计满分。")
    else:
        no_data = _("某模块本期无可统计的事项（如无初信初访、无满意度评价）时显示“无数据”，不计入指数，"
                    "其余模块的权重按比例折算。")
    return [
        _("并列：信访指数（保留两位小数）相同的单位名次相同（如1、1、3）、颜色相同；按比例分色时，"
          "跨越色档分界的并列单位整体归入较好的色档，其后的单位按自身名次分色，中间的色档可能空缺。"),
        no_data,
        _("各模块均无数据的单位不参与排名和分色，显示为灰色，列于最后。"),
    ]


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
        # The stored rank, index and colour, as the bulletin shows them: a number where there is one, else its text.
        line = [row.rank if row.rank is not None else rank_text(row), change_text(changes.get(row.unit_id)),
                row.name]
        for module in Module.values:
            score = row.scores.get(module)
            line += [module_text(module, row.values.get(module)), float(score) if score is not None else "—"]
        line += [float(row.index) if row.index is not None else index_text(row), colour_text(row)]
        sheets[row.group].append(line)
        n += 1
    for sheet in sheets.values():
        sheet.append([])
        for note in rule_notes(snapshot.scheme):
            sheet.append([note])
    workbook.save(out)
    return n
