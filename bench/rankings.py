"""Unit rankings (信访指数) at 100,000 cases on PostgreSQL.

    DATABASE_URL=postgres://postgres@localhost:5432/xinfang_bench .venv/bin/python bench/rankings.py [--count N]

Migrates, seeds the demo county and tops it up to COUNT cases (deterministic; shares the database with the other
bench scripts), then times, median of several runs: compute_ranking for last month and for the last twelve months,
snapshot_generate for last month (the first call computes and stores the rows — the month's snapshot is deleted
first so every run measures it — the second returns the stored one), and the bulletin page, its Excel file, the
five-colour map, a unit's page, the cadre ranking and the API. Target: a ranking in under a second.
"""

import argparse
import statistics
import time

from common import county_with_cases, time_pages


def timed(label: str, fn, runs: int) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:52} {statistics.median(times):10.1f} {max(times):8.1f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    county = county_with_cases(args.count, "bench/rankings.py")
    from datetime import timedelta

    from django.core.management import call_command

    call_command("sync_roles", verbosity=0)  # a database seeded before the scoring app lacks its permissions
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.models import Case
    from scoring import selectors, services
    from scoring.models import RankingSnapshot
    from xinfang.rules.selectors import rules_for

    today = timezone.localdate()
    month_end = today.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    year_start = (month_start - timedelta(days=335)).replace(day=1)
    scheme = rules_for(county, "index")
    in_month = Case.objects.filter(county=county, received_at__date__gte=month_start,
                                   received_at__date__lte=month_end).count()
    print(f"\n{Case.objects.filter(county=county).count():,} cases in the county, {in_month:,} received "
          f"{month_start:%Y-%m}; median of {args.runs} runs\n")
    print(f"{'step':52} {'median ms':>10} {'max ms':>8}")

    def rank(start, end):
        return lambda: selectors.compute_ranking(county=county, scheme=scheme, start=start, end=end)

    with CaptureQueriesContext(connection) as queries:
        result = selectors.compute_ranking(county=county, scheme=scheme, start=month_start, end=month_end)
    timed(f"compute_ranking, {month_start:%Y-%m} ({len(queries)} queries)", rank(month_start, month_end), args.runs)
    timed(f"compute_ranking, {year_start:%Y-%m} to {month_end:%Y-%m}", rank(year_start, month_end), args.runs)
    print(f"  ranked {len(result['township'])} townships and {len(result['department'])} departments")

    # The month before, untimed, so the bulletin has arrows.
    services.snapshot_generate(county=county, kind="month", day=month_start - timedelta(days=1))

    def first_call():
        RankingSnapshot.objects.filter(county=county, kind="month", period_start=month_start).delete()
        services.snapshot_generate(county=county, kind="month", day=month_start)

    timed("snapshot_generate, first call (computes, stores)", first_call, args.runs)
    timed("snapshot_generate, second call (returns stored)",
          lambda: services.snapshot_generate(county=county, kind="month", day=month_start), args.runs)
    snapshot = RankingSnapshot.objects.get(county=county, kind="month", period_start=month_start)
    unit = snapshot.rows.filter(group="township").order_by("rank").values_list("unit_id", flat=True).first()

    print()
    time_pages([
        ("page: rankings list", "/scoring/"),
        ("page: bulletin (snapshot)", f"/scoring/{snapshot.pk}/"),
        ("page: bulletin Excel export", f"/scoring/{snapshot.pk}/export.xlsx"),
        ("page: five-colour map", f"/scoring/map/?snapshot={snapshot.pk}"),
        ("page: a township's modules and case links", f"/scoring/{snapshot.pk}/units/{unit}/"),
        ("page: cadre ranking (this year)", "/scoring/cadres/"),
        ("api: snapshots list", "/api/v1/ranking-snapshots/"),
        ("api: snapshot with rows", f"/api/v1/ranking-snapshots/{snapshot.pk}/"),
        ("api: rows of the townships", f"/api/v1/ranking-snapshots/{snapshot.pk}/rows/?group=township"),
        ("api: cadre ranking", "/api/v1/cadre-ranking/"),
        ("api: index rules", "/api/v1/rules/index/"),
    ], runs=args.runs)


if __name__ == "__main__":
    main()
