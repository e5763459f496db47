"""Chinese first: the interface language is the one the user chose (the language cookie set by the
language switcher), else zh-hans. The browser's Accept-Language is ignored on purpose: intranet PCs often
run English-language systems, and a Chinese office expects a Chinese product unless someone asks otherwise."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
