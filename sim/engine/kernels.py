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
"""

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

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
def alternative_effects(
    aff,
    base,
    actor,
    action,
    target,
    target2,
    effect,
    kind,
    visibility,
    prestige_self,
    prestige_target,
    damage_target,
    sanction_target,
    pair_goldstein,
    party_share,
    alpha,
    self_shift,
    heider,
    attribution,
):
    """As ``actions.act_effects`` for a batch of m acts: (m, n, n) and (m, n, 3)."""
    m, n = actor.shape[0], aff.shape[0]
    d_aff = np.empty((m, n, n))
    d_stk = np.empty((m, n, 3))
    write_effects(
        d_aff,
        d_stk,
        aff,
        base,
        actor,
        action,
        target,
        target2,
        effect,
        kind,
        visibility,
        prestige_self,
        prestige_target,
        damage_target,
        sanction_target,
        pair_goldstein,
        party_share,
        alpha,
        self_shift,
        heider,
        attribution,
    )
    return d_aff, d_stk


@njit(cache=True)
def write_effects(
    d_aff,
    d_stk,
    aff,
    base,
    actor,
    action,
    target,
    target2,
    effect,
    kind,
    visibility,
    prestige_self,
    prestige_target,
    damage_target,
    sanction_target,
    pair_goldstein,
    party_share,
    alpha,
    self_shift,
    heider,
    attribution,
):
    """:func:`alternative_effects` written into ``d_aff`` (m, n, n) and ``d_stk`` (m, n, 3)
    (an ensemble writes each run's straight into its block's arrays); each act's rows are
    cleared first, while they are in cache."""
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
def availability_and_costs(
    aff,
    base,
    prisoner,
    linkage_cost,
    alt_action,
    alt_target,
    alt_target2,
    valid,
    requires,
    min_crisis,
    static_cost,
    goldstein_other,
    target_or_self,
    expression,
    resolve,
    stocks,
):
    """As ``actions.availability`` and ``Evaluator.costs``: (n, A) bool and (n, A, 3)."""
    n, width = alt_action.shape
    ok = np.empty((n, width), dtype=np.bool_)
    cost = np.empty((n, width, 3))
    write_availability(
        ok,
        cost,
        aff,
        base,
        prisoner,
        linkage_cost,
        alt_action,
        alt_target,
        alt_target2,
        valid,
        requires,
        min_crisis,
        static_cost,
        goldstein_other,
        target_or_self,
        expression,
        resolve,
        stocks,
    )
    return ok, cost


@njit(cache=True)
def write_availability(
    ok,
    cost,
    aff,
    base,
    prisoner,
    linkage_cost,
    alt_action,
    alt_target,
    alt_target2,
    valid,
    requires,
    min_crisis,
    static_cost,
    goldstein_other,
    target_or_self,
    expression,
    resolve,
    stocks,
):
    """:func:`availability_and_costs` written into ``ok`` (n, A) and ``cost`` (n, A, 3)."""
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
            hostility = max(0.0, -stance[target_or_self[i, a], i])
            answer = max(0.0, -goldstein_other[i, a]) / 10.0
            cost[i, a, 2] -= resolve * stocks[i, 1] * answer * hostility


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


@njit(cache=True, error_model="numpy")
def evaluate(
    aff,
    base,
    grievance,
    stocks,
    stock_decay,
    oil_deviation,
    oil_persistence,
    d_aff,
    d_stk,
    belief,
    costs,
    rho,
    discount,
    keeps_grievance,
    salience,
    trade_share,
    standing_share,
    oil_exposure,
    threat_aversion,
    harm_weight,
    weights,
    ant_offset,
    ant_state,
    ant_bias,
    ant_slope,
    ant_shift,
    available,
):
    """As ``expectations.Evaluator.evaluate``: weighted expected-utility components (n, A, 3),
    computed for available alternatives only (the others stay 0).

    In three passes, so that the stances' tanh (most of the work) run in long flat loops that
    vectorise: the tanh arguments of every available alternative, look-ahead step and other
    state; their tanh; then the sums, in the order ``expectations`` sums them."""
    n, width = belief.shape
    horizon = discount.shape[0] - 1
    steps = horizon + 1
    # (an allocation costs as much as dozens of tanh: arrays come in groups, rows taken as views)
    exp_aff, exp_stk = expected_effects(d_aff, d_stk, belief)
    tot_aff = exp_aff.sum(axis=0)
    tot_stk = exp_stk.sum(axis=0)
    relaxed = np.empty((n, n))
    for p in range(n):
        for q in range(n):
            relaxed[p, q] = base[p, q] + rho * (aff[p, q] - base[p, q]) - grievance[p, q]
    powers = look_ahead_powers(rho, stock_decay, oil_deviation, oil_persistence, steps)
    rho_h, drift_h, oil_h = powers[0], powers[1], powers[2]
    decayed = np.empty((n, 3))
    for p in range(n):
        for c in range(3):
            decayed[p, c] = stocks[p, c] * stock_decay[c]
    # Each available alternative (a "slot") of actor i weighs, for every other state k and
    # look-ahead step h, i's stance toward k ("own") and k's stance toward i ("tow"). Both are
    # tanh(b + rho^h (z - b) - drift_h g) of a "line" (z, b, g); the arrays hold step h's
    # arguments of all lines together (index h * lines + line), so that the loops over lines are
    # long. An own line that i's act leaves as it is (the act does not touch i's row there) is
    # shared by all of i's alternatives.
    others = other_states(n)
    n_ant = ant_offset.shape[0]
    fade = np.ones(max(n_ant, 1))  # prestige decay until each election within the horizon
    for e in range(n_ant):
        if 1 <= ant_offset[e] <= horizon:
            fade[e] = stock_decay[0] ** (ant_offset[e] - 1)
    pair, pairs = election_terms(others, ant_state, ant_offset, steps)
    pair_kk, pair_h, pair_event = pair[0], pair[1], pair[2]
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
    tow_lines = slots * (n - 1)
    # pass 1: the lines, then the stances' arguments
    slot = np.empty((2, slots), dtype=np.int64)
    slot_i, slot_a = slot[0], slot[1]
    own_line = np.empty((3, own_lines))
    own_z, own_b, own_g = own_line[0], own_line[1], own_line[2]
    tow_line = np.empty((8, tow_lines))  # and the shares that weigh them, and k's harm
    tow_z, tow_b, tow_g = tow_line[0], tow_line[1], tow_line[2]
    sal, trade, stand = tow_line[3], tow_line[4], tow_line[5]
    harm_d, harm_s = tow_line[6], tow_line[7]  # k's damage and sanctions stocks
    own_of = np.empty(tow_lines, dtype=np.int64)  # the own line of each tow line
    stk0 = np.empty((slots, 3))
    p_survive = np.empty((slots, max(n_ant, 1)))
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
                st = ant_state[e]
                if 1 <= ant_offset[e] <= horizon and st != i:
                    prest = decayed[st, 0] + d_stk[i, a, st, 0] + tot_stk[st, 0] - exp_stk[i, st, 0]
                    prest *= fade[e]
                    p_survive[s, e] = 1.0 / (1.0 + math.exp(-(ant_bias[e] + ant_slope[e] * prest)))
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
                harm_d[line] = decayed[k, 1] + d_stk[i, a, k, 1] + tot_stk[k, 1] - exp_stk[i, k, 1]
                harm_s[line] = decayed[k, 2] + d_stk[i, a, k, 2] + tot_stk[k, 2] - exp_stk[i, k, 2]
            s += 1
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
    lost = np.empty(n_pairs)  # k's stance toward i if k's incumbent loses
    q = 0
    for s in range(slots):
        i = slot_i[s]
        for j in range(pairs[i]):
            m = pair_h[i, j] * tow_lines + pair_kk[i, j] * slots + s
            lost[q] = tow[m] + ant_shift[pair_event[i, j], i]
            q += 1
    # pass 2: the stances
    tanh_all(own)
    tanh_all(tow)
    tanh_all(lost)
    # pass 3: the sums, in the order ``expectations`` sums them, for all slots at once
    q = 0
    for s in range(slots):
        i = slot_i[s]
        for j in range(pairs[i]):
            m = pair_h[i, j] * tow_lines + pair_kk[i, j] * slots + s
            p = p_survive[s, pair_event[i, j]]
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
        p_d, p_s = powers[4, h], powers[5, h]
        for kk in range(n - 1):
            at = h * tow_lines + kk * slots
            own_at = h * own_lines
            for s in range(slots):
                line = kk * slots + s
                st = tow[at + s]
                so = own[own_at + own_of[line]]
                strong = 1.0 / (1.0 + harm_weight * (harm_d[line] * p_d + harm_s[line] * p_s))
                sec[s] += sal[line] * strong * (threat_aversion * st if st < 0.0 else st)
                eco[s] += trade[line] * (so + st)
                pre[s] += stand[line] * st
        w, oil = discount[h], oil_h[h]
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
        for a in range(width):
            if available[i, a]:
                gap = values[i, a] - best  # <= 0; exactly 0 at the best: no inf * 0 for any lam
                out[i, a] = 1.0 if gap == 0.0 else math.exp(lam[i] * gap)
                total += out[i, a]
        for a in range(width):
            out[i, a] /= total
    return out


@njit(cache=True)
def realised_payoffs(
    aff,
    stocks,
    oil_deviation,
    salience,
    trade_share,
    standing_share,
    oil_exposure,
    threat_aversion,
    harm_weight,
):
    """As ``payoffs.components`` for every actor on the current world: (n, 3)."""
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
            strong = 1.0 / (1.0 + harm_weight * (stocks[k, 1] + stocks[k, 2]))
            sec += salience[i, k] * strong * (threat_aversion * st if st < 0.0 else st)
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
def _advance(
    aff,
    base,
    grievance,
    stocks,
    stock_decay,
    rho,
    balance_rate,
    reciprocity,
    d_aff,
    d_stk,
    choice,
    costs,
    oil_deviation,
    salience,
    trade_share,
    standing_share,
    oil_exposure,
    threat_aversion,
    harm_weight,
    weights,
):
    """As ``backends.NumpyBackend.advance``: relax, erode grievances, add the chosen acts'
    effects; then the realised payoffs net of the acts' costs, and the utilities."""
    n = aff.shape[0]
    new_aff = np.empty((n, n))
    new_stk = np.empty((n, 3))
    realised = np.empty((n, 3))
    utility = np.empty(n)
    write_advance(
        new_aff,
        new_stk,
        realised,
        utility,
        aff,
        base,
        grievance,
        stocks,
        stock_decay,
        rho,
        balance_rate,
        reciprocity,
        d_aff,
        d_stk,
        choice,
        costs,
        oil_deviation,
        salience,
        trade_share,
        standing_share,
        oil_exposure,
        threat_aversion,
        harm_weight,
        weights,
    )
    return new_aff, new_stk, realised, utility


