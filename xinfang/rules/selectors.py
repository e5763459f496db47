"""Reads of the county settings: the values in force on a day, a group's versions, the diff between two."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.org.choices import RegionLevel
from xinfang.org.models import Region
from xinfang.org.scoping import scoped

from .models import RulesVersion
from .registry import CHOICES, CUSTOM, MAPPING, NUMBERS, RECORDS, Field, Group, group, groups


class Rules:
    """A group's values in force, read as attributes (``rules.return_window_days``), with the version they come
    from (None: nothing saved yet, the defaults)."""

    def __init__(self, group: Group, values: dict, version: RulesVersion | None = None, county_id: int | None = None):
        self.__dict__.update(_values=values, group=group, version=version, county_id=county_id)

    def __getattr__(self, name):
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def values(self) -> dict:
        return dict(self._values)

    @property
    def number(self) -> int:
        """The version's number, 0 for the defaults."""
        return self.version.version if self.version is not None else 0

    @property
    def shown(self) -> list[tuple[str, str, str]]:
        """(label, value as read, help) per field, for a page's summary of the rules in force."""
        return [(str(f.label), f.display(self._values[f.name], self.county_id), str(f.help)) for f in self.group.fields]

    @property
    def shown_lines(self) -> list[tuple[str, str, bool]]:
        """(label, value as read, whether it reads as a list — weights, a table, bands — and wants a line of its
        own) per field, for the summary card."""
        return [(label, value, self.group.field(name).kind in (MAPPING, NUMBERS, CUSTOM, CHOICES, RECORDS))
                for (label, value, _help), name in zip(self.shown, [f.name for f in self.group.fields], strict=True)]

    @property
    def record_lists(self) -> list[tuple[Field, str, list[tuple[str, str, str]]]]:
        """Each RECORDS field with the path of its list and its records as (path of the record's page, title,
        text), for the group's page."""
        labels = {}
        return [(f, f.name, record_rows(f, f.name, self._values[f.name], self.county_id, labels))
                for f in self.group.fields if f.kind == RECORDS]


def record_rows(f: Field, path: str, records: list[dict], county_id, labels: dict) -> list[tuple[str, str, str]]:
    """Records of the list at ``path`` as (path of each record's page, title, text)."""
    return [(f"{path}/{f.record_key(r)}", f.record_title(r), f.record_text(r, county_id, labels)) for r in records]


def values_over_defaults(g: Group, row: RulesVersion | None) -> dict:
    """A version's values over the group's defaults: a setting added since the version was saved has its default."""
    return {**g.defaults(), **(row.values if row is not None else {})}


def in_force_row(county_id: int, g: Group, on: date) -> RulesVersion | None:
    return (RulesVersion.objects.filter(county_id=county_id, group=g.key, valid_from__lte=on, withdrawn_at__isnull=True)
            .order_by("-valid_from", "-version").select_related("created_by").first())


VIEW = "rules.view_rulesversion"


def may_view(user, g: Group) -> bool:
    """The county's rule keepers and auditors read every group; a group may open itself to more readers."""
    return (user.has_perm(VIEW) or bool(g.view_permission and user.has_perm(g.view_permission))
            or user.has_perm(g.edit_permission))


def may_edit(user, g: Group) -> bool:
    return user.has_perm(g.edit_permission)


def viewable_groups(user) -> list[Group]:
    return [g for g in groups() if may_view(user, g)]


def _group_or_error(key: str) -> Group:
    found = group(key)
    if found is None:
        raise LookupError(key)
    return found


def rules_for(region: Region, key: str, on: date | None = None) -> Rules:
    """The settings of group ``key`` in force on ``on`` (today) for the county of ``region``; above county level
    (a city's schedule) the defaults."""
    g = _group_or_error(key)
    county = region.ancestor_at(RegionLevel.COUNTY) if region.level >= RegionLevel.COUNTY else None
    if county is None:
        return Rules(g, g.defaults())
    row = in_force_row(county.pk, g, on or timezone.localdate())
    return Rules(g, values_over_defaults(g, row), row, county.pk)


def rules_for_groups(region: Region, keys, on: date | None = None) -> list[Rules]:
    """The settings of each group in ``keys`` in force on ``on`` for the county of ``region``, in one query (the
    API's list of every group)."""
    groups = [_group_or_error(k) for k in keys]
    county = region.ancestor_at(RegionLevel.COUNTY) if region.level >= RegionLevel.COUNTY else None
    if county is None:
        return [Rules(g, g.defaults()) for g in groups]
    rows = {}
    for row in (RulesVersion.objects.filter(county_id=county.pk, group__in=[g.key for g in groups],
                                            valid_from__lte=on or timezone.localdate(), withdrawn_at__isnull=True)
                .order_by("group", "-valid_from", "-version").select_related("created_by")):
        rows.setdefault(row.group, row)
    return [Rules(g, values_over_defaults(g, rows.get(g.key)), rows.get(g.key), county.pk) for g in groups]


