"""`quotes studio start|status|stop` on a real Label Studio: non-interactive, local, stopped by its pid."""
from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from quotes.cli import main
from quotes.studio import settings
from quotes.studio.server import free_port

STUDIO_HOME = Path(__file__).resolve().parents[2] / ".studio"

pytestmark = pytest.mark.studio


@pytest.fixture
def home(studio_template, tmp_path: Path, monkeypatch) -> Path:
    """A .studio/ folder of its own (sharing the installed venv), with the template's database and user."""
    data, creds = studio_template
    home = tmp_path / ".studio"
    home.mkdir()
    (home / "venv").symlink_to(STUDIO_HOME / "venv")
    shutil.copytree(data, home / "data")
    for name in (settings.ENV_URL, settings.ENV_API_KEY):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(settings.ENV_DIR, str(home))
    monkeypatch.setenv(settings.ENV_PORT, str(free_port()))
    monkeypatch.setenv(settings.ENV_USER, creds.user)
    monkeypatch.setenv(settings.ENV_PASSWORD, creds.password)
    monkeypatch.setenv(settings.ENV_TOKEN, creds.token)
    yield home
    main(["studio", "stop"])  # whatever a failed assertion left running


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_start_status_stop(home: Path, capsys) -> None:
    port = settings.studio_port()
    code, out, err = run(capsys, "studio", "start")
    assert code == 0, err
    assert f"Label Studio is running at http://127.0.0.1:{port}" in out
    state = json.loads((home / "server.json").read_text(encoding="utf-8"))
    assert state["url"] == f"http://127.0.0.1:{port}"
    assert stat.S_IMODE((home / "token").stat().st_mode) == 0o600

    code, out, _ = run(capsys, "studio", "status")
    assert code == 0 and "API token: accepted" in out and f"pid {state['pid']}" in out
    assert run(capsys, "studio", "start")[1].startswith("Label Studio is already running")

    code, out, _ = run(capsys, "studio", "stop")
    assert code == 0 and "stopped" in out
    assert not (home / "server.json").exists()
    code, out, _ = run(capsys, "studio", "status")
    assert code == 1 and "running:   no" in out
    token = settings.server_credentials(settings.studio_paths()).token
    assert token not in (home / "server.log").read_text(encoding="utf-8", errors="replace")


def test_a_busy_port_is_named(studio_server, home: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(settings.ENV_PORT, str(studio_server.port))
    code, out, err = run(capsys, "studio", "start")
    assert code == 1
    assert err.strip() == (f"Error: port {studio_server.port} on 127.0.0.1 is in use; "
                           "set QUOTES_STUDIO_PORT to a free port")
