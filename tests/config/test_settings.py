"""The settings fail closed: no debug and no default secret unless asked for."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings.py"


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    code = "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.SECRET_KEY[:8])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_without_a_secret_key_and_without_debug_it_refuses_to_start():
    result = load_settings()

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = load_settings(DJANGO_SECRET_KEY="s3cret-value")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_debug_mode_may_run_without_a_secret_key():
    result = load_settings(DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


def test_a_mistyped_boolean_is_an_error_not_a_guess():
    result = load_settings(DJANGO_DEBUG="ture", DJANGO_SECRET_KEY="x")

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_sqlite_under_var_is_the_default_and_database_url_switches_to_postgresql():
    default = load_settings(DJANGO_SECRET_KEY="x")
    postgres = load_settings(DJANGO_SECRET_KEY="x", DATABASE_URL="postgres://u:p@127.0.0.1:5432/scalp")

    assert default.stdout.split()[1] == "django.db.backends.sqlite3"
    assert postgres.stdout.split()[1] == "django.db.backends.postgresql"


def load(names, **env):
    code = f"import config.settings as s; print(repr([getattr(s, name) for name in {names!r}]))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_variable_set_but_empty_counts_as_not_set_so_https_stays_on():
    shown = load(["HTTPS", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE"], DJANGO_SECRET_KEY="x", DJANGO_HTTPS="")

    assert shown == "[True, 31536000, True]"


def test_https_is_off_only_when_switched_off():
    assert load(["HTTPS", "SECURE_HSTS_SECONDS"], DJANGO_SECRET_KEY="x", DJANGO_HTTPS="0") == "[False, 0]"


def test_every_variable_the_settings_read_is_in_the_example_environment_file():
    read = set(re.findall(r'(?:env|env_bool|env_list|os\.environ\.get)\("([A-Z0-9_]+)"', SETTINGS.read_text()))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))

    assert len(read) > 20
    assert read - listed == set()


def test_the_example_environment_file_runs_as_written():
    example = (ROOT / ".env.example").read_text().splitlines()
    env = dict(line.split("=", 1) for line in example if line and not line.startswith("#"))
    env["DJANGO_SECRET_KEY"] = "from-the-operator"

    shown = load(["HTTPS", "ALLOWED_HOSTS", "TIME_ZONE", "MAX_PHOTO_BYTES"], **env)
    engine = load_settings(**env).stdout.split()[1]

    assert shown == "[True, ['localhost', '127.0.0.1', '[::1]'], 'UTC', 26214400]"
    assert engine == "django.db.backends.sqlite3"
