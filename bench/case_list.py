"""Case list and search timings at 100,000 cases on PostgreSQL (issue #3's budget).

    DATABASE_URL=postgres://postgres@localhost:5432/xinfang_bench .venv/bin/python bench/case_list.py [--count N]

Creates the database if needed, migrates, seeds the demo county and tops it up to COUNT cases (deterministic),
then times the first page of the case list — default, filtered, sorted — and text searches, through the real
page and API views (Django test client, a logged-in caseworker), median of several runs. Budgets: list first
page < 60 ms, text search < 200 ms.
"""

import argparse

from common import county_with_cases, time_pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    county_with_cases(args.count, "bench/case_list.py")
    from cases.models import Case

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
    print(f"\n{Case.objects.count():,} cases in PostgreSQL; median of {args.runs} runs (after one warm-up)\n")
    time_pages(scenarios, runs=args.runs)


if __name__ == "__main__":
    main()
