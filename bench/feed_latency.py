#!/usr/bin/env python3
"""Measures GET /posts?limit=20 latency against a running Bulletin with N posts.

Usage: python3 bench/feed_latency.py [BASE_URL] [POSTS] [REQUESTS]
Start the server first, e.g. (fresh database, no auth rate limit, cheap bcrypt for the seeding user):
  DATABASE_URL='sqlite:///tmp/bench/b.db?mode=rwc' AUTH_RATE_LIMIT=off BCRYPT_COST=4 \
  LEPTOS_SITE_ADDR=127.0.0.1:3300 ./target/release/bulletin
Seeds only what is missing, so reruns measure the same database. Standard library only.
"""
import json
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3300"
POSTS = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
REQUESTS = int(sys.argv[3]) if len(sys.argv) > 3 else 500


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def token():
    credentials = {"username": "bench_user", "password": "bench password"}
    status, body = call("POST", "/auth/register", body=credentials)
    if status != 201:
        status, body = call("POST", "/auth/login", body=credentials)
    assert status in (200, 201), body
    return body["token"]


def main():
    tok = token()
    _, page = call("GET", "/posts?limit=1", tok)
    missing = POSTS - page["total"]
    if missing > 0:
        print(f"seeding {missing} posts ...", flush=True)
        post = lambda i: call("POST", "/posts", tok, {"title": f"Bench post {i}", "body": "lorem ipsum " * 20})
        with ThreadPoolExecutor(8) as pool:
            assert all(status == 201 for status, _ in pool.map(post, range(missing)))
    for _ in range(20):  # warm-up
        call("GET", "/posts?limit=20", tok)
    timings = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        status, _ = call("GET", "/posts?limit=20", tok)
        timings.append((time.perf_counter() - start) * 1000)
        assert status == 200
    timings.sort()
    p = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))]
    print(f"GET /posts?limit=20 with {POSTS} posts, {REQUESTS} sequential requests: "
          f"p50 {statistics.median(timings):.2f} ms, p95 {p(0.95):.2f} ms, p99 {p(0.99):.2f} ms")


if __name__ == "__main__":
    main()
