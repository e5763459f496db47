"""The deadline sweep at 100,000 open cases on PostgreSQL (issue #4's budget: one sweep under 10 seconds).

    DATABASE_URL=postgres://postgres@localhost:5432/xinfang_bench_sweep .venv/bin/python bench/sweep.py [--count N]

Creates the database if needed, migrates, seeds the demo county and tops it up to COUNT open cases (every open
state, received over the last four months, with their clocks — deterministic), then times:

- the first sweep over a database with no cards yet (a backlog of overdue clocks: each run raises at most
  DEADLINE_SWEEP_MAX_CARDS cards of a colour, the most overdue first), and the next one ten minutes later,
- sweeps one and seven days later (new yellow and red cards, reds replacing yellows, escalations),
- and one ten minutes after that, once caught up: the steady state of every ten minutes.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings.test")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    if connection.vendor != "postgresql":
        sys.exit("bench/sweep.py measures PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    from cases.choices import OPEN_STATUSES, CaseStatus
    from cases.demo import generate_cases
    from cases.models import Case
    from deadlines.models import Card, Deadline, Notification
    from workflow import sweep
    from xinfang.org.models import Region

    if not Region.objects.filter(code="340822000000").exists():
        call_command("seed_demo", "--cases", "0", verbosity=0)
    county = Region.objects.get(code="340822000000")
    have = Case.objects.filter(county=county, status__in=OPEN_STATUSES).count()
    if have < args.count:
        print(f"generating {args.count - have} open cases with their clocks …", flush=True)
        started = time.perf_counter()
        weights = [(CaseStatus.REGISTERED, 10), (CaseStatus.ACCEPTED, 8), (CaseStatus.ASSIGNED, 25),
                   (CaseStatus.HANDLING, 40), (CaseStatus.REPLIED, 12), (CaseStatus.REVIEWING, 3),
                   (CaseStatus.RE_REVIEWING, 2)]
        generate_cases(county=county, count=args.count - have, seed=have + 11, years=0.3, status_weights=weights)
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    # Start from no cards, so the first sweep does the most work it ever does.
    Notification.objects.all().delete()
    Card.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).count()
    running = Deadline.objects.filter(met_at__isnull=True, stopped_at__isnull=True).count()
    print(f"\n{open_cases:,} open cases, {running:,} running clocks, {Deadline.objects.count():,} clocks in all\n")
    print(f"{'sweep':40} {'seconds':>8}  result")
    now = timezone.now()
    worst = 0.0
    for label, at in [("first sweep (from no cards at all)", now),
                      ("ten minutes later (the backlog continues)", now + timedelta(minutes=10)),
                      ("one day later", now + timedelta(days=1)), ("seven days later", now + timedelta(days=7)),
                      ("ten minutes after that (steady state)", now + timedelta(days=7, minutes=10))]:
        started = time.perf_counter()
        counts = sweep(now=at)
        took = time.perf_counter() - started
        worst = max(worst, took)
        print(f"{label:40} {took:8.2f}  {counts}", flush=True)
    current = dict(Card.objects.filter(cleared_at__isnull=True).values_list("colour").annotate(n=Count("id")))
    print(f"\ncurrent cards: {current}; notifications: {Notification.objects.count():,}")
    print(f"budget: one sweep < 10 s — worst {worst:.2f} s: {'OK' if worst < 10 else 'OVER'} "
          f"(a run raises at most {settings.DEADLINE_SWEEP_MAX_CARDS:,} cards of a colour; a backlog takes a few runs)")


if __name__ == "__main__":
    main()
