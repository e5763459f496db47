"""Writes of the county settings: a save is the next version (who, when, why, from which day); a rollback is a save
of an earlier version's values. Versions are never edited or deleted."""

import copy
import re
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.dates import EARLIEST, LATEST
from xinfang.errors import Conflict, NotFound, ValidationFailed, invalid, required_text
from xinfang.org.models import Region, User
from xinfang.org.services import audit_record, require_own_county

from .models import RulesVersion
from .registry import (
    BOOL,
    CHOICE,
    CHOICES,
    CUSTOM,
    DECIMAL,
    EDIT,
    INT,
    KEY,
    NUMBERS,
    RECORDS,
    TEXT,
    Field,
    Group,
    group,
    plain_number,
)
from .selectors import in_force_row, latest_version, pending_version, rules_diff, values_over_defaults

PERMISSION = EDIT  # the county rule keepers' (a group may name another: Group.edit_permission)


def group_or_404(key: str) -> Group:
    found = group(key)
    if found is None:
        raise NotFound(_("没有这组规则。"), code="rules_group_not_found")
    return found


_WHOLE = re.compile(r"-?[0-9]{1,9}")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,29}")
_NUMBER = re.compile(r"-?[0-9]{1,9}(\.[0-9]{1,6})?")


def _number(f: Field, value, kind: str):
    """``value`` as a number of ``kind`` within the field's bounds (a string of digits is taken), else ValueError."""
    if isinstance(value, str) and (_WHOLE if kind == INT else _NUMBER).fullmatch(value.strip()):
        value = int(value) if kind == INT else plain_number(value.strip())
    elif isinstance(value, Decimal) and value.is_finite():
        value = plain_number(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value in (
            float("inf"), float("-inf")):
        raise ValueError(_("请填写整数。") if kind == INT else _("请填写数字。"))
    if kind == INT and not isinstance(value, int):
        if not float(value).is_integer():
            raise ValueError(_("请填写整数。"))
        value = int(value)
    if kind == DECIMAL:
        if Decimal(str(value)).as_tuple().exponent < -f.places:
            raise ValueError(_("最多%(n)s位小数。") % {"n": f.places})
        value = plain_number(value)
    if (f.min is not None and value < f.min) or (f.max is not None and value > f.max):
        raise ValueError(_("%(label)s应在%(min)s至%(max)s之间。") % {"label": f.label, "min": f.min, "max": f.max})
    return value


def _clean_value(f: Field, value, county_id: int):
    """One setting's value checked against its field, in its stored shape; ValueError with the message."""
    if not f.required and (value is None or value == ""):
        return "" if f.kind in (TEXT, CHOICE) else None
    if f.kind == TEXT:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(_("请填写%(label)s。") % {"label": f.label})
        if f.max and len(value.strip()) > f.max:
            raise ValueError(_("%(label)s最多%(n)s个字。") % {"label": f.label, "n": f.max})
        return value.strip()
    if f.kind == BOOL:
        if not isinstance(value, bool):
            raise ValueError(_("请选择是或否。"))
        return value
    if f.kind == RECORDS:
        return _clean_records(f, value, county_id)
    if f.kind == CUSTOM:
        return f.clean(value)
    if f.kind in (INT, DECIMAL):
        return _number(f, value, f.kind)
    if f.kind == NUMBERS:
        if not isinstance(value, list | tuple) or not value or len(value) > f.max_items:
            raise ValueError(_("请填写1至%(n)s个数字。") % {"n": f.max_items})
        return [_number(f, v, DECIMAL) for v in value]
    allowed = {str(v) for v, _label in f.options(county_id)}
    if f.kind == CHOICE:
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(_("请从给出的选项中选择。"))
        return value
    if f.kind == CHOICES:
        if not isinstance(value, list | tuple) or any(not isinstance(v, str) or v not in allowed for v in value):
            raise ValueError(_("请从给出的选项中选择。"))
        return sorted(set(value))
    # MAPPING
    if not isinstance(value, dict) or any(not isinstance(k, str) or k not in allowed for k in value):
        raise ValueError(_("请从给出的选项中选择。"))
    if f.complete and set(value) != allowed:
        raise ValueError(_("%(label)s须逐项填写。") % {"label": f.label})
    order = [str(v) for v, _label in f.options(county_id)]
    return {k: _number(f, value[k], f.of) for k in order if k in value}


def clean_record(f: Field, record, county_id: int) -> tuple[dict, dict[str, str]]:
    """One record of RECORDS field ``f`` checked field by field (a field left out takes its default): the record in
    its stored shape and its errors, {row field: message}."""
    if not isinstance(record, dict):
        return {}, {f.name: _("格式有误。")}
    names = {rf.name for rf in f.row} | ({KEY} if not f.key_field else set())
    errors = {name: _("没有这项规则。") for name in record if name not in names}
    cleaned = {}
    for rf in f.row:
        try:
            cleaned[rf.name] = _clean_value(rf, record.get(rf.name, rf.default_value()), county_id)
        except ValueError as exc:
            errors[rf.name] = str(exc)
    if f.key_field:
        if f.key_field not in errors and not _CODE.fullmatch(cleaned.get(f.key_field, "")):
            errors[f.key_field] = _("代码应以小写字母开头，只含小写字母、数字和下划线，至多30个字符。")
    elif record.get(KEY) is not None:
        number = record[KEY]
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 10**9:
            errors[KEY] = _("编号有误。")
        cleaned = {KEY: number, **cleaned}
    if not errors and f.row_check is not None:
        errors = {name: str(message) for name, message in f.row_check(cleaned).items()}
    return cleaned, errors


def _clean_records(f: Field, value, county_id: int) -> list[dict]:
    """A list of records, each checked; every record's errors at once, each named by its place and title."""
    if not isinstance(value, list | tuple) or len(value) > f.max_items:
        raise ValueError(_("请提交至多%(n)s条的列表。") % {"n": f.max_items})
    records, problems, keys = [], [], set()
    for i, record in enumerate(value, 1):
        cleaned, errors = clean_record(f, record, county_id)
        key = f.record_key(cleaned)
        if key and key in keys:
            errors[f.key_field or KEY] = _("与前面的一条重复。")
        keys.add(key)
        place = _("第%(i)s条（%(title)s）") % {"i": i, "title": f.record_title(cleaned)} if cleaned else \
            _("第%(i)s条") % {"i": i}
        for name, message in errors.items():
            label = str(next((rf.label for rf in f.row if rf.name == name), name))
            # "第2条（…）：最少次数应在1至999之间。", naming the field where the message does not.
            problems.append(f"{place}{_('：')}{message}" if label in message else
                            f"{place}{_('：')}{label}{_('：')}{message}")
        records.append(cleaned)
    if problems:
        raise ValueError("；".join(problems))
    return records


def _number_new_records(g: Group, county: Region, values: dict) -> None:
    """Give each new record of the group's numbered RECORDS fields the next number never given in the county (so
    a retired record's number is never another's)."""
    numbered = [f for f in g.fields if f.kind == RECORDS and not f.key_field]
    if not any(r.get(KEY) is None for f in numbered for r in values[f.name]):
        return
    saved = list(RulesVersion.objects.filter(county=county, group=g.key).values_list("values", flat=True))
    for f in numbered:
        used = [r.get(KEY) or 0 for v in [*saved, g.defaults(), values] for r in v.get(f.name) or []]
        following = max(used, default=0) + 1
        for r in values[f.name]:
            if r.get(KEY) is None:
                r[KEY] = following
                following += 1
        values[f.name] = [{KEY: r[KEY], **{k: v for k, v in r.items() if k != KEY}} for r in values[f.name]]


def _clean(g: Group, values: dict, county_id: int) -> dict:
    """The given values checked against their fields: every error at once, {field: [message]}."""
    errors, cleaned = {}, {}
    names = {f.name for f in g.fields}
    for name in values:
        if name not in names:
            errors[name] = [_("没有这项规则。")]
    for f in g.fields:
        if f.name in values:
            try:
                cleaned[f.name] = _clean_value(f, values[f.name], county_id)
            except ValueError as exc:
                errors[f.name] = [str(exc)]
    if errors:
        raise ValidationFailed(_("提交的规则有误。"), code="invalid", detail=errors)
    return cleaned


@transaction.atomic
def rules_save(*, actor: User, county: Region, key: str, values: dict, reason: str, valid_from: date | None = None,
               base_version: int | None = None, restored_from: int | None = None) -> RulesVersion:
    """Save the county's settings of group ``key`` as its next version: ``values`` (some or all of the group's
    fields) over the version in force on ``valid_from`` (today unless later). ``base_version`` is the version the
    editor saw: if another save came in between, nothing is saved (409). Audited with what changed."""
    g = group_or_404(key)
    require_own_county(actor=actor, county=county, permission=g.edit_permission)
    reason = required_text(reason, "reason", _("请填写修改理由。"))[:300]
    today = timezone.localdate()
    valid_from = valid_from or today
    if valid_from < today:
        raise invalid("valid_from", _("生效日期不能早于今天：已经过去的日子按当时的规则办理。"))
    if not EARLIEST <= valid_from <= LATEST:
        raise invalid("valid_from", _("日期应在2000年至2099年之间。"))
    # One save per county at a time; NO KEY, so rows that only refer to the county (cases, audit) are not held up.
    Region.objects.select_for_update(no_key=True).filter(pk=county.pk).first()
    latest = latest_version(county, g.key)
    latest_number = latest.version if latest else 0
    if base_version is not None and base_version != latest_number:
        raise Conflict(_("这组规则刚被他人修改（现为第%(n)s版），请刷新后再改。") % {"n": latest_number},
                       code="stale_version")
    pending = pending_version(county, g.key, valid_from)
    if pending is not None:
        # The later version would take over on its day with the values it was saved with, undoing this change.
        raise Conflict(_("第%(n)s版将于%(day)s起施行：这次修改请从该日或以后施行，或先撤回第%(n)s版。") % {
            "n": pending.version, "day": pending.valid_from.isoformat()}, code="later_version_pending")
    current = in_force_row(county.pk, g, valid_from)
    before = values_over_defaults(g, current)
    after = {**before, **_clean(g, values, county.pk)}
    _number_new_records(g, county, after)
    if g.prepare is not None:
        after = g.prepare(after)
    if g.check is not None and (errors := g.check(after)):
        first = next(iter(errors.values()))
        raise ValidationFailed(first, code="invalid", detail={k: [str(v)] for k, v in errors.items()})
    changes = rules_diff(g, before, after, county.pk)
    if not changes:
        raise ValidationFailed(_("与现行规则相同，无需保存。"), code="unchanged")
    try:
        with transaction.atomic():
            row = RulesVersion.objects.create(
                county=county, group=g.key, version=latest_number + 1, values=after,
                valid_from=valid_from, reason=reason, restored_from=restored_from, created_by=actor)
    except IntegrityError as exc:  # a save of the same group that committed meanwhile
        raise Conflict(_("这组规则刚被他人修改，请刷新后再改。"), code="stale_version") from exc
    audit_record(actor=actor, action=f"rules.{g.key}.save", obj=row, region=county,
                 changes={c.name: [c.before, c.after] for c in changes})
    return row


def rules_rollback(*, actor: User, county: Region, key: str, version: int, reason: str) -> RulesVersion:
    """Restore an earlier version's values, from today, as the next version (the history keeps every step)."""
    g = group_or_404(key)
    require_own_county(actor=actor, county=county, permission=g.edit_permission)
    old = RulesVersion.objects.filter(county=county, group=g.key, version=version).first()
    if old is None:
        raise NotFound(_("没有第%(n)s版。") % {"n": version}, code="rules_version_not_found")
    names = {f.name for f in g.fields}  # a setting since retired is left out; one added since keeps its value
    return rules_save(actor=actor, county=county, key=g.key, values={k: v for k, v in old.values.items() if k in names},
                      reason=reason, restored_from=version)


@transaction.atomic
def rules_withdraw(*, actor: User, county: Region, key: str, version: int, reason: str) -> RulesVersion:
    """Withdraw a version saved to take effect later, before its day: it never governs anything. A version already
    in force stays (a change is the next version)."""
    g = group_or_404(key)
    require_own_county(actor=actor, county=county, permission=g.edit_permission)
    reason = required_text(reason, "reason", _("请填写撤回理由。"))[:300]
    row = RulesVersion.objects.select_for_update().filter(county=county, group=g.key, version=version).first()
    if row is None:
        raise NotFound(_("没有第%(n)s版。") % {"n": version}, code="rules_version_not_found")
    if row.withdrawn_at is not None:
        raise Conflict(_("第%(n)s版已撤回。") % {"n": version}, code="already_withdrawn")
    if row.valid_from <= timezone.localdate():
        raise Conflict(_("第%(n)s版已经施行，不能撤回；请保存新版本修改。") % {"n": version}, code="version_in_force")
    RulesVersion.objects.filter(pk=row.pk).update(withdrawn_at=timezone.now(), withdrawn_by=actor,
                                                  withdraw_reason=reason)
    row.refresh_from_db()
    audit_record(actor=actor, action=f"rules.{g.key}.withdraw", obj=row, region=county,
                 changes={"withdrawn": [False, True]})
    return row


def walk(g: Group, values: dict, path: str):
    """The place ``path`` names in ``values``: "field" (its list), "field/key" (a record), "field/key/field/…".
    Returns (the RECORDS field, its list, the record or None for a list); NotFound for a path that names nothing."""
    missing = NotFound(_("没有这条规则。"), code="rules_record_not_found")
    parts = [p for p in (path or "").split("/") if p]
    names = {f.name: f for f in g.fields if f.kind == RECORDS}
    if not parts or parts[0] not in names:
        raise missing
    f, records, record = names[parts[0]], values[parts[0]], None
    rest = parts[1:]
    while rest:
        record = next((r for r in records if f.record_key(r) == rest[0]), None)
        if record is None:
            raise missing
        if len(rest) == 1:
            break
        nested = next((rf for rf in f.row if rf.name == rest[1] and rf.kind == RECORDS), None)
        if nested is None:
            raise missing
        f, records, record, rest = nested, record[nested.name], None, rest[2:]
    return f, records, record


def rules_save_record(*, actor: User, county: Region, key: str, path: str, record: dict | None, reason: str,
                      valid_from: date | None = None, base_version: int | None = None) -> RulesVersion:
    """Add, change or remove one record of a group (a duty rule, a rule set, one of its milestones) as the group's
    next version. ``path`` names a list to add ``record`` to ("rule_sets", "rule_sets/2/milestones") or a record to
    change with ``record``'s fields, or to remove when ``record`` is None ("rule_sets/2/milestones/meet"). The record
    is checked alone first, so its errors name its own fields; then the whole group is saved as by rules_save."""
    g = group_or_404(key)
    require_own_county(actor=actor, county=county, permission=g.edit_permission)
    on = max(valid_from or timezone.localdate(), timezone.localdate())
    values = copy.deepcopy(values_over_defaults(g, in_force_row(county.pk, g, on)))
    f, records, existing = walk(g, values, path)
    if record is None:
        if existing is None:
            raise NotFound(_("没有这条规则。"), code="rules_record_not_found")
        records.remove(existing)
    else:
        given = {k: v for k, v in record.items() if k != KEY}
        if existing is not None and f.key_field and given.get(f.key_field, existing[f.key_field]) != existing[
                f.key_field]:
            raise invalid(f.key_field, _("代码不能修改；如需新代码，请新增一条。"))
        merged = {**(existing or {}), **given}
        cleaned, errors = clean_record(f, merged, county.pk)
        if not errors and existing is None and f.record_key(cleaned) in {f.record_key(r) for r in records}:
            errors[f.key_field] = _("已有这个代码。")
        if errors:
            raise ValidationFailed(next(iter(errors.values())), code="invalid",
                                   detail={k: [v] for k, v in errors.items()})
        if existing is None:
            records.append(cleaned)
        else:
            records[records.index(existing)] = cleaned
    top = path.split("/")[0]
    return rules_save(actor=actor, county=county, key=g.key, values={top: values[top]}, reason=reason,
                      valid_from=valid_from, base_version=base_version)
