"""Pages of the unit rankings (信访指数): the snapshots, a bulletin (日通报, 周亮晒, 月排名, 季考核) with its arrows and
its Excel file, the five-colour map (五色图) with the drill into one unit and its cases, and the cadres by points.
The point and index rules are groups of the county settings (/settings/points/, /settings/index/).

Thin, like every page here: parse a form (forms.py), call one service or selector, render. A snapshot outside the
jurisdiction is 404 (``selectors.snapshot_list``)."""

import io
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from xinfang.dates import parse_day
from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.org.selectors import user_county
from xinfang.org.services import export_record
from xinfang.pages import PAGE_SIZE, form_error_text, get_or_404, user_county_or_404

from . import selectors, services
from .choices import Module, PeriodKind, UnitGroup
from .exports import change_text, colour_text, index_text, module_text, rank_text, rule_notes, write_snapshot
from .filtersets import RankingSnapshotFilterSet
from .forms import CorrectionForm, GenerateForm, GeoJSONForm
from .rules import INDEX, POINTS

VIEW = "scoring.view_rankingsnapshot"
MANAGE = "scoring.add_rankingsnapshot"  # generate a ranking now, upload the map's boundaries
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _snapshot_or_404(request, pk):
    return get_or_404(selectors.snapshot_list(user=request.user), pk)


def _cells(row) -> list[dict]:
    """A row's six modules as the page shows them: the value (or 无数据) and the score (or — when left out)."""
    return [{"module": m, "label": label, "text": module_text(m, row.values.get(m)),
             "no_data": bool((row.values.get(m) or {}).get("no_data")), "rank": row.ranks.get(m),
             "score": row.scores.get(m)} for m, label in Module.choices]


def _all_tied(rows) -> bool:
    """Every ranked unit of the group shares first place (a quiet day): the page says so, lest it look like a fault."""
    ranks = {row.rank for row in rows if row.rank is not None}
    return len([row for row in rows if row.rank is not None]) > 1 and ranks == {1}


def _table(snapshot, changes: dict, group: str | None = None, yoy: dict | None = None) -> dict[str, list]:
    """The snapshot's rows by group, each with its module cells and its arrows (环比, 同比), ready for a template: the
    stored rank, index and colour, read as the Excel sheet reads them (exports.py)."""
    tables = {g: [] for g in UnitGroup.values}
    rows = selectors.snapshot_rows(snapshot)
    if group:
        rows = rows.filter(group=group)
    for row in rows:
        change = changes.get(row.unit_id)
        row.change = change or 0
        row.change_text = change_text(change)
        row.yoy = (yoy or {}).get(row.unit_id) or 0
        row.yoy_text = change_text((yoy or {}).get(row.unit_id))
        row.rank_text, row.index_text, row.colour_text = rank_text(row), index_text(row), colour_text(row)
        row.cells = _cells(row)
        tables[row.group].append(row)
    return tables


# The snapshots and a bulletin ------------------------------------------------------------------------------

@login_required
@permission_required(VIEW, raise_exception=True)
def rankings(request):
    """The snapshots, newest first, by kind (the FilterSet the API uses); a form to generate one now."""
    filterset = RankingSnapshotFilterSet(request.GET, queryset=selectors.snapshot_list(user=request.user)
                                         .order_by("-period_start", "kind", "-pk"), request=request)
    if filterset.is_valid():
        rows = filterset.qs
    else:
        messages.error(request, _("筛选条件有误：%(errors)s") % {"errors": form_error_text(filterset.form)})
        rows = filterset.queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_generate = request.user.has_perm(MANAGE) and user_county(request.user) is not None
    return render(request, "scoring/rankings.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "kinds": PeriodKind.choices,
        "kind": request.GET.get("kind", ""), "generate_form": GenerateForm(auto_id="gen-%s") if can_generate else None})


