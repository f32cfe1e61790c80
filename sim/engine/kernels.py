"""Compiled (Numba) versions of the per-step numeric functions.

The readable definitions are the NumPy functions in ``actions``, ``expectations``, ``decisions``
and ``payoffs``; these kernels compute the same numbers with loops compiled to machine code,
because at this model's size (a few states, a few dozen alternatives) NumPy spends its time in
per-call overhead. ``tests/test_kernels.py`` checks that both agree to 1e-12 and that whole runs
choose the same actions.

Most of a step's arithmetic is the look-ahead's stances: some 2,000 hyperbolic tangents. They are
computed with a tanh of plain arithmetic (:func:`tanh`, no library call), in long flat loops that
the compiler turns into vector instructions, four numbers at a time. Sweeps run many runs at once
through ``ensemble_kernels``, which computes each run's look-ahead exactly as :func:`evaluate`
does, and the rest of a step with these kernels' ``write_*`` forms.

The look-ahead is compiled twice, here for one run and in ``ensemble_kernels.evaluate_block``
for a block of runs (the NumPy specification, ``expectations.Evaluator.evaluate``, is the third
form). A single run could go through the block kernel as a block of one, but that kernel's
loops run over the runs of a block, innermost: with one run they are one long, and its tanh
come 21 at a time instead of all a step's together. Measured on the 2-core machine (numba 0.68,
jan2020, one step's look-ahead): 46 us a call as a block of one against 24 us here, some 10% of
a whole run (``benchmarks/bench_run.py``), beyond the 5% the engine may lose for one fewer
copy. ``tests/test_ensemble_kernels.py`` checks that both give the same numbers bit for bit.

The arguments are the typed NamedTuples of ``sim.engine.params``. The kernels that Python calls
once or twice a step (:func:`decide`, :func:`advance`) also take them as plain tuples of the
same fields, which the dispatcher types faster (:func:`named`).
"""

import math
from typing import NamedTuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from sim.engine.params import (
    Acts,
    Alternatives,
    Decision,
    Effects,
    Elections,
    KernelParams,
    Options,
    Payoffs,
    Relaxation,
    Requirements,
    WorldArrays,
)

POINTS = 100.0


@intrinsic
def _bits_of(typingctx, x):
    """A float64's bits as an int64 (a bit cast, which vectorises; no call)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _float_of(typingctx, x):
    """The float64 whose bits are an int64."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


_ROUNDER = 6755399441055744.0  # 1.5 * 2**52: adding it rounds |x| < 2**51 to an integer
_ROUNDER_BITS = 0x4338000000000000  # its bits: those of x + _ROUNDER are these plus round(x)
_LOG2E = 1.4426950408889634
_LN2_HI = 0.6931471803691238  # ln 2 split in two (Cody & Waite 1980), so k * _LN2_HI is exact
_LN2_LO = 1.9082149292705877e-10


