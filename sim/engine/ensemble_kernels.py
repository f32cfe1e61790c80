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
from typing import NamedTuple

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
from sim.engine.params import (
    Acts,
    Decision,
    Effects,
    KernelParams,
    Options,
    Payoffs,
    Relaxation,
    Requirements,
    WorldArrays,
)


class Block(NamedTuple):
    """What every alternative's look-ahead reads, for a block of L runs, with the run axis last
    (so that the loops over runs are unit-stride)."""

    relaxed: np.ndarray  # (n, n, L) the affinity relaxed one step, less the grievances
    tot_aff: np.ndarray  # (n, n, L) the actors' expected effects on affinity, summed
    own_exp: np.ndarray  # (n, n, L) exp_aff[i, i, k]: i's expected effect on its own row
    tow_exp: np.ndarray  # (n, n, L) exp_aff[i, k, i]
    tot_stk: np.ndarray  # (n, 3, L)
    exp_stk: np.ndarray  # (n, n, 3, L)
    decayed: np.ndarray  # (n, 3, L) the stocks decayed one step
    powers: np.ndarray  # (6, H+1, L) look_ahead_powers
    fade: np.ndarray  # (max(E, 1), L) prestige decay until each election within the horizon
    base: np.ndarray  # (n, n, L)
    grievance: np.ndarray  # (n, n, L)
    shares: np.ndarray  # (3, n, n, L) salience, trade, standing
    exposure: np.ndarray  # (n, L) oil exposure
    weight: np.ndarray  # (n, 3, L)
    discount: np.ndarray  # (H+1, L)
    others: np.ndarray  # (n, n-1) other_states
    offset: np.ndarray  # (E,) steps until each election
    pair: np.ndarray  # (3, n, ...) election_terms
    pairs: np.ndarray  # (n,)


class Slot(NamedTuple):
    """Scratch for one alternative (a "slot") of every run of a block, reused."""

    tow: np.ndarray  # ((n-1) (H+1) L,) line kk, step h, run r: (kk * steps + h) * runs + r
    own: np.ndarray  # ((n-1) (H+1) L,) the same for the own lines the act changes
    touched: np.ndarray  # (n-1,) bool: the act changes own line kk in some run
    z: np.ndarray  # (L,)
    lost: np.ndarray  # (max pairs * L,) the tow stances if an incumbent loses
    survive: np.ndarray  # (max(E, 1), L)
    stk0: np.ndarray  # (3, L) the slot's own stocks after the step
    # per run: a step's security, economy and prestige sums; their discounted totals. (Each
    # loop over runs stores into one array, so the compiler can vectorise it after a few
    # overlap checks.)
    acc: np.ndarray  # (3, L)
    value: np.ndarray  # (3, L)


@njit(cache=True, error_model="numpy")
def evaluate_block(world, step, options, params, out):
    """``kernels.evaluate`` of L runs: the world, the ``options`` and the run-specific fields of
    ``params`` have a leading run axis (L, ...) here (the shared ones, ``params.SHARED``, do
    not), and the components are written to ``out`` (L, n, A, 3), which must hold zeros
    (unavailable alternatives keep them)."""
    ahead = block_prospect(world, step, options, params)
    shared_own = shared_own_stances(ahead)
    runs, n, width = options.available.shape
    steps = ahead.powers.shape[1]
    block = steps * runs
    slot = Slot(
        np.empty((n - 1) * block),
        np.zeros((n - 1) * block),
        np.zeros(n - 1, dtype=np.bool_),
        np.empty(runs),
        np.empty(max(ahead.pairs.max(), 1) * runs),
        np.empty((max(ahead.offset.shape[0], 1), runs)),
        np.empty((3, runs)),
        np.empty((3, runs)),
        np.empty((3, runs)),
    )
    for i in range(n):
        for a in range(width):
            anywhere = False
            for r in range(runs):
                anywhere = anywhere or options.available[r, i, a]
            if not anywhere:
                continue
            slot_stances(i, a, ahead, options, params, slot)
            slot_elections(i, a, ahead, options, params, slot)
            slot_values(i, a, ahead, shared_own, options, params, slot, out)


@njit(cache=True, error_model="numpy", inline="always")
def transposed(world, params, runs, n, steps):
    """The block's numbers that every alternative reads as they are, with the run axis last:
    base, grievance, shares, exposure, weight and discount of :class:`Block`."""
    base, grievance = world.baseline, world.grievance
    payoffs = params.payoffs
    salience, trade_share, standing_share = (
        payoffs.salience,
        payoffs.trade_share,
        payoffs.standing_share,
    )
    oil_exposure, weights = params.payoffs.oil_exposure, params.payoffs.weights
    discount = params.decision.discount
    base_t = np.empty((n, n, runs))
    grievance_t = np.empty((n, n, runs))
    shares = np.empty((3, n, n, runs))
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
    return base_t, grievance_t, shares, exposure, weight, discount_t


