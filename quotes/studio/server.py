"""The local Label Studio server: installed into its own venv, data kept in the project, never prompting.

Label Studio pins its own Django and SDK, so it lives in `.studio/venv`, apart
from the package's environment; this module only runs its executables. The
server binds to 127.0.0.1, reads the user, password and legacy API token from
its documented LABEL_STUDIO_* variables (set here from QUOTES_STUDIO_*, never
on the command line where `ps` would show them), and creates the organisation
with legacy tokens on, which only works when the organisation is first made.
Version check, analytics and error reporting are off.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import StudioError
from .settings import HOST, LOG_NAME, STATE_NAME, Credentials, StudioPaths

LABEL_STUDIO_SPEC = "label-studio>=1.23,<1.24"
READY_PATH = "/api/current-user/whoami"
DATABASE = "label_studio.sqlite3"

# Variables of the parent environment that would change how Label Studio's Python
# or Django start: the package's venv, or plain names Label Studio also reads.
_SCRUB = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DJANGO_SETTINGS_MODULE", "LABEL_STUDIO_URL",
          "LABEL_STUDIO_API_KEY")


def installed_version(venv: Path) -> str | None:
    """Label Studio's version in `venv`, or None when it is not installed there."""
    python = venv / "bin" / "python"
    if not (venv / "bin" / "label-studio").exists() or not python.exists():
        return None
    out = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('label-studio'))"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return out.stdout.strip() or None


def install(venv: Path, spec: str = LABEL_STUDIO_SPEC, quiet: bool = False) -> str:
    """Install Label Studio from PyPI into `venv` (once); return its version."""
    version = installed_version(venv)
    if version and _satisfies(version, spec):
        return version
    if not (venv / "bin" / "python").exists():
        venv.parent.mkdir(parents=True, exist_ok=True)
        _run([sys.executable, "-m", "venv", str(venv)], f"creating {venv}")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    if quiet:
        pip.append("--quiet")
    _run([*pip, spec], f"installing {spec} into {venv}")
    version = installed_version(venv)
    if not version:
        raise StudioError(f"{venv}: Label Studio did not install; remove the folder and run `quotes studio install` again")
    return version


def _satisfies(version: str, spec: str) -> bool:
    try:
        from packaging.specifiers import SpecifierSet
    except ImportError:  # packaging ships with pip/setuptools; without it, trust what is there
        return True
    return version in SpecifierSet(spec.split("label-studio", 1)[1])


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise StudioError(f"{what} failed (exit {result.returncode}); see the output above, then run "
                          "`quotes studio install` again")


