"""/settings/: the county's settings, every group through one page pattern: the rules in force, the form that saves
the next version, and the history (each version's changes, a comparison of any two, a rollback)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.errors import ApplicationError
from xinfang.pages import form_error_text, form_service_error, user_county_or_404

from . import selectors, services
from .forms import ReasonForm, RulesForm
from .registry import RECORDS, Group, group


def _group_or_404(key: str) -> Group:
    found = group(key)
    if found is None:
        raise Http404
    return found


def _readable_or_403(request, key: str) -> Group:
    g = _group_or_404(key)
    if not selectors.may_view(request.user, g):
        raise PermissionDenied
    return g


def _editable_or_403(request, key: str) -> Group:
    g = _group_or_404(key)
    if not selectors.may_edit(request.user, g):
        raise PermissionDenied
    return g


@login_required
def index(request):
    """Every group of the county's settings the user may read, with the version in force."""
    readable = selectors.viewable_groups(request.user)
    if not readable:
        raise PermissionDenied
    county = user_county_or_404(request.user)
    return render(request, "rules/index.html", {
        "county": county, "groups": [selectors.rules_for(county, g.key) for g in readable]})


def _int(value) -> int | None:
    return int(value) if value and str(value).isascii() and str(value).isdigit() and len(str(value)) < 10 else None


def _saved(request, g: Group, form, save, **what) -> bool:
    """Save the next version of ``g`` from a valid form (the group's settings, or one record): the why, the when and
    the version the editor saw from the form. True with the success message; False with the service's refusal on
    the form."""
    try:
        row = save(actor=request.user, county=user_county_or_404(request.user), key=g.key,
                   reason=form.cleaned_data["reason"], valid_from=form.cleaned_data["valid_from"],
                   base_version=form.cleaned_data["base_version"], **what)
    except ApplicationError as exc:
        form_service_error(form, exc)
        return False
    messages.success(request, _("已保存%(group)s第%(n)s版，%(day)s起施行。") % {
        "group": g.label, "n": row.version, "day": row.valid_from.isoformat()})
    return True


@login_required
def group_page(request, key):
    g = _readable_or_403(request, key)
    county = user_county_or_404(request.user)
    rules = selectors.rules_for(county, g.key)
    latest = selectors.latest_version(county, g.key)
    form = RulesForm(request.POST or None, group=g, values=rules.values, county_id=county.pk,
                     initial={"base_version": latest.version if latest else 0})
    if not form.rule_fields:  # a group of records only: they are edited one at a time (record_page)
        form = None
    if request.method == "POST" and form is not None:
        if not selectors.may_edit(request.user, g):
            raise PermissionDenied
        if form.is_valid() and _saved(request, g, form, services.rules_save, values=form.rule_values()):
            return redirect("rules:group", key=g.key)
    versions = list(selectors.version_list(user=request.user, county=county, key=g.key))
    a, b = _int(request.GET.get("a")), _int(request.GET.get("b"))
    by_number = {v.version: v for v in versions}
    compared = None
    if a in by_number and b in by_number:
        compared = {"a": by_number[a], "b": by_number[b],
                    "changes": selectors.rules_diff(g, by_number[a].values, by_number[b].values, county.pk)}
    return render(request, "rules/group.html", {
        "county": county, "group": g, "rules": rules, "form": form, "latest": latest, "compared": compared,
        "history": selectors.history(versions, g),
        # Versions saved to take effect later: the rules in force today give way to them on their day.
        "upcoming": [v for v in versions if v.valid_from > timezone.localdate() and v.withdrawn_at is None],
        # An old version can be restored unless the rules in force are already its rules.
        "restorable": {v.version for v in versions if selectors.values_over_defaults(g, v) != rules.values},
        "error_text": form_error_text(form) if form is not None and form.errors else ""},
        status=400 if form is not None and form.errors else 200)


def _back(g: Group, path: str):
    """After a record's save or removal, the page that lists it: the record holding its list ("rule_sets/2" for
    "rule_sets/2/milestones/meet" or "rule_sets/2/milestones"), or the group's page for a record of the group's own
    list."""
    parts = [p for p in path.split("/") if p]
    owner = "/".join(parts[:-2] if len(parts) % 2 == 0 else parts[:-1])
    return redirect("rules:record", key=g.key, path=owner) if owner else redirect("rules:group", key=g.key)


