"""Settings from the environment: embedded defaults, real servers when their URLs are set, safe production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_settings(module: str, **env) -> subprocess.CompletedProcess:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                                                               "SECRET_KEY", "DEBUG",
                                                               "FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_KEYS",
                                                               "LOOKUP_HASH_KEY"}}
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env}, timeout=60,
    )


def test_with_nothing_set_the_project_runs_on_sqlite_and_the_filesystem_broker():
    result = run_settings("xinfang.settings.local")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://", "Asia/Shanghai", "zh-hans"]


def test_with_urls_set_the_project_runs_on_postgresql_and_redis():
    result = run_settings("xinfang.settings.local", DATABASE_URL="postgres://u@db:5432/x",
                          REDIS_URL="redis://cache:6379/0")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "redis://cache:6379/0"]


def test_production_refuses_to_start_without_a_real_secret_key():
    result = run_settings("xinfang.settings.production")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_field_encryption_key():
    result = run_settings("xinfang.settings.production", SECRET_KEY="k" * 50)

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_production_refuses_to_start_without_a_lookup_hash_key_of_its_own():
    result = run_settings("xinfang.settings.production", SECRET_KEY="k" * 50,
                          FIELD_ENCRYPTION_KEYS="DBR7gGmMwc0w8b7f7x8iHn3u5bC1mX2N3zqF3ntZr1I=")

    assert result.returncode != 0
    assert "LOOKUP_HASH_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_public_address_of_answer_links():
    result = run_settings("xinfang.settings.production", SECRET_KEY="k" * 50,
                          FIELD_ENCRYPTION_KEY="DBR7gGmMwc0w8b7f7x8iHn3u5bC1mX2N3zqF3ntZr1I=", LOOKUP_HASH_KEY="h" * 40)

    assert result.returncode != 0
    assert "PUBLIC_BASE_URL must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_settings("xinfang.settings.production", SECRET_KEY="k" * 50,
                          FIELD_ENCRYPTION_KEY="DBR7gGmMwc0w8b7f7x8iHn3u5bC1mX2N3zqF3ntZr1I=", LOOKUP_HASH_KEY="h" * 40,
                          PUBLIC_BASE_URL="https://xinfang.example.gov.cn")

    assert result.returncode == 0, result.stderr


def test_the_demo_shows_the_products_own_chinese_404_and_its_static_files(tmp_path):
    """`make run` runs with DEBUG off: a missing page is the product's Chinese 404, not Django's debug page, and the
    stylesheets and the favicon are still served (WhiteNoise, from the app folders)."""
    script = (
        "import django; django.setup(); from django.test import Client; c = Client(HTTP_HOST='localhost'); "
        "r = c.get('/no-such-page/'); s = c.get('/static/favicon.svg'); "
        "print(r.status_code, 'URLconf' in r.content.decode(), '未找到' in r.content.decode(), s.status_code)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "xinfang.settings.local", "DEBUG": "False",
             "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "False", "True", "200"]