@njit(cache=True)
def balance_drift(aff, rate, reciprocity):
    """As ``balance.balance_drift`` of the stances tanh(aff) (n, n)."""
    n = aff.shape[0]
    out = np.zeros((n, n))
    if rate == 0.0 and reciprocity == 0.0:
        return out
    s = np.tanh(aff)
    for p in range(n):
        s[p, p] = 0.0
    third = max(n - 2, 1)
    for p in range(n):
        for q in range(n):
            if p == q:
                continue
            pull = 0.0
            for k in range(n):
                pull += s[p, k] * s[k, q]
            out[p, q] = rate * (pull / third) + reciprocity * (s[q, p] - s[p, q])
    return out


@njit(cache=True)
def write_advance(
    new_aff,
    new_stk,
    realised,
    utility,
    aff,
    base,
    grievance,
    stocks,
    stock_decay,
    rho,
    balance_rate,
    reciprocity,
    d_aff,
    d_stk,
    choice,
    costs,
    oil_deviation,
    salience,
    trade_share,
    standing_share,
    oil_exposure,
    threat_aversion,
    harm_weight,
    weights,
):
    """:func:`advance` written into ``new_aff`` (n, n), ``new_stk`` (n, 3), ``realised``
    (n, 3) and ``utility`` (n,); the world's arrays may be the new ones (an ensemble advances
    in place: each element is read before it is written)."""
    n = aff.shape[0]
    drift = balance_drift(aff, balance_rate, reciprocity)  # before aff is written over
    for p in range(n):
        for q in range(n):
            relaxed = base[p, q] + rho * (aff[p, q] - base[p, q])
            new_aff[p, q] = relaxed + drift[p, q] - grievance[p, q]
        for c in range(3):
            new_stk[p, c] = stocks[p, c] * stock_decay[c]
    for i in range(n):
        a = choice[i]
        for p in range(n):
            for q in range(n):
                new_aff[p, q] += d_aff[i, a, p, q]
            for c in range(3):
                new_stk[p, c] += d_stk[i, a, p, c]
    payoffs = realised_payoffs(
        new_aff,
        new_stk,
        oil_deviation,
        salience,
        trade_share,
        standing_share,
        oil_exposure,
        threat_aversion,
        harm_weight,
    )
    for i in range(n):
        utility[i] = 0.0
        for c in range(3):
            realised[i, c] = payoffs[i, c] - costs[i, choice[i], c]
            utility[i] += weights[i, c] * realised[i, c]


