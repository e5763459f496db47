"""PLACEHOLDER: to be written (views of the visits app)."""

from django.http import HttpResponse


def field_list(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def field_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def field_detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def return_visit_list(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def return_visit_record(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def return_visit_assign(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def return_visit_link(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def reply_letter(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def meeting_list(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def meeting_new(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def meeting_detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def duty_rules(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def duty_rule_edit(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def duty_rule_retire(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def compliance(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def stats(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def visit_settings(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def answer(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)
