"""Pages of deadlines for the people who work cases: the overdue board, the red/yellow list, suspensions,
supervision documents (提醒单/督办函) and the notifications behind the bell.

Thin: parse input, call one selector or service, render. A refusal comes back as the service's Chinese message
and nothing changes; objects outside the user's jurisdiction are 404 (scoped selectors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.errors import ApplicationError
from xinfang.org import selectors as org_selectors
from xinfang.org.choices import RegionLevel
from xinfang.org.scoping import REGION_WIDE_PERMISSION
from xinfang.pages import PAGE_SIZE, filtered_page, redirect_back

from .. import selectors, services
from ..choices import CardColour, SupervisionKind
from ..filtersets import CardFilterSet, SupervisionFilterSet
from ..models import Suspension


def _back(request, case_id: int):
    """Where a POST came from (``next``, same site only), else the case page."""
    return redirect_back(request, reverse("cases:detail", args=[case_id]))


def _unit_defaults(request) -> dict:
    """A unit officer's lists start at their own unit's rows; region-wide users see their whole jurisdiction."""
    user = request.user
    if user.unit_id and not user.has_perm(REGION_WIDE_PERMISSION):
        return {"unit": str(user.unit_id)}
    return {}


# The overdue board and the red/yellow list ------------------------------------------------------------------

@login_required
@permission_required("deadlines.view_deadline_board", raise_exception=True)
def board(request):
    """Current cards of the jurisdiction counted by responsible unit and by township; each count opens the list."""
    return render(request, "deadlines/board.html", {"board": selectors.overdue_board(user=request.user)})


@login_required
@permission_required("deadlines.view_card", raise_exception=True)
def card_list(request):
    """Red and yellow cards, current ones by default: a leader's jurisdiction, a unit officer's own unit."""
    context = filtered_page(request, CardFilterSet, selectors.card_list(user=request.user),
                             {"current": "true", **_unit_defaults(request)})
    context.update(
        colours=CardColour.choices, selected_colours=context["data"].getlist("colour"), today=timezone.localdate(),
        units=org_selectors.unit_choices_for(request.user),
        townships=org_selectors.region_list(user=request.user).filter(level=RegionLevel.TOWNSHIP).order_by("path"),
    )
    return render(request, "deadlines/card_list.html", context)


# Suspensions --------------------------------------------------------------------------------------------------

def _get_suspension(request, pk) -> Suspension:
    suspension = selectors.suspension_list(user=request.user).filter(pk=pk).first()
    if suspension is None:
        raise Http404
    return suspension


@login_required
@require_POST
def suspension_decide(request, pk):
    """Approve (the clocks stop today) or reject a pending suspension, from the case page."""
    suspension = _get_suspension(request, pk)
    approve = request.POST.get("approve")
    if approve not in ("0", "1"):
        messages.error(request, _("请选择批准或不批准。"))
        return _back(request, suspension.case_id)
    try:
        services.suspension_decide(actor=request.user, suspension=suspension, approve=approve == "1",
                                   note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准中止计时。") if approve == "1" else _("已不批准中止计时。"))
    return _back(request, suspension.case_id)


@login_required
@require_POST
def suspension_end(request, pk):
    """Resume the clocks of a suspended case; each gets the days it lost."""
    suspension = _get_suspension(request, pk)
    try:
        services.suspension_end(actor=request.user, suspension=suspension)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已恢复计时。"))
    return _back(request, suspension.case_id)


# Supervision (督办) --------------------------------------------------------------------------------------------

def _get_supervision(request, pk, *related: str):
    supervision = (selectors.supervision_list(user=request.user).select_related(*related).filter(pk=pk).first())
    if supervision is None:
        raise Http404
    return supervision


@login_required
@permission_required("cases.view_case", raise_exception=True)
def supervision_list(request):
    context = filtered_page(request, SupervisionFilterSet, selectors.supervision_list(user=request.user),
                             _unit_defaults(request))
    context.update(kinds=SupervisionKind.choices, today=timezone.localdate(),
                   units=org_selectors.unit_choices_for(request.user))
    return render(request, "deadlines/supervision_list.html", context)


@login_required
@permission_required("cases.view_case", raise_exception=True)
def supervision_detail(request, pk):
    """The document as it is printed: number, addressee, the matter, what to do and by when, issuer and date."""
    supervision = _get_supervision(request, pk, "case__county", "case__region", "issued_by__unit")
    return render(request, "deadlines/supervision_detail.html", {"s": supervision})


@login_required
@require_POST
def supervision_acknowledge(request, pk):
    supervision = _get_supervision(request, pk)
    try:
        services.supervision_acknowledge(actor=request.user, supervision=supervision)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已签收%(number)s。") % {"number": supervision.number})
    return _back(request, supervision.case_id)


@login_required
@require_POST
def supervision_respond(request, pk):
    supervision = _get_supervision(request, pk)
    try:
        services.supervision_respond(actor=request.user, supervision=supervision,
                                     response=request.POST.get("response", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已回复%(number)s。") % {"number": supervision.number})
    return _back(request, supervision.case_id)


# Notifications (the bell) ----------------------------------------------------------------------------------

@login_required
def notification_list(request):
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(n, selectors.notification_text(n), selectors.notification_url(n)) for n in page]
    return render(request, "deadlines/notification_list.html", {"page": page, "rows": rows, "query": ""})


@login_required
@require_POST
def notifications_read(request):
    """Mark the user's notifications read: those listed in ``id``, or all of them."""
    ids = request.POST.getlist("id")
    if any(not (i.isascii() and i.isdigit() and len(i) <= 18) for i in ids):
        messages.error(request, _("通知编号有误。"))
        return redirect("deadlines:notifications")
    marked = services.notification_mark_read(actor=request.user, ids=[int(i) for i in ids] or None)
    messages.success(request, _("已将%(n)s条通知标为已读。") % {"n": marked})
    return redirect("deadlines:notifications")
