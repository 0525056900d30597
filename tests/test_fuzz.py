"""Differential fuzzing: generated Flask apps, run under Flask and linted.

A bounded run (``FLASK_LINT_FUZZ_EXAMPLES``, default 200, derandomised so
that every run checks the same apps); ``scripts/fuzz.py`` runs long
campaigns.  A finding where Flask shows no effect fails the test, with the
smallest app hypothesis can shrink it to; effects flask-lint does not report
are recall gaps, listed by the campaign in docs/validation.md.
"""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz"))

from check import compare  # noqa: E402
from generator import Chooser, application  # noqa: E402

EXAMPLES = int(os.environ.get("FLASK_LINT_FUZZ_EXAMPLES", "200"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_no_finding_that_flask_does_not_confirm(data: st.DataObject) -> None:
    choose = Chooser(lambda options: data.draw(st.sampled_from(list(options))))
    app = application(choose)
    outcome = compare(app)
    assert not outcome.error, outcome.error + "\n" + app.source()
    wrong = [f"line {d.line}: {d.rule} {d.detail}\n    {d.source_line.strip()}" for d in outcome.false_positives]
    assert not wrong, "flask-lint reports what Flask does not do:\n" + "\n".join(wrong) + "\n\n" + app.source()
