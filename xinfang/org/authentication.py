"""Token authentication for API clients (other systems). ``Authorization: Token <key>``.

A token is refused when its client is revoked or its account disabled, after its expiry, for a write when it is
read-only, and outside the resources it was given (the first segment after /api/v1/)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from .choices import TokenScope
from .models import ApiClient
from .services import api_client_touch, hash_api_token

API_PREFIX = "/api/v1/"


class TokenRefused(exceptions.PermissionDenied):
    """403 with its own code in the API's error body (xinfang.api.errors)."""

    def __init__(self, detail, code):
        super().__init__(detail, code)
        self.error_code = code


class TokenExpired(exceptions.AuthenticationFailed):
    error_code = "token_expired"


class ApiClientTokenAuthentication(authentication.TokenAuthentication):
    """Looks the token up by its SHA-256, then holds it to its limits."""

    keyword = "Token"

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        client = found[1]
        if client.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise TokenRefused(_("该令牌为只读，不能提交或修改数据。"), "token_read_only")
        path = request.path
        resource = path[len(API_PREFIX):].split("/", 1)[0] if path.startswith(API_PREFIX) else ""
        if not client.reaches(resource):
            raise TokenRefused(_("该令牌无权访问此接口。"), "token_endpoint_not_allowed")
        return found

    def authenticate_credentials(self, key):
        client = (
            ApiClient.objects.select_related("user__unit__region")
            .filter(token_hash=hash_api_token(key))
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(_("令牌无效。"))
        if not client.is_active or not client.user.is_active:
            raise exceptions.AuthenticationFailed(_("该接口客户端已被吊销。"))
        if client.is_expired():
            raise TokenExpired(_("令牌已过期，请联系系统管理员重新签发。"))
        api_client_touch(client=client)
        return client.user, client
