"""The Mesa agents: one per state. A state's numbers live in the model's arrays (row ``index``);
the agent holds its identity, its choice and what it has earned, and can be played by a person."""

import mesa


class StateAgent(mesa.Agent):
    """A state that picks one alternative a step from the probabilities its decision rule gives."""

    def __init__(self, model, code: str, name: str, index: int):
        super().__init__(model)
        self.code, self.name, self.index = code, name, index
        self.forced: int | None = None  # set by a human player (play-one-state mode)
        self.choice: int | None = None
        self.cumulative_utility = 0.0

    def choose(self, drawn: int, available=None) -> int:
        """Take the alternative drawn from the decision rule's probabilities, or the one imposed
        (a player's, or an observed history's: ``sim.validation.likelihood``). An imposed
        alternative the state does not have at this step (``available``, (A,) bool) is
        ``wait``."""
        forced = self.forced
        if forced is not None and available is not None and not available[forced]:
            forced = int(self.model.wait_slot[self.index])
        self.choice = forced if forced is not None else drawn
        return self.choice
