"""Case list and search timings at 100,000 cases on PostgreSQL (issue #3's budget).

    DATABASE_URL=postgres://postgres@localhost:5432/xinfang_bench .venv/bin/python bench/case_list.py [--count N]

Creates the database if needed, migrates, seeds the demo county and tops it up to COUNT cases (deterministic),
then times the first page of the case list — default, filtered, sorted — and text searches, through the real
page and API views (Django test client, a logged-in caseworker), median of several runs. Budgets: list first
page < 60 ms, text search < 200 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings.test")  # plain static storage


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        sys.exit("bench/case_list.py measures PostgreSQL: set DATABASE_URL")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from cases.demo import generate_cases
    from cases.models import Case
    from xinfang.org.models import Region, User

    if not Region.objects.filter(code="340822000000").exists():
        call_command("seed_demo", "--cases", "0", verbosity=0)
    county = Region.objects.get(code="340822000000")
    have = Case.objects.filter(county=county).count()
    if have < args.count:
        print(f"generating {args.count - have} cases …", flush=True)
        started = time.perf_counter()
        generate_cases(county=county, count=args.count - have, seed=have + 1)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Case.objects.count()

    client = Client()
    client.force_login(User.objects.get(username="caseworker"), backend="django.contrib.auth.backends.ModelBackend")
    scenarios = [
        ("page: list, first page (default order)", "/cases/"),
        ("page: list filtered (open, channel=visit)", "/cases/?open=true&channel=visit"),
        ("page: list sorted by receipt, oldest first", "/cases/?ordering=received_at"),
        ("page: list sorted by urgency (open)", "/cases/?open=true&ordering=due_on"),
        ("page: overdue (red card) filter", "/cases/?card=red&ordering=due_on"),
        ("page: my work (most urgent first)", "/cases/mine/"),
        ("page: text search 补偿款", "/cases/?q=补偿款"),
        ("page: text search 拖欠农民工工资", "/cases/?q=拖欠农民工工资"),
        ("api: list, first page", "/api/v1/cases/"),
        ("api: list filtered (status=handling, category)", "/api/v1/cases/?status=handling&is_repeat=true"),
        ("api: text search 路灯", "/api/v1/cases/?q=路灯"),
    ]
    print(f"\n{total:,} cases in PostgreSQL; median of {args.runs} runs (after one warm-up)\n")
    print(f"{'scenario':52} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, url in scenarios:
        client.get(url)
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:52} {statistics.median(times):10.1f} {max(times):8.1f} {len(queries):8d}")


if __name__ == "__main__":
    main()