@njit(cache=True, error_model="numpy", inline="always")
def block_prospect(world, step, options, params):
    """The :class:`Block` of a step."""
    aff, base, grievance, stocks = world.affinity, world.baseline, world.grievance, world.stocks
    d_aff, d_stk, belief = options.d_aff, options.d_stk, options.belief
    rho, stock_decay = params.relaxation
    elections = params.elections
    ant_offset = elections.step - step
    runs, n = belief.shape[0], belief.shape[1]
    steps = params.decision.discount.shape[1]
    horizon = steps - 1
    others = other_states(n)
    n_ant = ant_offset.shape[0]
    pair, pairs = election_terms(others, elections.state, ant_offset, steps)
    relaxed = np.empty((n, n, runs))
    tot_aff = np.empty((n, n, runs))
    own_exp = np.empty((n, n, runs))
    tow_exp = np.empty((n, n, runs))
    tot_stk = np.empty((n, 3, runs))
    exp_stk = np.empty((n, n, 3, runs))
    decayed = np.empty((n, 3, runs))
    powers = np.empty((6, steps, runs))
    fade = np.ones((max(n_ant, 1), runs))
    base_t, grievance_t, shares, exposure, weight, discount_t = transposed(
        world, params, runs, n, steps
    )
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
            rr, stock_decay[r], world.oil_deviation[r], world.oil_persistence[r], steps
        )
        for row in range(6):
            for h in range(steps):
                powers[row, h, r] = run_powers[row, h]
        for e in range(n_ant):
            if 1 <= ant_offset[e] <= horizon:
                fade[e, r] = stock_decay[r, 0] ** (ant_offset[e] - 1)
    return Block(
        relaxed, tot_aff, own_exp, tow_exp, tot_stk, exp_stk, decayed, powers, fade, base_t,
        grievance_t, shares, exposure, weight, discount_t, others, ant_offset, pair, pairs,
    )  # fmt: skip


@njit(cache=True, error_model="numpy", inline="always")
def shared_own_stances(ahead):
    """Each actor's own stance toward k when its act leaves that stance alone: line (i, kk),
    then step h, then run (the layout of :class:`Slot`'s lines)."""
    relaxed, tot_aff, own_exp = ahead.relaxed, ahead.tot_aff, ahead.own_exp
    base_t, grievance_t, powers, others = ahead.base, ahead.grievance, ahead.powers, ahead.others
    n, runs = relaxed.shape[0], relaxed.shape[2]
    steps = powers.shape[1]
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
    return shared_own


@njit(cache=True, error_model="numpy", inline="always")
def slot_stances(i, a, ahead, options, params, slot):
    """The stances of alternative a of actor i in every run: k toward i ("tow"), i toward k
    ("own") where the act changes it, and the tow stances if an incumbent loses ("lost")."""
    relaxed, tot_aff, own_exp, tow_exp = ahead.relaxed, ahead.tot_aff, ahead.own_exp, ahead.tow_exp
    base_t, grievance_t, powers, others = ahead.base, ahead.grievance, ahead.powers, ahead.others
    pair, pairs = ahead.pair, ahead.pairs
    d_aff = options.d_aff
    keeps_grievance, ant_shift = params.alternatives.keeps_grievance, params.elections.shift
    tow, own, touched, z, lost = slot.tow, slot.own, slot.touched, slot.z, slot.lost
    n, runs = relaxed.shape[0], relaxed.shape[2]
    steps = powers.shape[1]
    block = steps * runs
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
                        b + powers[0, h, r] * (z[r] - b) - powers[1, h, r] * grievance_t[i, k, r]
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


@njit(cache=True, error_model="numpy", inline="always")
def slot_elections(i, a, ahead, options, params, slot):
    """The chance that each foreseen election keeps its incumbent, and the elections' mix of
    the tow stances; then the slot's own stocks after the step."""
    decayed, tot_stk, exp_stk, fade = ahead.decayed, ahead.tot_stk, ahead.exp_stk, ahead.fade
    ant_offset, pair, pairs = ahead.offset, ahead.pair, ahead.pairs
    elections, d_stk = params.elections, options.d_stk
    tow, lost, survive, stk0 = slot.tow, slot.lost, slot.survive, slot.stk0
    runs, steps = decayed.shape[2], ahead.powers.shape[1]
    horizon = steps - 1
    for e in range(ant_offset.shape[0]):
        st = elections.state[e]
        if 1 <= ant_offset[e] <= horizon and st != i:
            for r in range(runs):
                prest = (decayed[st, 0, r] + d_stk[r, i, a, st, 0] + tot_stk[st, 0, r]) - exp_stk[
                    i, st, 0, r
                ]
                prest *= fade[e, r]
                survive[e, r] = 1.0 / (
                    1.0 + math.exp(-(elections.bias[e] + elections.slope[e] * prest))
                )
    for j in range(pairs[i]):
        at = (pair[0, i, j] * steps + pair[1, i, j]) * runs
        e = pair[2, i, j]
        for r in range(runs):
            p = survive[e, r]
            tow[at + r] = p * tow[at + r] + (1.0 - p) * lost[j * runs + r]
    for c in range(3):
        for r in range(runs):
            stk0[c, r] = (decayed[i, c, r] + d_stk[r, i, a, i, c] + tot_stk[i, c, r]) - exp_stk[
                i, i, c, r
            ]


