"""Many runs of one scenario shape at once (``sim.engine.ensemble``): a step of every run, and its
look-ahead with the run axis innermost.

``kernels.evaluate`` computes one run's expected utilities; most of its time goes to short
loops (three other states, seven look-ahead steps) and their indexing, not to arithmetic. Here a
block of runs of one scenario shape (the ensemble's runs: same actors, catalogue, elections)
goes through each loop together: every line of arithmetic acts on a vector of the block's runs,
so the indexing is paid once per block and the arithmetic vectorises across runs.

Each run's numbers are computed by the same operations in the same order as
``kernels.evaluate`` computes them (the same tanh, called the same way), so a run's utilities
are bit for bit those of the single-run kernel (``tests/test_ensemble_kernels.py``), and an
ensemble chooses exactly what the Mesa model chooses.
"""

import math

import numpy as np
from numba import njit

from sim.engine import kernels
from sim.engine.kernels import (
    POINTS,
    election_terms,
    expected_effects,
    look_ahead_powers,
    other_states,
    tanh_all,
)


@njit(cache=True, error_model="numpy")
def evaluate_block(
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
    out,
):
    """``kernels.evaluate`` of L runs: every argument it takes per run has a leading run axis
    here (``keeps_grievance`` and the ``ant_*`` arrays are shared), and the components are
    written to ``out`` (L, n, A, 3), which must hold zeros (unavailable alternatives keep them).
    """
    runs = aff.shape[0]
    n, width = belief.shape[1], belief.shape[2]
    steps = discount.shape[1]
    horizon = steps - 1
    others = other_states(n)
    n_ant = ant_offset.shape[0]
    pair, pairs = election_terms(others, ant_state, ant_offset, steps)
    # the runs' numbers that every alternative reads, with the run axis last
    relaxed = np.empty((n, n, runs))
    tot_aff = np.empty((n, n, runs))
    own_exp = np.empty((n, n, runs))  # exp_aff[i, i, k]: i's expected effect on its own row
    tow_exp = np.empty((n, n, runs))  # exp_aff[i, k, i]
    tot_stk = np.empty((n, 3, runs))
    exp_stk = np.empty((n, n, 3, runs))
    decayed = np.empty((n, 3, runs))
    powers = np.empty((6, steps, runs))
    fade = np.ones((max(n_ant, 1), runs))
    base_t = np.empty((n, n, runs))
    grievance_t = np.empty((n, n, runs))
    shares = np.empty((3, n, n, runs))  # salience, trade, standing
    exposure = np.empty((n, runs))
    weight = np.empty((n, 3, runs))
    discount_t = np.empty((steps, runs))
    for r in range(runs):
        for p in range(n):
            exposure[p, r] = oil_exposure[r, p]
            for c in range(3):
                weight[p, c, r] = weights[r, p, c]
            for q in range(n):
                base_t[p, q, r] = base[r, p, q]
                grievance_t[p, q, r] = grievance[r, p, q]
                shares[0, p, q, r] = salience[r, p, q]
                shares[1, p, q, r] = trade_share[r, p, q]
                shares[2, p, q, r] = standing_share[r, p, q]
        for h in range(steps):
            discount_t[h, r] = discount[r, h]
    for r in range(runs):
        e_aff, e_stk = expected_effects(d_aff[r], d_stk[r], belief[r])
        t_aff = e_aff.sum(axis=0)
        t_stk = e_stk.sum(axis=0)
        rr = rho[r]
        for p in range(n):
            for q in range(n):
                b = base[r, p, q]
                relaxed[p, q, r] = b + rr * (aff[r, p, q] - b) - grievance[r, p, q]
                tot_aff[p, q, r] = t_aff[p, q]
                own_exp[p, q, r] = e_aff[p, p, q]
                tow_exp[p, q, r] = e_aff[p, q, p]
            for c in range(3):
                tot_stk[p, c, r] = t_stk[p, c]
                decayed[p, c, r] = stocks[r, p, c] * stock_decay[r, c]
                for q in range(n):
                    exp_stk[p, q, c, r] = e_stk[p, q, c]
        run_powers = look_ahead_powers(
            rr, stock_decay[r], oil_deviation[r], oil_persistence[r], steps
        )
        for row in range(6):
            for h in range(steps):
                powers[row, h, r] = run_powers[row, h]
        for e in range(n_ant):
            if 1 <= ant_offset[e] <= horizon:
                fade[e, r] = stock_decay[r, 0] ** (ant_offset[e] - 1)
    # each actor's own stance toward k when its act leaves that stance alone: line (i, kk),
    # then step h, then run (the same layout as a slot's lines below)
    block = steps * runs
    shared_own = np.empty(n * (n - 1) * block)
    for i in range(n):
        for kk in range(n - 1):
            k = others[i, kk]
            at0 = (i * (n - 1) + kk) * block
            for h in range(steps):
                at = at0 + h * runs
                for r in range(runs):
                    z = relaxed[i, k, r] + tot_aff[i, k, r] - own_exp[i, k, r]
                    b = base_t[i, k, r]
                    shared_own[at + r] = (
                        b + powers[0, h, r] * (z - b) - powers[1, h, r] * grievance_t[i, k, r]
                    )
    tanh_all(shared_own)
    # scratch for one alternative (a "slot"), reused
    tow = np.empty((n - 1) * block)  # line kk, step h, run r: (kk * steps + h) * runs + r
    own = np.zeros((n - 1) * block)
    touched = np.zeros(n - 1, dtype=np.bool_)
    z = np.empty(runs)
    lost = np.empty(max(pairs.max(), 1) * runs)
    survive = np.empty((max(n_ant, 1), runs))
    stk0 = np.empty((3, runs))
    harm = np.empty((2, n - 1, runs))  # each other state's damage and sanctions stocks
    # per run: a step's security, economy and prestige sums; their discounted totals. (Each
    # loop over runs stores into one array, so the compiler can vectorise it after a few
    # overlap checks.)
    acc = np.empty((3, runs))
    value = np.empty((3, runs))
    for i in range(n):
        for a in range(width):
            anywhere = False
            for r in range(runs):
                anywhere = anywhere or available[r, i, a]
            if not anywhere:
                continue
            # the look-ahead stances' arguments: k toward i ("tow"), i toward k ("own")
            for kk in range(n - 1):
                k = others[i, kk]
                keep = keeps_grievance[i, a, k]
                for r in range(runs):
                    z[r] = relaxed[k, i, r] + d_aff[r, i, a, k, i] + tot_aff[k, i, r]
                    z[r] -= tow_exp[i, k, r]
                for h in range(steps):
                    at = (kk * steps + h) * runs
                    for r in range(runs):
                        b = base_t[k, i, r]
                        tow[at + r] = (
                            b
                            + powers[0, h, r] * (z[r] - b)
                            - powers[1, h, r] * (grievance_t[k, i, r] * keep)
                        )
                touched[kk] = False
                for r in range(runs):
                    touched[kk] = touched[kk] or d_aff[r, i, a, i, k] != 0.0
                if touched[kk]:
                    for r in range(runs):
                        z[r] = relaxed[i, k, r] + d_aff[r, i, a, i, k] + tot_aff[i, k, r]
                        z[r] -= own_exp[i, k, r]
                    for h in range(steps):
                        at = (kk * steps + h) * runs
                        for r in range(runs):
                            b = base_t[i, k, r]
                            own[at + r] = (
                                b
                                + powers[0, h, r] * (z[r] - b)
                                - powers[1, h, r] * grievance_t[i, k, r]
                            )
            for j in range(pairs[i]):
                at = (pair[0, i, j] * steps + pair[1, i, j]) * runs
                shift = ant_shift[pair[2, i, j], i]
                for r in range(runs):
                    lost[j * runs + r] = tow[at + r] + shift
            tanh_all(tow)
            for kk in range(n - 1):
                if touched[kk]:
                    tanh_all(own[kk * block : (kk + 1) * block])
            tanh_all(lost[: pairs[i] * runs])
            # the chance that each foreseen election keeps its incumbent, and the election's mix
            for e in range(n_ant):
                st = ant_state[e]
                if 1 <= ant_offset[e] <= horizon and st != i:
                    for r in range(runs):
                        prest = (
                            decayed[st, 0, r] + d_stk[r, i, a, st, 0] + tot_stk[st, 0, r]
                        ) - exp_stk[i, st, 0, r]
                        prest *= fade[e, r]
                        survive[e, r] = 1.0 / (
                            1.0 + math.exp(-(ant_bias[e] + ant_slope[e] * prest))
                        )
            for j in range(pairs[i]):
                at = (pair[0, i, j] * steps + pair[1, i, j]) * runs
                e = pair[2, i, j]
                for r in range(runs):
                    p = survive[e, r]
                    tow[at + r] = p * tow[at + r] + (1.0 - p) * lost[j * runs + r]
            for c in range(3):
                for r in range(runs):
                    stk0[c, r] = (
                        decayed[i, c, r] + d_stk[r, i, a, i, c] + tot_stk[i, c, r]
                    ) - exp_stk[i, i, c, r]
            for kk in range(n - 1):
                k = others[i, kk]
                for r in range(runs):
                    harm[0, kk, r] = (
                        decayed[k, 1, r] + d_stk[r, i, a, k, 1] + tot_stk[k, 1, r]
                    ) - exp_stk[i, k, 1, r]
                    harm[1, kk, r] = (
                        decayed[k, 2, r] + d_stk[r, i, a, k, 2] + tot_stk[k, 2, r]
                    ) - exp_stk[i, k, 2, r]
            # the sums, in the order evaluate sums them
            value[:] = 0.0
            for h in range(steps):
                acc[:] = 0.0
                for kk in range(n - 1):
                    k = others[i, kk]
                    at = (kk * steps + h) * runs
                    mine = own if touched[kk] else shared_own
                    o = at if touched[kk] else ((i * (n - 1) + kk) * steps + h) * runs
                    for r in range(runs):
                        st = tow[at + r]
                        so = mine[o + r]
                        ta = threat_aversion[r]
                        strong = 1.0 / (
                            1.0
                            + harm_weight[r]
                            * (harm[0, kk, r] * powers[4, h, r] + harm[1, kk, r] * powers[5, h, r])
                        )
                        acc[0, r] += shares[0, i, k, r] * strong * (ta * st if st < 0.0 else st)
                        acc[1, r] += shares[1, i, k, r] * (so + st)
                        acc[2, r] += shares[2, i, k, r] * st
                for r in range(runs):
                    w, oil = discount_t[h, r], powers[2, h, r]
                    sh0 = stk0[0, r] * powers[3, h, r]
                    sh1 = stk0[1, r] * powers[4, h, r]
                    sh2 = stk0[2, r] * powers[5, h, r]
                    value[0, r] += w * (POINTS * acc[0, r] - sh1)
                    value[1, r] += w * (POINTS * (acc[1, r] / 2.0 + exposure[i, r] * oil) - sh2)
                    value[2, r] += w * (POINTS * acc[2, r] + sh0)
            for r in range(runs):
                if available[r, i, a]:
                    w0 = discount_t[0, r]
                    for c in range(3):
                        out[r, i, a, c] = weight[i, c, r] * (value[c, r] - w0 * costs[r, i, a, c])