@njit(cache=True, inline="always")
def _exp(y):
    """exp(y) for |y| <= 700 in arithmetic alone (no libm call), so that loops over it
    vectorise: y = k ln 2 + r with |r| <= ln2 / 2, exp(r) by its Taylor polynomial of degree 13
    (truncation below 2e-16), 2**k from the bits. Within 1 ulp of ``math.exp``
    (``tests/test_kernels.py``)."""
    t = y * _LOG2E + _ROUNDER
    k = t - _ROUNDER
    r = (y - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return p * _float_of((_bits_of(t) - _ROUNDER_BITS + 1023) << 52)


@njit(cache=True, inline="always")
def tanh(x):
    """tanh(x): 1 - 2 / (exp(2x) + 1), exactly +-1 beyond |x| = 20, and its Taylor series below
    |x| = 1/16 (where the difference would lose the relative precision); within 4.5e-16 of
    ``math.tanh``. Branch-free and call-free, so a loop of them runs four to a vector."""
    c = min(max(x, -20.0), 20.0)
    large = 1.0 - 2.0 / (_exp(2.0 * c) + 1.0)
    x2 = x * x
    p = -21844.0 / 6081075.0
    p = p * x2 + 1382.0 / 155925.0
    p = p * x2 - 62.0 / 2835.0
    p = p * x2 + 17.0 / 315.0
    p = p * x2 - 2.0 / 15.0
    p = p * x2 + 1.0 / 3.0
    small = x - x * x2 * p
    return small if abs(x) < 0.0625 else large


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def tanh_all(x):
    """tanh of every element of a 1-d array, in place (one vectorised loop; NumPy's error
    model, so the division needs no zero check and vectorises too)."""
    for j in range(x.shape[0]):
        x[j] = tanh(x[j])


@njit(cache=True)
def alternative_effects(aff, base, acts, effects):
    """As ``actions.act_effects`` for a batch of m acts (``params.Acts``) on the affinity
    ``aff`` (n, n) and its baseline: (m, n, n) and (m, n, 3)."""
    m, n = acts.actor.shape[0], aff.shape[0]
    d_aff = np.empty((m, n, n))
    d_stk = np.empty((m, n, 3))
    write_effects(d_aff, d_stk, aff, base, acts, effects)
    return d_aff, d_stk


@njit(cache=True)
def write_effects(d_aff, d_stk, aff, base, acts, effects):
    """:func:`alternative_effects` written into ``d_aff`` (m, n, n) and ``d_stk`` (m, n, 3)
    (an ensemble writes each run's straight into its block's arrays); each act's rows are
    cleared first, while they are in cache."""
    actor, action, target, target2 = acts
    effect, kind, visibility = effects.effect, effects.kind, effects.visibility
    prestige_self, prestige_target = effects.prestige_self, effects.prestige_target
    damage_target, sanction_target = effects.damage_target, effects.sanction_target
    pair_goldstein, party_share = effects.pair_goldstein, effects.party_share
    alpha, self_shift = effects.alpha, effects.self_shift
    heider, attribution = effects.heider, effects.attribution
    m, n = actor.shape[0], aff.shape[0]
    stance = np.empty((n, n))  # each stance once, not once per act
    for p in range(n):
        for q in range(n):
            stance[p, q] = math.tanh(aff[p, q])
    for r in range(m):
        d_aff[r] = 0.0
        d_stk[r] = 0.0
        i, k = actor[r], action[r]
        g = alpha * effect[k]
        factor = 1.0
        if kind[k] == 1:
            t = target[r]
            s_ti = stance[t, i]
            sign = 1.0 if g > 0 else (-1.0 if g < 0 else 0.0)
            gi = g * (1.0 - attribution * (1.0 - sign * s_ti) / 2.0)
            for q in range(n):
                if q != i and q != t:
                    d_aff[r, q, i] = heider * visibility[k] * gi * stance[q, t]
            d_aff[r, t, i] = gi
            d_aff[r, i, t] = self_shift * gi
            d_stk[r, t, 0] += prestige_target[k]
            d_stk[r, t, 1] += damage_target[k]
            d_stk[r, t, 2] += sanction_target[k]
        elif kind[k] == 2:
            x, y = target[r], target2[r]
            credit = party_share[k] * g
            d_aff[r, x, i] = credit
            d_aff[r, y, i] = credit
            calm = alpha * pair_goldstein[k]
            d_aff[r, x, y] = calm
            d_aff[r, y, x] = calm
            factor = max(0.0, (base[x, y] + base[y, x] - aff[x, y] - aff[y, x]) / 2.0)
        d_stk[r, i, 0] += prestige_self[k] * factor


@njit(cache=True)
def availability_and_costs(world, alternatives, requirements):
    """As ``actions.availability`` and ``Evaluator.costs``: (n, A) bool and (n, A, 3)."""
    n, width = alternatives.action.shape
    ok = np.empty((n, width), dtype=np.bool_)
    cost = np.empty((n, width, 3))
    write_availability(ok, cost, world, alternatives, requirements)
    return ok, cost


@njit(cache=True)
def write_availability(ok, cost, world, alternatives, requirements):
    """:func:`availability_and_costs` written into ``ok`` (n, A) and ``cost`` (n, A, 3)."""
    aff, base = world.affinity, world.baseline
    prisoner, linkage_cost = world.prisoner, world.linkage_cost
    alt_action, alt_target = alternatives.action, alternatives.target
    alt_target2, valid = alternatives.target2, alternatives.valid
    target_or_self = alternatives.target_or_self
    requires, min_crisis = requirements.requires, requirements.min_crisis
    static_cost, goldstein_other = requirements.static_cost, requirements.goldstein_other
    expression = requirements.expression
    n, width = alt_action.shape
    for i in range(n):
        for a in range(width):
            for c in range(3):
                cost[i, a, c] = static_cost[i, a, c]
    stance = np.empty((n, n))  # each stance once, not once per alternative
    for p in range(n):
        for q in range(n):
            stance[p, q] = math.tanh(aff[p, q])
    for i in range(n):
        for a in range(width):
            k = alt_action[i, a]
            good = valid[i, a]
            if requires[k] == 1:
                x, y = alt_target[i, a], alt_target2[i, a]
                depth = max(0.0, (base[x, y] + base[y, x] - aff[x, y] - aff[y, x]) / 2.0)
                good = good and depth >= min_crisis[k]
            elif requires[k] == 2:
                t = alt_target[i, a]
                good = good and prisoner[i, t]
                cost[i, a, 2] += linkage_cost[i, t]
            ok[i, a] = good
            cost[i, a, 2] -= (
                expression * goldstein_other[i, a] / 10.0 * stance[i, target_or_self[i, a]]
            )


@njit(cache=True)
def beliefs(counts, available, prior_weight):
    """As ``decisions.fictitious_beliefs``."""
    out = np.empty(counts.shape)
    write_beliefs(out, counts, available, prior_weight)
    return out


@njit(cache=True)
def write_beliefs(out, counts, available, prior_weight):
    """:func:`beliefs` written into ``out`` (n, A)."""
    n, width = counts.shape
    for i in range(n):
        navail = 0.0
        for a in range(width):
            if available[i, a]:
                navail += 1.0
        prior = prior_weight / max(navail, 1.0)
        total = 0.0
        for a in range(width):
            out[i, a] = 0.0
            if available[i, a]:
                out[i, a] = counts[i, a] + prior
                total += out[i, a]
        for a in range(width):
            out[i, a] /= total


@njit(cache=True)
def expected_effects(d_aff, d_stk, belief):
    """Each actor's belief-weighted effects of its alternatives: (n, n, n) and (n, n, 3)."""
    n, width = belief.shape
    exp_aff = np.zeros((n, n, n))
    exp_stk = np.zeros((n, n, 3))
    for j in range(n):
        for a in range(width):
            b = belief[j, a]
            if b == 0.0:
                continue
            for p in range(n):
                for q in range(n):
                    exp_aff[j, p, q] += b * d_aff[j, a, p, q]
                for c in range(3):
                    exp_stk[j, p, c] += b * d_stk[j, a, p, c]
    return exp_aff, exp_stk


@njit(cache=True)
def look_ahead_powers(rho, stock_decay, oil_deviation, oil_persistence, steps):
    """Rows over look-ahead steps h: rho^h, the grievance's accumulated drift
    (1 + rho + ... + rho^(h-1)), the oil deviation, and the three stocks' decay^h."""
    powers = np.empty((6, steps))
    for h in range(steps):
        powers[0, h] = rho**h
        powers[1, h] = h if rho == 1.0 else (1.0 - powers[0, h]) / (1.0 - rho)
        powers[2, h] = oil_deviation * oil_persistence**h
        for c in range(3):
            powers[3 + c, h] = stock_decay[c] ** h
    return powers


@njit(cache=True)
def other_states(n):
    """Row i: the states other than i, in order (n, n - 1)."""
    others = np.empty((n, n - 1), dtype=np.int64)
    for i in range(n):
        kk = 0
        for k in range(n):
            if k != i:
                others[i, kk] = k
                kk += 1
    return others


@njit(cache=True)
def election_terms(others, ant_state, ant_offset, steps):
    """The look-ahead terms a foreseen election touches, for each actor i: rows (kk, h, event)
    of ``pair[:, i, :pairs[i]]``, where the election is in state ``others[i, kk]`` and at or
    before step h; within a term in the order of the events, the order they apply in."""
    n = others.shape[0]
    n_ant = ant_offset.shape[0]
    pair = np.empty((3, n, (n - 1) * steps * max(n_ant, 1)), dtype=np.int64)
    pairs = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for kk in range(n - 1):
            for h in range(steps):
                for e in range(n_ant):
                    if ant_state[e] == others[i, kk] and 1 <= ant_offset[e] <= h:
                        pair[0, i, pairs[i]] = kk
                        pair[1, i, pairs[i]] = h
                        pair[2, i, pairs[i]] = e
                        pairs[i] += 1
    return pair, pairs


class Prospect(NamedTuple):
    """What every alternative's look-ahead starts from, at one step of one run."""

    relaxed: np.ndarray  # (n, n) the affinity relaxed one step, less the grievances
    exp_aff: np.ndarray  # (n, n, n) each actor's belief-weighted effects on affinity
    exp_stk: np.ndarray  # (n, n, 3) and on the stocks
    tot_aff: np.ndarray  # (n, n) their sum over actors
    tot_stk: np.ndarray  # (n, 3)
    decayed: np.ndarray  # (n, 3) the stocks decayed one step
    powers: np.ndarray  # (6, H+1) look_ahead_powers
    others: np.ndarray  # (n, n-1) other_states
    offset: np.ndarray  # (E,) steps until each election
    fade: np.ndarray  # (max(E, 1),) prestige decay until each election within the horizon
    pair: np.ndarray  # (3, n, ...) election_terms
    pairs: np.ndarray  # (n,)


class Lines(NamedTuple):
    """The look-ahead's stance lines (see :func:`evaluate`), S available alternatives
    ("slots") and L_own, L_tow lines."""

    slot: np.ndarray  # (2, S) each slot's actor and alternative
    own: np.ndarray  # (3, L_own) z, b, g of i's stances toward the others
    tow: np.ndarray  # (6, L_tow) z, b, g of the others' toward i; the shares that weigh them
    own_of: np.ndarray  # (L_tow,) the own line of each tow line
    stk0: np.ndarray  # (S, 3) each slot's stocks after the step
    survive: np.ndarray  # (S, max(E, 1)) each election's chance to keep its incumbent
    n_pairs: int  # the (slot, election term) pairs


@njit(cache=True, error_model="numpy")
def evaluate(world, step, options, params):
    """As ``expectations.Evaluator.evaluate``: weighted expected-utility components (n, A, 3)
    of the alternatives' ``options`` (``params.Options``) at step ``step``, computed for
    available alternatives only (the others stay 0).

    In three passes, so that the stances' tanh (most of the work) run in long flat loops that
    vectorise: the tanh arguments of every available alternative, look-ahead step and other
    state (:func:`stance_lines`, :func:`stance_arguments`); their tanh; then the sums, in the
    order ``expectations`` sums them (:func:`weigh`).

    Each available alternative (a "slot") of actor i weighs, for every other state k and
    look-ahead step h, i's stance toward k ("own") and k's stance toward i ("tow"). Both are
    tanh(b + rho^h (z - b) - drift_h g) of a "line" (z, b, g); the arrays hold step h's
    arguments of all lines together (index h * lines + line), so that the loops over lines are
    long. An own line that i's act leaves as it is (the act does not touch i's row there) is
    shared by all of i's alternatives. (An allocation costs as much as dozens of tanh: arrays
    come in groups, rows taken as views.)"""
    ahead = prospect(world, step, options, params)
    lines = stance_lines(world, options, params, ahead)
    own, tow, lost = stance_arguments(lines, ahead, params)
    tanh_all(own)
    tanh_all(tow)
    tanh_all(lost)
    return weigh(lines, ahead, (own, tow, lost), options, params)


@njit(cache=True, error_model="numpy", inline="always")
def prospect(world, step, options, params):
    """The :class:`Prospect` of a step."""
    aff, base, grievance, stocks = world.affinity, world.baseline, world.grievance, world.stocks
    d_aff, d_stk, belief = options.d_aff, options.d_stk, options.belief
    rho, stock_decay = params.relaxation
    elections = params.elections
    ant_offset = elections.step - step
    n = belief.shape[0]
    steps = params.decision.discount.shape[0]
    horizon = steps - 1
    exp_aff, exp_stk = expected_effects(d_aff, d_stk, belief)
    tot_aff = exp_aff.sum(axis=0)
    tot_stk = exp_stk.sum(axis=0)
    relaxed = np.empty((n, n))
    for p in range(n):
        for q in range(n):
            relaxed[p, q] = base[p, q] + rho * (aff[p, q] - base[p, q]) - grievance[p, q]
    powers = look_ahead_powers(rho, stock_decay, world.oil_deviation, world.oil_persistence, steps)
    decayed = np.empty((n, 3))
    for p in range(n):
        for c in range(3):
            decayed[p, c] = stocks[p, c] * stock_decay[c]
    others = other_states(n)
    n_ant = ant_offset.shape[0]
    fade = np.ones(max(n_ant, 1))
    for e in range(n_ant):
        if 1 <= ant_offset[e] <= horizon:
            fade[e] = stock_decay[0] ** (ant_offset[e] - 1)
    pair, pairs = election_terms(others, elections.state, ant_offset, steps)
    return Prospect(
        relaxed, exp_aff, exp_stk, tot_aff, tot_stk, decayed, powers, others, ant_offset, fade,
        pair, pairs,
    )  # fmt: skip


@njit(cache=True, inline="always")
def count_lines(available, d_aff, pairs):
    """The available alternatives (slots), the own lines (the shared ones and those an act
    changes) and the (slot, election term) pairs."""
    n, width = available.shape
    slots = 0
    own_lines = n * (n - 1)
    n_pairs = 0
    for i in range(n):
        for a in range(width):
            if available[i, a]:
                slots += 1
                n_pairs += pairs[i]
                for k in range(n):
                    if k != i and d_aff[i, a, i, k] != 0.0:
                        own_lines += 1
    return slots, own_lines, n_pairs


@njit(cache=True, error_model="numpy", inline="always")
def stance_lines(world, options, params, ahead):
    """Pass 1: the :class:`Lines` of a step, each slot's stocks and elections' chances."""
    base, grievance = world.baseline, world.grievance
    available, d_aff, d_stk = options.available, options.d_aff, options.d_stk
    keeps_grievance = params.alternatives.keeps_grievance
    elections = params.elections
    ant_offset, others, relaxed = ahead.offset, ahead.others, ahead.relaxed
    exp_aff, exp_stk, tot_aff, tot_stk = ahead.exp_aff, ahead.exp_stk, ahead.tot_aff, ahead.tot_stk
    decayed, fade = ahead.decayed, ahead.fade
    n, width = available.shape
    horizon = params.decision.discount.shape[0] - 1
    n_ant = ant_offset.shape[0]
    slots, own_lines, n_pairs = count_lines(available, d_aff, ahead.pairs)
    lines = Lines(
        np.empty((2, slots), dtype=np.int64),
        np.empty((3, own_lines)),
        np.empty((6, slots * (n - 1))),
        np.empty(slots * (n - 1), dtype=np.int64),
        np.empty((slots, 3)),
        np.empty((slots, max(n_ant, 1))),
        n_pairs,
    )
    slot_i, slot_a = lines.slot[0], lines.slot[1]
    own_z, own_b, own_g = lines.own[0], lines.own[1], lines.own[2]
    tow_z, tow_b, tow_g = lines.tow[0], lines.tow[1], lines.tow[2]
    own_of, stk0, p_survive = lines.own_of, lines.stk0, lines.survive
    for i in range(n):
        for kk in range(n - 1):
            k = others[i, kk]
            line = i * (n - 1) + kk
            own_z[line] = relaxed[i, k] + tot_aff[i, k] - exp_aff[i, i, k]
            own_b[line] = base[i, k]
            own_g[line] = grievance[i, k]
    free = n * (n - 1)
    s = 0
    for i in range(n):
        for a in range(width):
            if not available[i, a]:
                continue
            slot_i[s] = i
            slot_a[s] = a
            for c in range(3):
                stk0[s, c] = decayed[i, c] + d_stk[i, a, i, c] + tot_stk[i, c] - exp_stk[i, i, c]
            for e in range(n_ant):
                st = elections.state[e]
                if 1 <= ant_offset[e] <= horizon and st != i:
                    prest = decayed[st, 0] + d_stk[i, a, st, 0] + tot_stk[st, 0] - exp_stk[i, st, 0]
                    prest *= fade[e]
                    x = elections.bias[e] + elections.slope[e] * prest
                    p_survive[s, e] = 1.0 / (1.0 + math.exp(-x))
            for kk in range(n - 1):
                k = others[i, kk]
                line = kk * slots + s
                if d_aff[i, a, i, k] != 0.0:
                    own_z[free] = (
                        relaxed[i, k] + d_aff[i, a, i, k] + tot_aff[i, k] - exp_aff[i, i, k]
                    )
                    own_b[free] = base[i, k]
                    own_g[free] = grievance[i, k]
                    own_of[line] = free
                    free += 1
                else:
                    own_of[line] = i * (n - 1) + kk
                tow_z[line] = relaxed[k, i] + d_aff[i, a, k, i] + tot_aff[k, i] - exp_aff[i, k, i]
                tow_b[line] = base[k, i]
                tow_g[line] = grievance[k, i] * keeps_grievance[i, a, k]
            s += 1
    return lines


@njit(cache=True, error_model="numpy", inline="always")
def stance_arguments(lines, ahead, params):
    """The tanh arguments of every line at every look-ahead step (own, tow), and of each tow
    line an election touches if the incumbent loses (lost)."""
    slots = lines.slot.shape[1]
    own_lines, tow_lines = lines.own.shape[1], lines.tow.shape[1]
    own_z, own_b, own_g = lines.own[0], lines.own[1], lines.own[2]
    tow_z, tow_b, tow_g = lines.tow[0], lines.tow[1], lines.tow[2]
    rho_h, drift_h = ahead.powers[0], ahead.powers[1]
    steps = rho_h.shape[0]
    own = np.empty(steps * own_lines)
    tow = np.empty(steps * tow_lines)
    for h in range(steps):
        r, d = rho_h[h], drift_h[h]
        at = h * own_lines
        for j in range(own_lines):
            own[at + j] = own_b[j] + r * (own_z[j] - own_b[j]) - d * own_g[j]
        at = h * tow_lines
        for j in range(tow_lines):
            tow[at + j] = tow_b[j] + r * (tow_z[j] - tow_b[j]) - d * tow_g[j]
    lost = np.empty(lines.n_pairs)  # k's stance toward i if k's incumbent loses
    pair, pairs, ant_shift = ahead.pair, ahead.pairs, params.elections.shift
    q = 0
    for s in range(slots):
        i = lines.slot[0, s]
        for j in range(pairs[i]):
            m = pair[1, i, j] * tow_lines + pair[0, i, j] * slots + s
            lost[q] = tow[m] + ant_shift[pair[2, i, j], i]
            q += 1
    return own, tow, lost


@njit(cache=True, error_model="numpy", inline="always")
def weigh(lines, ahead, stances, options, params):
    """Pass 3: each election's mix of the stances, then the discounted sums of every slot's
    payoff components, weighted (n, A, 3)."""
    own, tow, lost = stances
    costs = options.costs
    salience, trade_share, standing_share, oil_exposure, threat_aversion, weights = params.payoffs
    discount = params.decision.discount
    powers, others, pair, pairs = ahead.powers, ahead.others, ahead.pair, ahead.pairs
    slot_i, slot_a = lines.slot[0], lines.slot[1]
    sal, trade, stand = lines.tow[3], lines.tow[4], lines.tow[5]
    own_of, stk0, p_survive = lines.own_of, lines.stk0, lines.survive
    n, width = options.available.shape
    slots, steps = slot_i.shape[0], powers.shape[1]
    own_lines, tow_lines = lines.own.shape[1], lines.tow.shape[1]
    q = 0
    for s in range(slots):
        i = slot_i[s]
        for j in range(pairs[i]):
            m = pair[1, i, j] * tow_lines + pair[0, i, j] * slots + s
            p = p_survive[s, pair[2, i, j]]
            tow[m] = p * tow[m] + (1.0 - p) * lost[q]
            q += 1
    for kk in range(n - 1):
        for s in range(slots):
            i = slot_i[s]
            k = others[i, kk]
            sal[kk * slots + s] = salience[i, k]
            trade[kk * slots + s] = trade_share[i, k]
            stand[kk * slots + s] = standing_share[i, k]
    sums = np.zeros((6, slots))
    sec_v, eco_v, pre_v, sec, eco, pre = sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]
    for h in range(steps):
        sec.fill(0.0)
        eco.fill(0.0)
        pre.fill(0.0)
        for kk in range(n - 1):
            at = h * tow_lines + kk * slots
            own_at = h * own_lines
            for s in range(slots):
                line = kk * slots + s
                st = tow[at + s]
                so = own[own_at + own_of[line]]
                sec[s] += sal[line] * (threat_aversion * st if st < 0.0 else st)
                eco[s] += trade[line] * (so + st)
                pre[s] += stand[line] * st
        w, oil = discount[h], powers[2, h]
        for s in range(slots):
            i = slot_i[s]
            sh0 = stk0[s, 0] * powers[3, h]
            sh1 = stk0[s, 1] * powers[4, h]
            sh2 = stk0[s, 2] * powers[5, h]
            sec_v[s] += w * (POINTS * sec[s] - sh1)
            eco_v[s] += w * (POINTS * (eco[s] / 2.0 + oil_exposure[i] * oil) - sh2)
            pre_v[s] += w * (POINTS * pre[s] + sh0)
    out = np.zeros((n, width, 3))
    for s in range(slots):
        i, a = slot_i[s], slot_a[s]
        out[i, a, 0] = weights[i, 0] * (sec_v[s] - discount[0] * costs[i, a, 0])
        out[i, a, 1] = weights[i, 1] * (eco_v[s] - discount[0] * costs[i, a, 1])
        out[i, a, 2] = weights[i, 2] * (pre_v[s] - discount[0] * costs[i, a, 2])
    return out


