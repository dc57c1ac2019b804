"""Coalition exports and plots (the writers of experiments/report/run_files.py,
experiments/report/coalition_plots.py): files load back into equal graphs, the layout is seeded and
shared by every round."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest

from bargaining_chips.experiments.report import coalition_plots as cp
from bargaining_chips.experiments.report.run_files import (
    graph_file_stem,
    write_coalition_graphs,
    write_coalition_plots,
    write_coalitions,
)
from bargaining_chips.model import NegotiationModel
from bargaining_chips.model.metrics import summary


@pytest.fixture(scope="module")
def run():
    model = NegotiationModel("us_japan_2025", seed=0)
    model.run()
    model.release()
    return model, summary(model)


def test_graphml_and_node_link_json_load_back_into_equal_graphs(run, tmp_path):
    model, result = run
    written = write_coalition_graphs(model, result, tmp_path)
    tracker = model.coalition_tracker
    assert len(written) == 2 * len(tracker.snapshots)
    for k, snap in enumerate(tracker.snapshots):
        original = tracker.graph(k)
        stem = graph_file_stem(snap)
        from_graphml = nx.read_graphml(tmp_path / "graphs" / f"{stem}.graphml")
        from_json = nx.node_link_graph(json.loads((tmp_path / "graphs" / f"{stem}.json").read_text()))
        # the GraphML reader adds its (empty) attribute defaults to the graph's attributes
        assert from_graphml.graph.pop("node_default") == {}
        assert from_graphml.graph.pop("edge_default") == {}
        assert nx.utils.graphs_equal(from_graphml, original)
        assert nx.utils.graphs_equal(from_json, original)


def test_stale_round_files_of_a_longer_run_are_removed(run, tmp_path):
    model, result = run
    (tmp_path / "graphs").mkdir()
    (tmp_path / "graphs" / "round_09.graphml").write_text("old")
    write_coalition_graphs(model, result, tmp_path)
    assert not (tmp_path / "graphs" / "round_09.graphml").exists()


def test_tables(run, tmp_path):
    model, result = run
    write_coalitions(model, result, tmp_path)
    members = pd.read_csv(tmp_path / "coalitions.csv")
    assert list(members.columns) == ["round", "phase", "coalition", "members", "size", "stance",
                                     "issue", "cross_border"]
    votes = pd.read_csv(tmp_path / "ratification.csv")
    rejected = [v for v in model.domestic.votes if not v.passed]
    table = votes[~votes["passed"]][["round_no", "government"]].values.tolist()
    assert table == [[v.round_no, v.government] for v in rejected]
    assert len(votes) == len(model.domestic.votes)
    edges = pd.read_csv(tmp_path / "coalition_edges.csv")
    assert edges["weight"].between(-1 - 1e-9, 1 + 1e-9).all()


def test_layout_is_seeded_and_shared_by_every_panel(run):
    model, _ = run
    a = cp.coalition_layout(model.coalition_tracker, seed=model.seed)
    b = cp.coalition_layout(model.coalition_tracker, seed=model.seed)
    assert a == b
    data = cp.network_table(model)
    positions = [{n["name"]: (n["x"], n["y"]) for n in p["nodes"]} for p in data["panels"]]
    assert all(p == positions[0] for p in positions)
    assert [p["label"] for p in data["panels"]] == ["round 2 (1 May)", "round 4 (30 May)",
                                                    "final (16 Jun)"]


def test_chosen_rounds_come_from_the_scenario(play):
    model = play("us_japan_2025", {"coalitions.plot_rounds": [3, 5]}, seed=0)
    labels = [p["label"] for p in cp.network_table(model)["panels"]]
    assert labels == ["round 3 (23 May)", "round 5 (6 Jun)", "final (16 Jun)"]


def test_membership_table_has_every_actor_in_every_snapshot(run):
    model, _ = run
    table = cp.membership_table(model)
    assert len(table) == len(model.coalition_tracker.snapshots) * len(model.setup.actor_names)
    assert table.groupby("snapshot")["actor"].nunique().eq(len(model.setup.actor_names)).all()


def test_plots_are_written(run, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    model, result = run
    paths = write_coalition_plots(model, result, tmp_path)
    assert [p.name for p in paths] == ["coalition_network.png", "coalition_membership.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_a_run_never_mixes_its_files_with_an_earlier_runs(tmp_path, capsys, monkeypatch):
    import run
    from bargaining_chips.experiments.report import run_files

    out = tmp_path / "results"
    (out / "my_sweep").mkdir(parents=True)  # someone else's files in the folder stay
    assert run.main(["run", "--out", str(out), "--seed", "1"]) == 0
    assert (out / "negotiation_dance.png").exists()
    assert run.main(["run", "--out", str(out), "--seed", "2", "--no-plots"]) == 0
    names = {p.name for p in out.iterdir()}
    assert not any(name.endswith(".png") for name in names)  # the first run's plots are gone
    assert "my_sweep" in names and run_files.INCOMPLETE not in names
    assert '"seed": 2' in (out / "summary.json").read_text()
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken(model, result, folder):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_files, "WRITERS", [*run_files.WRITERS[:2], broken])
    capsys.readouterr()
    assert run.main(["run", "--out", str(out), "--seed", "3", "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the disk is full" in err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no staging folder left
