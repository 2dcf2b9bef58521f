"""Prometheus metrics of one app: requests by endpoint and status, latency, images, batch sizes.

Each app owns its registry (not the process-global one), so several apps in one process, as in
the tests, count separately.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class ServeMetrics:
    """The counters and histograms the middleware and the handlers update."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("productgan_requests", "HTTP requests by endpoint and status code.",
                                ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram("productgan_request_seconds", "Request latency in seconds, by endpoint.",
                                 ["endpoint"], buckets=LATENCY_BUCKETS_S, registry=self.registry)
        self.images = Counter("productgan_images_generated", "Images rendered, by model and endpoint.",
                              ["model", "endpoint"], registry=self.registry)
        self.batch_images = Histogram("productgan_batch_images", "Latents per forward-pass batch of the batcher.",
                                      ["model"], buckets=BATCH_BUCKETS, registry=self.registry)
        self.cache = Counter("productgan_cache_lookups", "Generate cache lookups by result (hit or miss).",
                             ["result"], registry=self.registry)

    def observe_request(self, endpoint: str, status: int, seconds: float) -> None:
        self.requests.labels(endpoint=endpoint, status=str(status)).inc()
        self.latency.labels(endpoint=endpoint).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