@njit(cache=True)
def choice_probabilities(values, available, lam, best_response):
    """As ``decisions.logit`` (or ``decisions.best_response`` when ``best_response``)."""
    n, width = values.shape
    out = np.zeros((n, width))
    for i in range(n):
        best, arg = -np.inf, -1
        for a in range(width):
            if available[i, a] and values[i, a] > best:
                best, arg = values[i, a], a
        if best_response:
            out[i, arg] = 1.0
            continue
        total = 0.0
        top = lam[i] * best
        for a in range(width):
            if available[i, a]:
                out[i, a] = math.exp(lam[i] * values[i, a] - top)
                total += out[i, a]
        for a in range(width):
            out[i, a] /= total
    return out


@njit(cache=True)
def realised_payoffs(aff, stocks, oil_deviation, payoffs):
    """As ``payoffs.components`` for every actor on the current world: (n, 3)."""
    salience, trade_share, standing_share = (
        payoffs.salience,
        payoffs.trade_share,
        payoffs.standing_share,
    )
    oil_exposure, threat_aversion = payoffs.oil_exposure, payoffs.threat_aversion
    n = aff.shape[0]
    out = np.zeros((n, 3))
    for i in range(n):
        sec = 0.0
        eco = 0.0
        pre = 0.0
        for k in range(n):
            if k == i:
                continue
            so = math.tanh(aff[i, k])
            st = math.tanh(aff[k, i])
            sec += salience[i, k] * (threat_aversion * st if st < 0.0 else st)
            eco += trade_share[i, k] * (so + st)
            pre += standing_share[i, k] * st
        out[i, 0] = POINTS * sec - stocks[i, 1]
        out[i, 1] = POINTS * (eco / 2.0 + oil_exposure[i] * oil_deviation) - stocks[i, 2]
        out[i, 2] = POINTS * pre + stocks[i, 0]
    return out


