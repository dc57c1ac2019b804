"""The coalition graph (model/coalitions.py): edge weights, coalitions, records and summary keys.

The hand-computed case is ``tests/fixtures/two_level.toml`` with the offer x = y = 1 on the table
(no deal is x = y = 0): the gain vectors are F1 (1, 0), F2 (0, 1), G (½, ½), H (−½, −½) and the
stances σ = u − r are F1 ½, F2 ½, G ½, H −½, so with α = ½

    A(F1, F2) = ½·0 + ½·(√½·√½) = ¼,      A(F1, G) = ½·(1/√2) + ½·½ = 0.6036,
    A(G, H)   = ½·(−1) + ½·(−½) = −¾,     A(F1, H) = ½·(−1/√2) + ½·(−½) = −0.6036,

and with τ = 0.3 the coalitions are {G, F1, F2} (F1 and F2 joined through G) and {H}.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bargaining_chips.agents.messages import Offer
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.coalitions import (
    _match,
    alignment,
    components,
    components_stacked,
    groups,
)


def model_with_offer(fixture_path, terms, overrides=None) -> NegotiationModel:
    model = NegotiationModel(load_scenario(fixture_path("two_level"), overrides), seed=0)
    model.offers.append(Offer("H", 1, np.asarray(terms, dtype=float)))
    model.round_index = 1
    return model


def test_edge_weights_by_hand(fixture_path):
    model = model_with_offer(fixture_path, [1.0, 1.0])
    snap = model.coalition_tracker.observe(model.round_index + 1, model.offers[-1].terms,
                                           model.prefs, model.reservation)
    i = model.setup.index
    a = snap.align
    assert a[i("F1"), i("F2")] == pytest.approx(0.25)
    assert a[i("F1"), i("G")] == pytest.approx(0.5 / math.sqrt(2) + 0.25)
    assert a[i("G"), i("H")] == pytest.approx(-0.75)
    assert a[i("F1"), i("H")] == pytest.approx(-0.5 / math.sqrt(2) - 0.25)
    assert snap.stance == pytest.approx([0.5, -0.5, 0.5, 0.5])
    assert groups(snap.labels) == [(i("G"), i("F1"), i("F2")), (i("H"),)]


def test_issue_weight_one_is_pure_issue_alignment_and_zero_pure_stance(fixture_path):
    model = model_with_offer(fixture_path, [1.0, 1.0])
    i = model.setup.index
    gains = model.prefs.form[0] * (model.offers[-1].terms - model.setup.space.no_deal)
    stance = model.utilities(model.offers[-1].terms) - model.reservation
    cos = alignment(gains, stance, 1.0)
    agree = alignment(gains, stance, 0.0)
    assert cos[i("F1"), i("F2")] == pytest.approx(0.0)  # different issues
    assert cos[i("F1"), i("G")] == pytest.approx(1 / math.sqrt(2))
    assert agree[i("F1"), i("F2")] == pytest.approx(0.5)  # √(½ · ½)
    assert agree[i("F1"), i("H")] == pytest.approx(-0.5)  # one for the deal, one against


@settings(max_examples=60, deadline=None)
@given(
    gains=arrays(np.float64, (6, 4), elements=st.floats(-1, 1)),
    stance=arrays(np.float64, 6, elements=st.floats(-1, 1)),
    alpha=st.floats(0, 1),
)
def test_edge_weights_are_symmetric_and_within_minus_one_and_one(gains, stance, alpha):
    a = alignment(gains, stance, alpha)
    off = a[~np.eye(6, dtype=bool)]
    assert np.all(off >= -1.0 - 1e-12) and np.all(off <= 1.0 + 1e-12)
    assert np.allclose(a, a.T)


@settings(max_examples=80, deadline=None)
@given(
    n=st.sampled_from([1, 2, 3, 5, 10, 32, 33, 40]),
    rounds=st.integers(1, 4),
    density=st.floats(0, 0.4),
    seed=st.integers(0, 2**32 - 1),
)
def test_stacked_components_are_each_rounds_components(n, rounds, density, seed):
    """Both ways of the stacked computation (squaring up to 32 actors, label propagation beyond)
    give every round's connected components, as networkx finds them."""
    rng = np.random.default_rng(seed)
    adj = rng.random((rounds, n, n)) < density
    adj = adj | np.swapaxes(adj, 1, 2)
    stacked = components_stacked(adj)
    for k in range(rounds):
        assert stacked[k] == components(adj[k])
        graph = nx.from_numpy_array(adj[k].astype(int))
        expected = sorted(tuple(sorted(c)) for c in nx.connected_components(graph))
        assert groups(stacked[k]) == expected


