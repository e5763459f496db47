"""API shapes of the unit rankings: a snapshot and its rows (with the arrow against the previous snapshot), the
cadres by points, the county's petition-index rules, and the input of each service behind a write."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import ScopedPrimaryKeyField
from cases.models import Category
from deadlines.api.serializers import NamedChoiceField
from xinfang.dates import DATE_VALIDATORS

from ..choices import BandMode, NoDataRule, PeriodKind, UnitGroup
from ..forms import COLOUR
from ..models import IndicatorScheme, RankingRow, RankingSnapshot

# Snapshots --------------------------------------------------------------------------------------------------------


class RankingRowSerializer(serializers.ModelSerializer):
    """One unit of a snapshot, as the bulletin, the map and the Excel sheet show it. ``values`` holds each module's
    {value, numerator, denominator, no_data} (rates in %, counts as whole numbers; a rate with nothing to count has
    value null and no_data true), ``ranks`` and ``scores`` each module's rank and score (null: 无数据, not ranked, and
    left out of the index unless the scheme scores it as full marks). Equal indices share the rank and the colour.
    ``no_data`` true: nothing to count in any module, so index, rank and band are null (grey, listed last).
    ``change`` is how many places the unit rose (positive) or fell since the previous snapshot of the same kind, null
    when it was not ranked then."""

    group = NamedChoiceField(UnitGroup, read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True, default=None)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None)
    change = serializers.SerializerMethodField(help_text=_("与上期相比上升（正）或下降（负）的名次"))
    change_yoy = serializers.SerializerMethodField(help_text=_("与上年同期相比上升（正）或下降（负）的名次"))
    no_data = serializers.BooleanField(read_only=True, help_text=_("各模块均无数据：不排名、不着色，指数为空"))

    class Meta:
        model = RankingRow
        fields = ["id", "group", "unit", "unit_name", "region", "region_name", "name", "rank", "change", "change_yoy",
                  "index", "no_data", "band", "colour_name", "colour", "values", "ranks", "scores"]
        read_only_fields = fields

    def get_change(self, row) -> int | None:
        return self.context.get("changes", {}).get(row.unit_id)

    def get_change_yoy(self, row) -> int | None:
        return self.context.get("changes_yoy", {}).get(row.unit_id)


class RankingSnapshotSerializer(serializers.ModelSerializer):
    """A ranking of the county's units for one period (日通报, 周亮晒, 月排名, 季考核); it never changes once made."""

    kind = NamedChoiceField(PeriodKind, read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    scheme_version = serializers.IntegerField(source="scheme.version", read_only=True)
    no_data_rule = NamedChoiceField(NoDataRule, source="scheme.no_data_rule", read_only=True,
                                    help_text=_("无数据模块的计分方式（生成时的规则版本）"))

    class Meta:
        model = RankingSnapshot
        fields = ["id", "county", "county_name", "kind", "period_start", "period_end", "scheme", "scheme_version",
                  "no_data_rule", "generated_at"]
        read_only_fields = fields


class RankingSnapshotDetailSerializer(RankingSnapshotSerializer):
    """A snapshot with its rows: townships, then departments, each by rank."""

    previous = serializers.IntegerField(source="previous_id", read_only=True, allow_null=True,
                                        help_text=_("上一期同类快照（升降的比较对象）"))
    rows = RankingRowSerializer(source="row_list", many=True, read_only=True)

    class Meta(RankingSnapshotSerializer.Meta):
        fields = [*RankingSnapshotSerializer.Meta.fields, "previous", "rows"]
        read_only_fields = fields


class RowsQuerySerializer(serializers.Serializer):
    group = NamedChoiceField(UnitGroup, label=_("类别"), required=False, help_text=_("不填为乡镇和部门。"))


class GenerateSerializer(serializers.Serializer):
    kind = NamedChoiceField(PeriodKind, label=_("类型"))
    day = serializers.DateField(label=_("所在日期"), required=False, allow_null=True, default=None,
                                validators=DATE_VALIDATORS, help_text=_("生成这一天所在周期的排名；不填为今天。"))


# Cadres ------------------------------------------------------------------------------------------------------------

class CadreRankingQuerySerializer(serializers.Serializer):
    start = serializers.DateField(label=_("起始日期"), required=False, help_text=_("不填为今年1月1日。"),
                                  validators=DATE_VALIDATORS)
    end = serializers.DateField(label=_("截止日期"), required=False, help_text=_("不填为今天。"),
                                validators=DATE_VALIDATORS)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("截止日期不能早于起始日期。")]})
        return attrs


