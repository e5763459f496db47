"""Pages of the cases app: intake, my work, the case list and export, the case page and its actions.

Thin: parse input (with the same serializers the API uses), call one service or selector, render."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers as drf

import workflow
from deadlines.selectors import case_clock_summary
from visits.selectors import my_return_visits
from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.org import selectors as org_selectors
from xinfang.org.models import Region, Unit
from xinfang.org.scoping import scoped
from xinfang.org.services import export_record
from xinfang.pages import cleaned_query_redirect, filter_chips, user_county_or_404

from . import selectors, services
from .actions import ACTIONS
from .api.serializers import CaseCreateSerializer, ScopedPrimaryKeyField, case_input_from
from .choices import AssignmentRole, Channel, UpperSource
from .exports import write_case_ledger
from .filtersets import CaseFilterSet
from .models import Attachment, Case, Category, Extension

PAGE_SIZE = 30


def _get_case(request, pk) -> Case:
    try:
        return workflow.case_file(user=request.user, pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def error_text(errors, labels: dict | None = None) -> str:
    """Validation errors as one readable line, fields named by their labels (姓名：该字段不能为空。)."""
    labels = labels or {}
    separator = _("；")
    if isinstance(errors, dict):
        parts = []
        for name, value in errors.items():
            if name in ("non_field_errors", "__all__"):
                parts.append(error_text(value))
            else:
                parts.append(_("%(field)s：%(error)s") % {"field": labels.get(name, name), "error": error_text(value)})
        return separator.join(parts)
    if isinstance(errors, list):
        return separator.join(error_text(e) for e in errors)
    return str(errors)


# A select offers its first options; a search box above it finds the rest through the scoped API.
SELECT_CAP = 200
AUTOCOMPLETE_ROUTES = {"Unit": "unit-list", "User": "user-list"}


def _autocomplete_url(field) -> str:
    """The API list that searches this relation's model within the caller's jurisdiction, for scoped relations."""
    route = AUTOCOMPLETE_ROUTES.get(getattr(field, "model", None).__name__ if isinstance(
        field, ScopedPrimaryKeyField) else "")
    return reverse(route) if route else ""


def _options(field) -> list[tuple]:
    """A relation's first options as a picker offers them: units departments first, villages with their township."""
    qs = field.get_queryset()
    if qs.model is Unit:
        qs = org_selectors.unit_picker_order(qs.select_related("region__parent"))
    return [(obj.pk, getattr(obj, "picker_label", None) or str(obj)) for obj in qs[:SELECT_CAP]]


def form_fields(serializer: drf.Serializer, *, skip=("version",)) -> list[dict]:
    """Describe a serializer's fields for the generic action form (includes/action_form.html)."""
    described = []
    for name, field in serializer.fields.items():
        if name in skip or field.read_only:
            continue
        entry = {"name": name, "label": field.label, "required": field.required, "help": field.help_text or "",
                 "multiple": False}
        if isinstance(field, drf.ManyRelatedField):
            entry.update(type="select", multiple=True, choices=_options(field.child_relation),
                         autocomplete=_autocomplete_url(field.child_relation))
        elif isinstance(field, drf.RelatedField):
            entry.update(type="select", choices=_options(field), autocomplete=_autocomplete_url(field))
        elif isinstance(field, drf.BooleanField):
            entry.update(type="checkbox")
        elif isinstance(field, drf.ChoiceField):
            entry.update(type="select", choices=list(field.choices.items()))
        elif isinstance(field, drf.DateTimeField):
            entry.update(type="datetime-local")
        elif isinstance(field, drf.DateField):
            entry.update(type="date")
        elif isinstance(field, drf.IntegerField):
            entry.update(type="number")
        elif isinstance(field, drf.CharField) and (field.max_length is None or field.max_length > 100):
            entry.update(type="textarea")
        else:
            entry.update(type="text")
        described.append(entry)
    return described


# Lists ----------------------------------------------------------------------------------------------------

def _filtered_cases(request):
    """The user's cases through the case FilterSet; invalid filters give a message and no rows."""
    filterset = CaseFilterSet(request.GET, queryset=selectors.case_list(user=request.user), request=request)
    if filterset.is_valid():
        return filterset, filterset.qs
    labels = {name: f.label for name, f in filterset.form.fields.items()}
    messages.error(request, _("筛选条件有误：%(errors)s") % {"errors": error_text(filterset.errors, labels)})
    return filterset, None


