"""Visits at scale on PostgreSQL: statistics, summaries, compliance and the backlog promotion.

    DATABASE_URL=postgres://postgres@localhost:5432/xinfang_bench .venv/bin/python bench/visits.py [--count N]

Migrates, seeds the demo county, tops it up to COUNT cases (deterministic; shares the database with
bench/case_list.py), then adds a realistic volume of visit records once — 60,000 field visits by the
township commissioners over two years (a fifth at night), 12,000 leader receptions and a return visit for every
replied or closed case, 5,000 of them 不满意 long ago — and times, median of several runs:
the statistics page and API for a year, the field-visit list and its summary, duty compliance, the schedule week,
the return-visit list, and the backlog promotion (first run and steady state). Target: every page under 500 ms.
"""

import argparse
import random
import time

from common import county_with_cases, time_pages


def add_visit_records(county, seed: int) -> None:
    """Bulk-insert field visits, receptions and return visits (once): the services would take an hour for this."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from cases.models import Case, Evaluation
    from visits.models import FieldVisit, Reception, ReturnVisit
    from xinfang.org.choices import RegionLevel
    from xinfang.org.models import Region, User

    if FieldVisit.objects.filter(region__path__startswith=county.path).count() >= 50_000:
        return
    rng = random.Random(seed)
    now = timezone.now()
    villages = list(Region.objects.filter(path__startswith=county.path, level=RegionLevel.VILLAGE))
    cadres = list(User.objects.filter(username__startswith="commissioner"))
    clerk = User.objects.get(username="caseworker")
    print("adding 60,000 field visits, 12,000 receptions and the return visits …", flush=True)
    started = time.perf_counter()
    visits = []
    for _ in range(60_000):
        hour = rng.choice([8, 9, 10, 11, 14, 15, 16, 17, 19, 20])
        at = timezone.localtime(now - timedelta(days=rng.randint(1, 730))).replace(hour=hour)
        visits.append(FieldVisit(kind=rng.choice(["household", "down", "with_case"]), region=rng.choice(villages),
                                 visited_at=at, is_night=hour >= 18, summary="入户走访", recorded_by=clerk))
    FieldVisit.objects.bulk_create(visits, batch_size=5000)
    through = FieldVisit.cadres.through
    through.objects.bulk_create([through(fieldvisit_id=v.pk, user_id=rng.choice(cadres).pk) for v in visits],
                                batch_size=10_000)

    leaders = list(User.objects.filter(leader_level__isnull=False, unit__region__path__startswith=county.path))
    open_cases = list(Case.objects.filter(county=county).values_list("pk", "lead_petitioner_id", "region_id")[:12_000])
    Reception.objects.bulk_create([Reception(
        leader=(leader := rng.choice(leaders)), level=leader.leader_level, region_id=region_id,
        received_at=now - timedelta(days=rng.randint(1, 730)), place="县信访接待中心", petitioner_id=petitioner_id,
        head_count=rng.choice([1, 1, 1, 2, 3, 6]), raised="反映问题", decided="责成办理", case_id=pk,
        recorded_by=clerk) for pk, petitioner_id, region_id in open_cases], batch_size=5000)

    replied = list(Case.objects.filter(county=county, status__in=["replied", "closed"])
                   .exclude(return_visits__isnull=False).values_list("pk", "replied_at", "status"))
    done, pending = [], []
    for pk, replied_at, status in replied:
        if status == "closed":
            done.append((pk, replied_at))
        else:
            pending.append(ReturnVisit(case_id=pk, assignee=clerk))
    evaluations = Evaluation.objects.bulk_create([
        Evaluation(case_id=pk, result="satisfied", method="phone", recorded_by=clerk,
                   recorded_at=(replied_at or now) + timedelta(days=3)) for pk, replied_at in done], batch_size=5000)
    ReturnVisit.objects.bulk_create(
        [ReturnVisit(case_id=e.case_id, status="done", evaluation=e, done_at=e.recorded_at, done_by=clerk)
         for e in evaluations] + pending, batch_size=5000)
    # 5,000 open cases found unsatisfied four to eight months ago: candidates for the backlog promotion.
    unsatisfied = list(Case.objects.filter(county=county, status="handling", backlog_at__isnull=True)
                       .values_list("pk", flat=True)[:5000])
    Case.objects.filter(pk__in=unsatisfied).update(satisfaction="unsatisfied",
                                                   first_unsatisfied_at=now - timedelta(days=150))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    county = county_with_cases(args.count, "bench/visits.py")
    from django.utils import timezone

    from cases.models import Case
    from dossiers import services as dossier_services

    add_visit_records(county, seed=7)

    today = timezone.localdate()
    year_ago = today.replace(year=today.year - 1)
    scenarios = [
        ("page: statistics, last twelve months", f"/visits/stats/?start={year_ago}&end={today}"),
        ("api: statistics, last twelve months", f"/api/v1/visit-stats/?start={year_ago}&end={today}"),
        ("page: field visits, this month with summary", "/visits/field/"),
        ("page: field visits, night only", "/visits/field/?night=true"),
        ("api: field visits, first page", "/api/v1/field-visits/"),
        ("page: duty compliance, this week and month", "/visits/duty/compliance/"),
        ("page: reception schedule, this week", "/visits/"),
        ("page: reception schedule, this month", "/visits/?view=month"),
        ("page: receptions", "/visits/receptions/"),
        ("page: return visits (mine)", "/visits/return-visits/"),
        ("page: my work (with return visits)", "/cases/mine/"),
    ]
    print(f"\n{Case.objects.count():,} cases in PostgreSQL; median of {args.runs} runs (after one warm-up)\n")
    time_pages(scenarios, runs=args.runs)

    started = time.perf_counter()
    promoted = dossier_services.backlog_promote()
    first = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    again = dossier_services.backlog_promote()
    steady = (time.perf_counter() - started) * 1000
    print(f"\nbacklog promotion: {promoted:,} cases in {first:.0f} ms; the next run {again} in {steady:.0f} ms")
    # Put the candidates back, so the next run of this script measures the same work.
    Case.objects.filter(backlog_source="unsatisfied").update(backlog_at=None, backlog_source="")


if __name__ == "__main__":
    main()
