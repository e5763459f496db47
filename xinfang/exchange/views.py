"""/exchange/: the county's event subscribers (the system administrator's) with their delivery logs, and the messages
sent. Thin: each page parses its form and calls one service or selector."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.errors import ApplicationError
from xinfang.http import client_ip
from xinfang.pages import filtered_page, form_service_error, user_county_or_404

from . import selectors, services
from .filtersets import MessageFilterSet
from .forms import SubscriberForm


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
