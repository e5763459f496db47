"""Pages of backlog dossiers (一案一策一专班): the backlog board, "cases I own", the dossier page with the actions the
user may take now, the printable file (档案) as HTML and PDF, designation (one case, a case from above, a whole
batch), the 揭榜挂帅 board, a cadre's record and the county's backlog rules.

Thin, like every page here: parse a form (forms.py), call one service or selector, say what happened. A refusal comes
back as the service's Chinese message and nothing changes; objects outside the jurisdiction are 404 (scoped
selectors)."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

import workflow
from cases import selectors as case_selectors
from deadlines.selectors import deadline_state, state_label
from scoring import selectors as scoring_selectors
from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.org import selectors as org_selectors
from xinfang.org.services import export_record
from xinfang.pages import PAGE_SIZE, filtered_page, form_error_text, get_or_404, pdf_response, redirect_back

from . import selectors, services
from .choices import LIVE_STAGES, ClaimStatus, ListingStatus, Stage
from .filtersets import DossierFilterSet, ListingFilterSet
from .forms import (
    BatchForm,
    ClaimDecideForm,
    ClaimForm,
    CloseForm,
    DesignateForm,
    EscalateForm,
    EscalationRecordForm,
    MeasureDoneForm,
    MeasureForm,
    MemberForm,
    OwnersForm,
    PlanForm,
    ProgressForm,
    PublishForm,
    SignOffForm,
    StartForm,
    leaders_in_scope,
)
from .models import Claim, Dossier, Escalation, Measure, TaskForceMember

VIEW = "dossiers.view_dossier"


def _refused(request, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


def _dossier_or_404(request, pk):
    return get_or_404(selectors.dossier_list(user=request.user), pk)


def _detail_or_404(request, pk):
    try:
        return selectors.dossier_detail(user=request.user, pk=pk)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _row_of_visible_dossier(request, model, pk, *related):
    """A measure, member or escalation, or 404 unless its dossier is in the user's jurisdiction."""
    obj = model.objects.select_related(*related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    obj.dossier = _dossier_or_404(request, obj.dossier_id)
    return obj


# The board and "cases I own" ------------------------------------------------------------------------------

@login_required
@permission_required(VIEW, raise_exception=True)
def board(request):
    """Counts by stage and the dossiers through their FilterSet (the same one the API uses)."""
    # Meta.ordering does not apply to the list's GROUP BY (its measure counts): order it here.
    dossiers = selectors.dossier_list(user=request.user)
    context = filtered_page(request, DossierFilterSet, dossiers)
    today = timezone.localdate()
    for dossier in context["page"]:
        dossier.age_days = selectors.backlog_days(dossier, today)
    context.update(counts=selectors.board_counts(user=request.user), today=today,
                   leaders=leaders_in_scope(request.user).select_related(None).prefetch_related(None),
                   stages_selected=context["data"].getlist("stage"))
    return render(request, "dossiers/board.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def mine(request):
    """The cases the user owns (包案) or owns a dossier of, most urgent first, with the dossier's stage."""
    page = Paginator(selectors.cases_owned(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dossiers/mine.html", {"page": page, "query": "", "today": timezone.localdate()})


# Becoming backlog -----------------------------------------------------------------------------------------

@login_required
@require_POST
def designate(request, case_pk):
    """A leader designates a case as a backlog case, with a reason (from the case page)."""
    case = get_or_404(case_selectors.case_list(user=request.user), case_pk)
    form = DesignateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("指定积案未完成：%(errors)s") % {"errors": form_error_text(form)})
        return redirect("cases:detail", pk=case.pk)
    try:
        dossier = services.dossier_designate(actor=request.user, case=case, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("cases:detail", pk=case.pk)
    messages.success(request, _("已将%(number)s指定为信访积案，建立积案档案。") % {"number": case.number})
    return redirect("dossiers:detail", pk=dossier.pk)


@login_required
@require_POST
def from_above(request, case_pk):
    """A case assigned from above becomes a backlog case (上级交办积案)."""
    case = get_or_404(case_selectors.case_list(user=request.user), case_pk)
    try:
        dossier = services.dossier_from_above(actor=request.user, case=case)
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("cases:detail", pk=case.pk)
    messages.success(request, _("已为上级交办积案%(number)s建立积案档案。") % {"number": case.number})
    return redirect("dossiers:detail", pk=dossier.pk)


@login_required
@permission_required("dossiers.manage_dossier", raise_exception=True)
def batch(request):
    """A whole batch assigned from above as backlog: every case of it in the jurisdiction gets a dossier."""
    form = BatchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                n = services.batch_from_above(actor=request.user, upper_source=data["upper_source"],
                                              batch=data["batch"])
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("已为“%(batch)s”的%(n)s件事项建立积案档案。") % {
                    "batch": data["batch"], "n": n})
                return redirect(reverse("dossiers:board") + "?" + urlencode({"batch": data["batch"]}))
        else:
            status = 400
    return render(request, "dossiers/batch.html", {"form": form}, status=status)


# The dossier page and its actions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    """One action of the dossier page: its label, its form and what it runs (returning the success message)."""

    label: str
    form: type
    run: Callable
    needs_user: bool = False
    danger: bool = False


def _owners(request, dossier, data):
    services.owners_set(actor=request.user, dossier=dossier, primary=data["primary"], second=data["second"])
    return _("已设定包案领导。")


def _member(request, dossier, data):
    member = services.member_add(actor=request.user, dossier=dossier, user=data["user"], role=data["role"])
    return _("%(name)s已加入专班。") % {"name": member.user.display_name}


def _plan(request, dossier, data):
    services.plan_update(actor=request.user, dossier=dossier, plan=data["plan"], facts=data["facts"],
                         difficulty=data["difficulty"], persuasion=data["persuasion"], version=data.get("version"))
    return _("已保存化解方案。")


def _measure(request, dossier, data):
    measure = services.measure_add(actor=request.user, dossier=dossier, owner=data["owner"], action=data["action"],
                                   due_on=data["due_on"])
    return _("已增加措施“%(action)s”，%(day)s前完成。") % {"action": measure.action, "day": measure.due_on.isoformat()}


def _start(request, dossier, data):
    services.dossier_start(actor=request.user, dossier=dossier)
    return _("化解方案已生效，积案进入化解。")


def _progress(request, dossier, data):
    services.progress_update(actor=request.user, dossier=dossier, progress=data["progress"], note=data["note"])
    return _("已记录化解进度%(p)s%%。") % {"p": data["progress"]}


def _escalate(request, dossier, data):
    escalation = services.escalation_request(actor=request.user, dossier=dossier, reason=data["reason"])
    return _("已提请%(region)s提级会审。") % {"region": escalation.to_region.name}


def _sign_off(request, dossier, data):
    services.sign_off(actor=request.user, dossier=dossier, petitioner_stopped=data["petitioner_stopped"],
                      note=data["note"], agreement=data["agreement"])
    return _("督导验收已记录，积案已化解，待包案领导审批销号。")


def _close(request, dossier, data):
    workflow.dossier_close(actor=request.user, dossier=dossier, note=data["note"])
    return _("已审批销号。")


def _publish(request, dossier, data):
    listing = services.listing_publish(actor=request.user, dossier=dossier, points=data["points"],
                                       claim_days=data["claim_days"], note=data["note"])
    return _("已列入揭榜挂帅榜单（%(points)s分，%(days)s天）。") % {"points": listing.points,
                                                              "days": listing.claim_days}


ACTIONS: dict[str, Action] = {
    "owners": Action(gettext_lazy("设定包案领导"), OwnersForm, _owners, needs_user=True),
    "member": Action(gettext_lazy("增加专班成员"), MemberForm, _member, needs_user=True),
    "plan": Action(gettext_lazy("编辑化解方案和三包"), PlanForm, _plan),
    "measure": Action(gettext_lazy("增加化解措施"), MeasureForm, _measure, needs_user=True),
    "start": Action(gettext_lazy("化解方案生效"), StartForm, _start),
    "progress": Action(gettext_lazy("记录化解进度"), ProgressForm, _progress),
    "escalate": Action(gettext_lazy("提请提级会审"), EscalateForm, _escalate, danger=True),
    "sign_off": Action(gettext_lazy("督导验收"), SignOffForm, _sign_off),
    "close": Action(gettext_lazy("审批销号"), CloseForm, _close),
    "publish": Action(gettext_lazy("列入揭榜挂帅"), PublishForm, _publish),
}


def _allowed_actions(user, dossier, *, is_owner: bool, listed: bool) -> list[str]:
    """What the page offers now: the user's permissions and the stage (the services check both again)."""
    stage, manage = dossier.stage, user.has_perm("dossiers.manage_dossier")
    names = []
    if manage and stage != Stage.CLOSED:
        names += ["owners", "member", "plan"]
    if manage and stage in LIVE_STAGES:
        names.append("measure")
    if manage and stage == Stage.OPENED:
        names.append("start")
    if manage and stage in LIVE_STAGES:
        names.append("progress")
    if manage and stage == Stage.RESOLVING:
        names += ["escalate", "sign_off"]
    if is_owner and stage == Stage.RESOLVED:
        names.append("close")
    if user.has_perm("dossiers.publish_listing") and stage in LIVE_STAGES and not listed:
        names.append("publish")
    return names


def _initial(name: str, dossier, owners) -> dict:
    if name == "plan":
        return PlanForm.initial_from(dossier)
    if name == "owners":
        return {("primary" if o.role == "primary" else "second"): o.user_id for o in owners}
    if name == "progress":
        return {"progress": dossier.progress}
    return {}


def _measures(user, dossier, today) -> list:
    manage = user.has_perm("dossiers.manage_dossier")
    rows = list(dossier.measures.all())
    for m in rows:
        if m.deadline is not None:
            m.state = deadline_state(m.deadline, today)
        else:
            m.state = "met" if m.done_at else "running"
        m.state_label = state_label(m.state)
        m.can_done = m.done_at is None and (manage or m.owner_id == user.pk)
    return rows


def _file_context(request, dossier) -> dict:
    """What the dossier page and its printed file both show."""
    today = timezone.localdate()
    listings = list(dossier.listings.all())
    return {
        "dossier": dossier, "case": dossier.case, "owners": list(dossier.owners.all()),
        "members": list(dossier.members.all()), "measures": _measures(request.user, dossier, today),
        "escalations": list(dossier.escalations.all()), "sign_offs": list(dossier.sign_offs.all()),
        "listings": listings, "file": selectors.dossier_file(dossier), "today": today,
        "age_days": selectors.backlog_days(dossier, today),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def detail(request, pk):
    """The dossier: the 五个一, measures and their clocks, reviews, sign-offs, the board, the case's file, and the
    actions the user may take now (each posting to ``act``)."""
    dossier = _detail_or_404(request, pk)
    context = _file_context(request, dossier)
    user = request.user
    is_owner = any(o.user_id == user.pk for o in context["owners"])
    listed = any(li.status in (ListingStatus.OPEN, ListingStatus.CLAIMED) for li in context["listings"])
    forms = []
    for name in _allowed_actions(user, dossier, is_owner=is_owner, listed=listed):
        action = ACTIONS[name]
        kwargs = {"user": user} if action.needs_user else {}
        forms.append({"name": name, "label": action.label, "danger": action.danger,
                      "form": action.form(initial=_initial(name, dossier, context["owners"]), auto_id=f"{name}-%s",
                                          **kwargs)})
    manage = user.has_perm("dossiers.manage_dossier")
    context.update(
        action_forms=forms, is_owner=is_owner, can_manage=manage and dossier.stage != Stage.CLOSED,
        gaps=services.plan_gaps(dossier) if dossier.stage == Stage.OPENED else [],
        record_form=EscalationRecordForm(auto_id="record-%s") if manage and dossier.stage == Stage.ESCALATED else None,
        done_form=MeasureDoneForm(auto_id=None),
    )
    return render(request, "dossiers/detail.html", context)


@login_required
@require_POST
@permission_required(VIEW, raise_exception=True)
def act(request, pk, action):
    """Run one action of the dossier page; a refusal comes back as the service's Chinese message."""
    spec = ACTIONS.get(action.replace("-", "_"))
    if spec is None:
        raise Http404
    dossier = _dossier_or_404(request, pk)
    form = spec.form(request.POST, **({"user": request.user} if spec.needs_user else {}))
    if not form.is_valid():
        messages.error(request, _("%(action)s未完成：%(errors)s") % {"action": spec.label,
                                                                  "errors": form_error_text(form)})
    else:
        try:
            message = spec.run(request, dossier, form.cleaned_data)
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, message)
    return redirect("dossiers:detail", pk=dossier.pk)


@login_required
@require_POST
@permission_required(VIEW, raise_exception=True)
def member_remove(request, pk):
    member = _row_of_visible_dossier(request, TaskForceMember, pk, "user")
    try:
        services.member_remove(actor=request.user, member=member)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(name)s已退出专班。") % {"name": member.user.display_name})
    return redirect("dossiers:detail", pk=member.dossier_id)


@login_required
@require_POST
@permission_required(VIEW, raise_exception=True)
def measure_done(request, pk):
    measure = _row_of_visible_dossier(request, Measure, pk, "deadline")
    form = MeasureDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("措施完成未记录：%(errors)s") % {"errors": form_error_text(form)})
    else:
        try:
            services.measure_done(actor=request.user, measure=measure, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("措施“%(action)s”已完成。") % {"action": measure.action})
    return redirect_back(request, reverse("dossiers:detail", args=[measure.dossier_id]))


@login_required
@require_POST
@permission_required(VIEW, raise_exception=True)
def escalation_record(request, pk):
    escalation = _row_of_visible_dossier(request, Escalation, pk)
    form = EscalationRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("会审意见未记录：%(errors)s") % {"errors": form_error_text(form)})
    else:
        try:
            services.escalation_record(actor=request.user, escalation=escalation, outcome=form.cleaned_data["outcome"],
                                       held_at=form.cleaned_data["held_at"])
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已记录提级会审意见，积案回到化解中。"))
    return redirect("dossiers:detail", pk=escalation.dossier_id)


# The printable file -----------------------------------------------------------------------------------------

def _file_html(request, pk, *, pdf: bool) -> tuple[str, object]:
    dossier = _detail_or_404(request, pk)
    context = _file_context(request, dossier)
    context.update(pdf=pdf, printed_at=timezone.localtime(), printed_by=request.user)
    return render_to_string("dossiers/file.html", context, request=request), dossier


@login_required
@permission_required(VIEW, raise_exception=True)
def print_file(request, pk):
    """The whole file (档案) as one printable HTML document."""
    html, _dossier = _file_html(request, pk, pdf=False)
    return HttpResponse(html)


@login_required
@permission_required(VIEW, raise_exception=True)
def pdf_file(request, pk):
    """The same file rendered to PDF (xinfang.pages.pdf_response)."""
    html, dossier = _file_html(request, pk, pdf=True)
    response = pdf_response(request, html, _("积案档案-%(number)s.pdf") % {"number": dossier.case.number})
    if response.status_code == 200:
        export_record(actor=request.user, what="dossiers.file", label=dossier.case.number, count=None, filters={},
                      object_id=str(dossier.pk), ip_address=client_ip(request))
    return response


# 揭榜挂帅 ------------------------------------------------------------------------------------------------------

@login_required
@permission_required("dossiers.view_listing", raise_exception=True)
def listings(request):
    """The board: open and claimed listings by default (the FilterSet the API uses), with claims and decisions."""
    data = request.GET.copy()
    if "status" not in data:
        data.setlist("status", [ListingStatus.OPEN, ListingStatus.CLAIMED])
    filterset = ListingFilterSet(data, queryset=selectors.listing_list(user=request.user), request=request)
    if filterset.is_valid():
        rows = filterset.qs
    else:
        messages.error(request, _("筛选条件有误：%(errors)s") % {"errors": form_error_text(filterset.form)})
        rows = filterset.queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    user = request.user
    can_claim = user.has_perm("dossiers.claim_listing")
    for listing in page:
        claims = list(listing.claims.all())
        listing.claim_rows = claims
        listing.mine_pending = any(c.claimant_id == user.pk and c.status == ClaimStatus.PENDING for c in claims)
    return render(request, "dossiers/listings.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "can_claim": can_claim,
        "can_decide": user.has_perm("dossiers.approve_claim"),
        "can_withdraw": user.has_perm("dossiers.publish_listing"),
        "units": list(org_selectors.unit_choices_for(user)) if can_claim else [],
        "pending": ClaimStatus.PENDING, "open": ListingStatus.OPEN})


