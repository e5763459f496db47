"""Production: no secret defaults. Refuses to start without a real SECRET_KEY and a real database."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_DEV_SECRET_KEY, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)
if not SECRET_KEY or SECRET_KEY == INSECURE_DEV_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

if not (env("FIELD_ENCRYPTION_KEYS", default="") or env("FIELD_ENCRYPTION_KEY", default="")):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be set in production: the Fernet keys that encrypt ID numbers and phones, the "
        "current one first (python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
    )
if not env("LOOKUP_HASH_KEY", default=""):
    raise ImproperlyConfigured(
        "LOOKUP_HASH_KEY must be set in production: the secret of the ID-number and phone look-up hashes, apart from "
        "the encryption keys (an installation upgrading sets it to its FIELD_ENCRYPTION_KEY, see docs/security.md)."
    )

if not env("PUBLIC_BASE_URL", default=""):
    raise ImproperlyConfigured(
        "PUBLIC_BASE_URL must be set in production: the address petitioners reach from outside, printed in the QR code "
        "of reply letters and sent in SMS answer links (the development default points at 127.0.0.1)."
    )

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS: redirect plain HTTP and tell browsers to keep to HTTPS (HSTS). Behind a TLS proxy on an intranet that already
# redirects, SECURE_SSL_REDIRECT=false; SECURE_HSTS_SECONDS=0 where the office's certificate is not yet settled.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe speaks plain HTTP inside
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = False
# The installer's superuser runs the management commands; it does not sign in to the product (三员分立).
SUPERUSER_LOGIN = env.bool("SUPERUSER_LOGIN", default=False)
# The API's schema and its Swagger page: for signed-in people and API clients only (xinfang/urls.py).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

# SMS: none unless a gateway is named (the console backend would write live answer links into the log). Without one,
# return visits are answered through the QR code on the reply letter.
SMS_BACKEND = env("SMS_BACKEND", default="")
if SMS_BACKEND == "xinfang.sms.ConsoleBackend":
    raise ImproperlyConfigured("SMS_BACKEND: name the county's SMS gateway class, or leave it empty (QR codes only).")
