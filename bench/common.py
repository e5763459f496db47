"""What the bench scripts share: Django on PostgreSQL, the demo county topped up to N cases, and timing pages."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings.test")  # plain static storage


def county_with_cases(count: int, script: str):
    """Django set up on PostgreSQL (or exit), migrated, the demo county seeded and topped up to ``count`` cases
    (deterministic); returns the county."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"{script} measures PostgreSQL: set DATABASE_URL")
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from cases.demo import generate_cases
    from cases.models import Case
    from xinfang.org.models import Region

    if not Region.objects.filter(code="340822000000").exists():
        call_command("seed_demo", "--cases", "0", verbosity=0)
    county = Region.objects.get(code="340822000000")
    have = Case.objects.filter(county=county).count()
    if have < count:
        print(f"generating {count - have} cases …", flush=True)
        started = time.perf_counter()
        generate_cases(county=county, count=count - have, seed=have + 1)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # the steady state: autovacuum keeps the visibility map set
    return county


def time_pages(scenarios: list[tuple[str, str]], *, runs: int, username: str = "caseworker") -> None:
    """Print the median and worst time and the query count of each (label, url), through the real views with a
    logged-in user (Django test client), after one warm-up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xinfang.org.models import User

    client = Client()
    client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
    print(f"{'scenario':52} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, url in scenarios:
        if client.get(url).status_code != 200:
            print(f"{label:52} {'(not 200)':>10}")
            continue
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:52} {statistics.median(times):10.1f} {max(times):8.1f} {len(queries):8d}")
