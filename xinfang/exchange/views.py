"""/exchange/: the county's event subscribers (the system administrator's) with their delivery logs, the messages
sent, and the county admin's ledger imports. Thin: each page parses its form and calls one service or selector."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflow import ledger
from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.org.services import export_record
from xinfang.pages import filtered_page, form_service_error, user_county_or_404

from . import selectors, services
from .choices import ImportState
from .filtersets import MessageFilterSet
from .forms import LedgerUploadForm, SubscriberForm


@login_required
@permission_required("exchange.view_subscriber", raise_exception=True)
def subscriber_list(request):
    form = SubscriberForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(services.MANAGE):
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                subscriber, secret = services.subscriber_create(
                    actor=request.user, county=user_county_or_404(request.user), ip_address=client_ip(request),
                    **form.cleaned_data)
            except ApplicationError as exc:
                form_service_error(form, exc)
            else:
                # The secret is shown on this one response and never again.
                return render(request, "exchange/subscriber_created.html", {"subscriber": subscriber,
                                                                              "secret": secret})
    return render(request, "exchange/subscriber_list.html", {
        "subscribers": selectors.subscriber_list(user=request.user), "form": form},
        status=400 if form.errors else 200)


@login_required
@permission_required("exchange.view_subscriber", raise_exception=True)
def subscriber_detail(request, pk):
    subscriber = get_object_or_404(selectors.subscriber_list(user=request.user), pk=pk)
    return render(request, "exchange/subscriber_detail.html", {
        "subscriber": subscriber, "log": selectors.delivery_log(subscriber=subscriber)})


@login_required
@require_POST
@permission_required("exchange.change_subscriber", raise_exception=True)
def subscriber_resume(request, pk):
    subscriber = get_object_or_404(selectors.subscriber_list(user=request.user), pk=pk)
    try:
        services.subscriber_resume(actor=request.user, subscriber=subscriber, ip_address=client_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已恢复投递，积压的事件将按时间顺序送达。"))
    return redirect("exchange:subscriber", pk=subscriber.pk)


@login_required
@permission_required("exchange.view_message", raise_exception=True)
def message_list(request):
    return render(request, "exchange/message_list.html",
                  filtered_page(request, MessageFilterSet, selectors.message_list(user=request.user)))


# Ledger imports ------------------------------------------------------------------------------------------

@login_required
@permission_required("exchange.view_ledgerimport", raise_exception=True)
def import_list(request):
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger_import = ledger.ledger_upload(actor=request.user, county=user_county_or_404(request.user),
                                                 upload=form.cleaned_data["file"], ip_address=client_ip(request))
        except ApplicationError as exc:
            form_service_error(form, exc)
        else:
            return redirect("exchange:import", pk=ledger_import.pk)
    return render(request, "exchange/import_list.html", {
        "imports": selectors.import_list(user=request.user)[:50], "form": form,
        "max_mb": settings.LEDGER_IMPORT_MAX_BYTES // (1024 * 1024)}, status=400 if form.errors else 200)


def _mapping_from(post, ledger_import) -> tuple[dict, dict, dict]:
    """The mapping form's answer: a column per field, the file's own value for some fields, our item for each
    name the check could not match."""
    columns = {f.key: post.get(f"col-{f.key}", "") for f in ledger.FIELDS}
    defaults = {key: post.get(f"default-{key}", "") for key in ("channel", "status")}
    values = {}
    for kind in ledger.MAPPED_KINDS:
        count = post.get(f"count-{kind}", "")
        for i in range(min(int(count), 500) if count.isascii() and count.isdigit() else 0):
            name, target = post.get(f"name-{kind}-{i}", ""), post.get(f"map-{kind}-{i}", "")
            if name and target:
                values.setdefault(kind, {})[name] = target
    return columns, values, defaults


@login_required
@permission_required("exchange.view_ledgerimport", raise_exception=True)
def import_detail(request, pk):
    ledger_import = get_object_or_404(selectors.import_list(user=request.user), pk=pk)
    errors = {}
    message = ""
    mapping = ledger.proposed_mapping(ledger_import)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "import":
                ledger.ledger_import_start(actor=request.user, ledger_import=ledger_import,
                                           ip_address=client_ip(request))
            else:
                columns, values, defaults = _mapping_from(request.POST, ledger_import)
                mapping = {"columns": {k: v for k, v in columns.items() if v}, "values": mapping.get("values", {}),
                           "defaults": {k: v for k, v in defaults.items() if v}}
                ledger.ledger_mapping_save(actor=request.user, ledger_import=ledger_import, columns=columns,
                                           values=values, defaults=defaults, ip_address=client_ip(request))
        except ApplicationError as exc:
            errors, message = exc.detail, exc.message
        else:
            return redirect("exchange:import", pk=ledger_import.pk)
    ledger_import.refresh_from_db()
    progress = ledger.ledger_progress(ledger_import)
    return render(request, "exchange/import_detail.html", {
        "imp": ledger_import, "progress": progress, "fields": [
            {"field": f, "column": mapping.get("columns", {}).get(f.key, ""),
             "default": mapping.get("defaults", {}).get(f.key, ""), "errors": errors.get(f.key, [])}
            for f in ledger.FIELDS],
        "channels": ledger.Channel.choices, "statuses": ledger.CaseStatus.choices,
        "unmatched": _unmatched(ledger_import), "error": message,
        "editable": ledger_import.state in (ImportState.UPLOADED, ImportState.CHECKED, ImportState.FAILED)
        or progress["stalled"],
        "may_import": request.user.has_perm(ledger.IMPORT_PERMISSION)}, status=400 if message else 200)


def _unmatched(ledger_import) -> list[dict]:
    """The names the last check found no match for, each with the items it may be mapped to."""
    found = (ledger_import.summary or {}).get("unmatched", {})
    if not found:
        return []
    options = ledger.value_options(ledger_import.county)
    return [{"kind": kind, "label": ledger.BY_KEY[kind].label, "names": found[kind], "options": options[kind]}
            for kind in ledger.MAPPED_KINDS if found.get(kind)]


@login_required
@permission_required("exchange.view_ledgerimport", raise_exception=True)
def import_progress(request, pk):
    """The progress bar, polled by the page while a run goes on; when it ends the page reloads with the result."""
    ledger_import = get_object_or_404(selectors.import_list(user=request.user), pk=pk)
    progress = ledger.ledger_progress(ledger_import)
    if not progress["running"] or progress["stalled"]:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "exchange/import_progress.html", {"imp": ledger_import, "progress": progress})


@login_required
@permission_required("exchange.import_ledger", raise_exception=True)
def import_errors(request, pk):
    """The error sheet: each refused row with its reason, as the file had it (personal data included: the admin
    corrects the rows and uploads them again), so each download is in the audit trail."""
    ledger_import = get_object_or_404(selectors.import_list(user=request.user), pk=pk)
    if not ledger_import.errors_file:
        raise Http404
    export_record(actor=request.user, what="ledger.errors", label=ledger_import.name, count=ledger_import.rows_error,
                  filters={}, ip_address=client_ip(request), object_id=str(ledger_import.pk))
    return FileResponse(io.BytesIO(ledger.error_sheet(ledger_import)), as_attachment=True,
                        filename=_("错误清单-%(name)s.xlsx") % {"name": ledger_import.name.rsplit(".", 1)[0]})
