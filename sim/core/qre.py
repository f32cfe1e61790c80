"""The logit quantal response equilibrium of a stage game, by our own homotopy.

A logit QRE (McKelvey & Palfrey 1995) is a profile of mixed strategies ``p`` (n, A) in which
every player's strategy is its logit response to the others' strategies:
``p[i] = logit(precision[i] * values(p)[i])``. ``values(p)`` is (n, A): each player's expected
utility of each of its own alternatives when the others play ``p``. At precision 0 the unique
QRE is uniform choice; the *principal branch* is the one QRE that connects to it as precision
grows (McKelvey & Palfrey 1995, Theorem 3; what Gambit's ``logit_solve_lambda`` follows). We
follow it by continuation: precision is raised in steps from 0 to its target, and at each step
a damped fixed-point iteration starts from the previous step's equilibrium. The damping halves
whenever an iteration does not reduce the residual, which keeps the map a contraction in games
whose logit response spirals (matching pennies at high precision).
"""

from collections.abc import Callable

import numpy as np

from sim.core.decisions import logit


class QREFailure(RuntimeError):
    """The fixed-point iteration did not reach the tolerance (the residual is in the message)."""


def residual(p, values, available, precision) -> float:
    """Largest gap between ``p`` and the players' logit response to it."""
    return float(np.abs(logit(values(p), available, precision) - p).max())


def fixed_point(p, values, available, precision, tol=1e-12, max_iter=400):
    """Damped iteration ``p <- p + d (logit(precision values(p)) - p)`` from ``p`` (n, A) to a
    QRE at ``precision`` (n,), with Newton's method where it stalls (an equilibrium the damped
    map cannot reach: the logit response there expands). Returns the profile."""
    damping, last, gap = 1.0, np.inf, np.inf
    for _ in range(max_iter):
        step = logit(values(p), available, precision) - p
        gap = float(np.abs(step).max())
        if gap < tol:
            return p
        damping = max(damping / 2.0, 1e-3) if gap >= last else min(damping * 1.25, 1.0)
        last = gap
        p = p + damping * step
    return newton(p, values, available, precision, tol)


def newton(p, values, available, precision, tol=1e-12, max_iter=50):
    """Newton's method on ``logit(precision values(p)) - p = 0`` over the available slots, with a
    finite-difference Jacobian (one ``values`` call per slot: for small games)."""
    slots = np.flatnonzero(available.ravel())
    h = 1e-7
    for _ in range(max_iter):
        f = (logit(values(p), available, precision) - p).ravel()[slots]
        if np.abs(f).max() < tol:
            return p
        jac = np.empty((slots.size, slots.size))
        for c, slot in enumerate(slots):
            q = p.copy().ravel()
            q[slot] += h
            q = q.reshape(p.shape)
            jac[:, c] = ((logit(values(q), available, precision) - q).ravel()[slots] - f) / h
        flat = p.ravel().copy()
        flat[slots] -= np.linalg.solve(jac, f)
        p = np.clip(flat.reshape(p.shape), 0.0, None) * available
        p /= p.sum(axis=1, keepdims=True)
    gap = residual(p, values, available, precision)
    raise QREFailure(f"logit QRE: residual {gap:.3g} after damped and Newton iterations")


def logit_qre(
    values: Callable[[np.ndarray], np.ndarray],
    available: np.ndarray,
    precision: np.ndarray,
    steps: int = 8,
    tol: float = 1e-12,
) -> np.ndarray:
    """The principal-branch logit QRE at ``precision`` (n,).

    Parameters
    ----------
    values : callable
        ``values(p)`` (n, A): each player's expected utility of its alternatives against ``p``.
    available : ndarray of bool, shape (n, A)
        The alternatives each player has (padding slots False).
    precision : ndarray, shape (n,)
        Each player's logit precision (``decision.lam`` times its rationality).
    steps : int
        Continuation steps from precision 0: precision * (k / steps)**2, k = 1..steps (finer
        near 0, where the branch starts).

    Returns
    -------
    ndarray, shape (n, A)
        The equilibrium mixed strategies (zero on unavailable slots).
    """
    precision = np.asarray(precision, dtype=float)
    avail = available.astype(float)
    p = avail / avail.sum(axis=1, keepdims=True)
    done = 0.0  # the share of the way along the branch reached (precision * done**2)
    for k in range(1, steps + 1):
        p, done = _advance(p, done, k / steps, values, available, precision, tol)
    return p


def _advance(p, done, goal, values, available, precision, tol, min_step=1.0 / 1024):
    """Continue the branch from ``done`` to ``goal`` (shares of the way), halving a step whose
    fixed point is not reached from the last one (where the branch turns fast, as with many
    alternatives at a large ``alpha``); QREFailure when a step of ``min_step`` fails too."""
    step = goal - done
    while done < goal:
        target = goal if done + step >= goal - 1e-12 else done + step
        try:
            p = fixed_point(p, values, available, precision * target**2, tol)
        except QREFailure:
            if step <= min_step:
                raise
            step /= 2.0
            continue
        done = target
    return p, done


def normal_form_values(payoffs: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``values`` of an n-player normal-form game: ``payoffs`` is (n, A_1, ..., A_n), player
    i's payoff at each pure profile; the profile ``p`` is (n, A) with A = max A_j (the padding
    slots of a player with fewer actions hold zero probability)."""
    n = payoffs.shape[0]
    sizes = payoffs.shape[1:]
    width = max(sizes)

    def values(p):
        out = np.zeros((n, width))
        for i in range(n):
            u = payoffs[i]
            for j in reversed(range(n)):  # contract the others' axes, last first
                if j != i:
                    u = np.tensordot(u, p[j, : sizes[j]], axes=([j], [0]))
            out[i, : sizes[i]] = u
        return out

    return values
