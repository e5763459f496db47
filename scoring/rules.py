"""The scoring app's county settings, versioned through xinfang.rules: the point rules (积分制) and the petition
index's rules (信访指数: module weights, the rank-to-score table, the five colour bands, the main fields). A point
entry records the version of the point rules it was computed with; a ranking snapshot keeps the index rules it was
computed with."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cases.choices import UpperSource
from cases.rules import category_options
from xinfang.rules.registry import (
    CHOICE,
    CHOICES,
    CUSTOM,
    DECIMAL,
    MAPPING,
    NUMBERS,
    Field,
    Group,
    plain_number,
    register,
)

from .choices import BandMode, Module, NoDataRule, PointEvent

POINTS, INDEX = "points", "index"
MAX_BANDS = 10
COLOUR = re.compile(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?")


def _difficulties(county_id=None):
    return [("backlog", _("信访积案")), ("collective", _("集体访"))]


POINT_RULES = register(Group(
    key=POINTS, label=gettext_lazy("积分规则"), order=40, owner="scoring",
    help=gettext_lazy("每项事件的基础分乘以类别、难度和交办层级系数（四舍五入，扣分不乘系数）；每条积分记录注明所依据的版本。"),
    fields=(
        Field("points", gettext_lazy("基础分"), {
            PointEvent.CASE_RESOLVED.value: 2, PointEvent.LATE_CLOSURE.value: -2, PointEvent.BACKLOG_RESOLVED.value: 10,
            PointEvent.RETURN_VISIT.value: 1, PointEvent.RECEPTION.value: 1, PointEvent.RELAPSE.value: -5,
            PointEvent.RED_CARD.value: -1},
              kind=MAPPING, of="int", complete=True, min=-1000, max=1000, unit=pgettext_lazy("unit", "分"),
              choices=lambda county_id: PointEvent.choices, help=gettext_lazy("扣分填负数。")),
        Field("category_factors", gettext_lazy("类别系数"), {}, kind=MAPPING, of=DECIMAL, min=0, max=10,
              choices=lambda county_id: category_options(county_id, top_level=True),
              help=gettext_lazy("按信访事项的一级类别；不填为1。")),
        Field("difficulty_factors", gettext_lazy("难度系数"), {"backlog": 1.5, "collective": 1.2}, kind=MAPPING,
              of=DECIMAL, min=0, max=10, choices=_difficulties, help=gettext_lazy("不填为1。")),
        Field("source_factors", gettext_lazy("交办层级系数"),
              {UpperSource.CENTRAL.value: 2.0, UpperSource.PROVINCIAL.value: 1.5, UpperSource.CITY.value: 1.2},
              kind=MAPPING, of=DECIMAL, min=0, max=10, choices=lambda county_id: UpperSource.choices,
              help=gettext_lazy("上级交办的信访事项；不填为1。")),
    ),
))


def threshold(band: dict):
    """A band's threshold, whichever key holds it (a form's ``threshold``, a stored ``share`` or ``min_score``)."""
    return next((band[k] for k in ("threshold", "share", "min_score") if band.get(k) is not None), None)


def _clean_bands(value) -> list[dict]:
    """Colour bands, best first: a name, a colour (#2e7d32) and a threshold (a share of units or a minimum index,
    as the band mode says, brought into that shape by ``_prepare``)."""
    if not isinstance(value, list | tuple) or not 1 <= len(value) <= MAX_BANDS:
        raise ValueError(_("须有1至%(n)s个色档。") % {"n": MAX_BANDS})
    bands = []
    for band in value:
        limit = threshold(band) if isinstance(band, dict) else None
        name, colour = (band.get("name"), band.get("colour")) if isinstance(band, dict) else (None, None)
        if not isinstance(name, str) or not name.strip() or len(name) > 10 \
                or not isinstance(colour, str) or not COLOUR.fullmatch(colour):
            raise ValueError(_("每个色档须有名称（10字以内）和#开头的十六进制颜色，如#2e7d32。"))
        try:
            number = Decimal(str(limit))
        except ArithmeticError:
            number = None
        if isinstance(limit, bool) or number is None or not number.is_finite() or not 0 <= number <= 1000:
            raise ValueError(_("每个色档须有0至1000之间的比例或分数线。"))
        bands.append({"name": name.strip(), "colour": colour.lower(), "threshold": plain_number(number)})
    return bands


def _show_bands(bands) -> str:
    parts = []
    for band in bands or []:
        if "min_score" in band:
            parts.append(_("%(name)s ≥%(n)s分") % {"name": band["name"], "n": band["min_score"]})
        else:
            parts.append(f"{band['name']} {threshold(band)}%")
    return "、".join(parts) or "—"


def _prepare(values: dict) -> dict:
    """Each band's threshold under the band mode's own key: ``share`` (% of units, by rank) or ``min_score``."""
    key = "min_score" if values["band_mode"] == BandMode.SCORE else "share"
    bands = [{"name": b["name"], "colour": b["colour"], key: threshold(b)} for b in values["bands"]]
    return {**values, "bands": bands}


def _check(values: dict) -> dict:
    errors = {}
    if not sum(Decimal(str(w)) for w in values["weights"].values()):
        errors["weights"] = _("六个模块的权重不能全为0。")
    if values["band_mode"] == BandMode.SHARE and sum(Decimal(str(b["share"])) for b in values["bands"]) != 100:
        errors["bands"] = _("按比例分色时，各色档比例之和须为100。")
    return errors


INDEX_RULES = register(Group(
    key=INDEX, label=gettext_lazy("信访指数规则"), order=50, owner="scoring", check=_check, prepare=_prepare,
    # The rules behind the ranking are public to everyone who reads the ranking.
    view_permission="scoring.view_rankingsnapshot",
    help=gettext_lazy("各模块按排名赋分，乘以权重合成信访指数，再按色档着色；已生成的排名保留生成时的规则。"),
    fields=(
        Field("weights", gettext_lazy("模块权重"), {"first": 20, "repeat": 15, "backlog": 20, "main_fields": 15,
                                                    "skip_level": 15, "satisfaction": 15},
              kind=MAPPING, of=DECIMAL, complete=True, min=0, max=1000, choices=lambda county_id: Module.choices),
        Field("rank_scores", gettext_lazy("排名赋分表"), [100 - 2 * i for i in range(21)], kind=NUMBERS, min=0,
              max=1000, max_items=500,
              help=gettext_lazy("按名次依次填写得分，用逗号分隔，如“100,98,96”；超出表长的名次得最后一项的分数。")),
        Field("band_mode", gettext_lazy("分色方式"), BandMode.SHARE.value, kind=CHOICE,
              choices=lambda county_id: BandMode.choices),
        Field("bands", gettext_lazy("五色分档"), [  # best first: the 东阳 five colours
            {"name": "绿", "colour": "#2e7d32", "share": 20}, {"name": "蓝", "colour": "#1565c0", "share": 20},
            {"name": "黄", "colour": "#f9a825", "share": 20}, {"name": "橙", "colour": "#ef6c00", "share": 20},
            {"name": "红", "colour": "#c62828", "share": 20}],
              kind=CUSTOM, clean=_clean_bands, show=_show_bands,
              formfield="scoring.bands",
              help=gettext_lazy("从好到差排列。按排名比例：填各色档所占单位的百分比（合计100）；按分数线：填该色档的最低指数。")),
        Field("main_categories", gettext_lazy("三大领域类别"), [], kind=CHOICES, choices=category_options,
              help=gettext_lazy("“三大领域信访”模块统计的类别（含其下级类别）。")),
        Field("no_data_rule", gettext_lazy("无数据模块"), NoDataRule.EXCLUDE.value, kind=CHOICE,
              choices=lambda county_id: NoDataRule.choices,
              help=gettext_lazy("比率类模块本期无可统计的事项（如无初信初访、无满意度评价）时显示“无数据”；各模块均无数据的单位不排名、不着色。")),
    ),
))