def test_components_follow_chains_and_leave_loners_alone():
    adj = np.zeros((5, 5), dtype=bool)
    for u, v in [(0, 3), (3, 4)]:
        adj[u, v] = adj[v, u] = True
    assert components(adj) == [0, 1, 2, 0, 0]
    assert groups([0, 1, 2, 0, 0]) == [(0, 3, 4), (1,), (2,)]


def test_stable_ids_follow_the_largest_overlap():
    from bargaining_chips.model.coalitions import Coalition

    prev = [Coalition(0, (0, 1, 2), "pro-deal", 0), Coalition(1, (3, 4), "anti-deal", 0)]
    ids, next_id = _match([(0, 1), (2, 3, 4), (5,)], prev, 2)
    assert ids == [0, 1, 2] and next_id == 3


def test_graph_invariants_in_every_snapshot(default_run):
    tracker = default_run.coalition_tracker
    names = default_run.setup.actor_names
    assert len(tracker.snapshots) == default_run.outcome.round_index + 2  # rounds + final
    for k, coalitions in enumerate(tracker.history()):
        g = tracker.graph(k)
        assert set(g.nodes) == set(names)  # the nodes are exactly the actors
        assert g.number_of_edges() == len(names) * (len(names) - 1) // 2
        assert all(-1 - 1e-12 <= w <= 1 + 1e-12 for _, _, w in g.edges(data="weight"))
        members = sorted(i for c in coalitions for i in c.members)
        assert members == list(range(len(names)))  # a partition
        # the networkx reading of the same graph gives the same coalitions
        import networkx as nx

        sub = nx.Graph([(u, v) for u, v, d in g.edges(data=True) if d["in_coalition"]])
        sub.add_nodes_from(g.nodes)
        from_nx = sorted(sorted(c) for c in nx.connected_components(sub))
        assert from_nx == sorted(sorted(names[i] for i in c.members) for c in coalitions)


def test_coalitions_cross_the_border_and_form_and_break(default_run):
    tracker = default_run.coalition_tracker
    crossing = [
        [frozenset(c.members) for c in cs if tracker.cross_border(c.members)]
        for cs in tracker.history()
    ]
    assert any(crossing)
    # some cross-border coalition seen in one snapshot is gone in the next
    assert any(set(a) - set(b) for a, b in zip(crossing, crossing[1:], strict=False))
    assert tracker.changes() >= 2


def test_records_have_one_row_per_coalition_and_per_pair(default_run):
    tracker = default_run.coalition_tracker
    n = len(default_run.setup.actor_names)
    rows = tracker.membership_rows()
    assert {r["stance"] for r in rows} <= {"pro-deal", "anti-deal", "undecided"}
    assert len(rows) == sum(len(cs) for cs in tracker.history())
    edges = tracker.edge_rows()
    assert len(edges) == len(tracker.snapshots) * n * (n - 1) // 2
    assert set(edges[0]) == {"round", "phase", "u", "v", "weight", "in_coalition"}


def test_same_seed_same_coalition_history_whatever_the_global_generators():
    def history(seed):
        random.seed(12345)
        np.random.seed(54321)
        m = NegotiationModel("us_japan_2025", seed=seed)
        m.run()
        m.release()
        return m.coalition_tracker.membership_rows(), m.coalition_tracker.edge_rows()

    first = history(7)
    random.seed(1)
    np.random.seed(2)
    assert history(7) == first


