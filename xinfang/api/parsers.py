"""The API's JSON parser: JSON as DRF reads it, but a body nested a thousand deep or carrying a NUL character
(which PostgreSQL cannot store) is a 400 on the request, not a 500."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        if b"\x00" in raw or b"\\u0000" in raw:
            raise ParseError(_("请求中不能含有空字符（\\u0000）。"))
        try:
            return json.loads(raw.decode(encoding), parse_constant=_no_constant)
        except RecursionError as exc:
            raise ParseError(_("请求的内容嵌套过深。")) from exc
        except ValueError as exc:
            raise ParseError(_("请求的内容不是有效的 JSON：%(error)s") % {"error": exc}) from exc


def _no_constant(name):
    raise ValueError(_("不支持 %(name)s。") % {"name": name})  # NaN and Infinity are not JSON
