"""Fuzz: generated, mutated pages through the normaliser and the EPUB backend.

Bounded (a few seconds) and seeded, so a failure names its seed and reproduces with
``fuzzing.run_one(seed, tmp_path, epub=True)``.  The longer run is ``bench/fuzz.py``.
The only outcomes allowed are success and the documented errors (PubbuildError).
"""

from __future__ import annotations

import random

import pytest
from fuzzing import case, fuzz, mutate

#: A time-bounded fuzzing run: left out of `make test-fast`.
pytestmark = pytest.mark.slow

SEEDS = range(20_000, 20_400)


def test_mutations_change_the_input_and_are_seeded():
    data, _ = case(1)
    assert case(1) == (data, case(1)[1])  # same seed, same input
    rng = random.Random(3)
    assert len({mutate(rng, data) for _ in range(20)}) > 15


def test_normaliser_and_epub_raise_only_documented_errors(tmp_path):
    tally = fuzz(SEEDS, tmp_path, seconds=6, epub_every=5)
    assert tally.inputs >= 20, "the machine is too slow for the fuzz test to mean anything"
    assert tally.successes > tally.inputs // 3  # the inputs reach the backends, not only the refusals
    assert not tally.other, "\n\n".join(f"seed {seed}:\n{trace}" for seed, _, trace in tally.other[:3])
