"""The production web stack for the proxy tests: nginx → gunicorn → the test database + Redis.

nginx runs the repository's own site file (``deploy/nginx/wellness.conf.template``, written by
``deploy/nginx/render.py``) in the foreground, as a child of the test, with its prefix, pid,
logs and temporary files in the test's folder and unprivileged ports on loopback. gunicorn runs
``gunicorn.conf.py`` with production settings (DEBUG off, a dummy key) against this run's test
database and a private redis-server. Everything started is stopped in ``finally``.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from tests.integration.support import (
    BASE_DIR,
    RedisServer,
    _stop,
    database_url,
    free_port,
    wait_until,
)

NGINX = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
OPENSSL = shutil.which("openssl")
RENDER = BASE_DIR / "deploy" / "nginx" / "render.py"
HOST = "localhost"
# How long nginx waits for a quiet client here (production: 10s, deploy/nginx/render.py).
CLIENT_TIMEOUT_SECONDS = 2

# Production settings, as .ci/run's deployment check has them, behind one proxy that ends TLS.
APP_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "test-dummy-key-for-the-proxy-tests-only-not-secret-0123456789abcdef",
    "ALLOWED_HOSTS": HOST,
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "API_NUM_PROXIES": "1",
    "PUBLISHER_FUNDING": "A dummy statement for the proxy tests.",
    "CONTENT_CONTACT_EMAIL": "content@wellness.example.org",
    "CONN_MAX_AGE": "0",  # no connection left open when the test database is emptied
    "LOG_LEVEL": "WARNING",
}


def app_env(**extra: str) -> dict[str, str]:
    skip = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TEST_REDIS_URL")
    return {
        **{k: v for k, v in os.environ.items() if k not in skip},
        "DJANGO_SETTINGS_MODULE": "wellness.settings",
        **APP_ENV,
        **extra,
    }


def collect_static(static_root: Path) -> None:
    """Run ``collectstatic`` into ``static_root``, as a deployment does before starting."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=app_env(STATIC_ROOT=str(static_root)),
        check=True,
        timeout=120,
    )


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return certificate, key


class Gunicorn:
    """``gunicorn`` with the repository's gunicorn.conf.py and one sync worker."""

    def __init__(self, directory: Path, *, redis: RedisServer, static_root: Path, **env: str):
        self.port = free_port()
        self.log = directory / "gunicorn.log"
        self.env = app_env(
            DATABASE_URL=database_url(),
            REDIS_URL=redis.url,
            STATIC_ROOT=str(static_root),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="1",
            **env,
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group, so its worker stops with it
            )
        wait_until(
            lambda: self.process.poll() is not None or self.answers(),
            timeout=60,
            what=lambda: f"gunicorn to answer:\n{self.output()[-3000:]}",
        )
        assert self.process.poll() is None, f"gunicorn exited:\n{self.output()[-3000:]}"
        return self

    def answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": HOST})
            return connection.getresponse().status == 200
        except OSError:
            return False

    def request(self, method: str, path: str, **headers: str) -> http.client.HTTPResponse:
        """Ask gunicorn itself, as nginx would (an https request from one proxy)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(
            method, path, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers}
        )
        response = connection.getresponse()
        response.read()
        return response

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, group=True)


class Nginx:
    """nginx in the foreground with the repository's site file, rendered for this test."""

    def __init__(self, directory: Path, *, upstream: Gunicorn, static_root: Path) -> None:
        self.directory = directory / "nginx"
        self.logs = self.directory / "logs"
        self.logs.mkdir(parents=True)
        self.port = free_port()
        self.http_port = free_port()
        self.upstream = upstream
        self.static_root = static_root
        self.process: subprocess.Popen | None = None

    @property
    def access_log(self) -> Path:
        return self.logs / "wellness-access.log"

    def configure(self) -> Path:
        certificate, key = self_signed_certificate(self.directory)
        site = subprocess.run(
            [sys.executable, str(RENDER)],
            env={
                "PATH": os.environ.get("PATH", ""),
                "WELLNESS_SERVER_NAME": HOST,
                "WELLNESS_TLS_CERTIFICATE": str(certificate),
                "WELLNESS_TLS_CERTIFICATE_KEY": str(key),
                "WELLNESS_STATIC_ROOT": str(self.static_root),
                "WELLNESS_UPSTREAM": f"127.0.0.1:{self.upstream.port}",
                "WELLNESS_HTTP_PORT": str(self.http_port),
                "WELLNESS_HTTPS_PORT": str(self.port),
                "WELLNESS_CLIENT_TIMEOUT": f"{CLIENT_TIMEOUT_SECONDS}s",
                "WELLNESS_LOG_DIR": str(self.logs),
            },
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (self.directory / "wellness.conf").write_text(site)
        temp = {
            name: self.directory / name
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        }
        # Run as root (CI), nginx would hand its workers to "nobody", who cannot read the test's
        # folder; as anyone else the directive is not allowed.
        user = "user root;\n" if os.geteuid() == 0 else ""
        config = self.directory / "nginx.conf"
        config.write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {self.directory / 'nginx.pid'};\n"
            f"error_log {self.logs / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            + "".join(f"    {name}_temp_path {path};\n" for name, path in temp.items())
            + f"    include {self.directory / 'wellness.conf'};\n"
            "}\n"
        )
        return config

    def start(self) -> Nginx:
        config = self.configure()
        command = [NGINX, "-p", str(self.directory), "-c", str(config)]
        command += ["-e", str(self.logs / "error.log")]
        test = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert test.returncode == 0, test.stderr
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

        def answers() -> bool:
            try:
                return self.request("GET", "/healthz").status == 200
            except OSError:
                return False

        wait_until(
            lambda: self.process.poll() is not None or answers(),
            timeout=30,
            what=lambda: f"nginx to answer:\n{self.error_log()[-3000:]}",
        )
        assert self.process.poll() is None, f"nginx exited:\n{self.error_log()[-3000:]}"
        return self

    @staticmethod
    def tls() -> ssl.SSLContext:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        return context

    def connect(self) -> ssl.SSLSocket:
        """Return a TLS connection to nginx, for requests http.client will not send."""
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return self.tls().wrap_socket(raw, server_hostname=HOST)

    def request(
        self, method: str, path: str, body: bytes | Iterable[bytes] | None = None, **headers: str
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=30, context=self.tls()
        )
        connection.request(
            method,
            path,
            body=body,
            headers={"Host": HOST, **headers},
            encode_chunked=headers.get("Transfer-Encoding") == "chunked",
        )
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        return response

    def error_log(self) -> str:
        path = self.logs / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, group=True)
