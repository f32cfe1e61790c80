"""Every seed a sweep derives, in one place: each run's seed from the master seed and the run
index (:func:`run_seed`), and each run's generator from its seed (:func:`generators`).

Both are numpy's ``SeedSequence`` (numpy/random/bit_generator.pyx) rewritten on arrays, for many
seeds at once: one SeedSequence costs ~10 us of Python, and a chunk's runs need hundreds. The
numbers are numpy's, bit for bit (``tests/test_sweep.py``, ``tests/test_ensemble.py``).
"""

import numpy as np
from numpy.random.bit_generator import ISeedSequence

_MASK32 = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL_SIZE = 4


def _mix(x, y):
    result = (_MIX_L * x - _MIX_R * y) & _MASK32
    return result ^ (result >> 16)


class SeedPool:
    """The entropy pool of ``SeedSequence`` for many entropies at once. A word is a Python int or
    a uint64 array of 32-bit values (the arithmetic is numpy's uint32 arithmetic, masked)."""

    def __init__(self, words: list):
        """``words``: the entropy, lowest word first (numpy pads a spawned sequence's run entropy
        with zeros to the pool size: pass them)."""
        self.const = _INIT_A
        first = [words[i] if i < len(words) else 0 for i in range(_POOL_SIZE)]
        self.pool = [self._hashmix(w) for w in first]
        for src in range(_POOL_SIZE):
            for dst in range(_POOL_SIZE):
                if src != dst:
                    self.pool[dst] = _mix(self.pool[dst], self._hashmix(self.pool[src]))
        self.absorb(words[_POOL_SIZE:])

    def _hashmix(self, value):
        value = value ^ self.const
        self.const = (self.const * _MULT_A) & _MASK32
        value = (value * self.const) & _MASK32
        return value ^ (value >> 16)

    def absorb(self, words: list) -> None:
        """Mix in entropy beyond the pool size (a spawn key)."""
        for word in words:
            for dst in range(_POOL_SIZE):
                self.pool[dst] = _mix(self.pool[dst], self._hashmix(word))

    def state(self, words64: int) -> list:
        """``generate_state(words64, np.uint64)``, one entry per 64-bit word."""
        const, halves = _INIT_B, []
        for k in range(2 * words64):
            value = self.pool[k % _POOL_SIZE] ^ const
            const = (const * _MULT_B) & _MASK32
            value = (value * const) & _MASK32
            halves.append(value ^ (value >> 16))
        return [halves[2 * k] | (halves[2 * k + 1] << 32) for k in range(words64)]


def uint32_words(values: np.ndarray, count: int) -> list:
    """The ``count`` lowest 32-bit words of non-negative int64 ``values``, lowest first, as uint64
    arrays."""
    values = values.astype(np.uint64)
    return [(values >> np.uint64(32 * k)) & np.uint64(_MASK32) for k in range(count)]


class _Stated(ISeedSequence):
    """A seed sequence whose PCG64 state was computed beforehand (:func:`generators`)."""

    def __init__(self, words: np.ndarray):
        self.words = words

    def generate_state(self, n_words, dtype=np.uint32):
        if n_words != 4 or np.dtype(dtype) != np.uint64:  # what PCG64 asks for, and all we hold
            raise ValueError(f"only PCG64's state is held, not {n_words} words of {dtype}")
        return self.words


def generators(seeds) -> list:
    """``[np.random.default_rng(s) for s in seeds]`` (the same streams), with the seeds hashed
    all at once."""
    seeds = list(seeds)
    if not all(isinstance(s, int | np.integer) and 0 <= s < 2**63 for s in seeds):
        return [np.random.default_rng(s) for s in seeds]
    if not seeds:
        return []
    state = SeedPool(uint32_words(np.array(seeds, dtype=np.int64), 2)).state(4)
    words = np.stack(state, axis=1)  # (R, 4): each seed's SeedSequence(seed).generate_state
    return [np.random.Generator(np.random.PCG64(_Stated(w))) for w in words]


def run_seed(master: int, index: int) -> int:
    """The seed of run ``index``: the first 63 bits of the state of
    ``SeedSequence(master).spawn(index + 1)[index]`` (that child is
    ``SeedSequence(master, spawn_key=(index,))``), so it depends only on the master seed and the
    run index."""
    state = np.random.SeedSequence(master, spawn_key=(index,)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def run_seeds(master: int, indices) -> np.ndarray:
    """:func:`run_seed` of every run index in ``indices`` (int64), hashed all at once: the same
    numbers, a small share of the cost."""
    indices = np.asarray(indices, dtype=np.int64)
    seeds = np.empty(indices.shape, dtype=np.int64)
    entropy = _int_words(master)
    entropy += [0] * (4 - len(entropy))  # numpy pads the run entropy of a spawned sequence
    wide = indices >= 2**32  # a spawn key of two words
    for part, spawn_words in ((~wide, 1), (wide, 2)):
        if part.any():
            pool = SeedPool(entropy)
            pool.absorb(uint32_words(indices[part], spawn_words))
            (state,) = pool.state(1)
            seeds[part] = (state >> np.uint64(1)).astype(np.int64)
    return seeds


def _int_words(value: int) -> list[int]:
    """A non-negative integer as 32-bit words, lowest first (0 is one word), as numpy reads it."""
    words = [value & 0xFFFFFFFF]
    while value := value >> 32:
        words.append(value & 0xFFFFFFFF)
    return words
