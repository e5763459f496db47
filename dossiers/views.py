"""PLACEHOLDER: to be written (views of the dossiers app)."""

from django.http import HttpResponse


def board(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def mine(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def batch(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def designate(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def from_above(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def detail(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def print_file(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def pdf_file(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def act(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def member_remove(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def measure_done(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def escalation_record(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def listings(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def claim(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def withdraw(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def claim_decide(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def cadre(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)


def backlog_settings(request, *args, **kwargs):  # placeholder
    return HttpResponse(status=501)
