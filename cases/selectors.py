"""Reads of the cases app. Every queryset starts from ``scoped``; lists load their relations in a fixed number of
queries, whatever the page size."""

import re

from django.db.models import Count, F, Q

from xinfang import personal_data
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import among, scoped

from .choices import OPEN_STATUSES, CaseStatus
from .models import Appeal, Case, Category, Petitioner, SavedFilter

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


def saved_filters(*, user):
    """The person's saved case-list filters (我的筛选), by name."""
    return SavedFilter.objects.filter(user=user).order_by("name")


def my_work_neighbour(*, user, case: Case, after: bool = True) -> Case | None:
    """The case after (or before) ``case`` in the user's my-work order, for the case page's 下一件 / 上一件 (the
    shortcuts j and k). ``case`` need not be on the list (opened from the case list, or done with): its place in the
    order is what counts, so "next" is the next most urgent case waiting for the user. One query, keyset on the
    order's columns (due date with the undated last, received, id)."""
    due, received, pk = case.due_on, case.received_at, case.pk
    same_due = Q(due_on=due) if due is not None else Q(due_on__isnull=True)
    later_in_due = same_due & (Q(received_at__gt=received) | Q(received_at=received, pk__gt=pk))
    earlier_in_due = same_due & (Q(received_at__lt=received) | Q(received_at=received, pk__lt=pk))
    if after:
        beyond = (Q(due_on__gt=due) | Q(due_on__isnull=True)) if due is not None else Q(pk__in=[])
        return my_work(user=user).filter(beyond | later_in_due).first()
    before = Q(due_on__lt=due) if due is not None else Q(due_on__isnull=False)
    return (my_work(user=user).filter(before | earlier_in_due)
            .order_by(F("due_on").desc(nulls_first=True), "-received_at", "-id").first())


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


def replier(case: Case):
    """The officer who wrote the case's latest reply (答复), or None."""
    reply = case.events.filter(kind="reply", actor__isnull=False).select_related("actor").order_by("-at").first()
    return reply.actor if reply else None


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
    counts = dict(my_work(user=user).order_by().values_list("status").annotate(n=Count("id", distinct=True))
                  .values_list("status", "n"))
    return [(CaseStatus(status).label, counts[status]) for status in CaseStatus.values if counts.get(status)]


def jurisdiction_case_summary(*, user) -> dict:
    """Open and closed cases in the user's jurisdiction (one aggregate query), for leaders' home panel."""
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