@login_required
@require_POST
@permission_required("dossiers.view_listing", raise_exception=True)
def claim(request, pk):
    listing = get_or_404(selectors.listing_list(user=request.user), pk)
    form = ClaimForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("揭榜未完成：%(errors)s") % {"errors": form_error_text(form)})
    else:
        data = form.cleaned_data
        try:
            services.claim_submit(actor=request.user, listing=listing, kind=data["kind"], statement=data["statement"],
                                  recommended_by=data["recommended_by"])
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已揭榜%(number)s，等待领导审批。") % {"number": listing.dossier.case.number})
    return redirect_back(request, reverse("dossiers:listings"))


@login_required
@require_POST
@permission_required("dossiers.view_listing", raise_exception=True)
def withdraw(request, pk):
    listing = get_or_404(selectors.listing_list(user=request.user), pk)
    try:
        services.listing_withdraw(actor=request.user, listing=listing)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已撤榜%(number)s。") % {"number": listing.dossier.case.number})
    return redirect_back(request, reverse("dossiers:listings"))


@login_required
@require_POST
@permission_required("dossiers.view_listing", raise_exception=True)
def claim_decide(request, pk):
    found = Claim.objects.select_related("claimant").filter(pk=pk).first()
    if found is None:
        raise Http404
    found.listing = get_or_404(selectors.listing_list(user=request.user), found.listing_id)
    form = ClaimDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("审批未完成：%(errors)s") % {"errors": form_error_text(form)})
    else:
        approve = form.cleaned_data["approve"]
        try:
            services.claim_decide(actor=request.user, claim=found, approve=approve, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            template = _("已批准%(name)s揭榜。") if approve else _("未批准%(name)s揭榜。")
            messages.success(request, template % {"name": found.claimant.display_name})
    return redirect_back(request, reverse("dossiers:listings"))


# A cadre's record and the county's rules --------------------------------------------------------------------

@login_required
@permission_required("scoring.view_pointentry", raise_exception=True)
def cadre(request, pk):
    """A cadre's points and 揭榜 claims (for the annual assessment); a cadre outside the jurisdiction is 404."""
    person = get_or_404(org_selectors.user_list(user=request.user), pk)
    return render(request, "dossiers/cadre.html", {"cadre": person,
                                                   **scoring_selectors.cadre_record(user=request.user, cadre=person)})


