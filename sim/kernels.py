"""Compiled (Numba) versions of the per-step numeric functions.

The readable definitions are the NumPy functions in ``actions``, ``expectations``, ``decisions``
and ``payoffs``; these kernels compute the same numbers with loops compiled to machine code,
because at this model's size (a few states, a few dozen alternatives) NumPy spends its time in
per-call overhead. ``tests/test_kernels.py`` checks that both agree to 1e-12 and that whole runs
choose the same actions.
"""

import math

import numpy as np
from numba import njit

POINTS = 100.0


@njit(cache=True, inline="always")
def tanh(x):
    """tanh through one exp: about twice as fast as libm's tanh here, equal to ~1e-15."""
    if x > 20.0:
        return 1.0
    if x < -20.0:
        return -1.0
    return 1.0 - 2.0 / (math.exp(2.0 * x) + 1.0)


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
    d_aff = np.zeros((m, n, n))
    d_stk = np.zeros((m, n, 3))
    stance = np.empty((n, n))  # each stance once, not once per act
    for p in range(n):
        for q in range(n):
            stance[p, q] = math.tanh(aff[p, q])
    for r in range(m):
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
    return d_aff, d_stk


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
):
    """As ``actions.availability`` and ``Evaluator.costs``: (n, A) bool and (n, A, 3)."""
    n, width = alt_action.shape
    ok = np.zeros((n, width), dtype=np.bool_)
    cost = static_cost.copy()
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
                expression * goldstein_other[i, a] / 10.0 * math.tanh(aff[i, target_or_self[i, a]])
            )
    return ok, cost


@njit(cache=True)
def beliefs(counts, available, prior_weight):
    """As ``decisions.fictitious_beliefs``."""
    n, width = counts.shape
    out = np.zeros((n, width))
    for i in range(n):
        navail = 0.0
        for a in range(width):
            if available[i, a]:
                navail += 1.0
        prior = prior_weight / max(navail, 1.0)
        total = 0.0
        for a in range(width):
            if available[i, a]:
                out[i, a] = counts[i, a] + prior
                total += out[i, a]
        for a in range(width):
            out[i, a] /= total
    return out


