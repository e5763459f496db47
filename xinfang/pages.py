"""Helpers shared by the server-rendered pages of every app: a list through its FilterSet, a form's errors as one
Chinese line, the way back after a POST, a scoped row or 404, and a printable page as a PDF."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from xinfang.org.selectors import user_county

PAGE_SIZE = 30


def form_error_text(form) -> str:
    """A bound form's (or FilterSet form's) errors as one line, fields named by their labels."""
    parts = []
    for name, errors in form.errors.items():
        text = _("；").join(errors)
        label = form.fields[name].label if name in form.fields else ""
        parts.append(_("%(field)s：%(error)s") % {"field": label, "error": text} if label else text)
    return _("；").join(parts)


def form_service_error(form, exc) -> None:
    """A service's refusal (an ApplicationError) on the form: on the fields it names, the rest (or its message)
    above the form."""
    others = []
    for name, errors in (exc.detail or {}).items():
        errors = [str(e) for e in (errors if isinstance(errors, list | tuple) else [errors])]
        if name in form.fields:
            form.add_error(name, errors)
        else:
            others += errors
    if others or not exc.detail:
        form.add_error(None, others or [str(exc.message)])


def filtered_page(request, filterset_class, queryset, defaults: dict | None = None) -> dict:
    """The list through its FilterSet (the same one its API uses), ``defaults`` for what the query leaves out;
    invalid filters give a Chinese message and no rows."""
    data = request.GET.copy()
    for name, value in (defaults or {}).items():
        if name not in data:
            data[name] = value
    filterset = filterset_class(data, queryset=queryset, request=request)
    if filterset.is_valid():
        rows = filterset.qs
    else:
        messages.error(request, _("筛选条件有误：%(errors)s") % {"errors": form_error_text(filterset.form)})
        rows = queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return {"filter": filterset, "data": data, "page": page, "query": query.urlencode()}


def redirect_back(request, fallback):
    """Where a POST came from (``next``, same site only), else ``fallback`` (a URL or a URL name with args)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def get_or_404(queryset, pk):
    """One row of a (scoped) queryset, or 404: outside the jurisdiction, a row does not exist."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def user_county_or_404(user):
    """The county a county admin's (or clerk's) settings pages are about; a user above county level has none here."""
    county = user_county(user)
    if county is None:
        raise Http404
    return county


def pdf_response(request, html: str, filename: str) -> HttpResponse:
    """A printable page rendered to PDF by WeasyPrint (which needs Pango and a Chinese font on the server); without
    it, 503 and a plain Chinese message pointing at the printable page."""
    try:
        import weasyprint  # lazy: an optional dependency (the PDF buttons answer 503 without it)
    except (ImportError, OSError):  # OSError: WeasyPrint is installed but Pango is not
        return HttpResponse(_("服务器暂不能生成PDF，请使用打印页面。"), status=503,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(),
                            content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    return response


def cleaned_query_redirect(request):
    """A list's URL without its empty parameters (a submitted filter form sends every field): a redirect to the
    clean URL, or None when it is clean already."""
    query = request.GET.copy()
    dirty = False
    for name in list(query):
        values = [value for value in query.getlist(name) if value.strip()]
        if len(values) != len(query.getlist(name)):
            dirty = True
            if values:
                query.setlist(name, values)
            else:
                query.pop(name)
    if not dirty:
        return None
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def _choice_label(field, value: str) -> str:
    for key, label in getattr(field.widget, "choices", None) or getattr(field, "choices", None) or ():
        if isinstance(label, list | tuple):  # a group of choices
            for inner_key, inner_label in label:
                if str(inner_key) == value:
                    return str(inner_label)
        elif str(key) == value:
            return str(label)
    return value


def filter_chips(form, query, *, display: dict | None = None, skip=("page",)) -> list[dict]:
    """The filters in force as removable chips above a list: each value with its field's label and the label of its
    choice (状态：办理中), and the URL of the list without it. ``display`` names values the form cannot (a hidden
    field's region code → its name)."""
    chips = []
    for name in query:
        field = form.fields.get(name)
        if field is None or name in skip:
            continue
        values = query.getlist(name)
        for value in values:
            if not value.strip():
                continue
            rest = query.copy()
            rest.pop("page", None)
            kept = [v for v in values if v != value]
            if kept:
                rest.setlist(name, kept)
            else:
                rest.pop(name)
            shown = (display or {}).get(name, lambda v, f=field: _choice_label(f, v))(value)
            chips.append({"name": name, "value": value, "label": _("%(field)s：%(value)s") % {
                "field": field.label, "value": shown}, "url": f"?{rest.urlencode()}"})
    return chips
