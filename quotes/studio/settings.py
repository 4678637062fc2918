"""Where the local Label Studio lives, and who may use it: environment variables and `.studio/`.

Server side (read by `quotes studio start`):

- QUOTES_STUDIO_DIR: the server's folder (default: `.studio/` at the project root);
- QUOTES_STUDIO_PORT: its port on 127.0.0.1 (default 8080);
- QUOTES_STUDIO_USER: the user's e-mail (default quotes@localhost);
- QUOTES_STUDIO_PASSWORD, QUOTES_STUDIO_TOKEN: the user's password and legacy API
  token; when unset, random ones are made once and kept in `.studio/password`
  and `.studio/token` (mode 0600).

Client side (push, pull): LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY, falling back
to the local server's address and token.

The live backend (`quotes studio serve-model`, `connect`): QUOTES_MODEL_DIR, its folder (default
`.studio/model`); QUOTES_ML_USER and QUOTES_ML_PASSWORD, the HTTP Basic credentials it asks of Label
Studio (both, or neither: no auth); QUOTES_ML_URL, where `connect` tells Label Studio to find it.

Secrets never go into a repr, a log line or an error message.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import StudioError

ENV_DIR = "QUOTES_STUDIO_DIR"
ENV_PORT = "QUOTES_STUDIO_PORT"
ENV_USER = "QUOTES_STUDIO_USER"
ENV_PASSWORD = "QUOTES_STUDIO_PASSWORD"
ENV_TOKEN = "QUOTES_STUDIO_TOKEN"
ENV_URL = "LABEL_STUDIO_URL"
ENV_API_KEY = "LABEL_STUDIO_API_KEY"
ENV_MODEL_DIR = "QUOTES_MODEL_DIR"
ENV_ML_USER = "QUOTES_ML_USER"
ENV_ML_PASSWORD = "QUOTES_ML_PASSWORD"
ENV_ML_URL = "QUOTES_ML_URL"
DEFAULT_ML_PORT = 9090  # label-studio-ml-backend's usual port

DEFAULT_PORT = 8080
DEFAULT_USER = "quotes@localhost"
HOST = "127.0.0.1"
TOKEN_MAX = 40  # Label Studio keeps legacy tokens in a 40-character column
TOKEN_MIN = 6   # and ignores shorter ones


@dataclass(frozen=True)
class Credentials:
    """The local user; password and token stay out of repr and logs."""

    user: str
    password: str = field(repr=False)
    token: str = field(repr=False)


# What a running server leaves in its state folder (`.studio/` for `quotes studio start`).
STATE_NAME = "server.json"
LOG_NAME = "server.log"


@dataclass(frozen=True)
class StudioPaths:
    """The `.studio/` folder: Label Studio's venv, its data, and the running server's state."""

    home: Path

    @property
    def venv(self) -> Path:
        return self.home / "venv"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def token_file(self) -> Path:
        return self.home / "token"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def state_file(self) -> Path:
        return self.home / STATE_NAME


def project_root(start: Path | None = None) -> Path:
    """The nearest folder (from the current one up) holding `.studio/`, else `.git` or `pyproject.toml`."""
    here = (start or Path.cwd()).resolve()
    chain = [here, *here.parents]
    for folder in chain:
        if (folder / ".studio").is_dir():
            return folder
    for folder in chain:
        if (folder / ".git").exists() or (folder / "pyproject.toml").is_file():
            return folder
    return here


def studio_paths() -> StudioPaths:
    """The `.studio/` folder named by QUOTES_STUDIO_DIR, or the one at the project root."""
    given = os.environ.get(ENV_DIR)
    return StudioPaths(Path(given).resolve() if given else project_root() / ".studio")


def studio_port() -> int:
    raw = os.environ.get(ENV_PORT, "")
    if not raw:
        return DEFAULT_PORT
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise StudioError(f"{ENV_PORT}={raw!r} is not a port number; set it to a free port such as 8080")
    return port


def _secret_file(path: Path, make: Callable[[], str]) -> str:
    """Read a secret kept under .studio/, or make one and keep it readable by its owner only."""
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    value = make()
    _write_secret(path, value)
    return value


def check_token(token: str, where: str) -> str:
    if not TOKEN_MIN <= len(token) <= TOKEN_MAX or not token.isascii() or not token.isalnum():
        raise StudioError(f"{where} must be {TOKEN_MIN} to {TOKEN_MAX} letters or digits "
                          "(Label Studio's legacy token); set another value")
    return token


def server_credentials(paths: StudioPaths) -> Credentials:
    """The local user: from QUOTES_STUDIO_* when set, else made once and kept under .studio/ (0600).

    The token the data folder was created with is kept in `.studio/token`; a
    different QUOTES_STUDIO_TOKEN later would be refused by the server, so it is
    reported here instead.
    """
    user = os.environ.get(ENV_USER) or DEFAULT_USER
    password = os.environ.get(ENV_PASSWORD) or _secret_file(paths.password_file, lambda: secrets.token_urlsafe(18))
    given = os.environ.get(ENV_TOKEN)
    if given:
        check_token(given, ENV_TOKEN)
        kept = paths.token_file.read_text(encoding="utf-8").strip() if paths.token_file.exists() else ""
        if kept and kept != given and (paths.data / "label_studio.sqlite3").exists():
            raise StudioError(f"{ENV_TOKEN} differs from the token {paths.data} was created with "
                              f"(kept in {paths.token_file}); unset {ENV_TOKEN}, or remove {paths.data} to start afresh")
        if kept != given:
            _write_secret(paths.token_file, given)
        token = given
    else:
        token = check_token(_secret_file(paths.token_file, lambda: secrets.token_hex(20)), str(paths.token_file))
    return Credentials(user, password, token)


def _write_secret(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    os.chmod(path, 0o600)


def read_state(paths: StudioPaths) -> dict:
    """What `quotes studio start` recorded about the running server (pid, port, url), or {}."""
    try:
        return json.loads(paths.state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass(frozen=True)
class Connection:
    """Where a client reaches Label Studio, and with which token (kept out of repr)."""

    url: str
    api_key: str = field(repr=False)


def client_connection(url: str | None = None, api_key: str | None = None) -> Connection:
    """LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY, else the local server's address and token."""
    paths = studio_paths()
    url = url or os.environ.get(ENV_URL) or read_state(paths).get("url") or f"http://{HOST}:{studio_port()}"
    key = api_key or os.environ.get(ENV_API_KEY) or os.environ.get(ENV_TOKEN)
    if not key and paths.token_file.exists():
        key = paths.token_file.read_text(encoding="utf-8").strip()
    if not key:
        raise StudioError(f"no API token for {url}: set {ENV_API_KEY} to your Label Studio token "
                          "(Account & Settings > Legacy Token), or start the local server with `quotes studio start`")
    return Connection(url.rstrip("/"), key)