@njit(cache=True)
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
    weights,
    ant_offset,
    ant_state,
    ant_bias,
    ant_slope,
    ant_shift,
    available,
):
    """As ``expectations.Evaluator.evaluate``: weighted expected-utility components (n, A, 3),
    computed for available alternatives only (the others stay 0)."""
    n, width = belief.shape
    horizon = discount.shape[0] - 1
    # the others' expected effects, for each actor i: on its own row and on its column
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
    tot_aff = exp_aff.sum(axis=0)
    tot_stk = exp_stk.sum(axis=0)
    relaxed = base + rho * (aff - base) - grievance
    rho_h = np.empty(horizon + 1)
    drift_h = np.empty(horizon + 1)
    for h in range(horizon + 1):
        rho_h[h] = rho**h
        drift_h[h] = h if rho == 1.0 else (1.0 - rho**h) / (1.0 - rho)
    decay_h = np.empty((horizon + 1, 3))  # powers, once: they cost as much as the tanh below
    oil_h = np.empty(horizon + 1)
    for h in range(horizon + 1):
        for c in range(3):
            decay_h[h, c] = stock_decay[c] ** h
        oil_h[h] = oil_deviation * oil_persistence**h
    decayed = stocks * stock_decay
    out = np.zeros((n, width, 3))
    own0 = np.empty(n)
    tow0 = np.empty(n)
    stk0 = np.empty(3)
    n_ant = ant_offset.shape[0]
    p_survive = np.empty(n_ant)
    own_shared = np.empty((horizon + 1, n))  # the actor's own row when its act leaves it unchanged
    so_val = np.empty((horizon + 1, n))
    z_arg = np.empty((horizon + 1) * n)
    z_val = np.empty((horizon + 1) * n)
    for i in range(n):
        for h in range(horizon + 1):
            for k in range(n):
                z = relaxed[i, k] + tot_aff[i, k] - exp_aff[i, i, k]
                zo = base[i, k] + rho_h[h] * (z - base[i, k]) - drift_h[h] * grievance[i, k]
                own_shared[h, k] = tanh(zo)
        for a in range(width):
            if not available[i, a]:
                continue
            for k in range(n):
                own0[k] = relaxed[i, k] + d_aff[i, a, i, k] + tot_aff[i, k] - exp_aff[i, i, k]
                tow0[k] = relaxed[k, i] + d_aff[i, a, k, i] + tot_aff[k, i] - exp_aff[i, k, i]
            for c in range(3):
                stk0[c] = decayed[i, c] + d_stk[i, a, i, c] + tot_stk[i, c] - exp_stk[i, i, c]
            for e in range(n_ant):
                s = ant_state[e]
                if 1 <= ant_offset[e] <= horizon and s != i:
                    prest = decayed[s, 0] + d_stk[i, a, s, 0] + tot_stk[s, 0] - exp_stk[i, s, 0]
                    prest *= stock_decay[0] ** (ant_offset[e] - 1)
                    p_survive[e] = 1.0 / (1.0 + math.exp(-(ant_bias[e] + ant_slope[e] * prest)))
            # the stances' arguments first, then their tanh in one flat loop (independent
            # calls overlap), then the sums: the same numbers in the same order as one loop
            m = 0
            for h in range(horizon + 1):
                for k in range(n):
                    if k == i:
                        continue
                    if d_aff[i, a, i, k] != 0.0:
                        so_val[h, k] = tanh(
                            base[i, k]
                            + rho_h[h] * (own0[k] - base[i, k])
                            - drift_h[h] * grievance[i, k]
                        )
                    else:
                        so_val[h, k] = own_shared[h, k]
                    z_arg[m] = (
                        base[k, i]
                        + rho_h[h] * (tow0[k] - base[k, i])
                        - drift_h[h] * grievance[k, i] * keeps_grievance[i, a, k]
                    )
                    m += 1
            for j in range(m):
                z_val[j] = tanh(z_arg[j])
            sec_v = 0.0
            eco_v = 0.0
            pre_v = 0.0
            m = 0
            for h in range(horizon + 1):
                sec = 0.0
                eco = 0.0
                pre = 0.0
                for k in range(n):
                    if k == i:
                        continue
                    so = so_val[h, k]
                    zt = z_arg[m]
                    st = z_val[m]
                    m += 1
                    for e in range(n_ant):
                        if ant_state[e] == k and k != i and 1 <= ant_offset[e] <= h:
                            p = p_survive[e]
                            st = p * st + (1.0 - p) * tanh(zt + ant_shift[e, i])
                    sec += salience[i, k] * (threat_aversion * st if st < 0.0 else st)
                    eco += trade_share[i, k] * (so + st)
                    pre += standing_share[i, k] * st
                sh0 = stk0[0] * decay_h[h, 0]
                sh1 = stk0[1] * decay_h[h, 1]
                sh2 = stk0[2] * decay_h[h, 2]
                oil = oil_h[h]
                w = discount[h]
                sec_v += w * (POINTS * sec - sh1)
                eco_v += w * (POINTS * (eco / 2.0 + oil_exposure[i] * oil) - sh2)
                pre_v += w * (POINTS * pre + sh0)
            out[i, a, 0] = weights[i, 0] * (sec_v - discount[0] * costs[i, a, 0])
            out[i, a, 1] = weights[i, 1] * (eco_v - discount[0] * costs[i, a, 1])
            out[i, a, 2] = weights[i, 2] * (pre_v - discount[0] * costs[i, a, 2])
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
def realised_payoffs(
    aff, stocks, oil_deviation, salience, trade_share, standing_share, oil_exposure, threat_aversion
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
def advance(
    aff,
    base,
    grievance,
    stocks,
    stock_decay,
    rho,
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
    weights,
):
    """As ``backends.NumpyBackend.advance``: relax, erode grievances, add the chosen acts'
    effects; then the realised payoffs net of the acts' costs, and the utilities."""
    n = aff.shape[0]
    new_aff = base + rho * (aff - base) - grievance
    new_stk = stocks * stock_decay
    for i in range(n):
        a = choice[i]
        new_aff += d_aff[i, a]
        new_stk += d_stk[i, a]
    realised = realised_payoffs(
        new_aff,
        new_stk,
        oil_deviation,
        salience,
        trade_share,
        standing_share,
        oil_exposure,
        threat_aversion,
    )
    utility = np.zeros(n)
    for i in range(n):
        for c in range(3):
            realised[i, c] -= costs[i, choice[i], c]
            utility[i] += weights[i, c] * realised[i, c]
    return new_aff, new_stk, realised, utility


@njit(cache=True)
def decide(
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
):
    """One step's decision numbers in a single compiled call (see ``backends.NumpyBackend``;
    the arguments after ``step`` are the fields of ``backends.KernelParams``)."""
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


# ---------------------------------------------------------------------------------------------
# Ensembles: many runs of one scenario shape at once (``sim.ensemble``). Each run's world and
# constants are row r of arrays with a leading run axis; the integer structure (alternatives,
# catalogue kinds, foreseen elections) is shared. Every run goes through the same kernels as a
# single run does, so the two agree number for number.


@njit(cache=True)
def act_many(
    aff,
    base,
    stocks,
    actor,
    action,
    target,
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
    """``model.EventContext.act`` for every run: the acts are computed on each run's world and
    added together, in place."""
    runs = aff.shape[0]
    target2 = np.full(actor.shape[0], -1, dtype=np.int64)
    for r in range(runs):
        d_aff, d_stk = alternative_effects(
            aff[r],
            base[r],
            actor,
            action,
            target,
            target2,
            effect[r],
            kind,
            visibility[r],
            prestige_self[r],
            prestige_target[r],
            damage_target[r],
            sanction_target[r],
            pair_goldstein[r],
            party_share[r],
            alpha[r],
            self_shift[r],
            heider[r],
            attribution[r],
        )
        aff[r] += d_aff.sum(axis=0)
        stocks[r] += d_stk.sum(axis=0)


@njit(cache=True)
def step_many(
    step,
    aff,
    base,
    grievance,
    stocks,
    prisoner,
    linkage_cost,
    linkage_persistence,
    oil_deviation,
    oil_persistence,
    counts,
    u,
    releases,
    rec_affinity,
    rec_payoffs,
    rec_utility,
    rec_choice,
    rec_probability,
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
):
    """``model.BalanceModel.step`` after the events, for every run: decide, draw (``u``: the
    runs' uniforms, (R, n)), advance, close released cases, count the choices, let oil and
    linkage costs fade, and record step ``step`` (1-based) in the ``rec_*`` arrays (R, T, ...)
    (the affinity: the stance is its tanh, taken after the run as NumPy takes it).
    The world arrays are changed in place."""
    runs, n = aff.shape[0], aff.shape[1]
    k = step - 1
    for r in range(runs):
        available, d_aff, d_stk, costs, components, probabilities = decide(
            aff[r],
            base[r],
            grievance[r],
            stocks[r],
            prisoner[r],
            linkage_cost[r],
            oil_deviation[r],
            oil_persistence[r],
            counts[r],
            step,
            prior_weight[r],
            alt_actor,
            alt_action,
            alt_target,
            alt_target2,
            valid,
            effect[r],
            kind,
            visibility[r],
            prestige_self[r],
            prestige_target[r],
            damage_target[r],
            sanction_target[r],
            pair_goldstein[r],
            party_share[r],
            requires,
            min_crisis[r],
            alpha[r],
            self_shift[r],
            heider[r],
            attribution[r],
            static_cost[r],
            goldstein_other[r],
            target_or_self,
            expression[r],
            stock_decay[r],
            rho[r],
            discount[r],
            keeps_grievance,
            salience[r],
            trade_share[r],
            standing_share[r],
            oil_exposure[r],
            threat_aversion[r],
            weights[r],
            ant_step,
            ant_state,
            ant_bias,
            ant_slope,
            ant_shift,
            lam[r],
            best_response,
        )
        choice = draw(probabilities, u[r])
        new_aff, new_stk, realised, utility = advance(
            aff[r],
            base[r],
            grievance[r],
            stocks[r],
            stock_decay[r],
            rho[r],
            d_aff,
            d_stk,
            choice,
            costs,
            oil_deviation[r],
            salience[r],
            trade_share[r],
            standing_share[r],
            oil_exposure[r],
            threat_aversion[r],
            weights[r],
        )
        aff[r] = new_aff
        stocks[r] = new_stk
        for i in range(n):
            a = choice[i]
            if releases[i, a]:
                t = alt_target[i, a]
                prisoner[r, i, t] = False
                grievance[r, t, i] = 0.0
                linkage_cost[r, i, t] = 0.0
            counts[r, i, a] += 1.0
            rec_choice[r, k, i] = a
            rec_probability[r, k, i] = probabilities[i, a]
            rec_utility[r, k, i] = utility[i]
            for c in range(3):
                rec_payoffs[r, k, i, c] = realised[i, c]
            for j in range(n):
                rec_affinity[r, k, i, j] = new_aff[i, j]
        oil_deviation[r] *= oil_persistence[r]
        linkage_cost[r] *= linkage_persistence[r]
