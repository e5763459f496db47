"""The leader dashboard page: one jurisdiction and period at a glance, every figure a link to its cases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from xinfang.errors import NotFound, NotPermitted, ValidationFailed

from . import selectors
from .measures import SETS


@login_required
def index(request):
    try:
        region = selectors.dashboard_region(request.user, request.GET.get("region"))
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    status = 200
    try:
        period = selectors.parse_period(request.GET.get("start"), request.GET.get("end"))
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        period, status = selectors.parse_period(None, None), 400
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
    }, status=status)