def model_dir(given: str | Path | None = None) -> Path:
    """The live backend's folder: `given`, else QUOTES_MODEL_DIR, else `model/` in the `.studio/` folder."""
    if given:
        return Path(given)
    env = os.environ.get(ENV_MODEL_DIR)
    return Path(env) if env else studio_paths().home / "model"


@dataclass(frozen=True)
class BasicAuth:
    """The HTTP Basic credentials Label Studio gives the live backend (the password kept out of repr)."""

    user: str
    password: str = field(repr=False)


def ml_auth() -> BasicAuth | None:
    """QUOTES_ML_USER and QUOTES_ML_PASSWORD, both or neither."""
    user, password = os.environ.get(ENV_ML_USER) or "", os.environ.get(ENV_ML_PASSWORD) or ""
    if bool(user) != bool(password):
        raise StudioError(f"set both {ENV_ML_USER} and {ENV_ML_PASSWORD} for the backend's HTTP Basic auth, "
                          "or neither for none")
    if ":" in user:
        raise StudioError(f"{ENV_ML_USER} must not hold ':' (HTTP Basic auth splits there)")
    return BasicAuth(user, password) if user else None


def ml_url(given: str | None = None) -> str:
    return (given or os.environ.get(ENV_ML_URL) or f"http://{HOST}:{DEFAULT_ML_PORT}").rstrip("/")