@njit(cache=True)
def _decide(
    aff,
    base,
    grievance,
    stocks,
    prisoner,
    linkage_cost,
    oil_deviation,
    oil_persistence,
    counts,
    step,
    prior_weight,
    alt_actor,
    alt_action,
    alt_target,
    alt_target2,
    valid,
    effect,
    kind,
    visibility,
    prestige_self,
    prestige_target,
    damage_target,
    sanction_target,
    pair_goldstein,
    party_share,
    requires,
    min_crisis,
    alpha,
    self_shift,
    heider,
    attribution,
    static_cost,
    goldstein_other,
    target_or_self,
    expression,
    stock_decay,
    rho,
    discount,
    keeps_grievance,
    salience,
    trade_share,
    standing_share,
    oil_exposure,
    threat_aversion,
    weights,
    ant_step,
    ant_state,
    ant_bias,
    ant_slope,
    ant_shift,
    lam,
    best_response,
    balance_rate,
    reciprocity,
    harm_weight,
    resolve,
):
    """One step's decision numbers in a single compiled call (see ``backends.NumpyBackend``;
    the arguments after ``step`` are the fields of ``backends.KernelParams``). Flat arguments:
    :func:`decide` is what Python calls."""
    ant_offset = ant_step - step
    n, width = alt_action.shape
    available, costs = availability_and_costs(
        aff,
        base,
        prisoner,
        linkage_cost,
        alt_action,
        alt_target,
        alt_target2,
        valid,
        requires,
        min_crisis,
        static_cost,
        goldstein_other,
        target_or_self,
        expression,
        resolve,
        stocks,
    )
    d_aff, d_stk = alternative_effects(
        aff,
        base,
        alt_actor,
        alt_action.ravel(),
        alt_target.ravel(),
        alt_target2.ravel(),
        effect,
        kind,
        visibility,
        prestige_self,
        prestige_target,
        damage_target,
        sanction_target,
        pair_goldstein,
        party_share,
        alpha,
        self_shift,
        heider,
        attribution,
    )
    d_aff = d_aff.reshape((n, width, n, n))
    d_stk = d_stk.reshape((n, width, n, 3))
    belief = beliefs(counts, available, prior_weight)
    components = evaluate(
        aff,
        base,
        grievance,
        stocks,
        stock_decay,
        oil_deviation,
        oil_persistence,
        d_aff,
        d_stk,
        belief,
        costs,
        rho,
        discount,
        keeps_grievance,
        salience,
        trade_share,
        standing_share,
        oil_exposure,
        threat_aversion,
        harm_weight,
        weights,
        ant_offset,
        ant_state,
        ant_bias,
        ant_slope,
        ant_shift,
        available,
    )
    probabilities = choice_probabilities(components.sum(axis=2), available, lam, best_response)
    return available, d_aff, d_stk, costs, components, probabilities


