"""Load test of `productgan serve` on 127.0.0.1: throughput and latency with and without batching.

Starts the server as a subprocess on a checkpoint (or folder of runs), then for each mode
(batching, no batching) and each number of concurrent clients sends a fixed number of generate
requests with distinct seeds (so the cache never answers), each client waiting for its answer
before sending the next. Every scenario stops after --requests requests or --time-limit seconds,
whichever comes first; nothing leaves 127.0.0.1. Prints req/s, images/s, p50/p95/p99 latency,
failures, the mean forward-pass batch (from /metrics) and the server's RSS before/after. Usage:

    python bench/serve_load.py /tmp/demo1 [--clients 1 8 32] [--requests 200] [--time-limit 60] [--n 1]
        [--render-rows 8] [--max-wait-ms 10] [--modes batching no-batching]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx
import numpy as np


@dataclass
class Scenario:
    mode: str
    clients: int
    ok: int
    failed: int
    seconds: float
    latencies_s: list[float]
    images: int
    mean_batch: float | None
    rss_before_mb: float
    rss_after_mb: float

    def row(self) -> str:
        p50, p95, p99 = (np.percentile(self.latencies_s, q) * 1000 if self.latencies_s else float("nan")
                         for q in (50, 95, 99))
        batch = f"{self.mean_batch:.1f}" if self.mean_batch is not None else "-"
        return (f"| {self.mode} | {self.clients} | {self.ok} | {self.failed} | {self.ok / self.seconds:.1f} | "
                f"{self.images / self.seconds:.1f} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {batch} | "
                f"{self.rss_before_mb:.0f} -> {self.rss_after_mb:.0f} |")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_server(path: str, port: int, batching: bool, args) -> subprocess.Popen:
    command = [sys.executable, "-m", "productgan.cli", "serve", path, "--host", "127.0.0.1", "--port", str(port),
               "--device", "cpu", "--render-rows", str(args.render_rows), "--max-wait-ms", str(args.max_wait_ms),
               "--batching" if batching else "--no-batching"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {server.stderr.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("server did not become ready in 120 s")


async def run_clients(base: str, model: str, clients: int, requests: int, time_limit: float, n: int,
                      seeds: itertools.count) -> tuple[list[float], int, int, float]:
    latencies: list[float] = []
    failed = 0
    sent = itertools.count()
    stop_at = time.perf_counter() + time_limit

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal failed
        while next(sent) < requests and time.perf_counter() < stop_at:
            body = {"model": model, "n": n, "seed": next(seeds)}
            start = time.perf_counter()
            try:
                response = await http.post(f"{base}/api/generate", json=body, headers={"Accept": "application/json"})
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - start)
            else:
                failed += 1

    # One AsyncClient (one keep-alive connection) per simulated shopper: a single client with a
    # pool of 32 connections spends more CPU on pool bookkeeping than the server spends per request.
    https = [httpx.AsyncClient(limits=httpx.Limits(max_connections=1), timeout=120) for _ in range(clients)]
    try:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for http in https))
        return latencies, len(latencies), failed, time.perf_counter() - start
    finally:
        await asyncio.gather(*(http.aclose() for http in https))


def bench_mode(path: str, batching: bool, args, seeds: itertools.count) -> list[Scenario]:
    port = free_port()
    server = start_server(path, port, batching, args)
    base = f"http://127.0.0.1:{port}"
    mode = "batching" if batching else "no batching"
    try:
        model = httpx.get(f"{base}/api/models").json()["models"][0]["name"]
        asyncio.run(run_clients(base, model, 4, 16, 30, args.n, seeds))  # warm-up: threads, allocator, caches
        results = []
        for clients in args.clients:
            before = rss_mb(server.pid)
            metrics_before = httpx.get(f"{base}/metrics").text
            latencies, ok, failed, seconds = asyncio.run(
                run_clients(base, model, clients, args.requests, args.time_limit, args.n, seeds))
            metrics_after = httpx.get(f"{base}/metrics").text
            batch = _batch_between(metrics_before, metrics_after) if batching else None
            results.append(Scenario(mode, clients, ok, failed, seconds, latencies, ok * args.n, batch,
                                    before, rss_mb(server.pid)))
            print(results[-1].row(), flush=True)
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def _batch_between(before: str, after: str) -> float | None:
    def totals(text):
        total = sum(float(v) for v in re.findall(r"^productgan_batch_images_sum\{[^}]*\} (\S+)$", text, re.M))
        count = sum(float(v) for v in re.findall(r"^productgan_batch_images_count\{[^}]*\} (\S+)$", text, re.M))
        return total, count

    (total_a, count_a), (total_b, count_b) = totals(before), totals(after)
    return (total_b - total_a) / (count_b - count_a) if count_b > count_a else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="checkpoint, run folder, or folder of runs (the first model is used)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per scenario at most")
    parser.add_argument("--n", type=int, default=1, help="images per request")
    parser.add_argument("--render-rows", type=int, default=8, help="the server's latents per forward pass")
    parser.add_argument("--max-wait-ms", type=float, default=10.0, help="the batcher's wait for more requests")
    parser.add_argument("--modes", nargs="+", default=["batching", "no-batching"], choices=["batching", "no-batching"])
    args = parser.parse_args()
    print(f"# {args.path}: {args.requests} requests of n={args.n} per scenario (<= {args.time_limit:g} s), "
          f"render rows {args.render_rows}, max wait {args.max_wait_ms:g} ms, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
          f"{os.cpu_count()} CPUs")
    print("| mode | clients | ok | failed | req/s | images/s | p50 ms | p95 ms | p99 ms | mean batch | server RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    seeds = itertools.count(10_000)
    for mode in args.modes:
        bench_mode(args.path, mode == "batching", args, seeds)


if __name__ == "__main__":
    main()