@njit(cache=True)
def _act_many(
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
        d_aff, d_stk = kernels.alternative_effects(
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
def _step_many(
    step,
    block,
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
    balance_rate,
    reciprocity,
    harm_weight,
    resolve,
):
    """``model.BalanceModel.step`` after the events, for every run: decide, draw (``u``: the
    runs' uniforms, (R, n)), advance, close released cases, count the choices, let oil and
    linkage costs fade, and record step ``step`` (1-based) in the ``rec_*`` arrays (R, T, ...)
    (the affinity: the stance is its tanh, taken after the run as NumPy takes it).
    The world arrays are changed in place. Runs go ``block`` at a time through
    :func:`evaluate_block`; the rest is ``kernels.decide``'s, run by run."""
    runs, n = aff.shape[0], aff.shape[1]
    width = alt_action.shape[1]
    k = step - 1
    ant_offset = ant_step - step
    size = min(block, runs)  # a block's arrays, reused by the next block
    available_all = np.empty((size, n, width), dtype=np.bool_)
    costs_all = np.empty((size, n, width, 3))
    effects_all = np.empty((size, n * width, n, n))
    stock_effects_all = np.empty((size, n * width, n, 3))
    belief_all = np.empty((size, n, width))
    components_all = np.empty((size, n, width, 3))
    realised = np.empty((n, 3))
    utility = np.empty(n)
    for r0 in range(0, runs, block):
        r1 = min(r0 + block, runs)
        lanes = r1 - r0
        available = available_all[:lanes]
        costs = costs_all[:lanes]
        effects = effects_all[:lanes]
        stock_effects = stock_effects_all[:lanes]
        belief = belief_all[:lanes]
        for lane in range(lanes):
            r = r0 + lane
            kernels.write_availability(
                available[lane],
                costs[lane],
                aff[r],
                base[r],
                prisoner[r],
                linkage_cost[r],
                alt_action,
                alt_target,
                alt_target2,
                valid,
                requires,
                min_crisis[r],
                static_cost[r],
                goldstein_other[r],
                target_or_self,
                expression[r],
                resolve[r],
                stocks[r],
            )
            kernels.write_effects(
                effects[lane],
                stock_effects[lane],
                aff[r],
                base[r],
                alt_actor,
                alt_action.ravel(),
                alt_target.ravel(),
                alt_target2.ravel(),
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
            kernels.write_beliefs(belief[lane], counts[r], available[lane], prior_weight[r])
        d_aff = effects.reshape((lanes, n, width, n, n))
        d_stk = stock_effects.reshape((lanes, n, width, n, 3))
        components = components_all[:lanes]
        components[:] = 0.0
        evaluate_block(
            aff[r0:r1],
            base[r0:r1],
            grievance[r0:r1],
            stocks[r0:r1],
            stock_decay[r0:r1],
            oil_deviation[r0:r1],
            oil_persistence[r0:r1],
            d_aff,
            d_stk,
            belief,
            costs,
            rho[r0:r1],
            discount[r0:r1],
            keeps_grievance,
            salience[r0:r1],
            trade_share[r0:r1],
            standing_share[r0:r1],
            oil_exposure[r0:r1],
            threat_aversion[r0:r1],
            harm_weight[r0:r1],
            weights[r0:r1],
            ant_offset,
            ant_state,
            ant_bias,
            ant_slope,
            ant_shift,
            available,
            components,
        )
        for lane in range(lanes):
            r = r0 + lane
            probabilities = kernels.choice_probabilities(
                components[lane].sum(axis=2), available[lane], lam[r], best_response
            )
            choice = kernels.draw(probabilities, u[r])
            kernels.write_advance(
                aff[r],  # in place
                stocks[r],
                realised,
                utility,
                aff[r],
                base[r],
                grievance[r],
                stocks[r],
                stock_decay[r],
                rho[r],
                balance_rate[r],
                reciprocity[r],
                d_aff[lane],
                d_stk[lane],
                choice,
                costs[lane],
                oil_deviation[r],
                salience[r],
                trade_share[r],
                standing_share[r],
                oil_exposure[r],
                threat_aversion[r],
                harm_weight[r],
                weights[r],
            )
            new_aff = aff[r]
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


# Entry points: what Python calls, with their arguments in plain tuples, handed on unpacked to
# the flat-argument functions above (see the note before ``kernels.decide``).


@njit(cache=True)
def step_many(step, block, world, counts, u, releases, record, params):
    """:func:`_step_many` of every run: ``world`` is ``ensemble.world_args`` (9 stacked
    fields), ``counts`` (R, n, A), ``u`` (R, n), ``releases`` (n, A), ``record`` the ``rec_*``
    arrays (affinity, payoffs, utility, choice, probability), ``params`` the stacked
    ``backends.KernelParams`` as a plain tuple."""
    _step_many(step, block, *world, counts, u, releases, *record, *params)


@njit(cache=True)
def act_many(world, acts, effect_params):
    """:func:`_act_many`: ``world`` is (affinity, baseline, stocks) (R, ...), ``acts`` is
    (actor, action, target) (each (k,)), ``effect_params`` the stacked
    ``backends.KernelParams.effect_args()``."""
    aff, base, stocks = world
    actor, action, target = acts
    _act_many(aff, base, stocks, actor, action, target, *effect_params)
