"""The leader dashboard page: one jurisdiction and period at a glance, every figure a link to its cases."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from xinfang.errors import NotFound, NotPermitted, ValidationFailed

from . import selectors
from .measures import SETS


@login_required
def index(request):
    """The dashboard. A period or region that cannot be shown answers with the form and a Chinese message, and no
    figures (400 for a bad period, 404 for a region outside the jurisdiction), rather than other figures that
    would pass for the ones asked for."""
    try:
        region = selectors.dashboard_region(request.user, request.GET.get("region"))
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        return _refused(request, exc.message, status=404)
    try:
        period = selectors.parse_period(request.GET.get("start"), request.GET.get("end"))
    except ValidationFailed as exc:
        return _refused(request, exc.message, status=400, region=region)
    data = selectors.dashboard(user=request.user, region=region, period=period)
    chart = {
        "trend": {**data["trend"], "labels": {code: str(SETS[code].label) for code in (
            "received", "first", "repeat", "skip_level", "to_province", "to_beijing")}},
        "channels": [{"label": c["label"], "received": c["received"], "trend": c["trend"], "cases": c["cases"]}
                     for c in data["channels"]],
        "categories": [{"label": c["label"], "received": c["received"], "cases": c["cases"]}
                       for c in data["categories"][:10]],
        "series": data["series"],
    }
    trend = data["trend"]
    trend_rows = [dict(zip(("month", "received", "first", "repeat", "skip_level", "to_province", "to_beijing", "cases",
                            "skip_level_cases"), values, strict=True))
                  for values in zip(trend["months"], trend["received"], trend["first"], trend["repeat"],
                                    trend["skip_level"], trend["to_province"], trend["to_beijing"], trend["cases"],
                                    trend["skip_level_cases"], strict=True)]
    return render(request, "dashboards/index.html", {
        "d": data, "region": region, "period": period, "chart": chart, "trend_rows": trend_rows,
        "regions": selectors.region_choices(request.user, region),
        "presets": selectors.period_presets(),
    })


def _refused(request, message, *, status: int, region=None):
    """The dashboard's form with ``message`` in place of the figures; the inputs keep what the user typed."""
    if region is None:
        try:
            region = selectors.dashboard_region(request.user)
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
    return render(request, "dashboards/index.html", {
        "d": None, "error": message, "region": region,
        "asked": {"start": request.GET.get("start", ""), "end": request.GET.get("end", "")},
        "regions": selectors.region_choices(request.user, region),
        "presets": selectors.period_presets(),
    }, status=status)
