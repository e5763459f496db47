"""Pages of the organisation app. Thin: parse input, call one selector or service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import selectors as case_selectors
from xinfang.accounts import selectors as account_selectors
from xinfang.accounts import services as account_services
from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.pages import form_error_text, form_service_error

from . import selectors, services
from .filtersets import ApiClientFilterSet, AuditEventFilterSet, RegionFilterSet, UnitFilterSet, UserFilterSet
from .forms import ApiClientForm, RolesForm, UnitNamesForm

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
    form = UnitNamesForm(request.POST or None, initial={"short_name": unit.short_name, "aliases": unit.aliases})
    if request.method == "POST":
        if not request.user.has_perm("org.change_unit"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.unit_names_set(actor=request.user, unit=unit, ip_address=client_ip(request),
                                        **form.cleaned_data)
            except ApplicationError as exc:
                form_service_error(form, exc)
            else:
                messages.success(request, _("已保存%(name)s的简称和别名。") % {"name": unit.name})
                return redirect("org:unit_detail", pk=unit.pk)
    users = selectors.user_list(user=request.user).filter(unit=unit)
    return render(request, "org/unit_detail.html", {"unit": unit, "users": users, "form": form},
                  status=400 if form.errors else 200)


@login_required
@permission_required("org.view_jurisdiction", raise_exception=True)
def user_list(request):
    return render(request, "org/user_list.html",
                  filtered_page(request, UserFilterSet, selectors.user_list(user=request.user)))


@login_required
@permission_required("org.assign_role", raise_exception=True)
def user_roles(request, pk):
    """The security administrator gives a person their roles (三员分立 holds: services.roles_check)."""
    person = get_object_or_404(selectors.user_list(user=request.user), pk=pk)
    form = RolesForm(request.POST or None, initial={"roles": sorted(person.role_codes())})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_roles_set(actor=request.user, user=person, roles=form.cleaned_data["roles"],
                                    ip_address=client_ip(request))
            # New roles may ask for two factors: the person signs in again.
            account_services.sessions_end(user=person, reason="roles_changed", actor=request.user,
                                          ip_address=client_ip(request))
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            messages.success(request, _("已保存%(name)s的角色。") % {"name": person.display_name})
            return redirect("org:user_list")
    return render(request, "org/user_roles.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)


@login_required
@permission_required("org.view_apiclient", raise_exception=True)
def api_client_list(request):
    """County admins: the API clients of their jurisdiction, and a form to create one."""
    form = _api_client_form(request)
    context = filtered_page(request, ApiClientFilterSet, selectors.api_client_list(user=request.user))
    context["form"] = form
    return render(request, "org/api_client_list.html", context)


def _api_client_form(request, data=None) -> ApiClientForm:
    return ApiClientForm(data, unit_queryset=selectors.unit_choices_for(request.user),
                         max_days=account_selectors.security_rules(request.user).api_token_max_days)


@login_required
@require_POST
@permission_required("org.add_apiclient", raise_exception=True)
def api_client_create(request):
    form = _api_client_form(request, request.POST)
    if form.is_valid():
        try:
            issued = account_services.api_client_issue(actor=request.user, ip_address=client_ip(request),
                                                       **form.cleaned_data)
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
    """The audit administrator's search of the trail; the chain check and the archive export beside it."""
    context = filtered_page(request, AuditEventFilterSet, selectors.audit_event_list(user=request.user))
    context["retention_days"] = settings.AUDIT_RETENTION_DAYS
    return render(request, "org/audit_list.html", context)


@login_required
@require_POST
@permission_required("org.verify_auditevent", raise_exception=True)
def audit_verify(request):
    broken = services.audit_verify_record(actor=request.user, ip_address=client_ip(request))
    if broken is None:
        messages.success(request, _("审计链完整：每一条记录的校验值都与其内容和前一条记录相符。"))
    else:
        messages.error(request, _("审计链在第%(id)s条记录（%(at)s %(action)s）处断开：该条或其前一条被改动或删除。") % {
            "id": broken.pk, "at": timezone.localtime(broken.at).strftime("%Y-%m-%d %H:%M:%S"),
            "action": broken.action})
    return redirect("org:audit_list")


@login_required
@permission_required("org.export_auditevent", raise_exception=True)
def audit_export(request):
    """The filtered rows as JSON lines for the archive, each with its chain hashes; the export is audited."""
    filterset = AuditEventFilterSet(request.GET or None, queryset=selectors.audit_event_list(user=request.user),
                                    request=request)
    if not filterset.is_valid():
        messages.error(request, form_error_text(filterset.form))
        return redirect("org:audit_list")
    rows = filterset.qs
    services.export_record(actor=request.user, what="audit", label=_("审计记录导出"), count=rows.count(),
                           filters=request.GET.dict(), ip_address=client_ip(request))
    response = StreamingHttpResponse(services.audit_lines(rows), content_type="application/x-ndjson; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.jsonl"'
    return response


@never_cache
@require_GET
def healthz(request):
    """Database, broker and the last beat tick as JSON; 503 when one is down (200 "starting" while beat has not
    ticked yet just after boot). No login: for load balancers."""
    report = selectors.health()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200,
                        json_dumps_params={"ensure_ascii": False})