@login_required
@require_POST
@permission_required(MANAGE, raise_exception=True)
def generate(request):
    """Generate the current period of a kind now (the beat does it each morning); generating twice changes nothing."""
    county = user_county_or_404(request.user)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("生成排名未完成：%(errors)s") % {"errors": form_error_text(form)})
        return redirect("scoring:rankings")
    kind, day = form.cleaned_data["kind"], form.cleaned_data["day"] or timezone.localdate() - timedelta(days=1)
    try:
        snapshot, made = services.snapshot_request(actor=request.user, county=county, kind=kind, day=day)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:rankings")
    if not made:
        messages.info(request, _("该周期的%(kind)s已生成，排名快照生成后不再变化。") % {
            "kind": snapshot.get_kind_display()})
    else:
        messages.success(request, _("已生成%(kind)s（%(start)s至%(end)s）。") % {
            "kind": snapshot.get_kind_display(), "start": snapshot.period_start.isoformat(),
            "end": snapshot.period_end.isoformat()})
    return redirect("scoring:snapshot", pk=snapshot.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def snapshot(request, pk):
    """The bulletin: townships and departments, each with its rank, arrow, modules, index and colour; printable."""
    shot = _snapshot_or_404(request, pk)
    previous, year_ago = selectors.previous_snapshot(shot), selectors.year_ago_snapshot(shot)
    tables = _table(shot, selectors.rank_changes(shot, previous) if previous else {},
                    yoy=selectors.rank_changes(shot, year_ago) if year_ago else {})
    return render(request, "scoring/snapshot.html", {
        "snapshot": shot, "previous": previous, "year_ago": year_ago, "scheme": shot.scheme, "modules": Module.choices,
        "groups": [(group, label, tables[group], _all_tied(tables[group])) for group, label in UnitGroup.choices],
        "notes": rule_notes(shot.scheme), "has_no_data": any(r.no_data for rows in tables.values() for r in rows)})


@login_required
@permission_required(VIEW, raise_exception=True)
def snapshot_xlsx(request, pk):
    shot = _snapshot_or_404(request, pk)
    out = io.BytesIO()
    write_snapshot(shot, selectors.snapshot_rows(shot), selectors.rank_changes(shot), out)
    export_record(actor=request.user, what="scoring.snapshot", label=str(shot), count=None, filters={},
                  object_id=str(shot.pk), ip_address=client_ip(request))
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_("%(kind)s-%(start)s.xlsx") % {"kind": shot.get_kind_display(),
                                                                     "start": shot.period_start.isoformat()})
    return response


# The five-colour map and one unit ------------------------------------------------------------------------------

def _map_features(geojson: dict, townships: list) -> dict:
    """The uploaded boundaries with each matched feature renamed to its township's name, which the map's data items
    carry: a feature matches by its ``code`` property (the division code) or its ``name`` (full or short)."""
    by_code = {row.region.code: row for row in townships if row.region_id}
    by_name = {row.region.name: row for row in townships if row.region_id}
    features = []
    for feature in geojson.get("features", []):
        props = dict(feature.get("properties") or {})
        code, name = str(props.get("code", "")), str(props.get("name", ""))
        row = by_code.get(code) or by_name.get(name) or next(
            (r for n, r in by_name.items() if len(name) >= 2 and n.endswith(name)), None)
        if row is not None:
            props["name"] = row.region.name
        features.append({**feature, "properties": props})
    return {"type": "FeatureCollection", "features": features}