@login_required
@permission_required("cases.view_case", raise_exception=True)
def case_list(request):
    clean = cleaned_query_redirect(request)
    if clean is not None:
        return clean
    filterset, qs = _filtered_cases(request)
    qs = Case.objects.none() if qs is None else qs
    if list(request.GET) == ["q"] and selectors.CASE_NUMBER_RE.match(request.GET["q"].strip()):
        # The header's search box given a case number: straight to the case, when the user may see it.
        found = qs.values_list("pk", flat=True).first()
        if found is not None:
            return redirect("cases:detail", pk=found)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    form = filterset.form
    chips = filter_chips(form, query, display={"region_exact": lambda code: next(
        (r.name for r in org_selectors.region_chosen(user=request.user, value=code)), code)})
    return render(request, "cases/case_list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "chips": chips,
        "main_fields": [form[name] for name in CaseFilterSet.MAIN],
        "chip_fields": [form[name] for name in CaseFilterSet.CHIPS],
        "more_fields": [form[name] for name in CaseFilterSet.MORE],
        "more_open": any(name in query for name in CaseFilterSet.MORE),
        "saved_filters": selectors.saved_filters(user=request.user)})


@login_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def saved_filter_save(request):
    """Keep the list's current filters under a name (我的筛选); the query is read by the FilterSet first."""
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    query.pop("page", None)
    filterset = CaseFilterSet(query, queryset=Case.objects.none(), request=request)
    if not filterset.is_valid():
        messages.error(request, _("筛选条件有误，未保存。"))
        return redirect(reverse("cases:list") + (f"?{query.urlencode()}" if query else ""))
    try:
        saved = services.saved_filter_save(actor=request.user, name=request.POST.get("name", ""),
                                           query=query.urlencode())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存筛选“%(name)s”。") % {"name": saved.name})
    return redirect(reverse("cases:list") + (f"?{query.urlencode()}" if query else ""))


@login_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def saved_filter_delete(request, pk):
    try:
        services.saved_filter_delete(actor=request.user, pk=pk)
    except ApplicationError as exc:
        raise Http404 from exc
    messages.success(request, _("已删除保存的筛选。"))
    return redirect("cases:list")