def free_port(host: str = HOST) -> int:
    """A port nobody listens on at the moment (for tests and a busy default)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_in_use(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def probe(url: str, token: str, timeout: float = 5.0) -> str:
    """'ok' when an authenticated API call answers, 'refused' on a bad token, 'legacy-off', or 'down'."""
    request = urllib.request.Request(url.rstrip("/") + READY_PATH, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return "ok" if response.status == 200 else "down"
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            body = exc.read().decode("utf-8", "replace")
            return "legacy-off" if "legacy token authentication has been disabled" in body else "refused"
        return "down"
    except (urllib.error.URLError, OSError):
        return "down"


@dataclass
class LocalServer:
    """One Label Studio process: its venv, data folder, state folder (pid, log), port and user."""

    venv: Path
    data_dir: Path
    state_dir: Path
    port: int
    credentials: Credentials

    @classmethod
    def at(cls, paths: StudioPaths, port: int, credentials: Credentials) -> "LocalServer":
        return cls(paths.venv, paths.data, paths.home, port, credentials)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.state_dir / LOG_NAME

    @property
    def state_file(self) -> Path:
        return self.state_dir / STATE_NAME

    @property
    def executable(self) -> Path:
        return self.venv / "bin" / "label-studio"

    def environment(self) -> dict[str, str]:
        """Label Studio's settings, from its documented environment variables."""
        env = {k: v for k, v in os.environ.items()
               if k not in _SCRUB and not k.startswith(("QUOTES_STUDIO_", "LABEL_STUDIO_", "HEARTEX_"))}
        env.update({
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data_dir),
            "LABEL_STUDIO_HOST": self.url,
            "LABEL_STUDIO_USERNAME": self.credentials.user,
            "LABEL_STUDIO_PASSWORD": self.credentials.password,
            "LABEL_STUDIO_USER_TOKEN": self.credentials.token,
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",   # read when the organisation is created
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
            "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
            "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
            "LABEL_STUDIO_SENTRY_DSN": "",
            "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
            "LABEL_STUDIO_CONVERTER_DOWNLOAD_RESOURCES": "false",
            "LABEL_STUDIO_DEBUG": "false",
            "LABEL_STUDIO_CI": "false",  # CI=true would make it load a migration linter
            "LABEL_STUDIO_LOG_LEVEL": "WARNING",
            # `quotes studio serve-model` listens on 127.0.0.1 like this server: Label Studio refuses an ML
            # backend on a loopback address (ML_BLOCK_LOCAL_IP), and the webhook it makes for the backend
            # (SSRF_PROTECTION_ENABLED; with only the first off, connecting fails halfway with 403)
            "LABEL_STUDIO_ML_BLOCK_LOCAL_IP": "false",
            "LABEL_STUDIO_SSRF_PROTECTION_ENABLED": "false",
            # the Data Manager's prediction score averages the predictions of the connected backend's own
            # model version (which moves as it learns), not of the project's model_version, which `connect`
            # sets to the backend's title so that the label stream asks the backend (data_manager/managers.py)
            "LABEL_STUDIO_ff_front_dev_1682_model_version_dropdown_070622_short": "true",
        })
        return env

    # -- life cycle -------------------------------------------------------

    def require_installed(self) -> None:
        if not self.executable.exists():
            raise StudioError(f"Label Studio is not installed in {self.venv}; run `quotes studio install` (or `make studio`)")

    @property
    def initialised(self) -> bool:
        return (self.data_dir / DATABASE).exists()

    def initialise(self) -> None:
        """Create the database, the user with its token, and the organisation with legacy tokens on."""
        self.require_installed()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)  # the database holds the user's token
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            result = subprocess.run([str(self.executable), "init", "--quiet", "--no-browser"],
                                    env=self.environment(), stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, cwd=self.state_dir)
        if result.returncode != 0 or not self.initialised:
            raise StudioError(f"Label Studio could not create its database in {self.data_dir}: "
                              f"{self._last_log_line()} (full log: {self.log_file})")

    def running_pid(self) -> int | None:
        """The pid recorded by `start`, when that process is still a Label Studio server."""
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
            pid = int(state["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return pid if _is_label_studio(pid) else None

    def start(self, timeout: float = 180.0) -> None:
        """Start the server in the background and wait until an authenticated API call answers."""
        self.require_installed()
        if self.running_pid():
            raise StudioError(f"Label Studio is already running at {self.url}; stop it with `quotes studio stop`")
        if port_in_use(self.port):
            raise StudioError(f"port {self.port} on {HOST} is in use; set QUOTES_STUDIO_PORT to a free port")
        if not self.initialised:
            self.initialise()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_file, "ab")
        try:
            process = subprocess.Popen(
                [str(self.executable), "start", "--no-browser", "--internal-host", HOST, "--port", str(self.port)],
                env=self.environment(), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.state_dir, start_new_session=True)
        finally:
            log.close()
        self._process = process
        self._write_state(process.pid)
        try:
            self._wait_ready(process, timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, process: subprocess.Popen, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StudioError(f"Label Studio stopped while starting: {self._last_log_line()} (log: {self.log_file})")
            answer = probe(self.url, self.credentials.token, timeout=2.0)
            if answer == "ok":
                return
            if answer == "legacy-off":
                raise StudioError(f"Label Studio at {self.url} has legacy API tokens turned off for its organisation "
                                  f"(it was created without them); remove {self.data_dir} to start afresh, or turn "
                                  "them on under Organization > Settings > Access Token Settings")
            if answer == "refused":
                raise StudioError(f"Label Studio at {self.url} refuses the token: {self.data_dir} was created with "
                                  f"another one; set QUOTES_STUDIO_TOKEN to it, or remove {self.data_dir} to start afresh")
            time.sleep(0.5)
        raise StudioError(f"Label Studio did not answer at {self.url} within {timeout:.0f} s; see {self.log_file}")

    def stop(self, timeout: float = 20.0) -> bool:
        """Stop the server this folder started (its process group, by pid); False if none was running."""
        pid = self.running_pid()
        self.state_file.unlink(missing_ok=True)
        if pid is None:
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process_alive(pid):
            time.sleep(0.2)
        if process_alive(pid):
            _signal_group(pid, signal.SIGKILL)
        process = getattr(self, "_process", None)
        if process is not None and process.pid == pid:
            process.wait(timeout=5)  # reap our own child
        return True

    def _write_state(self, pid: int) -> None:
        state = {"pid": pid, "port": self.port, "url": self.url, "data_dir": str(self.data_dir),
                 "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self.state_file.write_text(json.dumps(state, indent=1) + "\n", encoding="utf-8")

    def _last_log_line(self) -> str:
        try:
            lines = [ln.strip() for ln in self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()]
        except OSError:
            return "no log"
        lines = [ln for ln in lines if ln and not ln.startswith(("=>", "warnings.warn"))]
        return lines[-1][:300] if lines else "no output"


def process_alive(pid: int) -> bool:
    """Whether the process runs (a zombie child of this process is as good as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process is as good as gone
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _is_label_studio(pid: int) -> bool:
    """Whether `pid` is alive and runs Label Studio (guards against a reused pid)."""
    if not process_alive(pid):
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"label-studio" in fh.read()
    except OSError:
        return True  # no /proc: trust the recorded pid


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # start() made the server the leader of its own process group
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
