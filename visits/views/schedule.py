"""PLACEHOLDER: to be written (views of the visits app)."""

from django.http import HttpResponse


def schedule(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def schedule_rules(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def schedule_deactivate(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def slot_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def slot_detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def slot_book(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def slot_cancel(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def appointment_cancel(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def appointment_no_show(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def campaign_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def reception_list(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def reception_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def reception_detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def my_calendar(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def ics_feed(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def public_schedule(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)
