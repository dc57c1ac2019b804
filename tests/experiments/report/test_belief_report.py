"""Under private information the transcript, the summary lines and beliefs.csv tell what each side
believes of the other, next to the truth; under complete information they say nothing of it."""

from __future__ import annotations

import pandas as pd

from bargaining_chips.experiments.report import transcript
from bargaining_chips.experiments.report.run_files import write_all
from bargaining_chips.model import NegotiationModel
from bargaining_chips.model.metrics import summary


def test_the_transcript_tells_each_belief_after_each_offer(tmp_path):
    m = NegotiationModel("synthetic_5", seed=0)
    m.run()
    lines = transcript.transcript(m)
    told = [line for line in lines if "now believes of" in line]
    assert len(told) == len(m.beliefs.records) == len(m.offers)
    assert told[0].strip().startswith("Seller now believes of Buyer (bayesian)")
    assert "(true 0.20)" in told[0]  # the Buyer's true reservation
    result = summary(m)
    belief = [line for line in transcript.summary_lines(m, result) if line.startswith("belief")]
    assert len(belief) == 2 and "offers seen" in belief[0]
    write_all(m, result, tmp_path, plots=False)
    table = pd.read_csv(tmp_path / "beliefs.csv")
    assert len(table) == len(m.beliefs.records)
    assert {"kendall_tau", "w_a", "true_w_e", "reservation", "true_reservation"} <= set(table)


def test_complete_information_tells_no_beliefs(tmp_path):
    m = NegotiationModel("synthetic_5", seed=0, overrides={"protocol.information": "complete"})
    m.run()
    assert not any("believes" in line for line in transcript.transcript(m))
    write_all(m, summary(m), tmp_path, plots=False)
    assert not (tmp_path / "beliefs.csv").exists()
