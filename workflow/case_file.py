"""The case file: one case with what every app holds about it, as its page and the API's detail show it, and the
actions the user may take on it now. A read across the apps, so it lives above them."""

from django.db.models import Prefetch

from cases import selectors as case_selectors
from cases.models import Assignment, Case, TimelineEvent
from cases.services import TRANSITIONS, is_lead_officer
from deadlines.models import Card, Deadline, Supervision, Suspension
from visits.models import Appointment, Reception, ReturnVisit


def case_file(*, user, pk: int) -> Case:
    """One case with everything its page shows, in a fixed number of queries; raises Case.DoesNotExist."""
    return (
        case_selectors.case_list(user=user)
        .select_related("first_unit", "registered_by", "repeat_of", "county", "rule_set", "owner")
        .prefetch_related(
            Prefetch("events", queryset=TimelineEvent.objects.select_related("actor")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "assigned_by")),
            "attachments", "evaluations",
            "extensions__requested_by", "extensions__decided_by",
            "appeals__reviewing_unit",
            "case_petitioners__petitioner",
            Prefetch("deadlines", queryset=Deadline.objects.select_related("milestone", "unit")
                     .order_by("started_at", "milestone__sort_order", "id")),
            Prefetch("cards", queryset=Card.objects.select_related("deadline__milestone", "unit", "leader")),
            Prefetch("suspensions", queryset=Suspension.objects.select_related("requested_by", "decided_by")),
            Prefetch("supervisions", queryset=Supervision.objects.select_related("unit", "issued_by")),
            Prefetch("receptions", queryset=Reception.objects.select_related("leader")),
            Prefetch("appointments", queryset=Appointment.objects.select_related("slot")),
            Prefetch("return_visits", queryset=ReturnVisit.objects.select_related("deadline", "assignee")),
        )
        .get(pk=pk)
    )


# What a user may do now -------------------------------------------------------------------------------------

ACTION_PERMISSIONS = {
    "accept": "cases.route_case", "not_accept": "cases.route_case", "forward": "cases.route_case",
    "divert": "cases.route_case", "assign": "cases.route_case", "close": "cases.route_case",
    "request_review": "cases.route_case", "request_re_review": "cases.route_case",
    "decide_appeal": "cases.decide_appeal", "approve_extension": "cases.approve_extension",
    "supervise": "deadlines.issue_supervision",
}
HANDLER_ACTIONS = {"meet", "feedback", "reply", "request_extension"}


def allowed_actions(*, user, case: Case) -> list[str]:
    """The actions this user may take on this case now, in workflow order (the buttons on the case page)."""
    allowed = []
    lead_officer = is_lead_officer(user, case)
    for action, (statuses, _label) in TRANSITIONS.items():
        if case.status not in statuses:
            continue
        if action in HANDLER_ACTIONS:
            if lead_officer or user.has_perm("cases.route_case"):
                allowed.append(action)
        elif action == "return":
            if lead_officer:
                allowed.append(action)
        elif action == "evaluate":
            if user.has_perm("cases.route_case") or lead_officer:
                allowed.append(action)
        elif action == "assist_report":
            # Read from the prefetched assignments (same rule as services.assignment_report).
            if user.has_perm("cases.handle_case") and any(
                    a.unit_id == user.unit_id and a.role == "assist" and a.is_active and not a.reported_at
                    for a in case.assignments.all()):
                allowed.append(action)
        elif action == "request_suspension":
            # Same rule as deadlines.services.suspension_request, from the prefetched clocks and suspensions.
            running = any(d.met_at is None and d.stopped_at is None for d in case.deadlines.all())
            open_ = any(s.status in ("pending", "running") for s in case.suspensions.all())
            if (lead_officer or user.has_perm("cases.route_case")) and running and not open_:
                allowed.append(action)
        elif action == "supervise":
            if user.has_perm(ACTION_PERMISSIONS[action]) and case.lead_unit_id:
                allowed.append(action)
        elif user.has_perm(ACTION_PERMISSIONS[action]):
            allowed.append(action)
    if "close" in allowed and case.satisfaction not in ("satisfied", "basic"):
        allowed.remove("close")
    # Same conditions as services.case_request_appeal, read from the prefetched appeals.
    reviewed = any(a.kind == "review" and a.decided_at for a in case.appeals.all())
    if "request_re_review" in allowed and (not reviewed or case.is_final):
        allowed.remove("request_re_review")
    return allowed
