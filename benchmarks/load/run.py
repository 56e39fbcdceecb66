"""Load figures for the production server: p50/p95/p99, requests/s, CPU ms per request, errors, per page.

Usage (after ``benchmarks/load/seed.py`` on the same database)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/koshiki_bench \\
        .venv/bin/python benchmarks/load/run.py --label "300 accounts"

Starts the documented production command (``gunicorn -c
python:koshiki.web.gunicorn_conf koshiki.web.wsgi``) on 127.0.0.1, signs the
demo city's staff in, then drives bounded load with a small thread client
(standard library only) and prints one Markdown table per scenario:

- staff pages: open loop at ``--staff-rate`` requests/s (default 20, ≈100 busy
  staff), each page for ``--seconds``; latency counts from the scheduled send
  time, so a server that falls behind shows it (no coordinated omission);
- public endpoints: closed loop with ``--public-concurrency`` clients as fast as
  the server answers (the requests/s column is the capacity), sending
  ``Accept-Encoding: gzip`` as every browser does (the body is not unpacked: a
  citizen's phone does that); one more row asks the JSON without it;
- audit export: one auditor downloads the whole CSV in a loop while another
  client keeps asking the public list and the staff home page at a fixed rate.

CPU ms per request = the gunicorn workers' utime+stime delta (``/proc/<pid>/stat``)
over the scenario divided by the requests answered. The client runs on the
same machine and takes CPU of its own, so the figures are lower bounds of
what a separate client machine would see.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    """A port nobody listens on (another server on the machine must never answer for ours)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT") or _free_port())
PASSWORD = "demo-pass-2025"  # load_demo's demo password (benchmark data only)
DEMO_TOTP_SECRET = "KOSHIKIDEMOKOSHIKIDEMOKOSHIKIDEM"  # koshiki.security.demo (published, demo only)
TICK = os.sysconf("SC_CLK_TCK")
# Staff people of load_demo: role -> login
ROLES = {
    "operator": "koho.tanto",
    "section_head": "koho.kacho",
    "governance_office": "johoka",
    "security_officer": "security",
    "auditor": "kansa",
}


class Session:
    """One HTTP/1.1 keep-alive connection with its cookies (one per client thread)."""

    def __init__(self, cookies: dict[str, str] | None = None) -> None:
        self.cookies = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ):  # noqa: ANN201
        """Send one request; returns (status, body bytes)."""
        hdrs = {"Host": f"{HOST}:{PORT}", **(headers or {})}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return resp.status, data


def login(username: str) -> dict[str, str]:
    """Sign ``username`` in through the login form; returns the session cookies."""
    s = Session()
    status, page = s.request("GET", "/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, _ = s.request(
        "POST",
        "/login/",
        body.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}:{PORT}/login/"},
    )
    assert status == 302, f"{username}: login answered {status}"
    # Section heads, the office, auditors…: the demo's second factor (koshiki.security.demo's key).
    status, page = s.request("GET", "/security/verify/")
    if status == 200 and b'name="code"' in page:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"code": demo_totp(), "csrfmiddlewaretoken": token})
        status, _ = s.request(
            "POST",
            "/security/verify/",
            body.encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{PORT}/security/verify/",
            },
        )
        assert status == 302, f"{username}: the second factor answered {status}"
    return s.cookies


def demo_totp(step: int = 30) -> str:
    """The demo authenticator's current code (RFC 6238 over the demo's published key)."""
    key = base64.b32decode(DEMO_TOTP_SECRET)
    counter = int(time.time()) // step
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


@dataclass
class Result:
    """Latencies (ms) and errors of one scenario."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    throttled: int = 0  # of the errors, HTTP 429 from the application's own throttles (by design)
    seconds: float = 0.0
    cpu_ms: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, ok: bool, status: int = 0) -> None:
        with self.lock:
            self.latencies.append(ms)
            if not ok:
                self.errors += 1
                self.throttled += status == 429

    @property
    def error_text(self) -> str:
        return f"{self.errors} (429: {self.throttled})" if self.throttled else str(self.errors)

    def row(self) -> str:
        n = len(self.latencies)
        if n == 0:
            return f"| {self.name} | 0 | – | – | – | – | – | {self.error_text} |"
        q = (
            statistics.quantiles(self.latencies, n=100, method="inclusive")
            if n > 1
            else [self.latencies[0]] * 99
        )
        return (
            f"| {self.name} | {n} | {q[49]:.1f} | {q[94]:.1f} | {q[98]:.1f} | "
            f"{n / self.seconds:.1f} | {self.cpu_ms / n:.1f} | {self.error_text} |"
        )


HEADER = "| scenario | requests | p50 ms | p95 ms | p99 ms | req/s | CPU ms/req | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|"


def workers_cpu_ms(master: int) -> float:
    """utime+stime (ms) of every child of the gunicorn master, plus the master's own."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ppid = int(fields[1])
        if ppid == master:
            total += int(fields[11]) + int(fields[12])
        elif int(entry) == master:
            # The master's own time plus its reaped children's (cutime, cstime): a worker
            # recycled by max_requests moves its time there, so the sum never goes back.
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total * 1000 / TICK


