#!/usr/bin/env python3
"""`make bench`: Bulletin's benchmark suite.

For each target (BENCH_TARGETS: sqlite, postgres, replica, cluster), starts release `bulletin` on a fresh database,
seeds it with `bulletin seed` (BENCH_POSTS posts, default 10000), drives each scenario with wrk (Debian's wrk
4.1, over loopback) and records requests/s, p50, p99, errors and the server's peak RSS during the scenario.
Prints one table and writes the same figures as JSON under bench/results/. On sqlite, first_visit also times a
signed-in member's first and repeat visit of / in Chromium on throttled networks (bench/first_visit.mjs, needs
`make test-tools`; skipped without it unless BENCH_SCENARIOS names it).

`replica` is one instance on a private PostgreSQL primary with a streaming hot standby (scripts/replica-pair.sh,
on the same machine), reading from the standby; `cluster` is three instances on one PostgreSQL behind nginx.

The seeded posts are written with the 1,000 words of bench/words.txt, each word in about 1.7% of them. `search`
asks GET /posts?q=<word>&limit=20 for a word drawn at random per request (bench/wrk/search.lua), as fast as its
connections can; `feed_during_search` times the plain feed at a fixed rate while 10 connections search. A 503
from a search is the server shedding searches beyond what it can run (documented, with Retry-After): it counts
among the errors like any other status >= 400, and the note says how many of them were such refusals.

Environment (all optional): BENCH_POSTS, BENCH_TARGETS ("sqlite"), BENCH_DURATION (seconds per scenario, 10),
BENCH_CONNECTIONS (16), BENCH_SCENARIOS (comma-separated subset), TEST_POSTGRES_URL (admin URL for postgres).
The release binary must already be built (`make bench` builds it first).
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "bulletin"
LUA = ROOT / "bench" / "wrk" / "scenario.lua"
SEARCH_LUA = ROOT / "bench" / "wrk" / "search.lua"
WORDS = ROOT / "bench" / "words.txt"  # the words `bulletin seed` writes posts with
FIRST_VISIT = ROOT / "bench" / "first_visit.mjs"
RESULTS = ROOT / "bench" / "results"
SECRET = "benchmark-secret-that-is-at-least-32-bytes-long"
PASSWORD = "bench password"  # every seeded member's password (see `bulletin seed`)

POSTS = int(os.environ.get("BENCH_POSTS", "10000"))
TARGETS = os.environ.get("BENCH_TARGETS", "sqlite").split()
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ONLY = [s for s in os.environ.get("BENCH_SCENARIOS", "").split(",") if s]
ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
CORES = os.cpu_count() or 1


def say(text):
    print(f"\033[1m==> {text}\033[0m", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")


def wait_healthy(base):
    for _ in range(600):
        try:
            http("GET", f"{base}/healthz")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    sys.exit(f"{base} did not become healthy")


def wait_replica_in_use(base):
    """Until the instance reads from its replica (which has replayed the seed): up to a minute."""
    for _ in range(600):
        if http("GET", f"{base}/healthz").get("replicas", {}).get("in_use"):
            return
        time.sleep(0.1)
    sys.exit(f"{base} never put its replica in use")


def server_env(database_url, addr):
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, JWT_SECRET=SECRET, BCRYPT_COST="12", AUTH_RATE_LIMIT="off", LOGIN_SUCCESS_LIMIT="off",
               # The scenarios write and search as fast as they can from a few members: per-member limits would
               # end them.
               POST_RATE_LIMIT="off", COMMENT_RATE_LIMIT="off", UPVOTE_RATE_LIMIT="off", SEARCH_RATE_LIMIT="off",
               LEPTOS_SITE_ADDR=addr, RUST_LOG="warn", DATABASE_MAX_CONNECTIONS="16")
    return env


def with_database(url, name):
    """`url` with its database name replaced by `name`."""
    scheme, rest = url.split("://", 1)
    return scheme + "://" + re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", rest, 1)


class Target:
    """One or more bulletin processes on one fresh database, and the base URL that load goes to."""

    def __init__(self, kind, workdir):
        self.kind, self.workdir, self.processes, self.pg_name = kind, workdir, [], None
        self.admin_url, self.replica_url, self.pair = ADMIN_URL, None, None
        if kind == "sqlite":
            self.database_url = f"sqlite://{workdir}/bench.db?mode=rwc"
            return
        if kind == "replica":
            # The pair's servers run as the postgres OS user, who must be able to enter the work directory.
            os.chmod(workdir, 0o755)
            self.pair, ports = f"{workdir}/pg", (free_port(), free_port())
            subprocess.run(["bash", str(ROOT / "scripts" / "replica-pair.sh"), "start", self.pair,
                            str(ports[0]), str(ports[1])], check=True)
            self.admin_url = f"postgres://postgres@127.0.0.1:{ports[0]}/postgres"
        self.pg_name = f"bulletin_bench_{os.getpid()}_{int(time.time())}"
        subprocess.run(["psql", self.admin_url, "-qc", f"CREATE DATABASE {self.pg_name}"], check=True)
        self.database_url = with_database(self.admin_url, self.pg_name)
        if kind == "replica":
            self.replica_url = with_database(f"postgres://postgres@127.0.0.1:{ports[1]}/postgres", self.pg_name)

    def seed(self):
        say(f"seeding {POSTS} posts ({self.kind})")
        started = time.monotonic()
        env = server_env(self.database_url, "127.0.0.1:0")
        members = max(100, POSTS // 1000)
        subprocess.run([str(BINARY), "seed", "--members", str(members), "--posts", str(POSTS),
                        "--comments", str(POSTS // 10), "--upvotes", str(POSTS // 2)], env=env, check=True)
        self.seed_seconds = time.monotonic() - started
        say(f"seeded in {self.seed_seconds:.1f} s")

    def start(self):
        count = 3 if self.kind == "cluster" else 1
        self.ports = [free_port() for _ in range(count)]
        for port in self.ports:
            addr = f"127.0.0.1:{port}"
            env = server_env(self.database_url, addr)
            if self.replica_url:
                env["DATABASE_REPLICA_URLS"] = self.replica_url
            self.processes.append(subprocess.Popen([str(BINARY)], cwd=ROOT, env=env))
            wait_healthy(f"http://{addr}")
            if self.replica_url:
                wait_replica_in_use(f"http://{addr}")
        self.base = f"http://127.0.0.1:{self.ports[0]}"
        if self.kind == "cluster":
            self.base = self.start_nginx()

    def start_nginx(self):
        site = (ROOT / "deploy" / "bulletin.nginx.conf").read_text()
        port = free_port()
        site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
        for default, actual in zip(["3001", "3002", "3003"], self.ports):
            site = site.replace(f"127.0.0.1:{default} ", f"127.0.0.1:{actual} ")
        d = self.workdir
        (Path(d) / "bulletin.conf").write_text(site)
        user = "user root;" if os.geteuid() == 0 else ""
        (Path(d) / "nginx.conf").write_text(
            f"{user}\nworker_processes auto;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
            f"events {{ worker_connections 4096; }}\n"
            f"http {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;"
            f" fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;"
            f" include {d}/bulletin.conf; }}\n")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.nginx = subprocess.Popen([nginx, "-e", f"{d}/error.log", "-p", d, "-c", f"{d}/nginx.conf",
                                       "-g", "daemon off;"])
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        return base

    def reset_peak_rss(self):
        for process in self.processes:
            try:  # "5" resets VmHWM, the peak resident set size (Linux >= 4.0)
                Path(f"/proc/{process.pid}/clear_refs").write_text("5")
            except OSError:
                pass

    def peak_rss_mib(self):
        peaks = []
        for process in self.processes:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks)

    def stop(self):
        if getattr(self, "nginx", None):
            self.nginx.send_signal(signal.SIGTERM)
            self.nginx.wait()
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
            process.wait()
        if self.pair:
            subprocess.run(["bash", str(ROOT / "scripts" / "replica-pair.sh"), "stop", self.pair])
        elif self.pg_name:
            subprocess.run(["psql", self.admin_url, "-qc", f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)"])


def wrk(url, token, seconds, connections, method="GET", body=None, delay_ms=None, search=False):
    """wrk on url; with search, each request adds &q=<a random word of WORDS> (bench/wrk/search.lua)."""
    env = dict(os.environ, BENCH_METHOD=method, BENCH_BODY=json.dumps(body) if body else "", BENCH_WORDS=str(WORDS))
    if delay_ms:
        env["BENCH_DELAY_MS"] = str(delay_ms)
    threads = min(connections, CORES)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(SEARCH_LUA if search else LUA), url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)


def figures(process):
    output, _ = process.communicate()
    line = next((l for l in output.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None:
        sys.exit(f"wrk printed no result:\n{output}")
    return json.loads(line[len("BENCH_JSON "):])


def scenarios(target, token):
    """(name, what it measures, function returning figures)."""
    base = target.base
    first_page = http("GET", f"{base}/posts?limit=20", token=token)
    deep_page = max(1, POSTS // 20 // 2)  # the middle of the feed
    deep = http("GET", f"{base}/posts?limit=20&page={deep_page}", token=token)
    deep_cursor = deep["next_cursor"]
    post_id = 1  # the seeded thread: the first post has 50 comments
    newest_id = first_page["posts"][0]["id"]

    def run(path, connections=CONNECTIONS, **kw):
        return lambda: figures(wrk(f"{base}{path}", token, DURATION, connections, **kw))

    def login_storm():
        one = figures(wrk(f"{base}/auth/login", None, DURATION, 1, method="POST",
                          body={"username": "member_1", "password": PASSWORD}))
        many = figures(wrk(f"{base}/auth/login", None, DURATION, 2 * CORES * max(1, len(target.processes)),
                           method="POST", body={"username": "member_1", "password": PASSWORD}))
        hash_seconds = one["p50_ms"] / 1000
        ideal = CORES / hash_seconds
        many["note"] = (f"one login {one['p50_ms']:.0f} ms; {many['rps']:.1f}/s = "
                        f"{100 * many['rps'] / ideal:.0f}% of cores/hash ({ideal:.1f}/s)")
        many["ideal_rps"] = round(ideal, 2)
        return many

    def reads_during_storm():
        # Reads at a fixed 200/s (4 connections, one request each 20 ms), first alone, then during a login storm.
        calm = figures(wrk(f"{base}/posts?limit=20", token, DURATION, 4, delay_ms=20))
        storm = wrk(f"{base}/auth/login", None, DURATION + 2, 4 * CORES, method="POST",
                    body={"username": "member_1", "password": PASSWORD})
        time.sleep(1)
        busy = figures(wrk(f"{base}/posts?limit=20", token, DURATION, 4, delay_ms=20))
        logins = figures(storm)
        busy["note"] = (f"read p99 {calm['p99_ms']:.1f} ms alone, {busy['p99_ms']:.1f} ms during "
                        f"{logins['rps']:.1f} logins/s")
        busy["calm_p99_ms"] = calm["p99_ms"]
        return busy

    def refusals(searches):
        """How a run of searches went: answered per second, and how many were refused (503) of how many."""
        answered = (searches["requests"] - searches["errors"]) / searches["seconds"]
        return f"{answered:.1f}/s answered, {searches['refused']} of {searches['requests']} refused with 503"

    def search():
        searches = figures(wrk(f"{base}/posts?limit=20", token, DURATION, CONNECTIONS, search=True))
        searches["note"] = f"searches: {refusals(searches)}"
        return searches

    def feed_during_search():
        # The feed at a fixed 200/s (2 connections, one request each 10 ms), first alone, then while 10
        # connections search as fast as they can: a search must not hold up the readers of the feed.
        calm = figures(wrk(f"{base}/posts?limit=20", token, DURATION, 2, delay_ms=10))
        searching = wrk(f"{base}/posts?limit=20", token, DURATION + 2, 10, search=True)
        time.sleep(1)
        busy = figures(wrk(f"{base}/posts?limit=20", token, DURATION, 2, delay_ms=10))
        searches = figures(searching)
        busy["note"] = (f"feed p50/p99 {calm['p50_ms']:.1f}/{calm['p99_ms']:.1f} ms alone, "
                        f"{busy['p50_ms']:.1f}/{busy['p99_ms']:.1f} ms during {searches['rps']:.1f} searches/s: "
                        f"{refusals(searches)}")
        busy["calm_p50_ms"], busy["calm_p99_ms"] = calm["p50_ms"], calm["p99_ms"]
        busy["search_rps"], busy["search_refused"] = searches["rps"], searches["refused"]
        busy["search_requests"], busy["search_errors"] = searches["requests"], searches["errors"]
        return busy

    return [
        ("feed_first_page", "GET /posts?limit=20", run("/posts?limit=20")),
        ("feed_cursor_deep", f"GET /posts?limit=20&cursor=<middle>", run(f"/posts?limit=20&cursor={deep_cursor}")),
        ("feed_offset_deep", f"GET /posts?limit=20&page={deep_page}", run(f"/posts?limit=20&page={deep_page}")),
        ("post_with_50_comments", f"GET /posts/{post_id}", run(f"/posts/{post_id}")),
        ("ssr_home", "GET / (server-rendered page)", lambda: figures(wrk(f"{base}/", None, DURATION, CONNECTIONS))),
        ("create_post", "POST /posts", run("/posts", method="POST", body={"title": "Bench post", "body": "Body"})),
        ("upvote", f"POST /posts/{newest_id}/upvote", run(f"/posts/{newest_id}/upvote", method="POST")),
        ("login_cost12", "POST /auth/login (bcrypt cost 12)", login_storm),
        ("reads_during_login_storm", "GET /posts at 200/s during a login storm", reads_during_storm),
        ("search", "GET /posts?q=<random word>&limit=20", search),
        ("feed_during_search", "GET /posts at 200/s while 10 connections search", feed_during_search),
    ]


def first_visit(target, workdir):
    """bench/first_visit.mjs against the target as member_2 (its own session, apart from the wrk scenarios')."""
    if not ((ROOT / "end2end" / "node_modules" / "@playwright" / "test").is_dir()
            and Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")).exists()):
        if "first_visit" in ONLY:
            sys.exit("first_visit needs Playwright and Chromium: run `make test-tools`")
        say("first_visit skipped: Playwright or Chromium is missing (`make test-tools` installs them)")
        return None
    signed_in = http("POST", f"{target.base}/auth/login", {"username": "member_2", "password": PASSWORD})
    out = Path(workdir) / "first-visit.json"
    subprocess.run(["node", str(FIRST_VISIT)], check=True, env=dict(
        os.environ, BASE_URL=target.base, FIRST_VISIT_TOKEN=json.dumps(signed_in), FIRST_VISIT_OUT=str(out)))
    return json.loads(out.read_text())


def markdown(paths):
    """`bench/run.py --markdown results/*.json`: the runs as one Markdown table (as quoted in the README)."""
    print("| target | scenario | req/s | p50 ms | p99 ms | errors | peak RSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for path in paths:
        for r in json.loads(Path(path).read_text())["results"]:
            print(f"| {r['target']} | {r['scenario']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
                  f"| {r['errors']} | {r['peak_rss_mib']:.0f} |")


def main():
    if sys.argv[1:2] == ["--markdown"]:
        return markdown(sys.argv[2:])
    if not BINARY.exists():
        sys.exit("target/release/bulletin is missing: run `make bench` (it builds first)")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `make bench` installs it (Debian package wrk)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows, first_visits, started = [], None, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    seed_seconds = {}  # target -> how long `bulletin seed` took
    for kind in TARGETS:
        with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as workdir:
            target = Target(kind, workdir)
            try:
                target.seed()
                seed_seconds[kind] = round(target.seed_seconds, 1)
                target.start()
                token = http("POST", f"{target.base}/auth/login",
                             {"username": "member_1", "password": PASSWORD})["token"]
                if kind == "sqlite" and (not ONLY or "first_visit" in ONLY):
                    say(f"{kind}: first_visit (Chromium: / on a fresh profile and again, throttled)")
                    first_visits = first_visit(target, workdir)
                for name, what, measure in scenarios(target, token):
                    if ONLY and name not in ONLY:
                        continue
                    say(f"{kind}: {name} ({what})")
                    target.reset_peak_rss()
                    result = measure()
                    result.update(target=kind, scenario=name, request=what, posts=POSTS,
                                  peak_rss_mib=round(target.peak_rss_mib(), 1))
                    rows.append(result)
                    print(f"    {result['rps']:.1f} req/s, p50 {result['p50_ms']:.2f} ms, "
                          f"p99 {result['p99_ms']:.2f} ms, errors {result['errors']}"
                          + (f" — {result['note']}" if "note" in result else ""), flush=True)
            finally:
                target.stop()

    print()
    header = f"{'target':8} {'scenario':26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'peak RSS':>9}"
    print(f"Bulletin benchmark: {POSTS} posts, {CORES} cores, {DURATION} s per scenario, wrk over loopback")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['target']:8} {r['scenario']:26} {r['rps']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} "
              f"{r['errors']:7d} {r['peak_rss_mib']:7.1f} MiB")
    for r in rows:
        if "note" in r:
            print(f"  {r['target']} {r['scenario']}: {r['note']}")
    if first_visits:
        print(f"\nFirst visit of / in Chromium (sqlite), median (max) of {first_visits['runs']} runs")
        print(f"{'network':8} {'visit':7} {'title ms':>13} {'kB on wire':>11} {'requests':>9} {'/pkg/ bodies':>13}")
        for network, profile in first_visits["profiles"].items():
            for visit in ("first", "repeat"):
                v = profile[visit]
                title = f"{v['time_to_first_title_ms']['median']} ({v['time_to_first_title_ms']['max']})"
                print(f"{network:8} {visit:7} {title:>13} {v['bytes_on_wire']['median'] / 1000:11.1f} "
                      f"{v['requests']['median']:9} {v['pkg_bodies']['median']:13}")
    out = RESULTS / f"{started}-{POSTS}-posts.json"
    out.write_text(json.dumps({"posts": POSTS, "cores": CORES, "duration_s": DURATION, "connections": CONNECTIONS,
                               "machine": platform.platform(), "seed_seconds": seed_seconds, "results": rows,
                               **({"first_visit": first_visits} if first_visits else {})}, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
