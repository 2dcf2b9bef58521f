"""The GPU run is ready before a GPU is: its script runs end to end on a CPU with a tiny budget, the
bf16 autocast path trains, and the training path imports without the serving/video/metric extras
(the GPU machine has no fastapi, and may lack av and scikit-image)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MISSING = ("fastapi", "uvicorn", "starlette", "multipart", "python_multipart", "prometheus_client", "av", "skimage")

BLOCKER = f"""
import importlib.abc, sys
class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {MISSING!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked by the test)", name=name)
        return None
sys.meta_path.insert(0, Missing())
"""


def run_python(code: str, tmp_path: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRODUCTGAN_CACHE": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", BLOCKER + code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_training_and_generation_import_and_run_without_fastapi_av_or_scikit_image(tmp_path):
    code = f"""
import productgan.cli, productgan.train, productgan.generate
from productgan.train import TrainConfig, train
from productgan.models.config import ModelConfig
from productgan.generate import load_generator
config = TrainConfig(data="builtin:catalog", out={str(tmp_path / 'run')!r}, condition=["color"], kimg=0.032,
                     batch=8, model=ModelConfig(resolution=16, width=4, max_width=16, latent_dim=8, embed_dim=8),
                     sample_every_kimg=1e9, checkpoint_every_kimg=1e9, threads=1)
train(config, progress=False)
print(load_generator({str(tmp_path / 'run')!r}).generate(2, color="red").shape)
"""
    done = run_python(code, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "(2, 16, 16, 3)" in done.stdout


def test_the_blocker_really_blocks(tmp_path):
    done = run_python("import fastapi", tmp_path)
    assert done.returncode != 0 and "blocked by the test" in done.stderr


@pytest.mark.slow
def test_gpu_script_runs_end_to_end_on_a_cpu_with_bf16_autocast(tmp_path):
    out = tmp_path / "gpu-out"
    # the script calls `python`: this interpreter's folder first on PATH, so it needs no activated venv
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PRODUCTGAN_CACHE": str(tmp_path / "cache"), "OUT": str(out), "GPU_DATA": "builtin:catalog",
           "OMP_NUM_THREADS": "1", "SKIP_INSTALL": "1", "PATH": path}
    done = subprocess.run(["bash", "bench/gpu_run.sh", "1", "--resolution", "16", "--width", "4", "--batch", "8",
                           "--kimg", "0.048", "--samples", "5", "--cpu-bf16",
                           "--condition", "color,category", "--class-weight", "0.5"],  # the builtin's columns
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    figures = json.loads((out / "figures.json").read_text())
    assert figures["kimg"] >= 0.048 + 22 * 8 / 1000 and figures["images_per_s"] > 0 and figures["train_step_gflop"] > 0
    assert figures["peak_memory_gib"] > 0 and "fraction_of_peak_bf16" not in figures  # no peak known for a CPU
    assert sorted(p.name for p in (out / "samples").iterdir()) == [f"{i:05d}.png" for i in range(5)]
    assert "figures:" in done.stdout
