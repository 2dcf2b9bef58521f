"""Budget: the first limit reached ends a run, counted exactly in the loop's own units."""

from __future__ import annotations

import pytest

from productgan.errors import ConfigError, ProductGANError
from productgan.loop_kit import Budget, Usage


def test_a_kimg_limit_is_reached_at_its_exact_image_count_despite_float_noise():
    budget = Budget(kimg=0.24)  # 0.24 * 1000 is 240.00000000000003 in floats
    assert budget.spent(Usage(images=239)) is None
    assert budget.spent(Usage(images=240)) == "kimg"


def test_each_unit_is_counted_in_its_own_amount():
    assert Budget(steps=10).spent(Usage(steps=9)) is None
    assert Budget(steps=10).spent(Usage(steps=10)) == "steps"
    assert Budget(epochs=1.5).spent(Usage(epochs=1.4)) is None
    assert Budget(epochs=1.5).spent(Usage(epochs=1.5)) == "epochs"
    assert Budget(minutes=2).spent(Usage(seconds=119.9)) is None
    assert Budget(minutes=2).spent(Usage(seconds=120)) == "minutes"


def test_the_first_limit_reached_ends_the_run_and_names_itself():
    budget = Budget(kimg=1.0, minutes=1.0)
    assert budget.spent(Usage(images=500, seconds=30)) is None
    assert budget.spent(Usage(images=500, seconds=60)) == "minutes"
    assert budget.spent(Usage(images=1000, seconds=10)) == "kimg"


def test_fraction_is_the_largest_over_the_set_limits():
    budget = Budget(kimg=1.0, minutes=1.0)
    assert budget.fraction(Usage(images=250, seconds=30)) == 0.5  # time leads
    assert budget.fraction(Usage(images=750, seconds=30)) == 0.75  # images lead
    assert Budget(epochs=4).fraction(Usage(epochs=1.0, seconds=1e9)) == 0.25  # no time limit: time does not count
    assert Budget(steps=0).fraction(Usage()) == 1.0  # an empty budget is spent, not a division by zero


def test_progress_is_described_in_the_first_counted_unit_else_minutes():
    usage = Usage(images=12_300, steps=12, epochs=1.25, seconds=90)
    assert Budget(kimg=48, minutes=10).describe(usage) == "12.3/48.0 kimg"
    assert Budget(steps=300, minutes=10).describe(usage) == "step 12/300"
    assert Budget(epochs=10, minutes=10).describe(usage) == "1.2/10.0 epochs"
    assert Budget(minutes=8).describe(usage) == "1.5/8.0 min"


def test_a_budget_without_a_limit_is_a_config_error():
    with pytest.raises(ConfigError, match="needs a limit") as caught:
        Budget()
    assert isinstance(caught.value, ProductGANError) and isinstance(caught.value, ValueError)
