"""COPY text of a frame: NULLs, exact floats, booleans, and text that would otherwise break the format."""

import math

import pandas as pd

from prm.pgcopy import _texts


def test_floats_keep_every_digit_and_missing_values_are_null():
    texts = _texts(pd.Series([16.666666666666668, -0.1, math.nan]))
    assert texts == ["16.666666666666668", "-0.1", "\\N"]
    assert float(texts[0]) == 16.666666666666668


def test_nullable_integers_and_booleans():
    assert _texts(pd.Series([3, None, 12], dtype="Int64")) == ["3", "\\N", "12"]
    assert _texts(pd.Series([True, False])) == ["t", "f"]


def test_tabs_newlines_and_backslashes_in_text_are_escaped():
    assert _texts(pd.Series(["a\tb", "c\\N", "line\nbreak\r", None])) == ["a\\tb", "c\\\\N", "line\\nbreak\\r", "\\N"]
