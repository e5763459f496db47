"""Meetings on petition work (调度会, 联席会议 …): writes the Meeting row with its attendees, decisions and the
cases it discussed, each on its case's timeline."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case
from xinfang.dates import refuse_future
from xinfang.errors import NotFound, full_clean_or_fail, invalid, require_perm
from xinfang.org.models import Region, User
from xinfang.org.scoping import scoped

from ..choices import MeetingKind
from ..models import Meeting


@dataclass
class MeetingInput:
    region: Region
    kind: str
    title: str
    held_at: datetime
    decisions: str
    attendees: list[User]
    place: str = ""
    chair: User | None = None
    cases: list[Case] = field(default_factory=list)


@transaction.atomic
def meeting_record(*, actor: User, data: MeetingInput) -> Meeting:
    """Record a meeting that was held (调度会 …): attendees, decisions, the cases discussed (on their timelines)."""
    require_perm(actor, "visits.add_meeting")
    if data.kind not in MeetingKind.values:
        raise invalid("kind", _("请选择会议类型。"))
    refuse_future(data.held_at, "held_at", _("召开时间不能晚于现在。"))
    if not scoped(Region.objects.filter(pk=data.region.pk), actor).exists():
        raise invalid("region", _("区划不在您的辖区内。"))
    people = {u.pk for u in data.attendees} | ({data.chair.pk} if data.chair else set())
    if not data.attendees:
        raise invalid("attendees", _("请选择参会人员。"))
    if scoped(User.objects.filter(pk__in=people), actor).count() != len(people):
        raise invalid("attendees", _("参会人员不在您的辖区内。"))
    case_ids = {c.pk for c in data.cases}
    if scoped(Case.objects.filter(pk__in=case_ids), actor).count() != len(case_ids):
        raise NotFound(_("未找到研究的信访事项。"), code="case_not_found")
    meeting = Meeting(region=data.region, kind=data.kind, title=data.title.strip(), held_at=data.held_at,
                      place=data.place.strip(), chair=data.chair, decisions=data.decisions.strip(), recorded_by=actor)
    full_clean_or_fail(meeting)
    meeting.save()
    meeting.attendees.set(list(people))
    meeting.cases.set(list(case_ids))
    for case in data.cases:
        case_services.timeline_event(case, actor, "meeting", _("%(kind)s“%(title)s”研究：%(decisions)s") % {
            "kind": meeting.get_kind_display(), "title": meeting.title, "decisions": meeting.decisions[:200]})
    return meeting