@njit(cache=True)
def _expected(
    aff,
    base,
    grievance,
    stocks,
    prisoner,
    linkage_cost,
    oil_deviation,
    oil_persistence,
    d_aff,
    d_stk,
    costs,
    available,
    belief,
    step,
    prior_weight,
    alt_actor,
    alt_action,
    alt_target,
    alt_target2,
    valid,
    effect,
    kind,
    visibility,
    prestige_self,
    prestige_target,
    damage_target,
    sanction_target,
    pair_goldstein,
    party_share,
    requires,
    min_crisis,
    alpha,
    self_shift,
    heider,
    attribution,
    static_cost,
    goldstein_other,
    target_or_self,
    expression,
    stock_decay,
    rho,
    discount,
    keeps_grievance,
    salience,
    trade_share,
    standing_share,
    oil_exposure,
    threat_aversion,
    weights,
    ant_step,
    ant_state,
    ant_bias,
    ant_slope,
    ant_shift,
    lam,
    best_response,
    balance_rate,
    reciprocity,
    harm_weight,
    resolve,
):
    """The weighted expected-utility components (n, A, 3) of every alternative against
    ``belief`` (n, A): ``evaluate`` with the arguments of :func:`_decide`. Flat arguments:
    :func:`expected` is what Python calls."""
    return evaluate(
        aff, base, grievance, stocks, stock_decay, oil_deviation, oil_persistence, d_aff, d_stk,
        belief, costs, rho, discount, keeps_grievance, salience, trade_share, standing_share,
        oil_exposure, threat_aversion, harm_weight, weights, ant_step - step, ant_state, ant_bias, ant_slope,
        ant_shift, available,
    )  # fmt: skip


