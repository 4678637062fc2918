"""Credentials and addresses of the local server: from the environment, else made once and kept private."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from quotes.errors import StudioError
from quotes.studio import settings
from quotes.studio.server import LocalServer


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> settings.StudioPaths:
    for name in (settings.ENV_USER, settings.ENV_PASSWORD, settings.ENV_TOKEN, settings.ENV_PORT,
                 settings.ENV_URL, settings.ENV_API_KEY):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(settings.ENV_DIR, str(tmp_path / ".studio"))
    return settings.studio_paths()


def test_generated_secrets_are_kept_private_and_reused(home: settings.StudioPaths) -> None:
    first = settings.server_credentials(home)
    assert first.user == settings.DEFAULT_USER
    assert len(first.token) == 40 and first.token.isalnum()
    for path in (home.token_file, home.password_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert settings.server_credentials(home) == first


def test_secrets_stay_out_of_repr(home: settings.StudioPaths) -> None:
    creds = settings.server_credentials(home)
    assert creds.token not in repr(creds) and creds.password not in repr(creds)
    assert creds.token not in repr(settings.client_connection())


def test_credentials_from_the_environment(home: settings.StudioPaths, monkeypatch) -> None:
    monkeypatch.setenv(settings.ENV_USER, "ed@example.org")
    monkeypatch.setenv(settings.ENV_PASSWORD, "secret-pw")
    monkeypatch.setenv(settings.ENV_TOKEN, "abc123def456")
    creds = settings.server_credentials(home)
    assert (creds.user, creds.password, creds.token) == ("ed@example.org", "secret-pw", "abc123def456")


@pytest.mark.parametrize("token", ["short", "x" * 41, "has-dashes-in-it"])
def test_a_token_label_studio_would_not_take_is_refused(home: settings.StudioPaths, monkeypatch, token) -> None:
    monkeypatch.setenv(settings.ENV_TOKEN, token)
    with pytest.raises(StudioError, match="QUOTES_STUDIO_TOKEN must be 6 to 40 letters or digits") as err:
        settings.server_credentials(home)
    assert token not in str(err.value)


def test_a_new_token_for_an_existing_database_is_refused(home: settings.StudioPaths, monkeypatch) -> None:
    settings.server_credentials(home)
    home.data.mkdir(parents=True)
    (home.data / "label_studio.sqlite3").write_bytes(b"")
    monkeypatch.setenv(settings.ENV_TOKEN, "anotherToken99")
    with pytest.raises(StudioError, match="differs from the token .* was created with") as err:
        settings.server_credentials(home)
    assert "anotherToken99" not in str(err.value)


def test_client_connection_prefers_label_studio_variables(home: settings.StudioPaths, monkeypatch) -> None:
    local = settings.server_credentials(home)
    conn = settings.client_connection()
    assert (conn.url, conn.api_key) == (f"http://127.0.0.1:{settings.DEFAULT_PORT}", local.token)
    monkeypatch.setenv(settings.ENV_URL, "http://studio.example:9000/")
    monkeypatch.setenv(settings.ENV_API_KEY, "remoteKey")
    conn = settings.client_connection()
    assert (conn.url, conn.api_key) == ("http://studio.example:9000", "remoteKey")


def test_no_token_anywhere_says_what_to_do(home: settings.StudioPaths) -> None:
    with pytest.raises(StudioError, match="set LABEL_STUDIO_API_KEY .* or start the local server"):
        settings.client_connection()


def test_bad_port(home: settings.StudioPaths, monkeypatch) -> None:
    monkeypatch.setenv(settings.ENV_PORT, "eighty")
    with pytest.raises(StudioError, match="QUOTES_STUDIO_PORT='eighty' is not a port number"):
        settings.studio_port()


def test_server_environment_binds_locally_and_turns_reporting_off(home: settings.StudioPaths, monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "clientKey")
    server = LocalServer.at(home, 8123, settings.server_credentials(home))
    env = server.environment()
    assert env["LABEL_STUDIO_HOST"] == "http://127.0.0.1:8123"
    assert env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] == "true"
    assert env["LABEL_STUDIO_LATEST_VERSION_CHECK"] == "false"
    assert env["LABEL_STUDIO_COLLECT_ANALYTICS"] == "false"
    assert env["LABEL_STUDIO_SENTRY_DSN"] == "" and env["LABEL_STUDIO_FRONTEND_SENTRY_DSN"] == ""
    assert env["LABEL_STUDIO_CI"] == "false"
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(home.data)
    assert "LABEL_STUDIO_API_KEY" not in env


def test_server_environment_lets_a_local_ml_backend_connect(home: settings.StudioPaths, monkeypatch) -> None:
    """`quotes studio serve-model` listens on 127.0.0.1: Label Studio must reach it and its webhook, and the
    Data Manager's score must follow the backend's model version (set in code: the parent's LABEL_STUDIO_*
    variables are dropped)."""
    monkeypatch.setenv("LABEL_STUDIO_ML_BLOCK_LOCAL_IP", "true")
    env = LocalServer.at(home, 8123, settings.server_credentials(home)).environment()
    assert env["LABEL_STUDIO_ML_BLOCK_LOCAL_IP"] == "false"
    assert env["LABEL_STUDIO_SSRF_PROTECTION_ENABLED"] == "false"
    assert env["LABEL_STUDIO_ff_front_dev_1682_model_version_dropdown_070622_short"] == "true"


def test_starting_without_install_says_how(home: settings.StudioPaths) -> None:
    server = LocalServer.at(home, 8123, settings.server_credentials(home))
    with pytest.raises(StudioError, match="not installed in .*; run `quotes studio install`"):
        server.start()
