"""API shapes of the unit rankings: a snapshot and its rows (with the arrow against the previous snapshot), the
cadres by points, the county's petition-index rules, and the input of each service behind a write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from deadlines.api.serializers import NamedChoiceField
from xinfang.dates import DATE_VALIDATORS

from ..choices import NoDataRule, PeriodKind, UnitGroup
from ..models import RankingRow, RankingSnapshot

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
    scheme_version = serializers.IntegerField(read_only=True, help_text=_(
        "生成时施行的信访指数规则版本（县级规则组 index，0为默认规则）"))
    scheme_values = serializers.JSONField(read_only=True, help_text=_("生成时所依据的信访指数规则（完整规则值）"))
    no_data_rule = NamedChoiceField(NoDataRule, source="scheme.no_data_rule", read_only=True,
                                    help_text=_("无数据模块的计分方式（生成时的规则版本）"))

    class Meta:
        model = RankingSnapshot
        fields = ["id", "county", "county_name", "kind", "period_start", "period_end", "scheme_version",
                  "scheme_values", "no_data_rule", "generated_at"]
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


