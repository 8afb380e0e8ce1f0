"""lex_order must return exactly np.lexsort's permutation, whatever the keys."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npf_screen.core.ordering import lex_order

rows = st.integers(min_value=0, max_value=60)


@settings(max_examples=200, deadline=None)
@given(st.data(), rows)
def test_same_permutation_as_lexsort(data: st.DataObject, n: int) -> None:
    kinds = data.draw(st.lists(st.sampled_from(["small", "wide", "float", "bool"]), min_size=1, max_size=4))
    keys = []
    for kind in kinds:
        if kind == "small":
            values = st.integers(-3, 3)
        elif kind == "wide":
            values = st.integers(-(2**40), 2**40) | st.sampled_from([-(2**63), 2**63 - 1])
        elif kind == "float":
            values = st.sampled_from([-np.inf, -2.5, -0.0, 0.0, 0.1, 1.0, 3.25, np.inf, np.nan])
        else:
            values = st.booleans()
        keys.append(np.array(data.draw(st.lists(values, min_size=n, max_size=n)), dtype=None))
    keys = [k.astype("float64") if k.dtype == object else k for k in keys]
    assert lex_order(tuple(keys)).tolist() == np.lexsort(tuple(keys)).tolist()


def test_keys_too_wide_to_pack_together_or_at_all() -> None:
    wide = np.array([2**61, 0, 2**61 - 1, 0], dtype="int64")
    extreme = np.array([-(2**63), 2**63 - 1, 0, -(2**63)], dtype="int64")
    flags = np.array([1, 0, 1, 1])
    cases = [(flags, wide, wide[::-1].copy()), (flags, extreme), (extreme, flags, wide), (extreme, extreme)]
    for keys in cases:
        assert lex_order(keys).tolist() == np.lexsort(keys).tolist(), keys


def test_empty_rows_and_no_keys() -> None:
    assert lex_order((np.zeros(0),)).tolist() == []
    with pytest.raises(ValueError, match="at least one key"):
        lex_order(())
