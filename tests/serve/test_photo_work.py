"""Photo work is bounded: at most photo_jobs run at once, a request waits photo_wait_s at most and is
then a 503 with Retry-After, and a job whose client left keeps its slot until its thread ends."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image

from productgan.edit.photo import OPERATIONS
from productgan.serve.errors import ServerBusy
from productgan.serve.limits import ServeLimits
from productgan.serve.work import EDIT_COST, PhotoGate, check_work, edit_result_size


def photo_upload() -> dict:
    buffer = io.BytesIO()
    Image.fromarray(np.full((24, 32, 3), 200, np.uint8)).save(buffer, format="PNG")
    return {"file": ("p.png", buffer.getvalue(), "image/png")}


def test_a_second_job_waits_then_is_busy_and_a_freed_slot_is_used():
    release = threading.Event()

    async def scenario():
        gate = PhotoGate(jobs=1, wait_s=0.1)
        first = asyncio.ensure_future(gate.run(release.wait, 5))
        await asyncio.sleep(0.02)
        with pytest.raises(ServerBusy) as busy:
            await gate.run(lambda: "second")
        release.set()
        assert await first is True
        assert await gate.run(lambda: "third") == "third"
        return busy.value

    busy = asyncio.run(scenario())
    assert busy.status == 503 and busy.headers == {"Retry-After": "1"} and "busy" in str(busy)


def test_a_cancelled_request_keeps_its_slot_until_the_thread_finishes():
    release = threading.Event()

    async def scenario():
        gate = PhotoGate(jobs=1, wait_s=0.05)
        waiter = asyncio.ensure_future(gate.run(release.wait, 5))
        await asyncio.sleep(0.02)
        waiter.cancel()  # the client went away
        await asyncio.sleep(0.02)
        assert gate.running == 1  # the thread still runs, so its slot is still taken
        with pytest.raises(ServerBusy):
            await gate.run(lambda: None)
        release.set()
        for _ in range(100):
            if gate.running == 0:
                break
            await asyncio.sleep(0.01)
        return gate.running, await gate.run(lambda: "next")

    assert asyncio.run(scenario()) == (0, "next")


def test_no_more_than_photo_jobs_threads_run_at_once():
    active, peak, lock = [0], [0], threading.Lock()

    def work():
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.02)
        with lock:
            active[0] -= 1

    async def scenario():
        gate = PhotoGate(jobs=2, wait_s=5)
        await asyncio.gather(*(gate.run(work) for _ in range(8)))

    asyncio.run(scenario())
    assert peak[0] == 2


def test_a_busy_server_answers_503_with_retry_after_over_http(make_client, monkeypatch):
    import productgan.serve.photo_routes as routes

    client = make_client(limits=ServeLimits(photo_jobs=1, photo_wait_s=0.2))
    started, release = threading.Event(), threading.Event()
    real_edit = routes._edit

    def slow_edit(*args):
        started.set()
        release.wait(10)
        return real_edit(*args)

    monkeypatch.setattr(routes, "_edit", slow_edit)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(client.post, "/api/photo/edit", files=photo_upload(), data={"operation": "flip"})
        assert started.wait(10)
        response = client.post("/api/photo/edit", files=photo_upload(), data={"operation": "flip"})
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        assert "busy" in response.json()["error"]
        assert client.get("/healthz").status_code == 200  # the event loop is free while photos wait
        release.set()
        assert first.result(10).status_code == 200
    assert client.post("/api/photo/edit", files=photo_upload(), data={"operation": "flip"}).status_code == 200


def test_work_is_pixels_times_cost_and_the_limit_is_named():
    limits = ServeLimits(max_photo_work=10)
    assert check_work(2_000_000, 5.0, limits, "x") == pytest.approx(10.0)
    with pytest.raises(Exception, match="over this server's limit of 10"):
        check_work(2_000_001, 5.0, limits, "x")
    with pytest.raises(Exception, match="limit"):
        check_work(1, float("nan"), limits, "x")
    assert edit_result_size("whiten", 400, 10) == (400, 400)
    assert edit_result_size("scale", 400, 10) == (400, 10)  # scale keeps the canvas
    assert set(EDIT_COST) == set(OPERATIONS)  # a new edit needs its cost


@pytest.mark.parametrize("bad", [dict(photo_jobs=0), dict(photo_wait_s=0), dict(max_photo_work=float("nan"))])
def test_limits_refuse_meaningless_photo_bounds(bad):
    with pytest.raises(ValueError):
        ServeLimits(**bad)