@njit(cache=True)
def draw(probabilities, u):
    """As ``decisions.sample`` for every row: inverse-CDF draws, never a zero-probability slot."""
    n, width = probabilities.shape
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        total = 0.0
        for a in range(width):
            total += probabilities[i, a]
        threshold = u[i] * total
        cum = 0.0
        pick = -1
        for a in range(width):
            if probabilities[i, a] == 0.0:
                continue
            pick = a
            cum += probabilities[i, a]
            if cum > threshold:
                break
        out[i] = pick
    return out


@njit(cache=True)
def advance(world, d_aff, d_stk, choice, costs, relaxation, payoffs):
    """As ``backends.NumpyBackend.advance``: relax, erode grievances, add the chosen acts'
    effects (``d_aff`` (n, A, n, n), ``d_stk`` (n, A, n, 3), ``choice`` (n,)); then the realised
    payoffs net of the acts' costs (``costs`` (n, A, 3)), and the utilities. The tuples may be
    plain tuples of their fields, as in :func:`decide`."""
    w = WorldArrays(*world)
    n = w.affinity.shape[0]
    new_aff = np.empty((n, n))
    new_stk = np.empty((n, 3))
    realised = np.empty((n, 3))
    utility = np.empty(n)
    out = (new_aff, new_stk, realised, utility)
    write_advance(out, w, d_aff, d_stk, choice, costs, Relaxation(*relaxation), Payoffs(*payoffs))
    return new_aff, new_stk, realised, utility


