"""One config-validation idiom: every config's validation raises ConfigError, which the CLI prints as
one line (a ProductGANError) and older callers still catch as a ValueError."""

from __future__ import annotations

import pytest

from productgan.edit.inversion import InversionSettings
from productgan.enhance.config import EnhanceModelConfig, EnhanceTrainConfig
from productgan.errors import ConfigError, ProductGANError
from productgan.metrics.domain import DomainTraining
from productgan.models import create_generator
from productgan.models.config import ModelConfig
from productgan.serve.limits import ServeLimits
from productgan.train import TrainConfig

INVALID = {
    "train budget": (lambda: TrainConfig(kimg=None, minutes=None).validate(), "set a budget"),
    "train loss": (lambda: TrainConfig(kimg=1, loss="l2").validate(), "loss 'l2'"),
    "model header": (lambda: ModelConfig.from_dict({"family": "resnet", "bogus": 1}), "unknown model setting"),
    "model family": (lambda: create_generator(ModelConfig(family="vit")), "unknown model family"),
    "enhancer task": (lambda: EnhanceModelConfig(task="sr8"), "sr2, sr4, restore"),
    "enhancer budget": (lambda: EnhanceTrainConfig("d", "o", steps=None, minutes=None), "budget"),
    "enhancer crop": (lambda: EnhanceTrainConfig("d", "o", crop=36), "multiple of 8"),
    "classifier budget": (lambda: DomainTraining(epochs=None, minutes=None), "epochs or minutes"),
    "inversion": (lambda: InversionSettings(steps=0), "steps and restarts"),
    "serve limits": (lambda: ServeLimits(photo_jobs=0), "photo_jobs"),
}


@pytest.mark.parametrize("name", INVALID)
def test_every_config_refuses_bad_settings_with_a_config_error(name):
    make, message = INVALID[name]
    with pytest.raises(ConfigError, match=message) as caught:
        make()
    assert isinstance(caught.value, ProductGANError) and isinstance(caught.value, ValueError)
