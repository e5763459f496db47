"""The county's password and login rules, versioned through xinfang.rules and kept by the security administrator
(三员分立: ``accounts.manage_security``, not the county's business rule keepers)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.org.choices import ADMINISTRATORS, Role
from xinfang.rules.registry import BOOL, CHOICES, Field, Group, register

MANAGE = "accounts.manage_security"


def _roles(county_id) -> list[tuple[str, str]]:
    return list(Role.choices)


SECURITY_RULES = register(Group(
    key="security", label=_("密码与登录规则"), order=90, owner="accounts",
    edit_permission=MANAGE, view_permission=MANAGE,
    help=_("等保三级的身份鉴别要求：口令复杂度与更换、双因素认证、登录会话的时限。由安全管理员维护。"),
    fields=(
        Field("password_min_length", _("密码最短长度"), 10, min=8, max=64, unit=pgettext_lazy("unit", "位")),
        Field("password_classes", _("密码须含字符种类"), 3, min=1, max=4, unit=pgettext_lazy("unit", "种"),
              help=_("大写字母、小写字母、数字、符号四种中至少几种。")),
        Field("password_history", _("不得重复使用最近密码数"), 5, min=0, max=24, unit=pgettext_lazy("unit", "个"),
              help=_("0 表示不限制。")),
        Field("password_max_age_days", _("密码有效期"), 90, min=0, max=365, unit=pgettext_lazy("unit", "天"),
              help=_("到期后登录须先修改密码；0 表示不过期。")),
        Field("change_on_first_login", _("首次登录须修改密码"), True, kind=BOOL,
              help=_("管理员设置或重置的密码，本人登录后须先修改。")),
        Field("two_factor_roles", _("须双因素认证的角色"), list(ADMINISTRATORS), kind=CHOICES, choices=_roles,
              help=_("持有所选任一角色的账号，登录时除密码外还须输入动态验证码（TOTP）或恢复码。")),
        Field("two_factor_sms", _("允许短信验证码作为备用"), True, kind=BOOL,
              help=_("手机验证器不在身边时，可向本人登记的手机发送一次性验证码。")),
        Field("idle_timeout_minutes", _("无操作自动退出"), 15, min=5, max=240, unit=pgettext_lazy("unit", "分钟"),
              help=_("到时前一分钟提醒。")),
        Field("session_lifetime_hours", _("登录最长有效"), 8, min=1, max=24, unit=pgettext_lazy("unit", "小时"),
              help=_("无论是否在操作，登录满此时长须重新登录。")),
        Field("single_session", _("同一账号只允许一处登录"), False, kind=BOOL,
              help=_("新的登录使此前的登录失效。")),
        Field("api_token_max_days", _("接口令牌最长有效期"), 365, min=1, max=1095, unit=pgettext_lazy("unit", "天")),
    ),
))
