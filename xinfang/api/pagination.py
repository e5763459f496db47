from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """Page-number pagination; clients may ask for ``page_size`` up to ``API_MAX_PAGE_SIZE``."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
