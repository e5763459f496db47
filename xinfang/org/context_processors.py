"""The navigation of the base layout, which depends on the user's roles and permissions."""

import functools
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    group: str = ""  # items of one group share a dropdown in the bar

    @property
    def url(self) -> str:
        return _url(self.url_name)


@functools.cache
def _url(name: str) -> str:
    """The bar's links never change while the process runs (no language prefix in the URLs): reverse each once."""
    return reverse(name)


# Order is the order in the bar. Later apps add their pages here.
NAV_ITEMS = [
    NavItem(_("工作台"), "home"),
    NavItem(_("驾驶舱"), "dashboards:index", "dashboards.view_dashboard"),
    NavItem(_("我的待办"), "cases:mine", "cases.view_case"),
    NavItem(_("信访登记"), "cases:intake", "cases.register_case"),
    NavItem(_("网上信访"), "online:queue", "online.view_submission"),
    NavItem(_("信访事项"), "cases:list", "cases.view_case"),
    NavItem(_("红黄牌"), "deadlines:cards", "deadlines.view_card", _("督办")),
    NavItem(_("超期督办看板"), "deadlines:board", "deadlines.view_deadline_board", _("督办")),
    NavItem(_("督办文书"), "deadlines:supervisions", "deadlines.issue_supervision", _("督办")),
    NavItem(_("接访日程"), "visits:schedule", "visits.view_receptionslot", _("接访走访")),
    NavItem(_("领导接访"), "visits:reception_list", "visits.view_reception", _("接访走访")),
    NavItem(_("下访走访"), "visits:field_list", "visits.view_fieldvisit", _("接访走访")),
    NavItem(_("回访"), "visits:return_visit_list", "visits.view_returnvisit", _("接访走访")),
    NavItem(_("会议"), "visits:meeting_list", "visits.view_meeting", _("接访走访")),
    NavItem(_("工作制度落实"), "visits:compliance", "visits.view_compliance", _("接访走访")),
    NavItem(_("接访走访统计"), "visits:stats", "visits.view_visit_stats", _("接访走访")),
    NavItem(_("积案看板"), "dossiers:board", "dossiers.view_dossier", _("积案")),
    NavItem(_("我包案的事项"), "dossiers:mine", "dossiers.designate_backlog", _("积案")),
    NavItem(_("揭榜挂帅"), "dossiers:listings", "dossiers.view_listing", _("积案")),
    NavItem(_("排名快照"), "scoring:rankings", "scoring.view_rankingsnapshot", _("考核")),
    NavItem(_("五色图"), "scoring:map", "scoring.view_rankingsnapshot", _("考核")),
    NavItem(_("干部积分排行"), "scoring:cadres", "scoring.view_pointentry", _("考核")),
    NavItem(_("行政区划"), "org:region_list", "org.view_region", _("组织")),
    NavItem(_("单位"), "org:unit_list", "org.view_unit", _("组织")),
    NavItem(_("用户"), "org:user_list", "org.view_jurisdiction", _("组织")),
    NavItem(_("接口客户端"), "org:api_client_list", "org.view_apiclient", _("设置")),
    NavItem(_("事件订阅"), "exchange:subscriber_list", "exchange.view_subscriber", _("设置")),
    NavItem(_("短信与邮件"), "exchange:message_list", "exchange.view_message", _("设置")),
    NavItem(_("台账导入"), "exchange:import_list", "exchange.view_ledgerimport", _("设置")),
    NavItem(_("办理规则"), "cases:county_rules", "cases.change_category", _("设置")),
    NavItem(_("时限规则"), "deadlines:rules", "deadlines.view_ruleset", _("设置")),
    NavItem(_("工作日历"), "deadlines:calendar", "workdays.view_calendarday", _("设置")),
    NavItem(_("接访日程规则"), "visits:schedule_rules", "visits.manage_schedule", _("设置")),
    NavItem(_("县级规则"), "rules:index", "rules.view_rulesversion", _("设置")),
    NavItem(_("密码与登录规则"), "accounts:security_rules", "accounts.manage_security", _("设置")),
    NavItem(_("审计记录"), "org:audit_list", "org.view_auditevent", _("设置")),
]


@dataclass
class NavGroup:
    label: str
    items: list


def _grouped(items: list[NavItem]) -> list:
    """Items in bar order, those of a group gathered into one NavGroup where the group first appears."""
    entries, groups = [], {}
    for item in items:
        if not item.group:
            entries.append(item)
        elif str(item.group) in groups:
            groups[str(item.group)].items.append(item)
        else:
            groups[str(item.group)] = NavGroup(item.group, [item])
            entries.append(groups[str(item.group)])
    return entries


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [item for item in NAV_ITEMS if item.permission is None or user.has_perm(item.permission)]
    role_labels = [Role(code).label for code in sorted(user.role_codes()) if code in Role.values]
    return {"nav_items": items, "nav_entries": _grouped(items), "role_labels": role_labels,
            "role_codes": user.role_codes()}
