"""Pages of the organisation app. Thin: parse input, call one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import selectors as case_selectors
from xinfang.errors import ApplicationError
from xinfang.http import client_ip

from . import selectors, services
from .filtersets import ApiClientFilterSet, AuditEventFilterSet, RegionFilterSet, UnitFilterSet, UserFilterSet
from .forms import ApiClientForm

PAGE_SIZE = 50


def filtered_page(request, filterset_class, queryset):
    """Apply the model's FilterSet (the same one its API uses) and paginate."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"filter": filterset, "page": page, "query": query.urlencode()}


@login_required
def home(request):
    """The home page: what the user's roles call for, over their jurisdiction."""
    summary = selectors.jurisdiction_summary(user=request.user)
    context = {"summary": summary, "county": selectors.user_county(request.user)}
    if request.user.has_perm("cases.view_case"):
        context["work"] = case_selectors.work_summary(user=request.user)
        if "leader" in request.user.role_codes() or "auditor" in request.user.role_codes():
            context["cases"] = case_selectors.jurisdiction_case_summary(user=request.user)
    return render(request, "home.html", context)


@login_required
@permission_required("org.view_region", raise_exception=True)
def region_list(request):
    return render(request, "org/region_list.html",
                  filtered_page(request, RegionFilterSet, selectors.region_list(user=request.user)))


@login_required
@permission_required("org.view_region", raise_exception=True)
def region_detail(request, code):
    region = get_object_or_404(selectors.region_list(user=request.user), code=code)
    children = selectors.region_list(user=request.user).filter(parent=region).order_by("code")
    units = selectors.unit_list(user=request.user).filter(region=region)
    return render(request, "org/region_detail.html", {"region": region, "children": children, "units": units})


@login_required
@permission_required("org.view_unit", raise_exception=True)
def unit_list(request):
    return render(request, "org/unit_list.html",
                  filtered_page(request, UnitFilterSet, selectors.unit_list(user=request.user)))


@login_required
@permission_required("org.view_unit", raise_exception=True)
def unit_detail(request, pk):
    unit = get_object_or_404(selectors.unit_list(user=request.user), pk=pk)
    users = selectors.user_list(user=request.user).filter(unit=unit)
    return render(request, "org/unit_detail.html", {"unit": unit, "users": users})


@login_required
@permission_required("org.view_jurisdiction", raise_exception=True)
def user_list(request):
    return render(request, "org/user_list.html",
                  filtered_page(request, UserFilterSet, selectors.user_list(user=request.user)))


@login_required
@permission_required("org.view_apiclient", raise_exception=True)
def api_client_list(request):
    """County admins: the API clients of their jurisdiction, and a form to create one."""
    form = ApiClientForm(unit_queryset=selectors.unit_choices_for(request.user))
    context = filtered_page(request, ApiClientFilterSet, selectors.api_client_list(user=request.user))
    context["form"] = form
    return render(request, "org/api_client_list.html", context)


@login_required
@require_POST
@permission_required("org.add_apiclient", raise_exception=True)
def api_client_create(request):
    form = ApiClientForm(request.POST, unit_queryset=selectors.unit_choices_for(request.user))
    if form.is_valid():
        try:
            issued = services.api_client_create(actor=request.user, ip_address=client_ip(request), **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            # The token is shown on this one response and never again.
            return render(request, "org/api_client_issued.html", {"client": issued.client, "token": issued.token})
    context = filtered_page(request, ApiClientFilterSet, selectors.api_client_list(user=request.user))
    context["form"] = form
    return render(request, "org/api_client_list.html", context, status=400)


@login_required
@require_POST
@permission_required("org.change_apiclient", raise_exception=True)
def api_client_revoke(request, pk):
    client = get_object_or_404(selectors.api_client_list(user=request.user), pk=pk)
    try:
        services.api_client_revoke(actor=request.user, client=client, ip_address=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已吊销接口客户端“%(name)s”，其令牌立即失效。") % {"name": client.name})
    return redirect("org:api_client_list")


@login_required
@permission_required("org.view_auditevent", raise_exception=True)
def audit_list(request):
    return render(request, "org/audit_list.html",
                  filtered_page(request, AuditEventFilterSet, selectors.audit_event_list(user=request.user)))


@never_cache
@require_GET
def healthz(request):
    """Database, broker and the last beat tick as JSON; 503 when one is down (200 "starting" while beat has not
    ticked yet just after boot). No login: for load balancers."""
    report = selectors.health()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200,
                        json_dumps_params={"ensure_ascii": False})
