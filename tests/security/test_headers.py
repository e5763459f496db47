"""The headers a browser is held to: in production HTTPS (a redirect and HSTS, each configurable for an intranet
behind a TLS proxy) and the API's schema and docs only for the signed-in; everywhere a Content-Security-Policy, no
sniffing, no framing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION = {"DJANGO_SETTINGS_MODULE": "xinfang.settings.production", "SECRET_KEY": "k" * 50,
              "FIELD_ENCRYPTION_KEYS": "DBR7gGmMwc0w8b7f7x8iHn3u5bC1mX2N3zqF3ntZr1I=", "LOOKUP_HASH_KEY": "h" * 40,
              "PUBLIC_BASE_URL": "https://xinfang.example.gov.cn", "ALLOWED_HOSTS": "testserver"}
SCRIPT = """
import json, django
django.setup()
from django.test import Client
c = Client()
plain = c.get("/api/v1/me/")  # no page: production's static files are collected at deployment, not here
secure = c.get("/api/v1/me/", secure=True)
schema = c.get("/api/schema/", secure=True)
docs = c.get("/api/docs/", secure=True)
print(json.dumps({"plain": [plain.status_code, plain.get("Location", "")],
                  "hsts": secure.get("Strict-Transport-Security", ""), "csp": secure.get("Content-Security-Policy", ""),
                  "schema": schema.status_code, "docs": docs.status_code}))
"""


def production(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                            env={**clean, **PRODUCTION, **env}, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_to_https_keeps_to_it_and_closes_the_api_docs():
    seen = production()

    assert seen["plain"] == [301, "https://testserver/api/v1/me/"]
    assert seen["hsts"] == "max-age=31536000"
    assert "script-src 'self'" in seen["csp"] and "frame-ancestors 'none'" in seen["csp"]
    assert seen["schema"] in (401, 403) and seen["docs"] in (401, 403)


def test_behind_a_tls_proxy_the_redirect_and_hsts_can_be_left_to_it():
    seen = production(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")

    assert seen["plain"][0] in (401, 403) and seen["hsts"] == ""


@pytest.mark.django_db
def test_every_page_says_no_sniffing_no_framing_and_its_policy(client):
    response = client.get("/login/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "object-src 'none'" in response["Content-Security-Policy"]