@njit(cache=True, error_model="numpy", inline="always")
def slot_values(i, a, ahead, shared_own, options, params, slot, out):
    """The sums, in the order ``kernels.evaluate`` sums them, written to ``out[:, i, a]`` of the
    runs where the slot is available."""
    powers, others, shares, exposure = ahead.powers, ahead.others, ahead.shares, ahead.exposure
    discount_t, weight = ahead.discount, ahead.weight
    threat_aversion = params.payoffs.threat_aversion
    tow, own, touched, stk0 = slot.tow, slot.own, slot.touched, slot.stk0
    acc, value = slot.acc, slot.value
    n, runs, steps = others.shape[0], shares.shape[3], powers.shape[1]
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
                acc[0, r] += shares[0, i, k, r] * (ta * st if st < 0.0 else st)
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
        if options.available[r, i, a]:
            w0 = discount_t[0, r]
            for c in range(3):
                out[r, i, a, c] = weight[i, c, r] * (value[c, r] - w0 * options.costs[r, i, a, c])


@njit(cache=True)
def act_many(world, acts, effects):
    """``model.EventContext.act`` for every run: the acts (``params.Acts``, the same in every
    run) are computed on each run's world (R, ...) and added together, in place."""
    for r in range(world.affinity.shape[0]):
        aff, stocks = world.affinity[r], world.stocks[r]
        d_aff, d_stk = kernels.alternative_effects(
            aff, world.baseline[r], acts, lanes_effects(effects, r)
        )
        aff += d_aff.sum(axis=0)
        stocks += d_stk.sum(axis=0)


# One run's (``at`` an integer) or a block's (``at`` a slice) share of an ensemble's tuples: the
# stacked fields indexed, the shared ones (``params.SHARED``) as they are.


@njit(cache=True)
def lanes_world(w, at):
    return WorldArrays(
        w.affinity[at],
        w.baseline[at],
        w.grievance[at],
        w.stocks[at],
        w.prisoner[at],
        w.linkage_cost[at],
        w.linkage_persistence[at],
        w.oil_deviation[at],
        w.oil_persistence[at],
    )


@njit(cache=True)
def lanes_effects(e, at):
    return Effects(
        e.effect[at],
        e.kind,
        e.visibility[at],
        e.prestige_self[at],
        e.prestige_target[at],
        e.damage_target[at],
        e.sanction_target[at],
        e.pair_goldstein[at],
        e.party_share[at],
        e.alpha[at],
        e.self_shift[at],
        e.heider[at],
        e.attribution[at],
    )


@njit(cache=True)
def lanes_params(p, at):
    q, pay, rel, d = p.requirements, p.payoffs, p.relaxation, p.decision
    return KernelParams(
        p.alternatives,
        lanes_effects(p.effects, at),
        Requirements(
            q.requires, q.min_crisis[at], q.static_cost[at], q.goldstein_other[at], q.expression[at]
        ),
        Payoffs(
            pay.salience[at],
            pay.trade_share[at],
            pay.standing_share[at],
            pay.oil_exposure[at],
            pay.threat_aversion[at],
            pay.weights[at],
        ),
        p.elections,
        Relaxation(rel.rho[at], rel.stock_decay[at]),
        Decision(d.prior_weight[at], d.discount[at], d.lam[at], d.best_response),
    )