@njit(cache=True)
def write_advance(out, world, d_aff, d_stk, choice, costs, relaxation, payoffs):
    """:func:`advance` written into ``out``: the new affinity (n, n) and stocks (n, 3), the
    realised payoffs (n, 3) and the utilities (n,); the world's arrays may be the new ones (an
    ensemble advances in place: each element is read before it is written)."""
    new_aff, new_stk, realised, utility = out
    aff, base, grievance, stocks = world.affinity, world.baseline, world.grievance, world.stocks
    rho, stock_decay = relaxation
    weights = payoffs.weights
    n = aff.shape[0]
    for p in range(n):
        for q in range(n):
            new_aff[p, q] = base[p, q] + rho * (aff[p, q] - base[p, q]) - grievance[p, q]
        for c in range(3):
            new_stk[p, c] = stocks[p, c] * stock_decay[c]
    for i in range(n):
        a = choice[i]
        for p in range(n):
            for q in range(n):
                new_aff[p, q] += d_aff[i, a, p, q]
            for c in range(3):
                new_stk[p, c] += d_stk[i, a, p, c]
    paid = realised_payoffs(new_aff, new_stk, world.oil_deviation, payoffs)
    for i in range(n):
        utility[i] = 0.0
        for c in range(3):
            realised[i, c] = paid[i, c] - costs[i, choice[i], c]
            utility[i] += weights[i, c] * realised[i, c]


