"""Reads of the dossiers app. Every queryset starts from ``scoped``; lists load their relations in a fixed number of
queries."""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from cases.models import Case, TimelineEvent
from visits.models import FieldVisit, Meeting, Reception, ReturnVisit
from xinfang.org.scoping import scoped

from .choices import LIVE_STAGES, Stage
from .models import Claim, Dossier, DossierOwner, Escalation, Listing, Measure, TaskForceMember


def dossier_list(*, user):
    """The backlog board: dossiers the user may see, with what a row shows (owners prefetched)."""
    return scoped(
        Dossier.objects.select_related("case", "case__lead_petitioner", "case__region", "case__lead_unit")
        .prefetch_related(Prefetch("owners", queryset=DossierOwner.objects.select_related("user")))
        .annotate(n_measures=Count("measures", distinct=True),
                  n_open_measures=Count("measures", filter=Q(measures__done_at__isnull=True), distinct=True))
        .order_by("-opened_at", "-id"),  # the annotation drops the model's default order
        user,
    )


def backlog_days(dossier: Dossier, today: date) -> int:
    """积案天数: the days the matter has waited since the office received it (the case's receipt date, local time),
    however long after that it was filed as a dossier — to its resolution (化解) once resolved or closed, else to
    ``today``. The one definition the board, the dossier page, its printed file and the API show."""
    end = today
    if dossier.stage not in LIVE_STAGES and (dossier.resolved_at or dossier.closed_at):
        end = timezone.localdate(dossier.resolved_at or dossier.closed_at)
    return max((end - timezone.localdate(dossier.case.received_at)).days, 0)


def board_counts(*, user) -> dict:
    """The backlog board's headline: dossiers by stage (one GROUP BY) and relapses."""
    qs = scoped(Dossier.objects.all(), user).order_by()
    by_stage = dict(qs.values_list("stage").annotate(n=Count("id")))
    return {"by_stage": [{"stage": s, "label": label, "n": by_stage.get(s, 0)} for s, label in Stage.choices],
            "live": sum(by_stage.get(s, 0) for s in LIVE_STAGES), "total": sum(by_stage.values()),
            "relapsed": qs.filter(relapse_count__gt=0).count()}


def dossier_detail(*, user, pk: int) -> Dossier:
    """One dossier with everything its page and its printed file (档案) show; raises Dossier.DoesNotExist."""
    return (
        dossier_list(user=user)
        .select_related("opened_by", "closed_by", "case__category__parent", "case__owner", "case__county")
        .prefetch_related(
            Prefetch("members", queryset=TaskForceMember.objects.select_related("user", "unit")),
            Prefetch("measures", queryset=Measure.objects.select_related("owner__unit", "deadline")),
            Prefetch("escalations", queryset=Escalation.objects.select_related("to_region", "requested_by")),
            "sign_offs__signed_by",
            Prefetch("listings", queryset=Listing.objects.prefetch_related(
                Prefetch("claims", queryset=Claim.objects.select_related("claimant", "recommended_by")))),
        )
        .get(pk=pk)
    )


def dossier_file(dossier: Dossier) -> dict:
    """The file (档案) of a dossier's case beyond the dossier itself: the timeline, attachments, meetings (逐件过堂
    and others), receptions, field and return visits — one query each."""
    case = dossier.case
    return {
        "events": list(TimelineEvent.objects.filter(case=case).select_related("actor")),
        "attachments": list(case.attachments.all()),
        "meetings": list(Meeting.objects.filter(cases=case).select_related("chair").prefetch_related("attendees")),
        "receptions": list(Reception.objects.filter(case=case).select_related("leader")),
        "field_visits": list(FieldVisit.objects.filter(cases=case).prefetch_related("cadres")),
        "return_visits": list(ReturnVisit.objects.filter(case=case).select_related("evaluation", "done_by")),
    }


def cases_owned(*, user):
    """'Cases I own': the cases the user owns (包案领导) or owns a dossier of, most urgent first."""
    owns_dossier = Exists(DossierOwner.objects.filter(dossier__case=OuterRef("pk"), user=user))
    return (scoped(Case.objects.select_related("category__parent", "lead_petitioner", "lead_unit", "region")
                   .select_related("dossier"), user)
            .filter(Q(owner=user) | Q(owns_dossier))
            .order_by(F("due_on").asc(nulls_last=True), "received_at", "id"))


def listing_list(*, user):
    """The 揭榜挂帅 board: listings the user may see, with their dossier's case and the claims."""
    return scoped(
        Listing.objects.select_related("dossier__case__lead_petitioner", "dossier__case__region", "published_by")
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.select_related("claimant", "recommended_by"))),
        user,
    )


def part_list(*, user, model):
    """The measures, escalations or task-force members of the dossiers the user may see, or the claims on the
    listings the user may see: the API's endpoints on one part (another county's id answers 404)."""
    if model is Claim:
        return Claim.objects.filter(listing__in=scoped(Listing.objects.all(), user)).select_related(
            "listing__dossier__case", "claimant", "recommended_by")
    return model.objects.filter(dossier__in=scoped(Dossier.objects.all(), user)).select_related("dossier__case")