@login_required
@permission_required(VIEW, raise_exception=True)
def ranking_map(request):
    """五色图: the townships as coloured tiles (and on the county's own map once its boundaries are uploaded), and the
    departments' table. ``?snapshot=`` picks a snapshot; the default is the latest monthly ranking, else the latest."""
    wanted = request.GET.get("snapshot", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        shot = _snapshot_or_404(request, wanted)
    else:
        shot = (selectors.latest_snapshot(user=request.user, kind=PeriodKind.MONTH)
                or selectors.latest_snapshot(user=request.user))
    context = {"snapshot": shot, "can_upload": request.user.has_perm(MANAGE) and user_county(request.user)}
    if shot is None:
        return render(request, "scoring/map.html", context)
    tables = _table(shot, selectors.rank_changes(shot))
    townships = tables[UnitGroup.TOWNSHIP]
    tiles = [{"name": row.name, "unit": row.unit.name,
              "code": row.region.code if row.region_id else "", "index": row.index_text, "rank": row.rank_text,
              "value": None if row.no_data else str(row.index), "no_data": row.no_data,
              "colour": row.colour, "colour_name": row.colour_text, "change": row.change_text,
              "url": reverse("scoring:unit_detail", args=[shot.pk, row.unit_id])} for row in townships]
    geojson = selectors.county_geojson(shot.county)
    chart = {"tiles": tiles, "bands": shot.scheme.bands,
             "geojson": _map_features(geojson, townships) if geojson else None,
             "labels": {"index": _("信访指数"), "rank": _("排名"), "colour": _("颜色"),
                        "place": _("第%(rank)s名") % {"rank": "{rank}"}}}
    context.update(townships=townships, departments=tables[UnitGroup.DEPARTMENT], chart=chart,
                   townships_tied=_all_tied(townships), departments_tied=_all_tied(tables[UnitGroup.DEPARTMENT]),
                   has_geojson=geojson is not None, scheme=shot.scheme, modules=Module.choices,
                   notes=rule_notes(shot.scheme),
                   has_no_data=any(r.no_data for rows in tables.values() for r in rows),
                   others=selectors.snapshot_list(user=request.user).order_by("-period_start", "kind")[:20],
                   geojson_form=GeoJSONForm(auto_id="geo-%s"))
    return render(request, "scoring/map.html", context)


def _case_links(snapshot, row, main_categories) -> dict[str, list[tuple[str, str]]]:
    """Each module's links to the case list (and the backlog board) filtered to the cases behind it."""
    cases, dossiers = reverse("cases:list"), reverse("dossiers:board")
    base = {"received_after": snapshot.period_start.isoformat(), "received_before": snapshot.period_end.isoformat()}
    base.update({"region": row.region.code} if row.region_id else {"unit": row.unit_id})

    def link(label, **extra):
        return str(label), f"{cases}?{urlencode({**base, **extra}, doseq=True)}"

    where = {"region": row.region.code} if row.region_id else {"unit": row.unit_id}
    backlog = [(str(_("积案看板")), f"{dossiers}?{urlencode(where)}")]
    return {
        Module.FIRST: [link(_("初信初访"), is_repeat="false")],
        Module.REPEAT: [link(_("重复信访"), is_repeat="true")],
        Module.BACKLOG: backlog,
        Module.MAIN_FIELDS: [link(category, category=category.pk) for category in main_categories],
        Module.SKIP_LEVEL: [link(_("越级访"), is_skip_level="true"), link(_("赴省访"), is_to_province="true"),
                            link(_("进京访"), is_to_beijing="true")],
        Module.SATISFACTION: [link(_("满意、基本满意"), satisfaction=["satisfied", "basic"]),
                              link(_("不满意"), satisfaction="unsatisfied")],
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def unit_detail(request, pk, unit_id):
    """One unit of a snapshot: each module's value, rank and score, and the cases behind it."""
    shot = _snapshot_or_404(request, pk)
    row = selectors.snapshot_rows(shot).filter(unit_id=unit_id).first()
    if row is None:
        raise Http404
    change = selectors.rank_changes(shot).get(row.unit_id)
    main_fields = case_selectors.category_choices(user=request.user).filter(
        pk__in=[int(pk) for pk in shot.scheme.main_categories])
    links = _case_links(shot, row, list(main_fields))
    modules = [{**cell, "numerator": (row.values.get(cell["module"]) or {}).get("numerator"),
                "denominator": (row.values.get(cell["module"]) or {}).get("denominator"),
                "weight": shot.scheme.weights.get(cell["module"], 0), "links": links[cell["module"]]}
               for cell in _cells(row)]
    everything = {"received_after": shot.period_start.isoformat(), "received_before": shot.period_end.isoformat(),
                  **({"region": row.region.code} if row.region_id else {"unit": row.unit_id})}
    row.rank_text, row.index_text, row.colour_text = rank_text(row), index_text(row), colour_text(row)
    return render(request, "scoring/unit_detail.html", {
        "snapshot": shot, "row": row, "modules": modules, "change_text": change_text(change), "change": change or 0,
        "notes": rule_notes(shot.scheme),
        "all_cases": f"{reverse('cases:list')}?{urlencode(everything)}"})


@login_required
@permission_required(MANAGE, raise_exception=True)
def geojson_upload(request):
    """The county admin uploads the townships' boundaries (GeoJSON) for the map; a new file replaces the old one."""
    county = user_county_or_404(request.user)
    form = GeoJSONForm(request.POST or None, request.FILES or None, auto_id="geo-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.map_geojson_save(actor=request.user, county=county, geojson=form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("已上传乡镇边界，五色图将按边界显示。"))
            return redirect("scoring:map")
    return render(request, "scoring/geojson.html", {"form": form, "county": county,
                                                     "has_geojson": selectors.county_geojson(county) is not None},
                  status=400 if form.errors else 200)


# Cadres and the county's rules -------------------------------------------------------------------------------

@login_required
@permission_required("scoring.view_pointentry", raise_exception=True)
def cadres(request):
    """The cadres of the jurisdiction by their points in a period (this year by default)."""
    today = timezone.localdate()
    default_start = today.replace(month=1, day=1)
    start, ok_start = parse_day(request.GET.get("start"), default_start)
    end, ok_end = parse_day(request.GET.get("end"), today)
    status = 200
    if not (ok_start and ok_end):
        messages.error(request, _("日期格式有误，请使用“年-月-日”；已显示今年以来的积分。"))
        start, end, status = default_start, today, 400
    elif end < start:
        messages.error(request, _("截止日期不能早于起始日期；已显示今年以来的积分。"))
        start, end, status = default_start, today, 400
    rows = list(selectors.cadre_ranking(user=request.user, start=start, end=end))
    return render(request, "scoring/cadres.html", {"rows": rows, "start": start, "end": end}, status=status)


def scheme(request):
    """The petition-index rules are a group of the county settings now (/settings/index/)."""
    return redirect("rules:group", key=INDEX, permanent=True)


def point_rules(request):
    """The point rules are a group of the county settings now (/settings/points/)."""
    return redirect("rules:group", key=POINTS, permanent=True)


@login_required
@require_POST
@permission_required("scoring.add_pointentry", raise_exception=True)
def correct(request, pk):
    """A county admin corrects a point entry: a counter-entry with a reason, never an edit."""
    entry = get_or_404(selectors.entry_list(user=request.user), pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("更正须写明理由。"))
    else:
        try:
            services.points_correct(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已更正积分记录（记一笔相反的积分）。"))
    return redirect("dossiers:cadre", pk=entry.user_id)
