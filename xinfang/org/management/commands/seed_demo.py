"""Build the demo county deterministically: 安徽省 → 安庆市 → 怀宁县, 15 townships, about 200 villages and
communities, 30 county departments and users of every role. Running it twice changes nothing."""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from cases.demo import county_has_cases, ensure_categories, generate_cases
from cases.models import Case
from dashboards.services import rollups_rebuild
from dossiers.demo import seed_dossiers
from scoring.services import snapshot_generate
from visits.demo import seed_visits
from workflow import sweep
from xinfang.org.choices import RegionLevel, Role, UnitKind
from xinfang.org.models import Region, Unit, User
from xinfang.org.services import region_create, roles_sync, unit_create, user_create

DEMO_PASSWORD = "xinfang-demo"  # noqa: S105 - the demo county only; printed by `make run`
SEED = 20261122

PROVINCE = ("340000000000", "安徽省")
CITY = ("340800000000", "安庆市")
COUNTY = ("340822000000", "怀宁县")
TOWNSHIPS = [
    ("100", "高河镇"), ("101", "石牌镇"), ("102", "月山镇"), ("103", "马庙镇"), ("104", "金拱镇"),
    ("105", "茶岭镇"), ("106", "公岭镇"), ("107", "黄墩镇"), ("108", "三桥镇"), ("109", "小市镇"),
    ("110", "平山镇"), ("111", "腊树镇"), ("112", "洪铺镇"), ("113", "江镇镇"), ("200", "凉亭乡"),
]
DEPARTMENTS = [
    ("县信访局", UnitKind.PETITION_BUREAU), ("县委办公室", UnitKind.PARTY_GOVERNMENT),
    ("县政府办公室", UnitKind.PARTY_GOVERNMENT), ("县委政法委", UnitKind.POLITICAL_LEGAL),
    ("县人民法院", UnitKind.POLITICAL_LEGAL), ("县人民检察院", UnitKind.POLITICAL_LEGAL),
    ("县公安局", UnitKind.POLITICAL_LEGAL), ("县司法局", UnitKind.POLITICAL_LEGAL),
    ("县人力资源和社会保障局", UnitKind.DEPARTMENT), ("县住房和城乡建设局", UnitKind.DEPARTMENT),
    ("县自然资源和规划局", UnitKind.DEPARTMENT), ("县农业农村局", UnitKind.DEPARTMENT),
    ("市生态环境局怀宁分局", UnitKind.DEPARTMENT), ("县教育体育局", UnitKind.DEPARTMENT),
    ("县卫生健康委员会", UnitKind.DEPARTMENT), ("县民政局", UnitKind.DEPARTMENT),
    ("县市场监督管理局", UnitKind.DEPARTMENT), ("县交通运输局", UnitKind.DEPARTMENT),
    ("县水利局", UnitKind.DEPARTMENT), ("县财政局", UnitKind.DEPARTMENT),
    ("县城市管理局", UnitKind.DEPARTMENT), ("县退役军人事务局", UnitKind.DEPARTMENT),
    ("县医疗保障局", UnitKind.DEPARTMENT), ("县应急管理局", UnitKind.DEPARTMENT),
    ("县林业局", UnitKind.DEPARTMENT), ("县文化旅游局", UnitKind.DEPARTMENT),
    ("县数据资源管理局", UnitKind.DEPARTMENT), ("县总工会", UnitKind.OTHER),
    ("国网怀宁县供电公司", UnitKind.ENTERPRISE), ("县城市建设投资有限公司", UnitKind.ENTERPRISE),
]
# What people call the departments (the unit pickers find them by these too).
SHORT_NAMES = {
    "县人力资源和社会保障局": ("人社局", "劳动局"), "县住房和城乡建设局": ("住建局", "建设局、房管局"),
    "县自然资源和规划局": ("自规局", "国土局"), "县农业农村局": ("农业局", ""),
    "市生态环境局怀宁分局": ("环保局", "生态环境局"), "县教育体育局": ("教体局", "教育局"),
    "县卫生健康委员会": ("卫健委", "卫生局"), "县市场监督管理局": ("市监局", "工商局"),
    "县交通运输局": ("交通局", ""), "县城市管理局": ("城管局", "城管"), "县退役军人事务局": ("退役军人局", ""),
    "县医疗保障局": ("医保局", ""), "县应急管理局": ("应急局", "安监局"), "县数据资源管理局": ("数据局", ""),
    "国网怀宁县供电公司": ("供电公司", "电力公司"), "县城市建设投资有限公司": ("城投公司", ""),
}
VILLAGE_FIRST = "黄杨桂石龙凤檀金洪马茶枫柳桃竹松梅花湖新三双高平秀安和丰兴民福"
VILLAGE_SECOND = ["岗", "圩", "冲", "湾", "桥", "山", "河", "畈", "塘", "岭", "庄", "埠", "铺", "墩"]


