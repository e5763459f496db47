"""Factories for the organisation: a whole county in one call, and people with roles."""

from dataclasses import dataclass

from xinfang.org.choices import RegionLevel, UnitKind
from xinfang.org.models import Region, Unit, User
from xinfang.org.services import region_create, roles_sync, unit_create, user_create

PASSWORD = "test-pass-123"


def _region(code, name, level, parent):
    return Region.objects.filter(code=code).first() or region_create(code=code, name=name, level=level,
                                                                     parent=parent)


@dataclass
class County:
    """A county built for a test: its regions and a few units."""

    province: Region
    city: Region
    region: Region
    townships: list[Region]
    villages: list[Region]
    bureau: Unit  # 县信访局
    government: Unit  # 县政府办公室
    housing: Unit  # 县住建局
    township_government: Unit


def CountyFactory(*, province, city, county) -> County:  # noqa: N802 - reads like the other factories
    """Province → city → county → two townships → two villages each, and four units."""
    prov = _region(*province, RegionLevel.PROVINCE, None)
    cty = _region(*city, RegionLevel.CITY, prov)
    cnty = _region(*county, RegionLevel.COUNTY, cty)
    prefix = county[0][:6]
    townships, villages = [], []
    for i, name in enumerate(["城关镇", "河口镇"]):
        township = _region(f"{prefix}{100 + i}000", f"{county[1]}{name}", RegionLevel.TOWNSHIP, cnty)
        townships.append(township)
        for j in range(2):
            villages.append(_region(f"{prefix}{100 + i}{201 + j}", f"{township.name}第{j + 1}村", RegionLevel.VILLAGE,
                                    township))
    short = county[1]
    return County(
        province=prov, city=cty, region=cnty, townships=townships, villages=villages,
        bureau=unit_create(name=f"{short}信访局", kind=UnitKind.PETITION_BUREAU, region=cnty),
        government=unit_create(name=f"{short}人民政府办公室", kind=UnitKind.PARTY_GOVERNMENT, region=cnty),
        housing=unit_create(name=f"{short}住房和城乡建设局", kind=UnitKind.DEPARTMENT, region=cnty),
        township_government=unit_create(name=f"{townships[0].name}党委政府", kind=UnitKind.TOWNSHIP,
                                        region=townships[0]),
    )


def make_person(username, unit, roles, *, name="", leader_level=None, password=PASSWORD) -> User:
    """A person of ``unit`` holding ``roles``, with a usable password."""
    roles_sync()
    return user_create(username=username, name=name or username, unit=unit, roles=roles, password=password,
                       leader_level=leader_level)


def set_milestone(actor, county: Region, code: str, values: dict, rule_set: int = 1):
    """The county admin changes (or adds) one milestone of a rule set of the deadline rules: the next version of the
    county's settings, as the settings page saves it."""
    from xinfang.rules.registry import group
    from xinfang.rules.selectors import rules_for
    from xinfang.rules.services import rules_save_record, walk

    rules = rules_for(county, "deadlines")
    _field, milestones, _record = walk(group("deadlines"), rules.values, f"rule_sets/{rule_set}/milestones")
    known = any(m["code"] == code for m in milestones)
    path = f"rule_sets/{rule_set}/milestones" + (f"/{code}" if known else "")
    return rules_save_record(actor=actor, county=county, key="deadlines", path=path,
                             record=values if known else {"code": code, **values}, reason="县信访联席会议决定")


def add_rule_set(actor, county: Region, record: dict):
    """The county admin adds a rule set (its milestones the statutory ones unless given); returns its key."""
    from xinfang.rules.services import rules_save_record

    saved = rules_save_record(actor=actor, county=county, key="deadlines", path="rule_sets", record=record,
                              reason="县信访联席会议决定")
    return saved.values["rule_sets"][-1]["key"]
