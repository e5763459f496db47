"""The case workflow's county settings, versioned through xinfang.rules (the deadlines are the deadline rule sets)."""

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from xinfang.rules.registry import Field, Group, register

from .models import Category


def category_options(county_id: int | None, *, top_level: bool = False) -> list[tuple[str, str]]:
    """The county's own categories as a setting's options (a sub-category named with its parent); a retired one is
    marked, so a version naming it still reads and can be restored."""
    if county_id is None:
        return []
    rows = Category.objects.filter(county_id=county_id).select_related("parent").order_by(
        "parent__sort_order", "parent_id", "sort_order", "id")
    if top_level:
        rows = rows.filter(parent__isnull=True)
    return [(str(c.pk), (f"{c.parent.name} / {c.name}" if c.parent_id else c.name)
             + ("" if c.is_active else gettext("（停用）"))) for c in rows]


CASE_RULES = register(Group(
    key="cases", label=_("信访事项办理规则"), order=10, owner="cases",
    help=_("退回、延期和集体访的县级规则；时限见“时限规则”。"),
    fields=(
        Field("return_window_days", _("退回时限"), 5, min=1, max=30, unit=pgettext_lazy("unit", "天"),
              help=_("承办单位认为交办有误时，可在交办后多少天内退回。")),
        Field("extension_max_days", _("延期最长天数"), 30, min=1, max=90, unit=pgettext_lazy("unit", "天"),
              help=_("一次延期最多可申请的天数。")),
        Field("max_extensions", _("可延期次数"), 1, min=0, max=5, unit=pgettext_lazy("unit", "次")),
        Field("collective_head_count", _("集体访人数"), 5, min=2, max=100, unit=pgettext_lazy("unit", "人"),
              help=_("来访人数达到此数的登记为集体访（按登记时的规则，已登记的事项不受修改影响）。")),
    ),
))