Call = Callable[[Session], tuple[int, bytes]]


def open_loop(
    name: str, master: int, sessions: list[Session], call: Call, rate: float, seconds: float
) -> Result:
    """``rate`` requests/s for ``seconds``, each timed from its scheduled send time."""
    result = Result(name)
    pool: list[Session] = list(sessions)
    pool_lock = threading.Lock()
    n = int(rate * seconds)

    def one(scheduled: float) -> None:
        with pool_lock:
            s = pool.pop() if pool else Session(sessions[0].cookies)
        status = 0
        try:
            status, _ = call(s)
            ok = 200 <= status < 400
        except Exception:  # noqa: BLE001 - any failure counts as an error, the run goes on
            ok = False
        result.add((time.monotonic() - scheduled) * 1000, ok, status)
        with pool_lock:
            pool.append(s)

    cpu0 = workers_cpu_ms(master)
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=64) as ex:
        for i in range(n):
            at = start + i / rate
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            ex.submit(one, at)
    result.seconds = time.monotonic() - start
    result.cpu_ms = workers_cpu_ms(master) - cpu0
    return result


def closed_loop(
    name: str, master: int, make: Callable[[], Session], call: Call, clients: int, seconds: float
) -> Result:
    """``clients`` threads each sending the next request as soon as the last is answered."""
    result = Result(name)
    stop = time.monotonic() + seconds

    def run() -> None:
        s = make()
        while time.monotonic() < stop:
            t = time.monotonic()
            status = 0
            try:
                status, _ = call(s)
                ok = 200 <= status < 400
            except Exception:  # noqa: BLE001
                ok = False
            result.add((time.monotonic() - t) * 1000, ok, status)

    cpu0 = workers_cpu_ms(master)
    start = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - start
    result.cpu_ms = workers_cpu_ms(master) - cpu0
    return result