@njit(cache=True)
def decide(world, counts, step, params):
    """One step's decision numbers in a single compiled call (see ``backends.NumpyBackend``):
    the world (``params.WorldArrays``), the choice counts (n, A), the step and the run's
    ``params.KernelParams``; the tuples may come as plain tuples of their fields
    (``params.plain``), which Numba's dispatcher types faster (see :func:`named`)."""
    w, p = WorldArrays(*world), named(params)
    alternatives = p.alternatives
    n, width = alternatives.action.shape
    available, costs = availability_and_costs(w, alternatives, p.requirements)
    acts = Acts(
        alternatives.actor,
        alternatives.action.ravel(),
        alternatives.target.ravel(),
        alternatives.target2.ravel(),
    )
    d_aff, d_stk = alternative_effects(w.affinity, w.baseline, acts, p.effects)
    d_aff = d_aff.reshape((n, width, n, n))
    d_stk = d_stk.reshape((n, width, n, 3))
    decision = p.decision
    belief = beliefs(counts, available, decision.prior_weight)
    components = evaluate(w, step, Options(available, d_aff, d_stk, costs, belief), p)
    probabilities = choice_probabilities(
        components.sum(axis=2), available, decision.lam, decision.best_response
    )
    return available, d_aff, d_stk, costs, components, probabilities


@njit(cache=True)
def named(params):
    """``params.KernelParams`` of a plain tuple of its groups' fields (or of a KernelParams).

    Numba's dispatcher types a NamedTuple argument field by field (some 0.15 us per field and
    0.6 us per group of a nested one, measured on numba 0.68), a plain tuple several times
    faster; a run's kernels are called twice a step from Python, so :class:`NumbaBackend`
    passes its constants as plain tuples and the kernels name them here, for free."""
    return KernelParams(
        Alternatives(*params[0]),
        Effects(*params[1]),
        Requirements(*params[2]),
        Payoffs(*params[3]),
        Elections(*params[4]),
        Relaxation(*params[5]),
        Decision(*params[6]),
    )
