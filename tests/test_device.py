"""`--device` means the same in every command: auto picks what is here, a missing accelerator is one line."""

import pytest
import torch

from productgan import device as device_module
from productgan.device import resolve_device
from productgan.errors import ProductGANError


def test_auto_is_the_cpu_without_accelerators(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device_module, "mps_available", lambda: False)
    assert resolve_device("auto") == torch.device("cpu")


def test_auto_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device_module, "mps_available", lambda: True)
    assert resolve_device("auto") == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("AUTO") == torch.device("cuda")


@pytest.mark.parametrize("name", ["cuda", "cuda:1", "mps"])
def test_a_missing_accelerator_is_refused_by_name(monkeypatch, name):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(device_module, "mps_available", lambda: False)
    with pytest.raises(ProductGANError, match=f"--device {name} was asked for"):
        resolve_device(name)


def test_nonsense_is_refused_with_the_choices():
    with pytest.raises(ProductGANError, match="not a device: auto"):
        resolve_device("gpu-please")


def test_cpu_and_devices_pass_through():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
