"""Field visits (走访, 夜访, 上门回访 …): writes the FieldVisit row of one or several cadres, with the cases it
concerns (on their timelines); it is a night visit when it began within the county's night hours."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, Petitioner
from xinfang.dates import refuse_future
from xinfang.errors import NotFound, full_clean_or_fail, invalid, require_perm
from xinfang.org.models import Region, User
from xinfang.org.scoping import scoped
from xinfang.org.services import require_visible

from ..choices import VisitKind
from ..models import FieldVisit
from ._common import is_night, visit_settings_for


@dataclass
class FieldVisitInput:
    kind: str
    region: Region
    visited_at: datetime
    summary: str
    cadres: list[User] = field(default_factory=list)
    issues_found: str = ""
    household: str = ""
    petitioner: Petitioner | None = None
    cases: list[Case] = field(default_factory=list)


@transaction.atomic
def field_visit_record(*, actor: User, data: FieldVisitInput) -> FieldVisit:
    """Record a field visit by one or several cadres (the recorder when none is named). It is a night visit when it
    began within the county's night hours."""
    require_perm(actor, "visits.record_field_visit")
    if data.kind not in VisitKind.values:
        raise invalid("kind", _("请选择走访类型。"))
    refuse_future(data.visited_at, "visited_at", _("走访时间不能晚于现在。"))
    if not (data.summary or "").strip():
        raise invalid("summary", _("请填写走访情况。"))
    if not scoped(Region.objects.filter(pk=data.region.pk), actor).exists():
        raise invalid("region", _("走访地点不在您的辖区内。"))
    cadres = {u.pk: u for u in (data.cadres or [actor])}
    if scoped(User.objects.filter(pk__in=cadres, is_active=True), actor).count() != len(cadres):
        raise invalid("cadres", _("走访干部不在您的辖区内。"))
    case_ids = {c.pk for c in data.cases}
    if scoped(Case.objects.filter(pk__in=case_ids), actor).count() != len(case_ids):
        raise NotFound(_("未找到相关信访事项。"), code="case_not_found")
    if data.petitioner is not None:
        require_visible(actor, data.petitioner, _("未找到该信访人。"), "petitioner_not_found")
    night = is_night(data.visited_at, visit_settings_for(data.region, timezone.localdate(data.visited_at)))
    visit = FieldVisit(kind=data.kind, region=data.region, visited_at=data.visited_at, is_night=night,
                       household=data.household.strip(), petitioner=data.petitioner, summary=data.summary.strip(),
                       issues_found=data.issues_found.strip(), recorded_by=actor)
    full_clean_or_fail(visit)
    visit.save()
    visit.cadres.set(list(cadres.values()))
    visit.cases.set(list(case_ids))
    for case in data.cases:
        case_services.timeline_event(case, actor, "field_visit", _("%(kind)s%(night)s：%(summary)s") % {
            "kind": visit.get_kind_display(), "night": _("（夜访）") if visit.is_night else "",
            "summary": visit.summary[:200]})
    return visit