@njit(cache=True)
def step_many(step, block, world, counts, u, record, params):
    """``model.BalanceModel.step`` after the events, for every run: decide, draw (``u``: the
    runs' uniforms, (R, n)), advance, close released cases, count the choices (``counts``
    (R, n, A)), let oil and linkage costs fade, and record step ``step`` (1-based) in
    ``record`` (``params.Trace``). The world's arrays (R, ...) are changed in place. Runs go
    ``block`` at a time through :func:`evaluate_block`; the rest is ``kernels.decide``'s, run by
    run."""
    runs, n = world.affinity.shape[0], world.affinity.shape[1]
    width = params.alternatives.action.shape[1]
    size = min(block, runs)  # a block's arrays, reused by the next block
    scratch = Options(
        np.empty((size, n, width), dtype=np.bool_),
        np.empty((size, n * width, n, n)),
        np.empty((size, n * width, n, 3)),
        np.empty((size, n, width, 3)),
        np.empty((size, n, width)),
    )
    components_all = np.empty((size, n, width, 3))
    paid = (np.empty(n, dtype=np.int64), np.empty(n), np.empty((n, 3)), np.empty(n))
    for r0 in range(0, runs, block):
        r1 = min(r0 + block, runs)
        options = write_options(scratch, world, counts, params, r0, r1)
        components = components_all[: r1 - r0]
        components[:] = 0.0
        at = slice(r0, r1)
        evaluate_block(lanes_world(world, at), step, options, lanes_params(params, at), components)
        for lane in range(r1 - r0):
            r = r0 + lane
            lane_options = Options(
                options.available[lane],
                options.d_aff[lane],
                options.d_stk[lane],
                options.costs[lane],
                options.belief[lane],
            )
            run = lanes_world(world, r)
            lane_params = lanes_params(params, r)
            conclude(step, run, counts[r], u[r], lane_options, components[lane], lane_params, paid)
            keep(record, r, step, run, paid)
            world.oil_deviation[r] *= world.oil_persistence[r]
            world.linkage_cost[r] *= world.linkage_persistence[r]


@njit(cache=True)
def write_options(scratch, world, counts, params, r0, r1):
    """The ``params.Options`` of runs r0..r1 (a block), written into the first lanes of
    ``scratch``, with each alternative's effects shaped (L, n, A, n, ...)."""
    lanes = r1 - r0
    available, effects, stock_effects = scratch.available, scratch.d_aff, scratch.d_stk
    costs, belief = scratch.costs, scratch.belief
    alternatives = params.alternatives
    n, width = alternatives.action.shape
    acts = Acts(
        alternatives.actor,
        alternatives.action.ravel(),
        alternatives.target.ravel(),
        alternatives.target2.ravel(),
    )
    for lane in range(lanes):
        r = r0 + lane
        w, p = lanes_world(world, r), lanes_params(params, r)
        kernels.write_availability(available[lane], costs[lane], w, alternatives, p.requirements)
        kernels.write_effects(
            effects[lane], stock_effects[lane], w.affinity, w.baseline, acts, p.effects
        )
        kernels.write_beliefs(belief[lane], counts[r], available[lane], p.decision.prior_weight)
    return Options(
        available[:lanes],
        effects[:lanes].reshape((lanes, n, width, n, n)),
        stock_effects[:lanes].reshape((lanes, n, width, n, 3)),
        costs[:lanes],
        belief[:lanes],
    )


@njit(cache=True)
def conclude(step, world, counts, u, options, components, params, paid):
    """One run's step after its look-ahead (``components`` (n, A, 3)): choose, advance its
    ``world`` in place, close released cases and count the choices; ``paid`` receives the
    choices, their probabilities, the realised payoffs and the utilities ((n,), (n,), (n, 3),
    (n,))."""
    n = counts.shape[0]
    choice, chance, realised, utility = paid
    decision = params.decision
    probabilities = kernels.choice_probabilities(
        components.sum(axis=2), options.available, decision.lam, decision.best_response
    )
    choice[:] = kernels.draw(probabilities, u)
    out = (world.affinity, world.stocks, realised, utility)  # in place
    d_aff, d_stk, costs = options.d_aff, options.d_stk, options.costs
    kernels.write_advance(
        out, world, d_aff, d_stk, choice, costs, params.relaxation, params.payoffs
    )
    alternatives = params.alternatives
    for i in range(n):
        a = choice[i]
        chance[i] = probabilities[i, a]
        if alternatives.releases[i, a]:
            t = alternatives.target[i, a]
            world.prisoner[i, t] = False
            world.grievance[t, i] = 0.0
            world.linkage_cost[i, t] = 0.0
        counts[i, a] += 1.0


@njit(cache=True)
def keep(record, r, step, world, paid):
    """Record run ``r``'s step ``step`` (1-based) in ``record`` (``params.Trace``)."""
    choice, chance, realised, utility = paid
    k = step - 1
    n = choice.shape[0]
    for i in range(n):
        record.choice[r, k, i] = choice[i]
        record.probability[r, k, i] = chance[i]
        record.utility[r, k, i] = utility[i]
        for c in range(3):
            record.payoffs[r, k, i, c] = realised[i, c]
        for j in range(n):
            record.affinity[r, k, i, j] = world.affinity[i, j]
