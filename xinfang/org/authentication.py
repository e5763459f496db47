"""Token authentication for API clients (other systems). ``Authorization: Token <key>``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiClient
from .services import api_client_touch, hash_api_token


class ApiClientTokenAuthentication(authentication.TokenAuthentication):
    """Looks the token up by its SHA-256; a revoked client or a disabled account is refused."""

    keyword = "Token"

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
        api_client_touch(client=client)
        return client.user, client
