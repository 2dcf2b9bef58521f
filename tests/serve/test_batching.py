"""Batching changes throughput, never pixels: concurrent requests rendered together give the bytes
each gets alone. Plus the fixed-shape renderer, the batcher's failure path and the LRU cache."""

from __future__ import annotations

import asyncio
import base64
import io

import httpx
import numpy as np
import torch
from PIL import Image

from productgan.serve import ServeSettings, create_app
from productgan.serve.batching import BatchingRenderer, render_fixed
from productgan.serve.cache import LRUCache

REQUESTS = [{"model": "shop", "seed": 100 + i, "n": 1 + i % 3,
             "attributes": [{}, {"color": "red"}, {"size": "small", "color": "blue"}][i % 3]} for i in range(12)]


async def post_all(app, requests):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        responses = await asyncio.gather(*(client.post("/api/generate", json=body) for body in requests))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    return [r.content for r in responses]


def test_concurrent_batched_answers_equal_unbatched_ones(registry):
    batched = create_app(registry, ServeSettings(max_wait_ms=200, cache_entries=0))
    direct = create_app(registry, ServeSettings(batching=False, cache_entries=0))
    together = asyncio.run(post_all(batched, REQUESTS))
    alone = [asyncio.run(post_all(direct, [body]))[0] for body in REQUESTS]
    assert together == alone
    assert batched.state.service.renderers["shop"].largest_batch > 3  # requests really shared a pass


def test_server_images_are_the_library_images_up_to_rounding(registry, client):
    answer = client.post("/api/generate", json={"model": "shop", "n": 4, "seed": 8, "attributes": {"color": "red"}})
    served = np.stack([np.asarray(Image.open(io.BytesIO(base64.b64decode(image))).convert("RGB"))
                       for image in answer.json()["images"]])
    library = registry.get("shop").generator.generate(4, seed=8, color="red")
    assert np.abs(served.astype(int) - library).max() <= 1  # batch of 8 vs 4: float rounding only
    assert (served != library).mean() < 0.01


def test_render_fixed_pixels_do_not_depend_on_the_batch(registry):
    generator = registry.get("shop").generator
    z, labels = generator.inputs(11, 0, None)
    together = render_fixed(generator, z, labels, rows=8)
    assert together.shape == (11, 32, 32, 3)
    for i in (0, 5, 10):
        assert np.array_equal(render_fixed(generator, z[i:i + 1], labels[i:i + 1], rows=8)[0], together[i])


class FailingGenerator:
    """Stands in for a ProductGenerator whose network raises (say, out of device memory)."""

    def __init__(self):
        self.fail = True

    def render(self, z, labels, batch):
        if self.fail:
            raise RuntimeError("device lost")
        return np.zeros((len(z), 2, 2, 3), np.uint8)


def test_a_failing_batch_fails_its_requests_and_the_worker_lives_on():
    generator = FailingGenerator()
    renderer = BatchingRenderer(generator, rows=4, max_images=8, max_wait_s=0.05)
    z, labels = torch.zeros(2, 3), torch.zeros(2, 1, dtype=torch.long)

    async def scenario():
        failures = await asyncio.gather(renderer.render(z, labels), renderer.render(z, labels), return_exceptions=True)
        generator.fail = False
        recovered = await renderer.render(z, labels)
        await renderer.close()
        return failures, recovered

    failures, recovered = asyncio.run(scenario())
    assert all(isinstance(f, RuntimeError) and "device lost" in str(f) for f in failures)
    assert recovered.shape == (2, 2, 2, 3)


def test_lru_cache_evicts_the_least_recently_used_by_count_and_by_bytes():
    cache = LRUCache(max_entries=2, max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # a is now the most recent
    cache.put("c", b"12")
    assert cache.get("b") is None and cache.get("a") is not None and len(cache) == 2
    cache.put("d", b"123456789")  # 9 + 2 or 4 > 10 bytes: everything older goes
    assert len(cache) == 1 and cache.total_bytes == 9
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None


def test_a_zero_capacity_cache_stores_nothing():
    cache = LRUCache(max_entries=0)
    cache.put("a", b"1")
    assert cache.get("a") is None


def test_a_lone_request_after_a_lone_batch_is_not_held_for_company():
    """max_wait is an hour here: only the light-traffic rule lets these requests through."""
    generator = FailingGenerator()
    generator.fail = False
    renderer = BatchingRenderer(generator, rows=4, max_images=8, max_wait_s=3600)
    renderer._last_batch_jobs = 1  # the previous batch held one request
    z, labels = torch.zeros(1, 3), torch.zeros(1, 1, dtype=torch.long)

    async def scenario():
        first = await asyncio.wait_for(renderer.render(z, labels), timeout=60)
        second = await asyncio.wait_for(renderer.render(z, labels), timeout=60)
        await renderer.close()
        return first, second

    first, second = asyncio.run(scenario())
    assert first.shape == second.shape == (1, 2, 2, 3)
