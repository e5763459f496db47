"""Writes of the dashboards app: keeping the monthly rollups current.

- ``rollup_touch(case)``: a case service changed ``case``; once the transaction commits, the case's bucket (county and
  month of receipt) is marked stale. Marking after the commit means the refresh that clears the mark reads the
  change, or a later mark brings the bucket back (see ``rollup_refresh``).
- ``rollups_refresh_stale()``: Celery, every minute: recompute the stale buckets, oldest change first.
- ``rollups_mark_open()``: Celery, every night: buckets holding open cases are marked stale, because a deadline
  passing overnight moves a case into "overdue" without any write.
- ``rollups_rebuild()``: every bucket from scratch (after bulk loads; ``manage.py rollups_rebuild``).
"""

import logging
from collections import defaultdict
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone

from cases.choices import OPEN_STATUSES
from cases.models import Case
from xinfang.dates import day_range
from xinfang.org.models import TOWNSHIP_PATH_LENGTH, Region

from .choices import Dimension
from .measures import COUNTED, SETS
from .models import CaseRollup, RollupBucket

logger = logging.getLogger(__name__)

# At most this many buckets per run of the stale refresher (a bucket takes tens of milliseconds).
REFRESH_BATCH = 200


def month_of(moment: datetime) -> date:
    """The first day of the local month of ``moment``: the bucket a case received then belongs to."""
    return timezone.localtime(moment).date().replace(day=1)


def month_end(month: date) -> date:
    """The last day of ``month`` (given as its first day)."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _mark(keys) -> None:
    """Mark these (county id, month) buckets stale, keeping the oldest change's time. In key order, so two markers
    never lock the same buckets in opposite orders."""
    if not keys:
        return
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = RollupBucket._meta.db_table  # the model's own table name; every value is a parameter
    rows = sorted(keys)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 1000):
            chunk = rows[i:i + 1000]
            cursor.execute(
                f"INSERT INTO {table} (county_id, month, stale_since) VALUES "  # noqa: S608
                f"{', '.join(['(%s, %s, %s)'] * len(chunk))} ON CONFLICT (county_id, month) "
                f"DO UPDATE SET stale_since = COALESCE({table}.stale_since, EXCLUDED.stale_since)",
                [v for county_id, month in chunk for v in (county_id, ops.adapt_datefield_value(month), now)])


def _mark_after_commit(keys_of) -> None:
    """Mark the buckets ``keys_of()`` names once the transaction commits. The change is saved by then: a failure
    here is logged, not raised (the nightly task marks what was missed)."""
    def mark():
        try:
            _mark(keys_of())
        except Exception:  # noqa: BLE001 - the user's change already committed
            logger.exception("could not mark dashboard rollups stale")

    transaction.on_commit(mark)


def rollup_touch(case: Case) -> None:
    """Mark ``case``'s bucket stale when the current transaction commits (at once outside a transaction)."""
    key = (case.county_id, month_of(case.received_at))
    _mark_after_commit(lambda: {key})


def rollups_touch_cases(case_ids) -> None:
    """Mark the buckets of these cases stale when the current transaction commits (bulk changes)."""
    ids = list(case_ids)
    if ids:
        _mark_after_commit(lambda: _months_of(Case.objects.filter(pk__in=ids)))


def _months_of(cases) -> set[tuple[int, date]]:
    """The (county id, local month) buckets of these cases."""
    tz = timezone.get_current_timezone()
    return {(c, m.date() if isinstance(m, datetime) else m) for c, m in
            cases.order_by().annotate(month=TruncMonth("received_at", tzinfo=tz))
            .values_list("county_id", "month").distinct()}