@login_required
@permission_required("cases.view_case", raise_exception=True)
def my_work(request):

    page = Paginator(selectors.my_work(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return_visits = my_return_visits(user=request.user)[:RETURN_VISITS_SHOWN]
    return render(request, "cases/my_work.html", {"page": page, "query": "", "return_visits": return_visits,
                                                  "today": timezone.localdate()})


@login_required
@permission_required("cases.export_case", raise_exception=True)
def case_export(request):
    """The ledger (台账) of the filtered list as Excel, written row by row to a temporary file and streamed."""
    _filterset, qs = _filtered_cases(request)
    if qs is None:
        return redirect("cases:list")
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    rows = write_case_ledger(qs, out)
    export_record(actor=request.user, what="cases.ledger", label=_("信访台账导出"), count=rows,
                  filters=request.GET.dict(), ip_address=client_ip(request))
    out.seek(0)
    filename = f"信访台账-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


RETURN_VISITS_SHOWN = 20  # the rest are on the return-visit list


# Intake ---------------------------------------------------------------------------------------------------

def _intake_context(request, data=None, errors=None):
    return {
        "channels": Channel.choices, "upper_sources": UpperSource.choices,
        "categories": selectors.tree_sorted(selectors.category_choices(user=request.user)),
        "regions": scoped(Region.objects.filter(level__gte=3), request.user).order_by("path"),
        "data": data or {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "head_count": 1,
                         "channel": Channel.LETTER},
        "errors": errors or {},
        "co_rows": range(1, CO_PETITIONER_ROWS + 1),
    }


CO_PETITIONER_ROWS = 4


def _intake_payload(post) -> dict:
    flag = lambda name: post.get(name) == "on"  # noqa: E731
    co_petitioners = [
        {"name": post.get(f"co_name_{i}", "").strip(), "id_number": post.get(f"co_id_number_{i}", ""),
         "phone": post.get(f"co_phone_{i}", "")}
        for i in range(1, CO_PETITIONER_ROWS + 1)
        if post.get(f"co_name_{i}", "").strip()
    ]
    return {
        "co_petitioners": co_petitioners,
        "channel": post.get("channel", ""), "received_at": post.get("received_at", ""),
        "petitioner": {"name": post.get("petitioner_name", ""), "id_number": post.get("petitioner_id_number", ""),
                       "phone": post.get("petitioner_phone", ""), "address": post.get("petitioner_address", "")},
        "head_count": post.get("head_count") or 1, "category": post.get("category", ""),
        "summary": post.get("summary", ""), "demands": post.get("demands", ""), "region": post.get("region", ""),
        "is_skip_level": flag("is_skip_level"), "is_to_province": flag("is_to_province"),
        "is_to_beijing": flag("is_to_beijing"), "upper_source": post.get("upper_source", ""),
        "upper_batch": post.get("upper_batch", ""), "repeat_of": post.get("repeat_of", ""),
    }


@login_required
@permission_required("cases.register_case", raise_exception=True)
def case_intake(request):
    """The intake form of a busy reception desk: register a letter, visit, call or online petition."""
    if request.method != "POST":
        return render(request, "cases/intake.html", _intake_context(request))
    serializer = CaseCreateSerializer(data=_intake_payload(request.POST), context={"request": request})
    if not serializer.is_valid():
        return render(request, "cases/intake.html",
                      _intake_context(request, request.POST, _flatten_errors(serializer.errors)), status=400)
    try:
        case = workflow.case_register(actor=request.user,
                                      data=case_input_from(serializer.validated_data, user=request.user),
                                      files=request.FILES.getlist("files"), ip_address=client_ip(request))
    except ApplicationError as exc:
        errors = _flatten_errors(exc.detail) if exc.detail else {}
        errors.setdefault("general", str(exc.message))
        return render(request, "cases/intake.html", _intake_context(request, request.POST, errors), status=400)
    messages.success(request, _("已登记信访事项 %(number)s。") % {"number": case.number})
    return redirect("cases:detail", pk=case.pk)


def _flatten_errors(errors: dict) -> dict:
    """{'petitioner': {'name': [...]}} → {'petitioner_name': '...'} for the intake template."""
    flat = {}
    for name, value in (errors or {}).items():
        if name == "co_petitioners" and isinstance(value, list | dict):
            # Errors by row (a list, or a dict by index): "其他信访人1：身份证号码：…".
            rows = value.items() if isinstance(value, dict) else enumerate(value)
            labels = {"name": _("姓名"), "id_number": _("身份证号码"), "phone": _("电话")}
            flat[name] = _("；").join(
                _("其他信访人%(n)s：%(errors)s") % {"n": int(i) + 1, "errors": error_text(errors, labels)}
                for i, errors in rows if errors)
        elif isinstance(value, dict):
            for sub, sub_value in value.items():
                flat[f"{name}_{sub}"] = error_text(sub_value)
        elif name == "non_field_errors":
            flat["general"] = error_text(value)
        else:
            flat[name] = error_text(value)
    return flat


@login_required
@require_GET
@permission_required("cases.register_case", raise_exception=True)
def intake_lookup(request):
    """htmx: while the caseworker types, the petitioner's earlier cases and similar open cases."""
    id_number = request.GET.get("petitioner_id_number", "").strip()
    phone = request.GET.get("petitioner_phone", "").strip()
    region = scoped(Region.objects.filter(code=request.GET.get("region", "")), request.user).first()
    category = selectors.category_choices(user=request.user).filter(pk=request.GET.get("category") or 0).first()
    history = selectors.petitioner_history(user=request.user, id_number=id_number if len(id_number) == 18 else "",
                                           phone=phone if len(phone) >= 11 else "")
    named = ([] if history or len(id_number) == 18 else
             selectors.petitioners_named(user=request.user, name=request.GET.get("petitioner_name", "")))
    return render(request, "cases/_intake_lookup.html", {
        "data": request.GET, "history": history, "named": named,
        "similar": selectors.similar_open_cases(user=request.user, region=region, category=category),
        "final": selectors.final_matter(user=request.user, id_number=id_number if len(id_number) == 18 else "",
                                        category=category),
    })


# The case page --------------------------------------------------------------------------------------------

@login_required
@permission_required("cases.view_case", raise_exception=True)
def case_detail(request, pk):
    return _case_page(request, _get_case(request, pk))


def _case_page(request, case, *, failed: dict | None = None, status: int = 200):
    """The case page; after a refused action (``failed``: its name, what was typed and the errors by field), that
    action's form is open again with what was typed and every error beside its field."""
    action_forms = []
    for name in workflow.allowed_actions(user=request.user, case=case):
        case_action = ACTIONS[name]
        serializer = case_action.input(context={"request": request})
        if name in ("request_review", "request_re_review"):
            serializer.fields["reviewing_unit"].queryset = selectors.reviewing_units_for(case)
        entry = {"name": name, "label": case_action.label, "fields": form_fields(serializer)}
        if failed and failed["name"] == name:
            entry.update(open=True, errors=failed["errors"].get("__all__", ""))
            for field in entry["fields"]:
                values = failed["values"].getlist(field["name"])
                field.update(value=values[-1] if values else "", values=values,
                             error=failed["errors"].get(field["name"], ""))
        action_forms.append(entry)
    pending_extensions = [e for e in case.extensions.all() if e.status == "pending"]
    today = timezone.localdate()
    return render(request, "cases/case_detail.html", status=status, context={
        "case": case, "action_forms": action_forms, "pending_extensions": pending_extensions,
        "clocks": case_clock_summary(case, today), "today": today,
        "can_decide_extension": request.user.has_perm("cases.approve_extension"),
        "can_reveal": request.user.has_perm("cases.view_personal_data"),
        "petitioner_links": sorted(case.case_petitioners.all(), key=lambda link: (not link.is_lead, link.pk)),
    })


@login_required
@permission_required("cases.view_case", raise_exception=True)
def case_neighbour(request, pk, direction):
    """上一件 / 下一件 on the case page (the shortcuts k and j): the case before or after this one in the user's
    my-work order, found when asked for, so the case page pays nothing for the links."""
    case = _get_case(request, pk)
    neighbour = selectors.my_work_neighbour(user=request.user, case=case, after=direction == "next")
    if neighbour is None:
        messages.info(request, _("“我的待办”中没有下一件了。") if direction == "next"
                      else _("“我的待办”中没有上一件了。"))
        return redirect("cases:detail", pk=case.pk)
    return redirect("cases:detail", pk=neighbour.pk)


@login_required
@permission_required("cases.view_case", raise_exception=True)
def case_print(request, pk):
    """The case on A4 for the paper file (卷宗): what the page shows that belongs in the file, petitioners masked as
    the page masks them, without the navigation. A printout takes the case out of the system: it is in the audit
    trail as an export, like the ledger."""
    case = _get_case(request, pk)
    # The return visits' results and who recorded them: three more queries, whatever the case holds.
    prefetch_related_objects([case], "evaluations__recorded_by", "return_visits__evaluation",
                             "return_visits__done_by")
    export_record(actor=request.user, what="cases.print", label=case.number, count=1, filters={},
                  object_id=str(case.pk), ip_address=client_ip(request))
    today = timezone.localdate()
    assignments = list(case.assignments.all())
    return render(request, "cases/case_print.html", {
        "case": case, "clocks": case_clock_summary(case, today), "today": today, "printed_at": timezone.localtime(),
        "petitioner_links": sorted(case.case_petitioners.all(), key=lambda link: (not link.is_lead, link.pk)),
        "assisting": [a for a in assignments if a.role == AssignmentRole.ASSIST and a.is_active],
        "assignments": assignments,
    })


@login_required
@require_POST
def case_act(request, pk, action):
    """Run one workflow action from the case page; refusals come back as a Chinese message, nothing changed."""
    case = _get_case(request, pk)
    case_action = ACTIONS.get(action.replace("-", "_"))
    if case_action is None:
        raise Http404
    data = request.POST.copy()
    if "assist_units" in data:
        data.setlist("assist_units", request.POST.getlist("assist_units"))
    serializer = case_action.input(data=data, context={"request": request})
    if not serializer.is_valid():
        return _action_refused(request, case, case_action, data, serializer.errors)
    try:
        case_action.run(request.user, case, serializer.validated_data)
    except ApplicationError as exc:
        if exc.detail and isinstance(exc.detail, dict):
            return _action_refused(request, case, case_action, data, exc.detail, message=exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已%(action)s。") % {"action": case_action.label})
    return redirect("cases:detail", pk=case.pk)


def _action_refused(request, case, case_action, data, errors: dict, message=None):
    """A refused action: the case page again (400), the form open with what was typed, each error beside its field
    and all of them at once."""
    names = set(case_action.input(context={"request": request}).fields)
    by_field, others = {}, []
    for name, value in errors.items():
        if name in names:
            by_field[name] = error_text(value)
        else:
            others.append(error_text(value))
    by_field["__all__"] = _("；").join(others)
    messages.error(request, message or _("%(action)s未完成，请按提示修改后再提交。") % {"action": case_action.label})
    case.refresh_from_db()
    return _case_page(request, case, failed={"name": case_action.name, "values": data, "errors": by_field},
                      status=400)


@login_required
@require_POST
def extension_decide(request, pk):
    extension = Extension.objects.filter(pk=pk, case__in=selectors.case_list(user=request.user)).first()
    if extension is None:
        raise Http404
    try:
        workflow.extension_decide(actor=request.user, extension=extension, approve=request.POST.get("approve") == "1",
                                  note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("cases:detail", pk=extension.case_id)


@login_required
@permission_required("cases.view_case", raise_exception=True)
def attachment_download(request, pk):
    """A case's file, only to those who may see the case (media files are never served directly)."""
    attachment = Attachment.objects.filter(pk=pk, case__in=selectors.case_list(user=request.user)).first()
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=False, filename=attachment.name,
                        content_type=attachment.content_type)


@login_required
@require_POST
def case_upload(request, pk):
    case = _get_case(request, pk)
    try:
        services.case_attach(actor=request.user, case=case, files=request.FILES.getlist("files"),
                             kind=request.POST.get("kind", "other"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("材料已上传。"))
    return redirect("cases:detail", pk=case.pk)


@login_required
@permission_required("cases.view_case", raise_exception=True)
def petitioner_detail(request, pk):
    """A petitioner and every case of theirs the user may see: their history, one click from any case."""
    petitioner = selectors.petitioner_list(user=request.user).filter(pk=pk).first()
    if petitioner is None:
        raise Http404
    cases = selectors.case_list(user=request.user).filter(case_petitioners__petitioner=petitioner).order_by(
        "-received_at")
    if not cases.exists():
        raise Http404  # a petitioner is visible through the cases the user may see
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/petitioner_detail.html", {
        "petitioner": petitioner, "page": page, "query": "",
        "can_reveal": request.user.has_perm("cases.view_personal_data"),
    })


@login_required
@require_POST
def petitioner_reveal(request, pk):
    """htmx: the full ID number and phone for a user allowed to see them; the view is logged."""
    petitioner = selectors.petitioner_list(user=request.user).filter(pk=pk).first()
    if petitioner is None:
        raise Http404
    try:
        plain = services.personal_data_reveal(actor=request.user, petitioner=petitioner, channel="page",
                                              ip_address=client_ip(request))
    except ApplicationError as exc:
        return render(request, "cases/_reveal.html", {"error": exc.message}, status=exc.status)
    return render(request, "cases/_reveal.html", {"plain": plain})


# County rules: the category tree and the workflow settings (county admins) -----------------------------------

@login_required
@permission_required("cases.change_category", raise_exception=True)
def county_rules(request):
    """The county admin's page for the category tree and the workflow rules."""
    county = user_county_or_404(request.user)
    categories = selectors.tree_sorted(
        scoped(Category.objects.filter(county=county), request.user).select_related("parent"))
    return render(request, "cases/county_rules.html", {
        "county": county, "categories": categories, "roots": [c for c in categories if c.parent_id is None],
        "rules": services.case_settings_for(county),
    })


@login_required
@require_POST
@permission_required("cases.add_category", raise_exception=True)
def category_add(request):
    county = user_county_or_404(request.user)
    parent = None
    if request.POST.get("parent"):
        parent = scoped(Category.objects.filter(county=county), request.user).filter(pk=request.POST["parent"]).first()
        if parent is None:
            raise Http404
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, _("请填写类别名称。"))
        return redirect("cases:county_rules")
    try:
        services.category_create(actor=request.user, county=county, name=name, parent=parent,
                                 is_litigation=request.POST.get("is_litigation") == "on")
    except ApplicationError as exc:
        messages.error(request, error_text(exc.detail) if exc.detail else exc.message)
    else:
        messages.success(request, _("已添加类别“%(name)s”。") % {"name": name})
    return redirect("cases:county_rules")


@login_required
@require_POST
@permission_required("cases.change_category", raise_exception=True)
def category_toggle(request, pk):
    county = user_county_or_404(request.user)
    category = scoped(Category.objects.filter(county=county), request.user).filter(pk=pk).first()
    if category is None:
        raise Http404
    services.category_set_active(actor=request.user, category=category, active=not category.is_active)
    return redirect("cases:county_rules")


