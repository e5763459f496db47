"""API shapes of the working-day calendar."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import CalendarDay, CalendarYear

# Where a day's answer comes from (WorkCalendar.source).
DAY_SOURCES = [
    ("override", _("本县调整")),
    ("national", _("国家法定节假日安排")),
    ("weekends", _("仅按周末计算（该年份未确认）")),
]


class CalendarDaySerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.display_name", read_only=True, default=None)

    class Meta:
        model = CalendarDay
        fields = ["id", "date", "is_workday", "name", "created_by", "created_at"]


class CalendarDayInputSerializer(serializers.Serializer):
    date = serializers.DateField(label=_("日期"))
    is_workday = serializers.BooleanField(label=_("工作日"), help_text=_("true：这一天上班；false：这一天休息。"))
    name = serializers.CharField(label=_("说明"), max_length=50, help_text=_("如：县庆放假、调休上班。"))


class CalendarYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarYear
        fields = ["id", "year", "confirmed_at"]


class CalendarYearInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(label=_("年份"), min_value=2000, max_value=2100)


class CalendarCheckQuerySerializer(serializers.Serializer):
    date = serializers.DateField(label=_("日期"), help_text=_("YYYY-MM-DD"))


class CalendarCheckSerializer(serializers.Serializer):
    date = serializers.DateField(label=_("日期"))
    is_workday = serializers.BooleanField(label=_("工作日"))
    source = serializers.ChoiceField(label=_("依据"), choices=DAY_SOURCES)
