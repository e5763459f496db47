"""Serializers of the dashboard API: the query, and the shape of the answer (for the OpenAPI schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MONTH = r"^[0-9]{4}-[0-9]{1,2}$"


class DashboardQuerySerializer(serializers.Serializer):
    region = serializers.RegexField(r"^[0-9]{12}$", required=False, help_text="12-digit division code (default: yours)",
                                    error_messages={"invalid": _("区划代码应为12位数字。")})
    start = serializers.RegexField(MONTH, required=False, help_text="first month, yyyy-mm (default: January)",
                                   error_messages={"invalid": _("月份格式有误，请使用“年-月”，如 2026-03。")})
    end = serializers.RegexField(MONTH, required=False, help_text="last month, yyyy-mm (default: this month)",
                                 error_messages={"invalid": _("月份格式有误，请使用“年-月”，如 2026-03。")})


class ChannelRateSerializer(serializers.Serializer):
    channel = serializers.CharField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False)
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    numerator_cases = serializers.CharField()
    denominator_cases = serializers.CharField()


class KpiSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    value = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False,
                                     help_text="per cent, null when the denominator is 0")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    previous = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False)
    year_ago = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False)
    mom = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, coerce_to_string=False,
                                   help_text="环比, in percentage points; null where period.has_previous is false (a "
                                             "year, the year so far, or twelve months or more)")
    yoy = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True, coerce_to_string=False,
                                   help_text="同比, in percentage points")
    numerator_cases = serializers.CharField(help_text="query string for /api/v1/cases/ (or the /cases/ page)")
    denominator_cases = serializers.CharField()
    channels = ChannelRateSerializer(many=True)


class FreshnessSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(allow_null=True, help_text="the oldest rollup in the answer")
    newest = serializers.DateTimeField(allow_null=True)
    stale_months = serializers.IntegerField(help_text="county-months changed since, being recomputed")
    stale_since = serializers.DateTimeField(allow_null=True)


class KpisAnswerSerializer(serializers.Serializer):
    region = serializers.DictField()
    period = serializers.DictField(help_text="start, end, last_day, label, kind (month, quarter, year or range), "
                                             "has_previous (whether 环比 applies), previous (its label or null), "
                                             "year_ago (同比's label), to_date (the period ends with this month)")
    kpis = KpiSerializer(many=True)
    freshness = FreshnessSerializer()


class DashboardSerializer(KpisAnswerSerializer):
    counts = serializers.ListField(child=serializers.DictField())
    channels = serializers.ListField(child=serializers.DictField())
    trend = serializers.DictField()
    regions = serializers.ListField(child=serializers.DictField())
    categories = serializers.ListField(child=serializers.DictField())
    units = serializers.ListField(child=serializers.DictField())
    series = serializers.DictField(help_text="monthly counts (over trend.months) of the largest categories, regions "
                                             "and units")
    cards = serializers.DictField()
    backlog = serializers.DictField()
    receptions = serializers.DictField()
    five_colour = serializers.DictField(allow_null=True)
