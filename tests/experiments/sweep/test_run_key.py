"""A run's key built from the constants' JSON kept by the design is the key of the whole
parameters' JSON, as resume matches it (the same text, so the same hash)."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from bargaining_chips.experiments.sweep.config import parse_config
from bargaining_chips.experiments.sweep.design import Design, _entry, run_key

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False), st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


def _reference(params, seed):
    text = json.dumps({"params": params, "seed": seed}, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@given(st.dictionaries(st.text(min_size=1, max_size=12), values, max_size=6),
       st.integers(0, 2**63 - 1), st.data())
def test_a_key_from_encoded_entries_is_the_key_of_the_whole(params, seed, data):
    kept = data.draw(st.lists(st.sampled_from(sorted(params)), unique=True) if params
                     else st.just([]))
    encoded = {k: _entry(k, params[k]) for k in kept}
    assert run_key(params, seed, encoded) == run_key(params, seed) == _reference(params, seed)


def test_the_designs_run_keys_are_those_of_their_parameters():
    config = parse_config({
        "name": "keys", "root_seed": 3, "replications": 2, "design": {"kind": "lhs", "samples": 5},
        "uncertainties": {"actors.Japan.strategy.beta": {"range": [0.3, 3.0]}},
        "constants": {"calibrate.facts": json.dumps({"facts": ["é", 1.5] * 40}),
                      "deadlines.G7.extension_probability": 0.25},
        "scenario": "us_japan_2025",
    })
    design = Design(config)
    runs = list(design.runs())
    assert [r.key for r in runs] == [_reference(r.params, r.seed) for r in runs]
    assert design.run(7).key == runs[7].key