def test_summary_keys(default_run):
    from bargaining_chips.model.metrics import summary

    result = summary(default_run)
    names = set(default_run.setup.actor_names)
    assert sorted(m for c in result["coalitions"] for m in c) == sorted(names)
    assert result["coalition_changes"] == default_run.coalition_tracker.changes()
    assert isinstance(result["cross_border_decisive"], bool)
    # seed 0 ends in an agreement: both governments decided it
    decisive = {m for c in result["decisive_coalitions"] for m in c}
    assert {"US", "Japan"} <= decisive
    rejected = [v for v in default_run.domestic.votes if not v.passed]
    assert result["home_rejections"] == len(rejected)
    assert result["ratification_thresholds"] == {"US": 0.6, "Japan": 0.75}


def test_cross_border_decisive_depends_on_who_lines_up_with_whom(play):
    """With issue alignment only (α = 1) and a high τ the two governments, which pull opposite
    ways on every issue, cannot share a coalition: an agreement is then decided by coalitions that
    each stay within one country, unless a foreign firm joins one of them."""
    result_mixed = _summary(play("us_japan_2025", seed=1))  # a deal
    assert result_mixed["cross_border_decisive"] is True
    model = play("us_japan_2025", {"coalitions.issue_weight": 1.0,
                                   "coalitions.edge_threshold": 0.95}, seed=0)
    result = _summary(model)
    tracker = model.coalition_tracker
    deciding = result["decisive_coalitions"]
    index = model.setup.index
    assert result["cross_border_decisive"] == any(
        tracker.cross_border(tuple(index(m) for m in c)) for c in deciding
    )
    assert not any({"US", "Japan"} <= set(c) for c in deciding)


def _summary(model):
    from bargaining_chips.model.metrics import summary

    return summary(model)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=5, max_size=5), min_size=1, max_size=8))
def test_moves_count_actors_whose_partners_changed(raw):
    """moves() against its definition: actor i moved between snapshots when the set of actors
    sharing its coalition changed (labels made canonical: the smallest member's index)."""
    from bargaining_chips.model.coalitions import Snapshot

    history = []
    for row in raw:
        first = {}
        for i, lab in enumerate(row):
            first.setdefault(lab, i)
        history.append([first[lab] for lab in row])
    tracker = NegotiationModel("us_japan_2025", seed=0).coalition_tracker
    tracker._pending = []
    tracker._snapshots = [Snapshot(k + 1, "table", None, labels, None, None, None)
                          for k, labels in enumerate(history)]
    expected = sum(
        {j for j in range(5) if a[j] == a[i]} != {j for j in range(5) if b[j] == b[i]}
        for a, b in zip(history, history[1:], strict=False) for i in range(5)
    )
    assert tracker.moves() == expected


def test_a_finished_run_read_from_two_threads_at_once_shows_every_snapshot(monkeypatch):
    """The dashboard reads a finished game from two threads at once (its debrief's summary in the
    background, its Save button): the second reader, arriving while the first turns the last
    round into its snapshot, waits for it instead of deriving the coalitions' history from the
    snapshots without it (which broke Save: "zip() argument 2 is shorter than argument 1")."""
    import threading

    from bargaining_chips.model import coalitions

    model = NegotiationModel(rng=0, collect=False)
    model.run()
    tracker = model.coalition_tracker
    assert tracker._pending  # the final round, made a snapshot when first read
    inside, go_on = threading.Event(), threading.Event()
    real = coalitions.alignment

    def held(*args, **kwargs):  # the first reader, caught while it makes the snapshot
        inside.set()
        go_on.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(coalitions, "alignment", held)
    seen = {}
    first = threading.Thread(target=lambda: seen.update(first=len(tracker.snapshots)))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=lambda: seen.update(second=len(tracker.history())))
    second.start()
    second.join(0.5)  # (the old tracker answered at once, one snapshot short)
    go_on.set()
    first.join(10)
    second.join(10)
    n = len(tracker.snapshots)
    assert seen == {"first": n, "second": n} and len(tracker.history()) == n
    assert len({row["round"] for row in tracker.membership_rows()}) >= n - 1