@login_required
def record_page(request, key, path):
    """One record of a group (a duty rule, a rule set, a milestone): its form, saved as the group's next version;
    its own records listed under it. A path ending in a list's name adds a record to that list."""
    g = _readable_or_403(request, key)
    county = user_county_or_404(request.user)
    rules = selectors.rules_for(county, g.key)
    latest = selectors.latest_version(county, g.key)
    try:
        f, _records, record = services.walk(g, rules.values, path)
    except ApplicationError as exc:
        raise Http404 from exc
    adding = record is None
    if adding and not selectors.may_edit(request.user, g):
        raise PermissionDenied  # nothing to read on a page that adds a record
    form = RulesForm(request.POST or None, group=g, values=record or {}, county_id=county.pk, fields=f.row,
                     initial={"base_version": latest.version if latest else 0})
    if not adding and f.key_field:
        form.fields[f.key_field].disabled = True  # a record's key never changes
    if request.method == "POST":
        if not selectors.may_edit(request.user, g):
            raise PermissionDenied
        if form.is_valid():
            values = form.rule_values()
            if not adding and f.key_field:
                values.pop(f.key_field)
            if _saved(request, g, form, services.rules_save_record, path=path, record=values):
                return _back(g, path)
    nested = []
    if record is not None:
        labels = {}
        nested = [(rf, f"{path}/{rf.name}", selectors.record_rows(rf, f"{path}/{rf.name}", record[rf.name], county.pk,
                                                                  labels)) for rf in f.row if rf.kind == RECORDS]
    return render(request, "rules/record.html", {
        "county": county, "group": g, "rules": rules, "field": f, "record": record, "adding": adding,
        "path": path, "form": form, "nested": nested,
        # The record as read, for those who may read but not change it.
        "shown": [(rf.label, rf.display(record.get(rf.name), county.pk)) for rf in f.row if rf.kind != RECORDS]
        if record is not None else [],
        "title": f.record_title(record) if record else _("新增%(what)s") % {"what": f.label},
        "trail": _trail(g, rules.values, path),
        "error_text": form_error_text(form) if form.errors else ""}, status=400 if form.errors else 200)


def _trail(g: Group, values: dict, path: str) -> list[tuple[str, str]]:
    """The breadcrumb of a record's page: each record above it, (title, path)."""
    parts, trail = [p for p in path.split("/") if p], []
    for end in range(2, len(parts), 2):
        sub = "/".join(parts[:end])
        f, _records, record = services.walk(g, values, sub)
        trail.append((f.record_title(record), sub))
    return trail


@login_required
@require_POST
def record_remove(request, key, path):
    g = _editable_or_403(request, key)
    county = user_county_or_404(request.user)
    form = ReasonForm(request.POST)
    back = redirect("rules:record", key=g.key, path=path)
    if not form.is_valid():
        messages.error(request, _("删除须写明理由。"))
        return back
    try:
        row = services.rules_save_record(actor=request.user, county=county, key=g.key, path=path, record=None,
                                         reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return back
    messages.success(request, _("已删除，保存为%(group)s第%(n)s版。") % {"group": g.label, "n": row.version})
    return _back(g, path)


def _on_a_version(request, key, version, step, no_reason: str, done):
    """A step on one saved version (restore, withdraw), with its reason from the form: the service's refusal is the
    page's message, an unknown version a 404; back to the group's page either way."""
    g = _editable_or_403(request, key)
    county = user_county_or_404(request.user)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, no_reason)
        return redirect("rules:group", key=g.key)
    try:
        row = step(actor=request.user, county=county, key=g.key, version=version, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, done(row))
    return redirect("rules:group", key=g.key)


@login_required
@require_POST
def rollback(request, key, version):
    return _on_a_version(request, key, version, services.rules_rollback, _("恢复旧版本须写明理由。"),
                         lambda row: _("已恢复第%(old)s版的规则，保存为第%(n)s版。") % {
                             "old": version, "n": row.version})


@login_required
@require_POST
def withdraw(request, key, version):
    return _on_a_version(request, key, version, services.rules_withdraw, _("撤回版本须写明理由。"),
                         lambda row: _("已撤回第%(n)s版，它不会施行。") % {"n": version})
