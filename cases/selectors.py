"""Reads of the cases app. Every queryset starts from ``scoped``; lists load their relations in a fixed number of
queries, whatever the page size."""

import re

from django.db.models import F, Prefetch, Q

from deadlines.models import Card, Deadline, Supervision, Suspension
from visits.models import Appointment, Reception, ReturnVisit
from xinfang import personal_data
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import among, scoped

from .choices import OPEN_STATUSES, CaseStatus
from .models import Appeal, Assignment, Case, Category, Petitioner, TimelineEvent
from .services import TRANSITIONS, is_lead_officer

S = CaseStatus

CASE_NUMBER_RE = re.compile(r"^\d{6}-\d{4}-\d{6}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")
PHONE_RE = re.compile(r"^1\d{10}$|^0\d{9,11}$")


def case_list(*, user):
    """The cases a user may see, with what a list row shows."""
    return scoped(
        Case.objects.select_related("category__parent", "lead_petitioner", "lead_unit", "region"),
        user,
    )


def case_detail(*, user, pk: int) -> Case:
    """One case with everything its page shows, in a fixed number of queries; raises Case.DoesNotExist."""
    return (
        case_list(user=user)
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
            # Visits (the visits app sits on top of cases; its rows hang off the case by these relations).
            Prefetch("receptions", queryset=Reception.objects.select_related("leader")),
            Prefetch("appointments", queryset=Appointment.objects.select_related("slot")),
            Prefetch("return_visits", queryset=ReturnVisit.objects.select_related("deadline", "assignee")),
        )
        .get(pk=pk)
    )


def search_cases(queryset, text: str):
    """Search by case number, ID number, phone, name or words of the summary and demands."""
    text = (text or "").strip()
    if not text:
        return queryset
    if CASE_NUMBER_RE.match(text):
        return queryset.filter(number=text)
    if ID_NUMBER_RE.match(text):
        return queryset.filter(case_petitioners__petitioner__id_hash=personal_data.lookup_hash(text.upper())
                               ).distinct()
    if PHONE_RE.match(text):
        return queryset.filter(case_petitioners__petitioner__phone_hash=personal_data.lookup_hash(text)).distinct()
    # One table, three indexed conditions (two trigram indexes and the petitioners of that name, looked up first)
    # OR-ed together: one BitmapOr.
    return queryset.filter(
        Q(summary__icontains=text) | Q(demands__icontains=text)
        | among("lead_petitioner", Petitioner.objects.filter(name=text).values("pk"))
    )


# Work lists -----------------------------------------------------------------------------------------------

def my_work(*, user):
    """What waits for this user, most urgent first (earliest due date of a running clock, then the oldest):
    caseworkers decide, route and close; unit officers handle what is assigned to their unit."""
    qs = case_list(user=user)
    waiting = Q(pk__in=[])
    if user.has_perm("cases.route_case"):
        waiting |= Q(status__in=[S.REGISTERED, S.ACCEPTED, S.REPLIED])
    if user.has_perm("cases.handle_case") and user.unit_id:
        waiting |= Q(lead_unit_id=user.unit_id, status__in=[S.ASSIGNED, S.HANDLING])
    if user.has_perm("cases.decide_appeal") and user.unit_id:
        # The pending appeals as a set of ids, not a join: a case with two appeals would be listed twice.
        waiting |= Q(status__in=[S.REVIEWING, S.RE_REVIEWING]) & among(
            "pk", Appeal.objects.filter(reviewing_unit_id=user.unit_id, decided_at__isnull=True).values("case_id"))
    return qs.filter(waiting).order_by(F("due_on").asc(nulls_last=True), "received_at", "id")


# Intake: repeat detection ---------------------------------------------------------------------------------

def petitioner_history(*, user, id_number: str = "", phone: str = "", limit: int = 20):
    """Earlier cases of the person with this ID number or phone, newest first (for the intake form)."""
    hashes = Q(pk__in=[])
    if id_number:
        hashes |= Q(case_petitioners__petitioner__id_hash=personal_data.lookup_hash(id_number.strip().upper()))
    if phone:
        hashes |= Q(case_petitioners__petitioner__phone_hash=personal_data.lookup_hash(phone.strip()))
    ids = case_list(user=user).filter(hashes).values("pk").distinct()
    return case_list(user=user).filter(pk__in=ids).order_by("-received_at")[:limit]


def petitioners_named(*, user, name: str, limit: int = 8):
    """Registered petitioners whose name starts with what was typed (for a person who gives no ID number yet),
    with their case counts; masked as everywhere."""
    from django.db.models import Count

    name = (name or "").strip()
    if len(name) < 2:
        return Petitioner.objects.none()
    return (petitioner_list(user=user).filter(name__startswith=name).select_related("region")
            .annotate(n_cases=Count("case_links")).order_by("name", "-id")[:limit])


def similar_open_cases(*, user, region: Region | None, category: Category | None, limit: int = 10):
    """Open cases about the same kind of matter in the same township (or the same village/county)."""
    if region is None or category is None:
        return Case.objects.none()
    area = region.ancestor_at(4) if region.level > 4 else region
    return (case_list(user=user)
            .filter(status__in=OPEN_STATUSES, category=category, region__path__startswith=area.path)
            .order_by("-received_at")[:limit])


def final_matter(*, user, id_number: str, category: Category | None):
    """The petitioner's matter of this category already closed after re-review, if any (refused at intake)."""
    if not id_number or category is None:
        return None
    return (case_list(user=user)
            .filter(is_final=True, category=category,
                    lead_petitioner__id_hash=personal_data.lookup_hash(id_number.strip().upper()))
            .first())


# What a user may do now ------------------------------------------------------------------------------------

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


def reviewing_units_for(case: Case):
    """Bodies above the one that handled the case, which may review it (复查/复核): petition bureaus and
    governments of the ancestor regions. Directory data, not jurisdiction data: visible to the caseworker."""
    handled_in = case.first_unit.region if case.first_unit_id else case.county
    return (Unit.objects.filter(region__code__in=handled_in.ancestor_codes, is_active=True)
            .exclude(region=handled_in).select_related("region").order_by("-region__level", "name"))


def category_choices(*, user):
    return scoped(Category.objects.filter(is_active=True).select_related("parent"), user).order_by(
        "parent__sort_order", "parent_id", "sort_order", "id")


def petitioner_list(*, user):
    return scoped(Petitioner.objects.all(), user)


def work_summary(*, user) -> list[tuple[str, int]]:
    """What waits for the user, counted by status (one aggregate query), for the home page."""
    from django.db.models import Count

    counts = dict(my_work(user=user).order_by().values_list("status").annotate(n=Count("id", distinct=True))
                  .values_list("status", "n"))
    return [(CaseStatus(status).label, counts[status]) for status in CaseStatus.values if counts.get(status)]


def jurisdiction_case_summary(*, user) -> dict:
    """Open and closed cases in the user's jurisdiction (one aggregate query), for leaders' home panel."""
    from django.db.models import Count

    return case_list(user=user).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        closed=Count("id", filter=Q(status=CaseStatus.CLOSED)),
        collective=Count("id", filter=Q(status__in=OPEN_STATUSES, is_collective=True)),
    )


def tree_sorted(categories) -> list[Category]:
    """Categories in tree order: each top-level category followed by its children."""
    def key(c):
        root = c.parent if c.parent_id else c
        return (root.sort_order, root.pk, c.parent_id is not None, c.sort_order, c.pk)

    return sorted(categories, key=key)