def rules_for_counties(county_ids, key: str, on: date | None = None) -> dict[int, Rules]:
    """The settings of group ``key`` in force on ``on`` for each county (one query): for sweeps over counties."""
    g = _group_or_error(key)
    ids = set(county_ids)
    rows = {}
    rows_in_force = RulesVersion.objects.filter(county_id__in=ids, group=g.key, withdrawn_at__isnull=True,
                                                valid_from__lte=on or timezone.localdate())
    for row in rows_in_force.order_by("county_id", "-valid_from", "-version"):
        rows.setdefault(row.county_id, row)
    return {county_id: Rules(g, values_over_defaults(g, rows.get(county_id)), rows.get(county_id), county_id)
            for county_id in ids}


def latest_version(county: Region, key: str) -> RulesVersion | None:
    """The newest saved version (which may take effect later than today, or have been withdrawn)."""
    return RulesVersion.objects.filter(county=county, group=key).order_by("-version").first()


def pending_version(county: Region, key: str, after: date) -> RulesVersion | None:
    """The latest-dated version, not withdrawn, that takes effect after ``after``."""
    return (RulesVersion.objects.filter(county=county, group=key, valid_from__gt=after, withdrawn_at__isnull=True)
            .order_by("-valid_from", "-version").first())


def version_list(*, user, county: Region, key: str):
    """A group's versions the user may see, newest first."""
    return (scoped(RulesVersion.objects.filter(county=county, group=key), user).select_related("created_by")
            .order_by("-version"))


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    before: object
    after: object
    before_text: str
    after_text: str


def rules_diff(g: Group, before: dict | None, after: dict, county_id: int | None = None,
               labels: dict | None = None) -> list[Change]:
    """What changed from ``before`` (None: the defaults) to ``after``, field by field in the group's order (the
    county's own options, such as its categories, named as it names them). ``labels``: a dict the caller keeps
    across calls, so a history of many versions reads each field's options once."""
    labels = {} if labels is None else labels
    before = {**g.defaults(), **(before or {})}
    after = {**g.defaults(), **after}
    changes = []
    for f in g.fields:
        if before[f.name] == after[f.name]:
            continue
        if f.kind == RECORDS:
            changes += _records_diff(f, f.name, str(f.label), before[f.name], after[f.name], county_id, labels)
            continue
        shown = f.cached_labels(labels, county_id)
        changes.append(Change(f.name, str(f.label), before[f.name], after[f.name],
                              f.display(before[f.name], county_id, shown), f.display(after[f.name], county_id, shown)))
    return changes


def _records_diff(f: Field, name: str, label: str, before: list, after: list, county_id, labels) -> list[Change]:
    """What changed in a list of records, record by record (matched by key): one added, one removed, or each
    field of one changed (its nested records the same way)."""
    old = {f.record_key(r): r for r in before or []}
    new = {f.record_key(r): r for r in after or []}
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        where, at = f"{label} · {f.record_title(b or a)}", f"{name}/{key}"
        if a is None:
            changes.append(Change(at, where, None, b, "—", _("新增：%(text)s") % {
                "text": f.record_text(b, county_id, labels)}))
        elif b is None:
            changes.append(Change(at, where, a, None, f.record_text(a, county_id, labels), _("删除")))
        else:
            for rf in f.row:
                x, y = a.get(rf.name), b.get(rf.name)
                if x == y:
                    continue
                if rf.kind == RECORDS:
                    changes += _records_diff(rf, f"{at}/{rf.name}", f"{where} · {rf.label}", x, y, county_id, labels)
                else:
                    shown = rf.cached_labels(labels, county_id)
                    changes.append(Change(f"{at}/{rf.name}", f"{where} · {rf.label}", x, y,
                                          rf.display(x, county_id, shown), rf.display(y, county_id, shown)))
    return changes


def version_changes(row: RulesVersion) -> list[Change]:
    """What ``row`` changed from the version saved before it (not withdrawn), as its history shows it."""
    previous = (RulesVersion.objects.filter(county_id=row.county_id, group=row.group, version__lt=row.version,
                                            withdrawn_at__isnull=True).order_by("-version").first())
    return rules_diff(group(row.group), previous.values if previous else None, row.values, row.county_id)


def history(versions: list[RulesVersion], g: Group) -> list[tuple[RulesVersion, list[Change]]]:
    """Each version (newest first) with its changes from the version before it."""
    ordered = sorted(versions, key=lambda v: v.version)
    pairs, previous, labels = [], None, {}
    for v in ordered:
        pairs.append((v, rules_diff(g, previous.values if previous else None, v.values, v.county_id, labels)))
        if v.withdrawn_at is None:
            previous = v
    return list(reversed(pairs))
