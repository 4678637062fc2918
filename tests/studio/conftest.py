"""A real Label Studio server for the session: a free port on 127.0.0.1, a fresh copy of a migrated database.

Label Studio is installed into `.studio/venv` (by `make studio`, or here when it
is missing). Migrating a database takes half a minute, so one is made once per
Label Studio version under `.studio/test-template-VERSION/` with its own test
user and token, and every session starts from a copy of it: start-up is a few
seconds. The server is stopped at the end of the session, by its pid.
"""
from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import pytest

from quotes.studio import settings
from quotes.studio.server import LocalServer, free_port, install, installed_version

REPO = Path(__file__).resolve().parents[2]
STUDIO_HOME = REPO / ".studio"


def _template(venv: Path, version: str, scratch: Path) -> tuple[Path, settings.Credentials]:
    """A migrated data folder with a test user and token, made once per Label Studio version."""
    template = STUDIO_HOME / f"test-template-{version}"
    creds_file = template / "credentials.json"
    if not creds_file.exists():
        building = Path(str(template) + ".building")
        shutil.rmtree(building, ignore_errors=True)
        creds = settings.Credentials("tests@localhost", secrets.token_urlsafe(12), secrets.token_hex(20))
        LocalServer(venv, building / "data", scratch / "template-state", 0, creds).initialise()
        creds_file_tmp = building / "credentials.json"
        creds_file_tmp.write_text(json.dumps({"user": creds.user, "password": creds.password, "token": creds.token}),
                                  encoding="utf-8")
        creds_file_tmp.chmod(0o600)
        shutil.rmtree(template, ignore_errors=True)
        building.rename(template)
    raw = json.loads(creds_file.read_text(encoding="utf-8"))
    return template / "data", settings.Credentials(raw["user"], raw["password"], raw["token"])


@pytest.fixture(scope="session")
def studio_template(tmp_path_factory) -> tuple[Path, settings.Credentials]:
    """Label Studio installed, and a migrated data folder to copy with the credentials it was made with."""
    venv = STUDIO_HOME / "venv"
    version = installed_version(venv) or install(venv, quiet=True)
    return _template(venv, version, tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def studio_server(studio_template, tmp_path_factory) -> LocalServer:
    venv = STUDIO_HOME / "venv"
    data, creds = studio_template
    scratch = tmp_path_factory.mktemp("studio")
    shutil.copytree(data, scratch / "data")
    server = LocalServer(venv, scratch / "data", scratch, free_port(), creds)
    server.start(timeout=120)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def studio_env(studio_server: LocalServer, monkeypatch) -> LocalServer:
    """Clients (push, pull) pointed at the session's server through LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY."""
    monkeypatch.setenv(settings.ENV_URL, studio_server.url)
    monkeypatch.setenv(settings.ENV_API_KEY, studio_server.credentials.token)
    return studio_server