# Entry points: what Python calls. Each takes its arguments in a few plain tuples (a NamedTuple
# costs Numba's dispatcher about 2 us more a call to type) and hands them on, unpacked, to the
# flat-argument function above; inside compiled code the arrays travel as separate arguments,
# which keeps the loops as fast as before the grouping (issue 10: grouping them inside the
# kernels made sweeps 15% slower).


@njit(cache=True)
def decide(world, counts, step, params):
    """One step's decision numbers: ``world`` is ``backends.world_args`` (8 fields), ``counts``
    the choice counts (n, A), ``params`` the run's ``backends.KernelParams`` as a plain tuple.
    Returns available (n, A), d_aff (n, A, n, n), d_stk (n, A, n, 3), costs (n, A, 3),
    components (n, A, 3) and probabilities (n, A)."""
    return _decide(*world, counts, step, *params)


@njit(cache=True)
def advance(world, acts, oil_deviation, params):
    """Relax, erode grievances, add the chosen acts' effects, then the realised payoffs.

    ``world`` is (affinity, baseline, grievance, stocks); ``acts`` is (d_aff, d_stk, choice,
    costs) of this step; ``params`` is ``backends.KernelParams.advance_args()``."""
    aff, base, grievance, stocks = world
    d_aff, d_stk, choice, costs = acts
    (
        stock_decay,
        rho,
        balance_rate,
        reciprocity,
        salience,
        trade,
        standing,
        oil_exposure,
        threat,
        harm_weight,
        weights,
    ) = params
    return _advance(
        aff, base, grievance, stocks, stock_decay, rho, balance_rate, reciprocity, d_aff, d_stk,
        choice, costs, oil_deviation, salience, trade, standing, oil_exposure, threat, harm_weight,
        weights,
    )  # fmt: skip


@njit(cache=True)
def act(aff, base, acts, effect_params):
    """The effects of acts ``(actor, action, target)`` (each (k,)) on one world, all computed
    on the same world: d_aff (k, n, n) and d_stk (k, n, 3). ``effect_params`` is
    ``backends.KernelParams.effect_args()``."""
    actor, action, target = acts
    target2 = np.full(actor.shape[0], -1, dtype=np.int64)
    return alternative_effects(aff, base, actor, action, target, target2, *effect_params)


@njit(cache=True)
def expected(world, acts, belief, step, params):
    """The weighted expected-utility components (n, A, 3) of every alternative against the
    others' mixed strategies ``belief`` (n, A), as :func:`decide` computes them: what the
    ``qre`` rule iterates on.
    ``acts`` is (d_aff, d_stk, costs, available) as :func:`decide` returned them."""
    return _expected(*world, *acts, belief, step, *params)
