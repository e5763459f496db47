"""Leader dashboard timings at a million cases on PostgreSQL (issue #8's budget).

    DATABASE_URL=postgres://postgres@localhost:5432/xinfang_million .venv/bin/python bench/dashboard.py [--count N]

Creates the database's tables if needed, seeds the demo city and spreads COUNT deterministic cases over its ten
counties with ``manage.py generate_city`` (resumable; about 20 minutes for a million on this machine), which also
rebuilds the monthly rollups. Then times the dashboard page and API for a county leader, a township leader and the
city leader through the real views (Django test client), median of several runs, and the rollups' upkeep: one
county-month recomputed, and the stale-month task when idle. Budgets: < 500 ms at 1,000,000 cases for a county and
for the whole city; < 250 ms at 100,000.
"""

import argparse
import statistics
import sys
import time

from common import time_pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/dashboard.py measures PostgreSQL: set DATABASE_URL")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("sync_roles", verbosity=0)  # the roles' permissions as the code now defines them
    from xinfang.org.models import Region

    if not Region.objects.filter(code="340822000000").exists():
        call_command("seed_demo", "--cases", "0", verbosity=0)
    call_command("generate_city", "--count", str(args.count), "--until", "2026-11-20")

    from cases.models import Case
    from dashboards import services
    from dashboards.models import CaseRollup, RollupBucket
    from xinfang.org.models import User

    county = Region.objects.get(code="340822000000")
    township = User.objects.get(username="town01").unit.region
    print(f"\n{Case.objects.count():,} cases in PostgreSQL, {CaseRollup.objects.count():,} rollup rows in "
          f"{RollupBucket.objects.count():,} county-months; median of {args.runs} runs (after one warm-up)\n")
    year = "start=2026-01&end=2026-11"
    time_pages([
        ("page: county leader, this year", f"/dashboard/?{year}"),
        ("page: county leader, one month", "/dashboard/?start=2026-10&end=2026-10"),
        ("page: county leader, five years", "/dashboard/?start=2021-12&end=2026-11"),
        ("api: county, this year", f"/api/v1/dashboard/?{year}"),
        ("api: county KPIs only, this year", f"/api/v1/dashboard/kpis/?{year}"),
        ("page: county leader looks at a township", f"/dashboard/?region={township.code}&{year}"),
    ], runs=args.runs, username="leader")
    time_pages([
        ("page: city leader, this year (ten counties)", f"/dashboard/?{year}"),
        ("page: city leader, five years", "/dashboard/?start=2021-12&end=2026-11"),
        ("api: city, this year", f"/api/v1/dashboard/?{year}"),
    ], runs=args.runs, username="cityleader")
    time_pages([("page: township leader, this year", f"/dashboard/?{year}")], runs=args.runs, username="town01")

    from datetime import date

    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        services.rollup_refresh(county_id=county.pk, month=date(2026, 10, 1))
        times.append((time.perf_counter() - started) * 1000)
    month_cases = Case.objects.filter(county=county, received_at__year=2026, received_at__month=10).count()
    print(f"\nrecompute one county-month ({month_cases:,} cases): median {statistics.median(times):.0f} ms")
    started = time.perf_counter()
    services.rollups_refresh_stale()
    print(f"stale-month task with nothing to do: {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
