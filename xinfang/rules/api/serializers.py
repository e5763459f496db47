from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinfang.dates import DATE_VALIDATORS

from ..registry import DECIMAL, INT, KINDS


class RuleFieldSerializer(serializers.Serializer):
    """One setting of a group: what it is and what it may be."""

    name = serializers.CharField(label=_("规则项"))
    label = serializers.CharField(label=_("名称"))
    kind = serializers.ChoiceField(label=_("类型"), choices=KINDS, help_text=_(
        "int：整数；decimal：小数；choice：单选；choices：多选；mapping：逐项填写的数值（键为可选项）；"
        "numbers：数字列表；custom：该组规则特有的结构（见默认值）；text：文字；bool：是否；"
        "records：记录列表，每条记录的各项见 row，以 key_field 所指的项（无则以自动编号 key）为标识，"
        "新增记录不填 key 即由系统编号。"))
    of = serializers.ChoiceField(label=_("逐项数值的类型"), choices=[INT, DECIMAL],
                                 help_text=_("mapping 的每项为整数还是小数。"))
    complete = serializers.BooleanField(label=_("须逐项填写"))
    default = serializers.JSONField(label=_("默认值"), source="default_value")
    required = serializers.BooleanField(label=_("必填"), help_text=_("记录中的一项可否留空。"))
    key_field = serializers.CharField(label=_("记录标识项"),
                                      help_text=_("records：以哪一项为记录的标识；空为自动编号 key。"))
    row = serializers.SerializerMethodField(label=_("记录的各项"))
    min = serializers.FloatField(label=_("最小值"), allow_null=True)
    max = serializers.FloatField(label=_("最大值"), allow_null=True)
    unit = serializers.CharField(label=_("单位"))
    help = serializers.CharField(label=_("说明"))
    choices = serializers.SerializerMethodField(label=_("可选项"))

    @extend_schema_field({"type": "array", "items": {"type": "object"},
                          "description": "records：每条记录的各项，结构同本项。"})
    def get_row(self, field) -> list[dict]:
        return RuleFieldSerializer(field.row, many=True, context=self.context).data

    def get_choices(self, field) -> list[dict]:
        # The county's own options (its categories) for the caller's county (the view's context).
        return [{"value": str(v), "label": str(label)} for v, label in field.options(self.context.get("county_id"))]


class ChangeSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("规则项"))
    label = serializers.CharField(label=_("名称"))
    before = serializers.JSONField(label=_("修改前"))
    after = serializers.JSONField(label=_("修改后"))


class RulesVersionSerializer(serializers.Serializer):
    """A saved version: its values, who saved it, when, why, from which day, and what it changed."""

    version = serializers.IntegerField(label=_("版本"))
    values = serializers.JSONField(label=_("规则值"))
    valid_from = serializers.DateField(label=_("生效日期"))
    reason = serializers.CharField(label=_("修改理由"))
    restored_from = serializers.IntegerField(label=_("恢复自版本"), allow_null=True)
    created_by = serializers.CharField(label=_("修改人"), source="created_by.name", default=None)
    created_at = serializers.DateTimeField(label=_("修改时间"))
    changes = ChangeSerializer(many=True, label=_("较上一版的修改"), required=False)
    withdrawn_at = serializers.DateTimeField(label=_("撤回时间"), allow_null=True)
    withdraw_reason = serializers.CharField(label=_("撤回理由"))


class RulesGroupSerializer(serializers.Serializer):
    """A group of the county's settings as in force on a day (today unless ``on`` is given)."""

    group = serializers.CharField(label=_("规则组"), source="group.key")
    label = serializers.CharField(label=_("名称"), source="group.label")
    version = serializers.IntegerField(label=_("现行版本（0为默认规则）"), source="version.version", default=0)
    valid_from = serializers.DateField(label=_("生效日期"), source="version.valid_from", default=None)
    values = serializers.JSONField(label=_("规则值"))
    fields = RuleFieldSerializer(many=True, label=_("规则项"), source="group.fields")


class RulesSaveSerializer(serializers.Serializer):
    values = serializers.DictField(label=_("要修改的规则值"), child=serializers.JSONField())
    reason = serializers.CharField(label=_("修改理由"), max_length=300)
    valid_from = serializers.DateField(label=_("生效日期"), required=False, allow_null=True,
                                       validators=DATE_VALIDATORS)
    base_version = serializers.IntegerField(label=_("所依据的版本"), required=False, allow_null=True, min_value=0)


class RollbackSerializer(serializers.Serializer):
    """Why an old version is restored, or a pending one withdrawn."""

    reason = serializers.CharField(label=_("理由"), max_length=300)


class InForceQuerySerializer(serializers.Serializer):
    on = serializers.DateField(label=_("施行日期"), required=False, validators=DATE_VALIDATORS)


class DiffQuerySerializer(serializers.Serializer):
    a = serializers.IntegerField(label=_("版本甲"), min_value=1)
    b = serializers.IntegerField(label=_("版本乙"), min_value=1)
