"""Decision rules: from expected utilities of the alternatives to choice probabilities.

Rules are pure functions over all actors at once (values and availability of shape (n, A));
each actor's precision is ``lam * rationality``. Beliefs about the others' next moves come from
fictitious play (Brown 1951): the empirical frequency of what each did, with a uniform prior.
"""

import numpy as np


def precision(lam, rationality) -> np.ndarray:
    """Each state's logit precision, ``lam`` times its ``rationality`` (n,); a product beyond
    the largest float is infinity, which :func:`logit` reads as best response."""
    with np.errstate(over="ignore"):
        return np.asarray(lam * np.asarray(rationality, dtype=float), dtype=float)


def logit(values, available, lam):
    """Quantal (logit) response: P(a) proportional to exp(lam * EU(a)) (McKelvey & Palfrey 1995).

    Computed as exp(lam * (EU(a) - max EU)), the best alternative's exponent exactly 0, so that
    any lam, up to the largest float and infinity, gives probabilities (best response in the
    limit), never NaN."""
    best = np.where(available, values, -np.inf).max(axis=1, keepdims=True)
    d = np.where(available, values - best, 0.0)  # <= 0, exactly 0 at the best
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 at the best: set to 0 below
        x = np.where(d == 0.0, 0.0, np.asarray(lam, dtype=float)[:, None] * d)
    p = np.where(available, np.exp(x), 0.0)
    return p / p.sum(axis=1, keepdims=True)


def best_response(values, available, lam=None):
    """All probability on the best available alternative; ties go to the first in catalogue order."""
    best = np.argmax(np.where(available, values, -np.inf), axis=1)
    p = np.zeros(values.shape)
    p[np.arange(values.shape[0]), best] = 1.0
    return p


RULES = {"logit": logit, "best_response": best_response}  # responses to beliefs
EQUILIBRIUM_RULES = ("qre",)  # each step's logit QRE of the stage game (``sim.core.qre``)
RULE_NAMES = (*RULES, *EQUILIBRIUM_RULES)


def sample(probabilities_row, u: float) -> int:
    """Inverse-CDF draw of one alternative with a uniform number ``u`` in [0, 1): the first slot
    whose cumulative probability exceeds ``u`` times the total; zero-probability slots are never
    drawn (u close to 1 falls back to the last slot with positive probability)."""
    p = np.asarray(probabilities_row, dtype=float)
    cdf = np.cumsum(p)
    positive = np.flatnonzero(p > 0.0)
    k = int(np.searchsorted(cdf, u * cdf[-1], side="right"))
    return int(positive[np.searchsorted(positive, min(k, positive[-1]))])


def fictitious_beliefs(counts, available, prior_weight):
    """Each actor's predicted mixed strategy: past choice counts plus a uniform prior, over what is
    available now (Brown 1951, fictitious play)."""
    avail = available.astype(float)
    prior = prior_weight * avail / np.maximum(avail.sum(axis=1, keepdims=True), 1.0)
    weights = (counts + prior) * avail
    return weights / weights.sum(axis=1, keepdims=True)
