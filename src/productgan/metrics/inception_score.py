"""Inception Score from classifier logits: confident predictions that are spread over many classes.

Salimans et al. 2016, "Improved Techniques for Training GANs": IS = exp(E_x KL(p(y|x) || p(y))),
computed on `splits` contiguous chunks and reported as mean and std over chunks, as in the
original code and StyleGAN2-ADA. It ranges from 1 (every prediction is the marginal) to the
number of classes C (confident predictions, evenly spread). With an ImageNet classifier it says
little about product photos; pass logits of a classifier trained on the catalog's own classes.
"""

from __future__ import annotations

import numpy as np
import torch

from productgan.metrics.arrays import feature_matrix


def inception_score(logits, splits: int = 10) -> tuple[float, float]:
    """(mean, std) of the Inception Score over `splits` chunks of logits (N, C), N >= splits.

    std uses ddof=0 like the reference implementations; it is 0 for one split.
    """
    log_probs = torch.from_numpy(feature_matrix(logits, "logits")).log_softmax(dim=1)
    if not 1 <= splits <= log_probs.shape[0]:
        raise ValueError(f"splits={splits} needs 1 <= splits <= number of samples ({log_probs.shape[0]})")
    scores = [_score(chunk) for chunk in torch.tensor_split(log_probs, splits)]
    return float(np.mean(scores)), float(np.std(scores))


def _score(log_probs: torch.Tensor) -> float:
    """exp of the mean KL divergence between each p(y|x) and the chunk's marginal p(y)."""
    log_marginal = torch.logsumexp(log_probs, dim=0) - np.log(log_probs.shape[0])
    kl = (log_probs.exp() * (log_probs - log_marginal)).sum(dim=1)
    return float(torch.exp(kl.mean()))