def _case_rows(county_id: int, month: date, today: date):
    """Each case of the bucket with its township's path, dimension values and one flag per set."""
    lo, hi = day_range(month, month_end(month))
    flags = {}
    for code in COUNTED:
        condition = SETS[code].q(today)
        flags[f"in_{code}"] = ExpressionWrapper(condition if condition else Value(True), output_field=BooleanField())
    return (Case.objects.filter(county_id=county_id, received_at__gte=lo, received_at__lt=hi).order_by()
            .annotate(area_path=Substr("region__path", 1, TOWNSHIP_PATH_LENGTH),
                      root_category=Coalesce("category__parent_id", "category_id"), **flags)
            .values_list("area_path", "channel", "root_category", "lead_unit_id", *flags))


def _rollup_rows(county_id: int, month: date, today: date) -> list[CaseRollup]:
    """The bucket's rows: by township (``area``) and, summed over the townships, for the whole county."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTED))
    for area_path, channel, category, unit, *bits in _case_rows(county_id, month, today):
        for dim, key in ((Dimension.CHANNEL, channel), (Dimension.CATEGORY, str(category)),
                         (Dimension.UNIT, str(unit) if unit else "")):
            for total in (counts[(area_path, dim, key)], counts[(None, dim, key)]):
                for i, bit in enumerate(bits):
                    if bit:
                        total[i] += 1
    areas = dict(Region.objects.filter(path__in={k[0] for k in counts if k[0]}).values_list("path", "pk"))
    areas[None] = county_id
    return [CaseRollup(county_id=county_id, month=month, area_id=areas[path], whole_county=path is None,
                       dimension=dim, key=key, **dict(zip(COUNTED, values, strict=True)))
            for (path, dim, key), values in counts.items() if path in areas]


@transaction.atomic
def rollup_refresh(*, county_id: int, month: date) -> RollupBucket:
    """Recompute the rollups of one county's cases received in ``month`` (its first day).

    The bucket row is locked first, so two refreshers never interleave, and a case service marking the bucket
    meanwhile waits and leaves it stale again; the cases are read after the lock, so every change committed before
    the mark was cleared is counted."""
    bucket, _created = RollupBucket.objects.get_or_create(county_id=county_id, month=month)
    bucket = RollupBucket.objects.select_for_update().get(pk=bucket.pk)
    now = timezone.now()
    rows = _rollup_rows(county_id, month, timezone.localdate(now))
    CaseRollup.objects.filter(county_id=county_id, month=month).delete()
    CaseRollup.objects.bulk_create(rows, batch_size=1000)
    bucket.computed_at, bucket.stale_since = now, None
    bucket.save(update_fields=["computed_at", "stale_since"])
    return bucket


def rollups_refresh_stale(*, limit: int = REFRESH_BATCH) -> int:
    """Recompute up to ``limit`` stale buckets, the oldest change first; returns how many. One failing bucket is
    logged and left stale for the next run; the others go on."""
    done = 0
    for county_id, month in (RollupBucket.objects.filter(stale_since__isnull=False).order_by("stale_since")
                             .values_list("county_id", "month")[:limit]):
        try:
            rollup_refresh(county_id=county_id, month=month)
            done += 1
        except Exception:  # noqa: BLE001 - one bucket must not stop the queue
            logger.exception("rollup refresh failed for county %s, %s", county_id, month)
    return done


def rollups_mark_open() -> int:
    """Mark stale every bucket that holds an open case (its deadlines move with the calendar, not with writes)."""
    keys = _months_of(Case.objects.filter(status__in=OPEN_STATUSES))
    _mark(keys)
    return len(keys)


def rollups_rebuild(*, county: Region | None = None) -> int:
    """Every bucket of ``county`` (or of all counties) recomputed now; returns how many."""
    keys = _months_of(Case.objects.all() if county is None else Case.objects.filter(county=county))
    # Buckets whose cases are gone (a purge, a test) are emptied too.
    buckets = RollupBucket.objects.all() if county is None else RollupBucket.objects.filter(county=county)
    keys |= set(buckets.values_list("county_id", "month"))
    keys = sorted(keys)
    for county_id, month in keys:
        rollup_refresh(county_id=county_id, month=month)
    return len(keys)
