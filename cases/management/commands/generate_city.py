"""A whole city of load data for the dashboards' benchmark: ``manage.py generate_city --count 1000000``.

The demo city 安庆市 gets its other nine counties and districts (townships, villages, departments, a petition bureau
and a caseworker each, as seed_demo builds 怀宁县), and COUNT cases are spread over the ten: every channel, state,
category and township, received over the last YEARS years. Deterministic: the same seed and the same ``--until``
give the same data. Counties that already hold cases are topped up to their share, so a run can be resumed.
"""

import random
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from cases.demo import ensure_categories, generate_cases
from cases.models import Case
from dashboards.models import RollupBucket
from dashboards.services import rollups_rebuild
from xinfang.org.choices import RegionLevel, Role, UnitKind
from xinfang.org.models import Region, Unit, User
from xinfang.org.services import region_create, unit_create, user_create

CITY = "340800000000"
COUNTIES = [
    ("340802", "迎江区"), ("340803", "大观区"), ("340811", "宜秀区"), ("340822", "怀宁县"), ("340825", "太湖县"),
    ("340826", "宿松县"), ("340827", "望江县"), ("340828", "岳西县"), ("340881", "桐城市"), ("340882", "潜山市"),
]
PLACE_FIRST = "东西南北中上下新老大小长高平安和丰兴龙凤花竹松梅桃柳金石白青黄"
PLACE_SECOND = "山河湖桥岭岗冲湾圩畈塘庄埠铺集店坝口洲"
DEPARTMENTS = [
    ("信访局", UnitKind.PETITION_BUREAU), ("政府办公室", UnitKind.PARTY_GOVERNMENT),
    ("公安局", UnitKind.POLITICAL_LEGAL), ("人力资源和社会保障局", UnitKind.DEPARTMENT),
    ("住房和城乡建设局", UnitKind.DEPARTMENT), ("自然资源和规划局", UnitKind.DEPARTMENT),
    ("农业农村局", UnitKind.DEPARTMENT), ("教育体育局", UnitKind.DEPARTMENT), ("民政局", UnitKind.DEPARTMENT),
    ("城市管理局", UnitKind.DEPARTMENT), ("市场监督管理局", UnitKind.DEPARTMENT),
]


class Command(BaseCommand):
    help = "Spread COUNT deterministic cases over the ten counties of the demo city (run seed_demo first)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--years", type=float, default=6)
        parser.add_argument("--until", default="", help="the newest receipt date, yyyy-mm-dd (default: now)")

    def handle(self, *args, **options):
        city = Region.objects.filter(code=CITY).first()
        if city is None:
            raise CommandError("no demo city: run seed_demo first")
        until = timezone.now()
        if options["until"]:
            try:
                until = timezone.make_aware(datetime.fromisoformat(options["until"]))
            except ValueError as exc:
                raise CommandError("--until: use yyyy-mm-dd") from exc
        counties = [self._county(city, code, name, options["seed"] + i) for i, (code, name) in enumerate(COUNTIES)]
        share = options["count"] // len(counties)
        generated = 0
        for i, county in enumerate(counties):
            want = share + (options["count"] % len(counties) if i == 0 else 0)
            have = Case.objects.filter(county=county).count()
            if have >= want:
                continue
            started = time.perf_counter()
            registered_by = User.objects.filter(unit__region=county, unit__kind=UnitKind.PETITION_BUREAU).order_by(
                "pk").first()
            generate_cases(county=county, count=want - have, seed=options["seed"] * 1000 + i + have,
                           registered_by=registered_by, years=options["years"], now=until)
            self.stdout.write(f"{county.name}: {want - have} cases in {time.perf_counter() - started:.0f} s")
            generated += want - have
        if generated or not RollupBucket.objects.exists():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            started = time.perf_counter()
            buckets = rollups_rebuild()
            self.stdout.write(f"{buckets} county-months of rollups rebuilt in {time.perf_counter() - started:.0f} s")
        self.stdout.write(self.style.SUCCESS(
            f"{Case.objects.filter(county__in=counties).count()} cases in {city.name}"))

    def _county(self, city: Region, prefix: str, name: str, seed: int) -> Region:
        """The county with its townships, villages, departments and a caseworker; created once."""
        county = Region.objects.filter(code=f"{prefix}000000").first()
        if county is not None and Unit.objects.filter(region__path__startswith=county.path).exists():
            ensure_categories(county)
            return county
        rng = random.Random(seed)
        county = county or region_create(code=f"{prefix}000000", name=name, level=RegionLevel.COUNTY, parent=city)
        short = name[:-1]
        bureau = None
        for order, (dept, kind) in enumerate(DEPARTMENTS):
            unit = unit_create(name=f"{short}{dept}", kind=kind, region=county, sort_order=order)
            bureau = bureau or unit
        names = set()
        for t in range(rng.randint(9, 14)):
            while (township_name := rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + "镇") in names:
                pass
            names.add(township_name)
            township = region_create(code=f"{prefix}{100 + t:03d}000", name=township_name,
                                     level=RegionLevel.TOWNSHIP, parent=county)
            unit_create(name=f"{township_name}党委政府", kind=UnitKind.TOWNSHIP, region=township)
            for v in range(rng.randint(3, 6)):
                while (village := rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + "村") in names:
                    pass
                names.add(village)
                region_create(code=f"{prefix}{100 + t:03d}{200 + v:03d}", name=village, level=RegionLevel.VILLAGE,
                              parent=township)
        user_create(username=f"caseworker{prefix}", name=f"{short}信访干部", unit=bureau, roles=[Role.CASEWORKER])
        ensure_categories(county)
        return county