class CadreRankingSerializer(serializers.Serializer):
    """A cadre and their points in the period (``selectors.cadre_ranking``)."""

    user = serializers.IntegerField(source="user_id", label=_("干部"))
    name = serializers.CharField(source="user__name", label=_("姓名"))
    username = serializers.CharField(source="user__username", label=_("用户名"))
    unit_name = serializers.CharField(source="user__unit__name", label=_("单位"), allow_null=True)
    points = serializers.IntegerField(label=_("积分"))
    entries = serializers.IntegerField(label=_("记分次数"))


# The petition-index rules ---------------------------------------------------------------------------------------------

class BandSerializer(serializers.Serializer):
    """A colour band, best first: ``share`` (% of units, by rank) or ``min_score`` (the index at least this), as the
    scheme's band mode says."""

    name = serializers.CharField(label=_("名称"), max_length=10)
    colour = serializers.CharField(label=_("颜色"), max_length=9, validators=[COLOUR])
    share = serializers.FloatField(label=_("比例（%）"), required=False, min_value=0, max_value=100)
    min_score = serializers.FloatField(label=_("分数线"), required=False, min_value=0)

    def to_representation(self, instance):
        return {k: v for k, v in super().to_representation(instance).items() if v is not None}


@extend_schema_field({"type": "object", "additionalProperties": {"type": "number"},
                      "example": {"first": 20, "repeat": 15, "backlog": 20, "main_fields": 15, "skip_level": 15,
                                  "satisfaction": 15}})
class WeightsField(serializers.DictField):
    """{module: weight} for the six modules (first, repeat, backlog, main_fields, skip_level, satisfaction)."""

    child = serializers.FloatField(min_value=0)


def _plain(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


class IndicatorSchemeSerializer(serializers.ModelSerializer):
    """The county's petition-index rules, as a version (GET), and the new rules (PUT: all of them; PATCH: those
    given, the others kept) published as the next version by ``services.scheme_update``."""

    weights = WeightsField(label=_("模块权重"))
    rank_scores = serializers.ListField(label=_("排名赋分表"), min_length=1, max_length=500,
                                        child=serializers.FloatField(min_value=0, max_value=1000),
                                        help_text=_("第1名、第2名……的得分；超出表长的名次得最后一项的分数。"))
    band_mode = NamedChoiceField(BandMode, label=_("分色方式"))
    bands = BandSerializer(label=_("五色分档"), many=True)
    no_data_rule = NamedChoiceField(NoDataRule, label=_("无数据模块"), required=False,
                                    help_text=_("exclude：不计入指数，其余权重按比例折算（默认）；full_marks：按满分计。"
                                                "不填则沿用现行版本。"))
    main_categories = ScopedPrimaryKeyField(Category, label=_("三大领域类别"), many=True, required=False)

    class Meta:
        model = IndicatorScheme
        fields = ["id", "county", "version", "is_current", "weights", "rank_scores", "band_mode", "bands",
                  "no_data_rule", "main_categories", "created_at"]
        read_only_fields = ["id", "county", "version", "is_current", "created_at"]

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        # Stored as the page stores them: 20, not 20.0.
        if "weights" in attrs:
            attrs["weights"] = {k: _plain(v) for k, v in attrs["weights"].items()}
        if "rank_scores" in attrs:
            attrs["rank_scores"] = [_plain(v) for v in attrs["rank_scores"]]
        if "bands" in attrs:
            attrs["bands"] = [{k: _plain(v) for k, v in band.items()} for band in attrs["bands"]]
        return attrs
