"""The reminders' county settings, versioned through xinfang.rules: when notifications are e-mailed (on the county's
own working days, between these hours). The deadlines themselves are the county's deadline rule sets."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.rules.registry import Field, Group, register


def _check(values: dict) -> dict:
    if values["notify_from_hour"] >= values["notify_until_hour"]:
        return {"notify_until_hour": _("提醒截止时刻应晚于起始时刻。")}
    return {}


NOTIFY_RULES = register(Group(
    key="notifications", label=_("提醒发送时段"), order=40, owner="deadlines", check=_check,
    help=_("邮件提醒只在本县工作日历的工作日、以下时段内发送，不在深夜或节假日打扰。"),
    fields=(
        Field("notify_from_hour", _("起始时刻"), 8, min=0, max=23, unit=pgettext_lazy("unit", "时")),
        Field("notify_until_hour", _("截止时刻"), 18, min=1, max=24, unit=pgettext_lazy("unit", "时")),
    ),
))
