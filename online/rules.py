"""The public pages' county settings (xinfang.rules, versioned): what the petitioner is shown, the limits that keep
scripts out, the statutory window for a review request."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.rules.registry import BOOL, TEXT, Field, Group, register

PUBLIC_RULES = register(Group(
    key="online", label=_("网上信访规则"), order=15, owner="online",
    help=_("信访人网上提交、查询、评价和申请复查的县级规则。"),
    fields=(
        Field("show_officer_names", _("向信访人显示经办人姓名"), False, kind=BOOL,
              help=_("关闭时，查询页只显示办理单位，不显示工作人员姓名。")),
        Field("notice_prefix", _("文号机关代字"), "", kind=TEXT, required=False, max=10,
              help=_("告知书文号的机关代字，如“怀信”（文号：怀信受字〔2026〕12号）；不填则用县名的第一个字加“信”。")),
        Field("review_window_days", _("申请复查期限"), 30, min=1, max=90, unit=pgettext_lazy("unit", "天"),
              help=_("自收到处理意见之日起，信访人可在此期限内申请复查（《信访工作条例》：30日）。")),
        Field("codes_per_phone_per_hour", _("每个手机号每小时验证码条数"), 5, min=1, max=50,
              unit=pgettext_lazy("unit", "条")),
        Field("lookups_per_ip_per_hour", _("每个IP每小时查询次数"), 30, min=1, max=1000,
              unit=pgettext_lazy("unit", "次")),
        Field("wrong_codes_before_lockout", _("连续输错几次后锁定"), 5, min=1, max=20,
              unit=pgettext_lazy("unit", "次")),
        Field("challenges_per_ip_per_hour", _("每个IP每小时验证问题个数"), 120, min=10, max=10000,
              unit=pgettext_lazy("unit", "个"), help=_("每打开一次表单出一道验证问题。")),
        Field("lockout_minutes", _("锁定时长"), 30, min=1, max=1440, unit=pgettext_lazy("unit", "分钟")),
        # A PDF takes the server a second or more to make: a script asking for them again and again is held here.
        Field("pdfs_per_petition_per_hour", _("每件信访每小时生成PDF份数"), 10, min=1, max=100,
              unit=pgettext_lazy("unit", "份"), help=_("信访人下载告知书、处理意见书PDF的次数上限（打印页面不限）。")),
        Field("pdfs_per_ip_per_hour", _("每个IP每小时生成PDF份数"), 30, min=1, max=1000,
              unit=pgettext_lazy("unit", "份")),
    ),
))
