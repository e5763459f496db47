"""Jurisdiction: the one place that decides which rows a user may see.

Every page, API view, export, dashboard and task reads through ``scoped(queryset, user)``; nothing filters by
region ad hoc. A model declares how it hangs off the organisation with a ``scoping = Scoping(...)`` class
attribute:

- ``region``: the lookup path from the model to a Region ("" when the model *is* a Region);
- ``unit``: the lookup path to a Unit ("" when the model *is* a Unit), for rows a unit works on wherever they
  lie. Must be a to-one path, so the filter never duplicates rows;
- ``include_ancestors``: rows hung on a region above the user's (the county's categories) are visible too;
- ``unit_exists``: for rows linked to many units (a case and its assisting units), a function of the unit id
  returning a condition built with ``among`` (the row's id among those linked to the unit), OR-ed with ``unit``;
  it never duplicates rows either;
- ``county``: the lookup path to the row's county, for rows whose ``region`` always lies in that county (a case:
  intake sets ``county`` to the county of ``region``, and neither changes). A user at county level or above then
  sees "the county is one of mine" — one or a few ids on an indexed column, which the planner estimates well —
  instead of "the region is one of my few hundred villages".

A user's jurisdiction is anchored at their unit's region. Holders of ``org.view_jurisdiction`` (caseworkers,
leaders, commissioners, county admins, auditors) see the whole subtree of that region plus what is linked to
their unit; others (unit officers) see only what is linked to their unit, or the regions of their subtree
for models that have no unit. Superusers see everything; users without a unit see nothing. Rows outside the
scope are simply absent, so a detail view built on a scoped queryset answers 404, never 403: it does not
even confirm that the row exists.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, Q, QuerySet

from .choices import RegionLevel

REGION_WIDE_PERMISSION = "org.view_jurisdiction"


class AnyOf(Lookup):
    """``field = ANY(<array>)``: the right-hand side is an ``ArraySubquery`` (PostgreSQL only; see ``among``)."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


# Foreign keys keep a lookup registry of their own (ForeignObject.get_class_lookups stops at ForeignObject).
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)


def among(path: str, subquery: QuerySet) -> Q:
    """``path`` is one of the values ``subquery`` selects.

    On PostgreSQL this is ``path = ANY(ARRAY(subquery))``: the planner runs the subquery once, up front, and can
    then read the big table through its indexes — several such conditions OR-ed together become one BitmapOr. The
    plain ``IN (subquery)`` (or ``EXISTS``) OR-ed with another condition makes it scan the whole table instead: a
    county caseworker's case count took 350 ms in a database of a million cases, 40 ms this way."""
    subquery = subquery.order_by()  # a set: the rows' default ordering would only add a sort
    if connection.vendor == "postgresql":
        # Lazy: django.contrib.postgres is PostgreSQL's alone (make run's SQLite demo never loads it).
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(**{f"{path}__any_of": ArraySubquery(subquery)})
    return Q(**{f"{path}__in": subquery})

@dataclass(frozen=True)
class Scoping:
    """How a model hangs off the organisation; see the module docstring."""

    region: str | None = None
    unit: str | None = None
    county: str | None = None
    unit_exists: Callable[[int], Q] | None = None
    # Rows of a region *above* the user count too: a county's settings, categories and petitioner register
    # serve every township and village user of that county.
    include_ancestors: bool = False


def _lookup(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


def _counties(user) -> list[int]:
    """The ids of the counties in the user's region (their own, for a county's people), once per user object."""
    region = user.unit.region
    if region.level == RegionLevel.COUNTY:
        return [region.pk]
    cached = user.__dict__.get("_jurisdiction_counties")
    if cached is None or cached[0] != region.pk:
        from xinfang.org.models import Region  # lazy: org/models.py imports Scoping from this module

        ids = list(Region.objects.filter(path__startswith=region.path, level=RegionLevel.COUNTY)
                   .values_list("pk", flat=True))
        cached = user.__dict__["_jurisdiction_counties"] = (region.pk, ids)
    return cached[1]


def jurisdiction_q(model, user) -> Q | None:
    """The filter that limits ``model`` to ``user``'s jurisdiction; None means no limit (superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    spec: Scoping = model.scoping
    if not user.unit_id:
        return Q(pk__in=[])
    if spec.unit is None:
        unit_q = None
    elif spec.unit == "":
        unit_q = Q(pk=user.unit_id)
    else:
        unit_q = Q(**{spec.unit: user.unit_id})
    if spec.unit_exists is not None:
        unit_q = spec.unit_exists(user.unit_id) if unit_q is None else unit_q | spec.unit_exists(user.unit_id)
    region_wide = spec.unit is None or user.has_perm(REGION_WIDE_PERMISSION)
    if not region_wide or spec.region is None:
        return unit_q if unit_q is not None else Q(pk__in=[])
    if spec.county is not None and user.unit.region.level <= RegionLevel.COUNTY:
        region_q = Q(**{f"{spec.county}__in": _counties(user)})
    elif spec.region == "":
        region_q = Q(path__startswith=user.unit.region.path)
        if spec.include_ancestors:
            region_q |= Q(code__in=user.unit.region.ancestor_codes)
    else:
        from xinfang.org.models import Region  # lazy: org/models.py imports Scoping from this module

        regions = Q(path__startswith=user.unit.region.path)
        if spec.include_ancestors:
            regions |= Q(code__in=user.unit.region.ancestor_codes)
        regions = Region.objects.filter(regions).order_by().values("pk")
        # OR-ed with the unit's rows, the region ids go up front (``among``), so the big table is read through its
        # indexes; alone, a semi-join on the (small) region table plans better (a hash of the ids).
        region_q = among(spec.region, regions) if unit_q is not None else Q(**{f"{spec.region}__in": regions})
    return region_q | unit_q if unit_q is not None else region_q


def scoped(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` limited to what ``user`` may see. The only jurisdiction filter in the code base."""
    q = jurisdiction_q(queryset.model, user)
    return queryset if q is None else queryset.filter(q)
