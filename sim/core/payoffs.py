"""Security, economic and prestige payoffs: pure numeric functions of the state of the world.

Each function takes, for one actor or a batch of them (any leading axes), the stances *toward* the
actor and *of* the actor toward each other state (last axis = the other states, with weight 0 on the
actor itself) and returns payoff points. 100 points = full alignment with everyone who matters.
The equations and their theory are in docs/MODEL.md.
"""

import numpy as np

POINTS = 100.0


def strength(harm, harm_weight):
    """Effective share of a state's capability left after ``harm`` points of damage and
    sanctions: 1 / (1 + harm_weight * harm). A hostile state's loss lowers the threat it poses,
    an aligned state's loss the support it gives (balance of threat, Walt 1987)."""
    return 1.0 / (1.0 + harm_weight * harm)


def security(toward, salience, threat_aversion, damage, others_strength=1.0):
    """Support minus threat from the states that matter to the actor's security.

    ``toward[..., j]`` is j's stance toward the actor; hostility counts ``threat_aversion`` times
    as much as support (prospect theory's loss aversion, applied to threats), and each state
    counts with its :func:`strength` ``others_strength[..., j]``, so that a rival's loss is the
    actor's gain (relative gains, Grieco 1988). ``damage`` is the actor's own stock of harm from
    strikes, already in points.
    """
    weighted = np.where(toward < 0.0, threat_aversion * toward, toward)
    return POINTS * (salience * others_strength * weighted).sum(axis=-1) - damage


def economic(own, toward, trade_share, oil_exposure, oil_deviation, sanctions):
    """Trade realised in proportion to the mean of the two stances, plus oil, minus sanctions.

    ``trade_share[..., j]`` is j's share of the actor's trade within the system; ``oil_deviation`` is
    the relative deviation of the oil price from its baseline; ``sanctions`` is a stock in points.
    """
    trade = (trade_share * (own + toward)).sum(axis=-1) / 2.0
    return POINTS * (trade + oil_exposure * oil_deviation) - sanctions


def prestige(toward, standing_share, stock):
    """Recognition by the others weighted by their standing, plus the prestige stock (points)."""
    return POINTS * (standing_share * toward).sum(axis=-1) + stock


def components(own, toward, stocks, structure, oil_deviation, others_strength=1.0):
    """All three payoffs stacked on a last axis of length 3 (security, economic, prestige).

    ``structure`` holds per-actor parameter rows broadcastable against ``own``/``toward``;
    ``stocks[..., k]`` are the prestige, damage and sanctions stocks of the actor;
    ``others_strength`` is :func:`strength` of each other state, shaped as ``toward``.
    """
    return np.stack(
        (
            security(
                toward,
                structure.salience,
                structure.threat_aversion,
                stocks[..., 1],
                others_strength,
            ),
            economic(
                own,
                toward,
                structure.trade_share,
                structure.oil_exposure,
                oil_deviation,
                stocks[..., 2],
            ),
            prestige(toward, structure.standing_share, stocks[..., 0]),
        ),
        axis=-1,
    )
