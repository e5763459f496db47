"""The ledger import at 100,000 rows on PostgreSQL (issue #17's budget: under 5 minutes, peak memory under 500 MB).

    DATABASE_URL=postgres://postgres@localhost:5432/xinfang_bench_ledger .venv/bin/python bench/ledger_import.py \
        [--rows N]

Writes an .xlsx ledger of ROWS rows as a county office keeps one (its own headers; 85 % of the petitioners with an
ID number, people coming back several times, 1 % of the rows wrong in one way or another), then, as the county
admin, uploads it, saves the proposed mapping, runs the dry run and the import (the Celery tasks' bodies, run here)
and prints the time of each step, the rows taken and refused, and the process's peak memory (its maximum resident
set, which includes Django and the file's generation). Each run uses new ledger numbers, so it can be run again on
the same database.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings.test")

HEADERS = ["序号", "登记编号", "登记日期", "来源", "信访人姓名", "身份证号", "联系电话", "家庭住址", "人数",
           "问题属地", "信访类别", "反映问题", "责任单位", "办理状态", "办结日期", "满意度", "是否重复"]


def write_ledger(path: Path, rows: int, county, run: str) -> None:
    from openpyxl import Workbook

    from cases.demo import CATEGORY_TREE, _id_number
    from xinfang.org.choices import RegionLevel, UnitKind
    from xinfang.org.models import Region, Unit

    rng = random.Random(run)  # new people each run: an ID number already on file under another name is refused
    leaves = [child for _root, _lit, children in CATEGORY_TREE for child in children] + [
        root for root, _lit, children in CATEGORY_TREE if not children]
    places = [f"{r.parent.name}{r.name}" for r in Region.objects.filter(
        path__startswith=county.path, level=RegionLevel.VILLAGE).select_related("parent")]
    units = list(Unit.objects.filter(region__path__startswith=county.path, kind=UnitKind.DEPARTMENT)
                 .values_list("name", flat=True))
    people = []
    for i in range(rows // 3):
        people.append((f"居民{run[-5:]}{i:06d}", _id_number(rng, county.code) if rng.random() < 0.85 else "",
                       f"13{rng.randint(0, 999999999):09d}"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("2019-2025年信访台账")
    sheet.append(HEADERS)
    start = datetime(2019, 1, 1)
    for n in range(1, rows + 1):
        name, id_number, phone = rng.choice(people)
        received = start + timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
        closed = rng.random() < 0.9
        row = [n, f"{run}-{n:07d}", received, rng.choice(["来信", "来访", "网上信访", "12345"]), name, id_number,
               phone, "城关镇某村某组", 1 if rng.random() < 0.95 else rng.randint(2, 40), rng.choice(places),
               rng.choice(leaves), f"反映{rng.choice(leaves)}问题，请求依法处理（{run}-{n}）", rng.choice(units),
               "已办结" if closed else rng.choice(["办理中", "已交办"]),
               (received + timedelta(days=rng.randint(10, 80))).date() if closed else None,
               rng.choice(["满意", "基本满意", "不满意", ""]) if closed else "", "是" if rng.random() < 0.2 else ""]
        wrong = rng.random()
        if wrong < 0.004:
            row[2] = "2023-02-30"  # no such day
        elif wrong < 0.007:
            row[10] = "其他纠纷"  # a category this county does not have
        elif wrong < 0.010 and id_number:
            row[5] = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")  # a wrong check digit
        sheet.append(row)
    book.save(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/ledger_import.py measures PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    from cases.models import Case
    from workflow import ledger
    from xinfang.celery import app
    from xinfang.org.models import Region, User

    if not Region.objects.filter(code="340822000000").exists():
        call_command("seed_demo", "--cases", "0", verbosity=0)
    county = Region.objects.get(code="340822000000")
    admin = User.objects.get(username="admin")
    app.conf.task_always_eager = True  # the tasks run here, in this process, when their step commits
    run = f"B{int(time.time())}"

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "台账.xlsx"
        started = time.perf_counter()
        write_ledger(path, args.rows, county, run)
        print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s")
        before = Case.objects.filter(county=county, external_system=ledger.SYSTEM).count()

        timings = []
        with path.open("rb") as data:
            started = time.perf_counter()
            imp = ledger.ledger_upload(actor=admin, county=county, upload=File(data, name="台账.xlsx"))
            timings.append(("upload (store, read the header)", time.perf_counter() - started))
        mapping = ledger.proposed_mapping(imp)
        started = time.perf_counter()
        ledger.ledger_mapping_save(actor=admin, ledger_import=imp, columns=mapping["columns"], values={},
                                   defaults={})
        timings.append(("dry run (every row read and judged)", time.perf_counter() - started))
        imp.refresh_from_db()
        started = time.perf_counter()
        ledger.ledger_import_start(actor=admin, ledger_import=imp)
        timings.append(("import (one transaction)", time.perf_counter() - started))
        imp.refresh_from_db()

    after = Case.objects.filter(county=county, external_system=ledger.SYSTEM).count()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{'step':40} {'seconds':>8}")
    for label, seconds in timings:
        print(f"{label:40} {seconds:8.1f}")
    total = sum(s for label, s in timings if not label.startswith("upload"))
    print(f"\nrows {imp.rows_total:,}: imported {imp.rows_imported:,} (cases +{after - before:,}), refused "
          f"{imp.rows_error:,}, skipped {imp.rows_skipped:,}; state {imp.state}")
    print(f"petitioners: {imp.summary.get('petitioners')}")
    print(f"dry run + import {total:.0f} s ({imp.rows_total / max(total, 1):.0f} rows/s), peak memory {peak_mb:.0f} MB")
    ok = imp.state == "imported" and total < 300 and peak_mb < 500 and after - before == imp.rows_imported
    print("budget (under 5 minutes, under 500 MB):", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