class Command(BaseCommand):
    help = "Seed the demo county (怀宁县) with regions, units and users of every role. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000, help="how many demo cases (first run only)")

    @transaction.atomic
    def handle(self, *args, **options):
        roles_sync()
        rng = random.Random(SEED)
        fake = Faker("zh_CN")
        fake.seed_instance(SEED)

        province = self._region(*PROVINCE, RegionLevel.PROVINCE, None)
        city = self._region(*CITY, RegionLevel.CITY, province)
        county = self._region(*COUNTY, RegionLevel.COUNTY, city)

        city_bureau = self._unit("安庆市信访局", UnitKind.PETITION_BUREAU, city)
        departments = {name: self._unit(name, kind, county, sort_order=i) for i, (name, kind) in enumerate(DEPARTMENTS)}

        townships = []
        for suffix, name in TOWNSHIPS:
            township = self._region(f"340822{suffix}000", name, RegionLevel.TOWNSHIP, county)
            government = self._unit(f"{name}党委政府", UnitKind.TOWNSHIP, township)
            townships.append((township, government))
            # 2 communities (居委会, 0xx) and 11–13 villages (村委会, 2xx): about 200 in all.
            names = set()
            places = [("001", "社区"), ("002", "社区")] + [(f"{200 + i:03d}", "村") for i in range(rng.randint(11, 13))]
            for code_suffix, kind in places:
                while True:
                    place = rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND) + kind
                    if place not in names:
                        names.add(place)
                        break
                village = self._region(f"340822{suffix}{code_suffix}", place, RegionLevel.VILLAGE, township)
                if code_suffix in ("001", "201"):
                    self._unit(f"{place}{'居委会' if kind == '社区' else '村委会'}", UnitKind.VILLAGE, village)

        # One hash for every demo login: hashing 86 passwords one by one takes most of a minute.
        demo_hash = make_password(DEMO_PASSWORD)

        def person(username, unit, roles, title="", leader_level=None, superuser=False, staff=False):
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(username=username, name=fake.name(), unit=unit, roles=roles, title=title,
                                   leader_level=leader_level)
                User.objects.filter(pk=user.pk).update(password=demo_hash)
                if superuser or staff:
                    User.objects.filter(pk=user.pk).update(is_superuser=superuser, is_staff=True)
            return user

        bureau = departments["县信访局"]
        person("root", bureau, [], title="安装用超级用户", superuser=True)
        person("admin", bureau, [Role.COUNTY_ADMIN], title="县级管理员")
        person("caseworker", bureau, [Role.CASEWORKER], title="接待科科员")
        person("leader", departments["县政府办公室"], [Role.LEADER], title="副县长", leader_level=RegionLevel.COUNTY)
        person("officer", departments["县住房和城乡建设局"], [Role.UNIT_OFFICER], title="信访联络员")
        person("cadre", townships[0][1], [Role.FIELD_CADRE], title="信访专员")
        person("auditor", bureau, [Role.AUDITOR], title="督查室")
        # 三员分立: three administrators, three accounts (each binds an authenticator at the first login).
        # The system and security administrators keep accounts and roles in the admin (/admin/), so they are staff.
        person("sysadmin", bureau, [Role.SYSTEM_ADMIN], title="系统管理员", staff=True)
        person("secadmin", bureau, [Role.SECURITY_ADMIN], title="安全管理员", staff=True)
        person("auditadmin", bureau, [Role.AUDIT_ADMIN], title="审计管理员")
        person("cityleader", city_bureau, [Role.LEADER], title="市信访局局长", leader_level=RegionLevel.CITY)
        for i in range(2, 6):
            person(f"caseworker{i}", bureau, [Role.CASEWORKER], title="信访干部")
        person("secretary", departments["县委办公室"], [Role.LEADER], title="县委书记", leader_level=RegionLevel.COUNTY)
        person("magistrate", departments["县政府办公室"], [Role.LEADER], title="县长", leader_level=RegionLevel.COUNTY)
        for i, (name, _kind) in enumerate(DEPARTMENTS[3:], start=1):
            person(f"officer{i:02d}", departments[name], [Role.UNIT_OFFICER], title="信访联络员")
        for i, (_township, government) in enumerate(townships, start=1):
            head = person(f"town{i:02d}", government, [Role.LEADER], title="党委书记",
                          leader_level=RegionLevel.TOWNSHIP)
            Unit.objects.filter(pk=government.pk, leader__isnull=True).update(leader=head)
            person(f"commissioner{i:02d}", government, [Role.FIELD_CADRE], title="信访专员")
            person(f"townclerk{i:02d}", government, [Role.CASEWORKER], title="综治中心干部")

        # Cases: the county's categories and rules, and a few thousand petitions in every state.
        ensure_categories(county)
        if not county_has_cases(county):
            generate_cases(county=county, count=options["cases"], seed=SEED,
                           registered_by=User.objects.get(username="caseworker"))
        # Departments answer to the deputy county head; the red and yellow cards of the open cases are raised now.
        Unit.objects.filter(region=county, leader__isnull=True).exclude(pk=bureau.pk).update(
            leader=User.objects.get(username="leader"))
        seed_visits(county=county, seed=SEED)
        seed_dossiers(county=county, seed=SEED)
        # The bulletins beat would have made: last month's ranking, last week's showcase, yesterday's bulletin.
        today = timezone.localdate()
        for kind, day in (("month", today.replace(day=1) - timedelta(days=1)), ("week", today - timedelta(days=7)),
                          ("day", today - timedelta(days=1))):
            snapshot_generate(county=county, kind=kind, day=day)
        sweep()
        # The dashboards' monthly rollups of the county's cases (kept current by Celery from here on).
        rollups_rebuild(county=county)

        self.stdout.write(self.style.SUCCESS(
            f"demo county {county.name}: {Region.objects.filter(path__startswith=county.path).count()} regions, "
            f"{Unit.objects.count()} units, {User.objects.count()} users, "
            f"{county_case_count(county)} cases"
        ))

    @staticmethod
    def _region(code, name, level, parent):
        return Region.objects.filter(code=code).first() or region_create(code=code, name=name, level=level,
                                                                         parent=parent)

    @staticmethod
    def _unit(name, kind, region, sort_order=0):
        short_name, aliases = SHORT_NAMES.get(name, ("", ""))
        return Unit.objects.filter(region=region, name=name).first() or unit_create(
            name=name, kind=kind, region=region, sort_order=sort_order, short_name=short_name, aliases=aliases)


def county_case_count(county) -> int:
    return Case.objects.filter(county=county).count()