def _django_setup_values(env: dict[str, str]) -> dict[str, object]:
    """Ids the scenarios need and an API token for the operator, from the seeded database."""
    code = r"""
import json
from django.contrib.auth import get_user_model
from koshiki.api.actions import do_create_api_token
from koshiki.registry.models import Account
from koshiki.posts.models import Draft
op = get_user_model().objects.get(username="koho.tanto")
acc = Account.objects.filter(handle="minato_koho").first()
bench = Account.objects.filter(handle__startswith="minato_bench_").order_by("pk").first()
issued = do_create_api_token(op, "負荷計測")
print(json.dumps({"account": acc.pk, "bench_account": bench.pk, "token": issued.secret,
  "accounts": Account.objects.count(), "published": Draft.objects.filter(status="published").count()}))
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def export_scenario(
    master: int,
    env: dict[str, str],
    staff_session: Callable[[str], Session],
    get: Callable[[str], Call],
    rate: float,
    seconds: float,
) -> list[Result]:
    """The whole trail exported the documented way while others keep asking pages at a fixed rate.

    The auditor requests a background export (POST /audit/exports/); ``manage.py
    run_audit_exports`` writes it in its own process (as cron or the systemd
    timer would) while the public list and an operator's home page are measured;
    then the auditor downloads the file (POST, streamed from disk).
    """
    auditor = staff_session("auditor")
    auditor.request("GET", "/audit/exports/")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": auditor.cookies.get("csrftoken", ""),
        "Referer": f"http://{HOST}:{PORT}/audit/exports/",
    }
    request = Result("audit export: request (POST)")
    t = time.monotonic()
    status, _ = auditor.request("POST", "/audit/exports/", b"", headers)
    request.add((time.monotonic() - t) * 1000, status == 302)
    request.seconds = time.monotonic() - t
    writer = Result("audit export: written by run_audit_exports")
    t = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_audit_exports"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.3)
    others = [
        open_loop("others: public directory", master, [Session() for _ in range(8)], get("/public/accounts/"),
                  rate, seconds / 2),
        open_loop("others: home (operator)", master, [staff_session("operator") for _ in range(8)], get("/"),
                  rate, seconds / 2),
    ]  # fmt: skip
    out, _ = proc.communicate(timeout=600)
    writer.add((time.monotonic() - t) * 1000, proc.returncode == 0)
    writer.seconds, writer.cpu_ms = time.monotonic() - t, float("nan")
    print(f"<!-- run_audit_exports: {out.strip()} -->")
    page = auditor.request("GET", "/audit/exports/")[1].decode("utf-8", "replace")
    found = re.search(r'action="(/audit/exports/\d+/download)"', page)
    download = Result("audit export: download (POST)")
    if found:
        t = time.monotonic()
        status, body = auditor.request("POST", found.group(1), b"", headers)
        download.add((time.monotonic() - t) * 1000, status == 200 and len(body) > 1000)
        download.seconds = time.monotonic() - t
        print(f"<!-- downloaded {len(body):,} bytes -->")
    download.cpu_ms = request.cpu_ms = float("nan")
    rows = [*others, request, writer, download]
    for r in rows:
        print(r.row().replace("| nan |", "| – |"), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    """Start gunicorn, run every scenario, print the tables, stop gunicorn."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="")
    parser.add_argument("--seconds", type=float, default=8.0, help="per scenario (≤ 30)")
    parser.add_argument("--staff-rate", type=float, default=20.0)
    parser.add_argument("--public-concurrency", type=int, default=8)
    parser.add_argument("--only", default="", help="comma-separated scenario groups: staff,public,export")
    args = parser.parse_args(argv)
    seconds = min(args.seconds, 30.0)
    groups = set((args.only or "staff,public,export").split(","))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "koshiki.web.settings",
        "KOSHIKI_BIND": f"{HOST}:{PORT}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-benchmark-only-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }
    ids = _django_setup_values(env)
    log = open(ROOT / "benchmarks/load/gunicorn.log", "w")  # noqa: SIM115 - closed at the end
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            "python:koshiki.web.gunicorn_conf",
            "koshiki.web.wsgi",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # A `timeout` or Ctrl-C stops the server too (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        for _ in range(200):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited ({server.returncode}); see benchmarks/load/gunicorn.log")
            try:
                if Session().request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        time.sleep(1.0)  # every worker forked and warmed up
        cookies = {role: login(user) for role, user in ROLES.items()}
        load = os.getloadavg()
        print(
            f"\n### {args.label or 'load'}: {ids['accounts']} accounts, {ids['published']} published posts; "
            f"loadavg before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n"
        )

        def get(path: str, headers: dict[str, str] | None = None) -> Call:
            return lambda s: s.request("GET", path, headers=headers)

        def staff_session(role: str) -> Session:
            return Session(cookies[role])

        def post_json(
            path: str, payload: dict, extra: dict[str, str] | None = None, csrf: bool = False
        ) -> Call:
            body = json.dumps(payload, ensure_ascii=False).encode()

            def call(s: Session) -> tuple[int, bytes]:
                headers = {"Content-Type": "application/json", **(extra or {})}
                if csrf:
                    headers["X-CSRFToken"] = s.cookies.get("csrftoken", "")
                    headers["Referer"] = f"http://{HOST}:{PORT}/"
                return s.request("POST", path, body, headers)

            return call

        text = "【お知らせ】明日10時から市民まつりを開催します。問い合わせは広報課 090-1234-5678 まで。"
        results: list[Result] = []
        if "staff" in groups:
            staff = [(f"home ({role})", role, get("/")) for role in ROLES]
            staff += [
                ("account list", "governance_office", get("/accounts/")),
                ("account page", "governance_office", get(f"/accounts/{ids['bench_account']}/")),
                ("editor (new post)", "operator", get(f"/posts/account/{ids['account']}/new/")),
                (
                    "live check",
                    "operator",
                    post_json("/posts/check-live/", {"account": ids["account"], "text": text}, csrf=True),
                ),
                (
                    "POST /api/check",
                    "operator",
                    post_json("/api/check", {"text": text}, {"Authorization": f"Bearer {ids['token']}"}),
                ),
                ("audit list", "auditor", get("/audit/")),
            ]
            for name, role, call in staff:
                sessions = [staff_session(role) for _ in range(16)]
                # Not measured: each of the 16 connections asks once, so every worker has
                # compiled this page's templates and queries (a cold worker is not steady state).
                with ThreadPoolExecutor(16) as pool:
                    list(pool.map(call, sessions))
                results.append(open_loop(name, server.pid, sessions, call, args.staff_rate, seconds))
                print(HEADER if len(results) == 1 else "", end="\n" if len(results) == 1 else "")
                print(results[-1].row(), flush=True)
        if "public" in groups:
            print(f"\nPublic, closed loop, {args.public_concurrency} clients:\n\n{HEADER}")
            browser = {"Accept-Encoding": "gzip, deflate, br"}
            public = [
                ("public directory", get("/public/accounts/", browser)),
                ("public JSON", get("/public/accounts.json", browser)),
                ("public CSV", get("/public/accounts.csv", browser)),
                (
                    "verify",
                    get("/public/verify?url=" + urllib.parse.quote("https://x.com/minato_koho"), browser),
                ),
                ("public JSON, uncompressed", get("/public/accounts.json")),
            ]
            for name, call in public:
                # Not measured: each worker renders the body once per registry version (its own
                # memory cache without KOSHIKI_CACHE_URL); the loop measures the cached answer.
                with ThreadPoolExecutor(16) as pool:
                    list(pool.map(lambda _, c=call: c(Session()), range(16)))
                r = closed_loop(name, server.pid, Session, call, args.public_concurrency, seconds)
                results.append(r)
                print(r.row(), flush=True)
        if "export" in groups:
            print(f"\nAudit export under load ({args.staff_rate:g} req/s of other clients):\n\n{HEADER}")
            results.extend(export_scenario(server.pid, env, staff_session, get, args.staff_rate, seconds))
        load = os.getloadavg()
        print(f"\nloadavg after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
