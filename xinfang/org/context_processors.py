"""The navigation of the base layout, which depends on the user's roles and permissions."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# Order is the order in the bar. Later apps add their pages here.
NAV_ITEMS = [
    NavItem(_("工作台"), "home"),
    NavItem(_("我的待办"), "cases:mine", "cases.view_case"),
    NavItem(_("信访登记"), "cases:intake", "cases.register_case"),
    NavItem(_("信访事项"), "cases:list", "cases.view_case"),
    NavItem(_("红黄牌"), "deadlines:cards", "deadlines.view_card"),
    NavItem(_("超期督办"), "deadlines:board", "deadlines.view_deadline_board"),
    NavItem(_("督办文书"), "deadlines:supervisions", "deadlines.issue_supervision"),
    NavItem(_("行政区划"), "org:region_list", "org.view_region"),
    NavItem(_("单位"), "org:unit_list", "org.view_unit"),
    NavItem(_("用户"), "org:user_list", "org.view_jurisdiction"),
    NavItem(_("接口客户端"), "org:api_client_list", "org.view_apiclient"),
    NavItem(_("办理规则"), "cases:county_rules", "cases.change_category"),
    NavItem(_("时限规则"), "deadlines:rules", "deadlines.view_ruleset"),
    NavItem(_("工作日历"), "deadlines:calendar", "workdays.view_calendarday"),
    NavItem(_("审计记录"), "org:audit_list", "org.view_auditevent"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [item for item in NAV_ITEMS if item.permission is None or user.has_perm(item.permission)]
    role_labels = [Role(code).label for code in sorted(user.role_codes()) if code in Role.values]
    return {"nav_items": items, "role_labels": role_labels, "role_codes": user.role_codes()}
