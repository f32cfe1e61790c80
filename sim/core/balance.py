"""Structural balance as dynamics: stances drift toward what third parties imply, so that
unbalanced triads resolve and blocs can form.

Heider (1946) and Cartwright & Harary (1956): a triad is balanced when the product of its three
signs is positive (a friend's friend is a friend, an enemy's enemy is a friend). Antal,
Krapivsky & Redner (2005) and Marvel, Kleinberg, Kleinberg & Strogatz (2011) model the drift
toward balance as continuous dynamics, dX/dt = X^2: each relation moves toward the sum over
third parties of the product of the stances through them. From generic initial relations this
reaches, in finite time, a balanced state of at most two factions, predicted by the sign
pattern of the leading eigenvector of the initial matrix (Marvel et al. 2011).

Here the drift acts on latent affinity (stance = tanh(affinity)), so stances stay in (-1, 1);
the sum over third parties is divided by their number (n - 2), so that the rate does not grow
with the number of states. A reciprocity term moves each state's affinity toward the other's
stance toward it (states reciprocate: Keohane 1986; Goldstein & Freeman 1990), which
symmetrises relations that start asymmetric, as Marvel et al.'s symmetric X assumes.
"""

import numpy as np


def triad_pull(stance):
    """Mean over third parties k of stance[i, k] * stance[k, j] (n, n), zero on the diagonal.

    ``stance`` (n, n) has a zero diagonal, so the k = i and k = j terms of the matrix product
    vanish and ``stance @ stance`` is the sum over third parties alone."""
    n = stance.shape[-1]
    pull = stance @ stance
    pull[..., np.arange(n), np.arange(n)] = 0.0
    return pull / max(n - 2, 1)


def balance_drift(stance, rate, reciprocity):
    """The week's change of latent affinity (n, n) from structural balance and reciprocity."""
    return rate * triad_pull(stance) + reciprocity * (np.swapaxes(stance, -1, -2) - stance)


def is_balanced(stance) -> bool:
    """Whether every relation is reciprocated in sign and every triad's sign product is
    positive (Cartwright & Harary 1956). Zero stances count as unbalanced."""
    n = stance.shape[0]
    s = np.sign(stance)
    off = ~np.eye(n, dtype=bool)
    if (s[off] == 0).any() or (s != s.T)[off].any():
        return False
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(j + 1, n):
                if s[i, j] * s[j, k] * s[i, k] < 0:
                    return False
    return True


def factions(stance) -> np.ndarray:
    """Faction labels (n,) of a balanced stance matrix: 0 for the first state and its friends,
    1 for its enemies."""
    labels = (np.sign(stance[0]) < 0).astype(int)
    labels[0] = 0
    return labels


def eigenvector_factions(stance) -> np.ndarray:
    """Marvel et al.'s (2011) prediction: the signs of the leading eigenvector of the
    symmetrised initial matrix, as labels (n,) with the first state's faction 0."""
    sym = (stance + stance.T) / 2.0
    values, vectors = np.linalg.eigh(sym)
    v = vectors[:, np.argmax(values)]
    return (np.sign(v) != np.sign(v[0])).astype(int)
