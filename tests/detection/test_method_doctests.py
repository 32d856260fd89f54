"""The examples in the docstrings of the method's modules (issue 16) run and hold."""

from __future__ import annotations

import doctest

import pytest

from detection import access
from detection.method import courses, economics, fidelity, funnel


@pytest.mark.parametrize("module", [courses, economics, fidelity, funnel, access])
def test_docstring_examples_hold(module):
    result = doctest.testmod(module)
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0
