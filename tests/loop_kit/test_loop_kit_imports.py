"""The toolkit and the loops built on it stand apart from the GAN loop: none of them imports it."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["productgan.loop_kit", "productgan.enhance.train", "productgan.metrics.domain",
                                    "productgan.edit.encoder"])
def test_importing_it_does_not_import_the_gan_loop(module):
    code = f"import sys, {module}; print('productgan.train.loop' in sys.modules)"
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert answer.stdout.strip() == "False"
