"""The coalition graph: who lines up with whom behind (or against) the offer on the table.

**Nodes** are all actors, governments and firms. **Edge weights** say how aligned two actors are
on the offer x currently on the table, compared with the no-deal terms x⁰. Each actor i has a
*gain vector* over the issues and a *stance* on the deal as a whole,

    g_ik = w_ik · (z_ik(x_k) − z_ik(x⁰_k)),          σ_i = u_i(x) − r_i ∈ [−1, 1],

(w: its current issue weights, z: its normalised value of an issue level, see :mod:`model.utility`;
r_i: its reservation utility). Two things make actors allies in a negotiation, and the weight mixes
them with ``coalitions.issue_weight`` α ∈ [0, 1]:

    A_ij = α · cos(g_i, g_j) + (1 − α) · s_i s_j,        s_i = sign(σ_i) · √|σ_i|.

The first term is issue alignment: +1 when the offer moves every issue the same way for both, −1
when what one gains the other loses (NVIDIA gains what Japan pays on chips), 0 when they care about
different issues. The second is agreement on the package: ± the geometric mean of their stakes
√(|σ_i| |σ_j|), positive when both would take the deal (or both refuse it), negative when one
would and the other would not, near 0 when either hardly cares, 1 only when both gain everything.
It lets a package bind actors who care about different issues (NVIDIA and US farmers behind one
deal) or even pull opposite ways on one (NVIDIA and Japan's government behind a chips-for-tariffs
swap that both want). Both terms lie in [−1, 1], so A_ij does (a zero gain vector counts 0 in the
first). Before any offer is on the table there is nothing to line up behind: every weight is 0 and
every actor stands alone.

**Coalitions** are read off the graph with a threshold rule, in the spirit of Axelrod's (1970)
*connected* coalitions (partners are linked by a chain of close allies, not all alike): keep the
edges with A_ij ≥ τ (``coalitions.edge_threshold``) and take connected components. They partition the actors (an actor
with no such edge is a coalition of one) and need no random draw, so the same history follows from
the same seed. Each coalition is labelled by its *stance* (pro-deal when its members' summed σ is
positive, anti-deal when negative, undecided at 0) and the *issue at stake*: the issue with the
largest summed |g_ik| over members (when nothing is at stake, the issue their scenario weights
rank first).

**Performance.** The graph semantics are kept in numpy: the alignment matrix is one vectorised
expression per round and the components come from label propagation on the thresholded matrix.
The networkx graph is built from the stored snapshot only when asked (:meth:`CoalitionTracker.graph`
for exports, plots and analysis), with the same nodes, weights and coalitions.

**Records.** One snapshot per round (phase "table": the offer on the table when the round opens,
before lobbying) and one after the talks end (phase "final": the agreed terms or the last offer).
Coalitions get stable ids across snapshots (each new coalition inherits the id of the previous
coalition it overlaps most; ties to the lower id), from which :meth:`membership_rows`,
:meth:`edge_rows` and the join/leave story are derived when asked.

Riker (1962) and Axelrod (1970) for coalition theory; Putnam (1988) for the two-level game, in
which domestic groups on either side can line up with each other across the border.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.floats import dot

if TYPE_CHECKING:
    import networkx as nx

    from bargaining_chips.model.scenario import Scenario
    from bargaining_chips.model.utility import Preferences, UtilitySpace

STANCES = ("anti-deal", "undecided", "pro-deal")


def alignment(gains: np.ndarray, stance: np.ndarray, issue_weight: float) -> np.ndarray:
    """The edge-weight matrix A (actors × actors, symmetric, off-diagonal entries in [−1, 1]).

    A = X Xᵀ with row i of X = (√α · g_i / |g_i|,  √(1 − α) · s_i),  s_i = sign(σ_i) · √|σ_i|:
    one matrix product. Each row has norm ≤ 1, so |A_ij| ≤ 1 (Cauchy–Schwarz). The diagonal
    carries no meaning (the graph has no self-loops).

    Also takes a stack of rounds (gains: rounds × actors × issues, stance: rounds × actors) and
    returns the stack of matrices; every round's matrix is computed exactly as on its own (the
    same element-wise operations, and the same product per matrix).
    """
    scale = np.sqrt(issue_weight / (np.add.reduce(gains * gains, axis=-1) + 1e-300))
    s = np.sqrt((1.0 - issue_weight) * np.abs(stance))
    x = np.concatenate((gains * scale[..., None], np.copysign(s, stance)[..., None]), axis=-1)
    return dot(x[..., :, None, :], x[..., None, :, :])


def components(adjacent: np.ndarray) -> np.ndarray:
    """Connected components of a symmetric boolean matrix (diagonal ignored).

    Returns canonical labels (a list): each actor's label is the smallest index in its component,
    so two partitions are equal exactly when their label lists are. A depth-first search over Python
    lists, for one round read as it is played (the default scenario's lobbying reads every round's
    coalitions at once): 2.2 µs for 6 actors and 5.2 µs for 12, against 7.7 and 10.5 µs for
    :func:`components_stacked` of one matrix (timeit, one core).
    """
    rows = adjacent.tolist()
    n = len(rows)
    labels = [-1] * n
    for start in range(n):
        if labels[start] >= 0:
            continue
        labels[start] = start
        stack = [start]
        while stack:
            row = rows[stack.pop()]
            for j in range(n):
                if row[j] and labels[j] < 0:
                    labels[j] = start
                    stack.append(j)
    return labels


def components_stacked(adjacent: np.ndarray) -> list[list[int]]:
    """:func:`components` of every matrix in a stack (rounds × actors × actors) at once.

    For up to :data:`SQUARING_MAX_ACTORS` actors, by repeated squaring of the reachability matrix
    R = I ∨ adjacent (after k squarings R holds every path of up to 2^k edges; 0/1 values
    multiplied as floats, so the products are exact small integers, capped at 1): the first
    reachable index in each row is the smallest index in the actor's component. Beyond that, by
    label propagation: each actor's label starts as its own index and takes the smallest label
    among its neighbours until nothing changes. Both give the canonical labels of
    :func:`components`.
    """
    n = adjacent.shape[-1]
    if n <= SQUARING_MAX_ACTORS:
        reach = (adjacent | np.eye(n, dtype=bool)).astype(np.float64)
        length = 1
        while length < n - 1:
            reach = np.minimum(reach @ reach, 1.0)
            length *= 2
        return reach.argmax(axis=-1).tolist()
    labels = np.zeros(adjacent.shape[:-1], dtype=int) + np.arange(n)
    while True:
        spread = np.minimum(labels, np.where(adjacent, labels[:, None, :], n).min(axis=2))
        if np.array_equal(spread, labels):
            return labels.tolist()
        labels = spread


#: Up to this many actors, :func:`components_stacked` squares the reachability matrix (a few
#: matrix products); beyond it, label propagation costs less. For 18 rounds (timeit, one core):
#: 12 actors 28 µs squaring vs 82 µs propagating, 32 actors 182 vs 321 µs, 48 actors 595 vs
#: 557 µs, 96 actors 4,604 vs 2,563 µs. (0/1 products are exact small integers in any order.)
SQUARING_MAX_ACTORS = 32


def groups(labels: list[int]) -> list[tuple[int, ...]]:
    """The partition as member tuples, ordered by their smallest member."""
    out: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        out.setdefault(lab, []).append(i)
    return [tuple(v) for _, v in sorted(out.items())]


@dataclass(frozen=True)
class CoalitionSetup:
    """What every run of a scenario shares: names, countries, powers, the graph's parameters
    (built when the scenario is compiled, :mod:`model.compiled`)."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    country: np.ndarray  # per actor: the index of its government (a government's own index)
    power: np.ndarray  # lobbying power (firms; governments have what the scenario gives them)
    no_deal_terms: np.ndarray
    threshold: float
    issue_weight: float
    issue_names: tuple[str, ...]
    scenario_weights: np.ndarray  # what labels a coalition when nothing is at stake

    @classmethod
    def build(cls, spec: Scenario, space: UtilitySpace, names: tuple[str, ...],
              home: tuple[int, ...], power: np.ndarray) -> CoalitionSetup:
        return cls(
            names=names,
            kinds=tuple(spec.actors[n].kind for n in names),
            country=np.array(home),
            power=np.asarray(power, dtype=float),
            no_deal_terms=space.no_deal,
            threshold=spec.coalitions.edge_threshold,
            issue_weight=spec.coalitions.issue_weight,
            issue_names=space.issue_names,
            scenario_weights=space.weights,
        )


@dataclass(slots=True, eq=False)
class Snapshot:
    """The graph in one round: ``align`` is the edge-weight matrix, ``labels`` the canonical
    coalition labels, ``stance`` σ and ``gains`` g as defined in the module docstring. Read-only
    by convention (not frozen: a frozen dataclass costs more to build than the round's maths)."""

    round_no: int
    phase: str  # "table" (when the round opens) or "final" (after the talks end)
    align: np.ndarray
    labels: list[int]
    stance: np.ndarray
    gains: np.ndarray
    reservation: np.ndarray  # the actors' reservation utilities at the time


@dataclass(frozen=True)
class Coalition:
    """One coalition in one snapshot, with its stable id."""

    id: int
    members: tuple[int, ...]
    stance: str
    issue: int


class CoalitionTracker:
    """The coalition graph of one run: updated every round, recorded as snapshots.

    A round's gains and stances are computed when it is recorded (under the weights and
    reservations of the moment); its edge weights and coalitions only when first read, for every
    round recorded since in one stacked computation (:attr:`snapshots`). A run whose firms do not
    lobby through their coalitions reads none of them until its summary.
    """

    def __init__(self, setup: CoalitionSetup) -> None:
        self.cs = setup
        self.issue_names = setup.issue_names
        self.scenario_weights = setup.scenario_weights
        self._snapshots: list[Snapshot] = []
        # Rounds recorded, not yet turned into snapshots: (round_no, phase, gains, stance,
        # reservation), gains and stance None before any offer.
        self._pending: list[tuple] = []
        self._history: list[list[Coalition]] | None = None
        # Held while the pending rounds become snapshots and while the history is derived: a
        # finished game is read from more than one thread at once (the dashboard's debrief in
        # the background, its Save button, the classroom's panels), and a reader must never see
        # the snapshots half made, nor keep a history derived from them.
        self._deriving = threading.RLock()
        n = len(self.cs.names)
        self._alone = list(range(n))
        self._zero = np.zeros((n, n))

    def __getstate__(self) -> dict:
        """A model pickles with its tracker (``tests/model/test_collect.py``): everything but
        the lock, which a copy makes anew."""
        state = dict(self.__dict__)
        del state["_deriving"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._deriving = threading.RLock()

    # -- the per-round update (the hot path) --------------------------------------------------
    def observe(self, round_no: int, terms: np.ndarray | None, prefs: Preferences,
                reservation: np.ndarray, phase: str = "table") -> Snapshot:
        """Recompute the graph on ``terms`` (None: no offer on the table yet) under the actors'
        current preferences and reservations, and record the snapshot of round ``round_no``."""
        self.record(round_no, terms, prefs, reservation, phase)
        return self.snapshots[-1]

    def record(
        self, round_no: int, terms: np.ndarray | None, prefs: Preferences,
        reservation: np.ndarray, phase: str = "table", *, stance: bool = True,
    ) -> np.ndarray | None:
        """Record the graph on ``terms`` as :meth:`observe` does, leaving its edge weights and
        coalitions to be computed when first read; returns the actors' stance σ (None when no
        offer is on the table).

        With ``stance=False`` (nobody needs σ now) it returns None, and in a linear space the
        gains and stances too are computed with the graph, from the utility form (A, b) of the
        moment (:attr:`Preferences.form`: replaced whenever the weights change, never edited in
        place, so keeping references to it is enough).
        """
        if terms is None:
            self._add(round_no, None, None, reservation, phase)
            return None
        if prefs.form is not None and not stance:
            self._add(round_no, None, None, reservation, phase, (terms, *prefs.form))
            return None
        gains, sigma = prefs.gains_and_stance(terms, reservation)
        self._add(round_no, gains, sigma, reservation, phase)
        return sigma if stance else None

    def _add(self, round_no: int, gains: np.ndarray | None, stance: np.ndarray | None,
             reservation: np.ndarray, phase: str, form: tuple | None = None) -> None:
        """Queue a round; ``form`` = (terms, A, B) when its gains and stances are left for later."""
        self._pending.append((round_no, phase, gains, stance, reservation.copy(), form))
        self._history = None

    @property
    def snapshots(self) -> list[Snapshot]:
        """One :class:`Snapshot` per recorded round, oldest first."""
        if self._pending:
            with self._deriving:
                if self._pending:  # (another thread may have made them meanwhile)
                    self._materialise()
        return self._snapshots

    def _materialise(self) -> None:
        """Turn the pending rounds into snapshots: the gains and stances left for later, then the
        edge weights and coalitions of all rounds with an offer, each in one stacked computation
        (element for element the numbers of a round computed on its own). The pending rounds
        are let go only once their snapshots are all in: a reader that finds none pending finds
        every snapshot."""
        pending = self._pending
        cs = self.cs
        offered = [p for p in pending if p[2] is not None or p[5] is not None]
        if len(offered) == 1:  # one round read as it is played: DFS (see components)
            _, _, gains, stance, _, form = offered[0]
            if form is not None:
                (gains,), (stance,) = self._gains_and_stances(offered)
            align = alignment(gains, stance, cs.issue_weight)
            found = iter([(align, components(align >= cs.threshold), stance, gains)])
        elif offered:
            gains, stance = self._gains_and_stances(offered)
            aligns = alignment(gains, stance, cs.issue_weight)
            found = zip(aligns, components_stacked(aligns >= cs.threshold), stance, gains,
                        strict=True)
        n_actors, n_issues = len(cs.names), len(self.issue_names)
        made: list[Snapshot] = []
        add = made.append
        for round_no, phase, gains, _, reservation, form in pending:
            if gains is None and form is None:
                add(Snapshot(round_no, phase, self._zero, self._alone, np.zeros(n_actors),
                             np.zeros((n_actors, n_issues)), reservation))
            else:
                align, labels, stance, gains = next(found)
                add(Snapshot(round_no, phase, align, labels, stance, gains, reservation))
        self._snapshots.extend(made)
        self._pending = []

    def _gains_and_stances(self, offered: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
        """Stacked gains (rounds × actors × issues) and stances (rounds × actors) of the pending
        rounds with an offer: as recorded, or computed now from the utility form (terms, A, b)
        of those left for later, g = A ⊙ (x − x⁰) and σ = A x + b − r. Rounds that share one
        form (no lobbying moved the weights between them) use it once, broadcast."""
        later = [p for p in offered if p[5] is not None]
        if not later:
            return np.array([p[2] for p in offered]), np.array([p[3] for p in offered])
        forms = [p[5] for p in later]
        terms = np.array([f[0] for f in forms])
        a0, b0 = forms[0][1], forms[0][2]
        if all(f[1] is a0 and f[2] is b0 for f in forms):
            a, b = a0[None], b0
        else:
            a, b = np.array([f[1] for f in forms]), np.array([f[2] for f in forms])
        gains = a * (terms - self.cs.no_deal_terms)[:, None, :]
        sigma = dot(a, terms[:, None, :]) + b - np.array([p[4] for p in later])
        if len(later) == len(offered):
            return gains, sigma
        computed = iter(zip(gains, sigma, strict=True))
        pairs = [next(computed) if p[5] is not None else (p[2], p[3]) for p in offered]
        return np.array([g for g, _ in pairs]), np.array([s for _, s in pairs])

    @property
    def current(self) -> Snapshot | None:
        snapshots = self.snapshots
        return snapshots[-1] if snapshots else None

    # -- derived records ----------------------------------------------------------------------
    def history(self) -> list[list[Coalition]]:
        """Every snapshot's coalitions with stable ids (computed once, when first asked)."""
        history = self._history
        if history is not None:
            return history
        with self._deriving:
            return self._history if self._history is not None else self._derive_history()

    def _derive_history(self) -> list[list[Coalition]]:
        """The history :meth:`history` returns, derived now from the snapshots (and kept)."""
        out: list[list[Coalition]] = []
        prev: list[Coalition] = []
        prev_labels = None
        next_id = 0
        for snap in self.snapshots:
            parts = groups(snap.labels)
            if prev_labels == snap.labels:
                ids = [c.id for c in prev]
            else:
                ids, next_id = _match(parts, prev, next_id)
            out.append([
                Coalition(k, members, *self._label(snap, members))
                for k, members in zip(ids, parts, strict=True)
            ])
            prev, prev_labels = out[-1], snap.labels
        self._history = out
        return out

    def _label(self, snap: Snapshot, members: tuple[int, ...]) -> tuple[str, int]:
        idx = list(members)
        total = float(snap.stance[idx].sum())
        stance = STANCES[1 + (total > 1e-12) - (total < -1e-12)]
        stake = np.abs(snap.gains[idx]).sum(axis=0)
        if not stake.any():
            stake = self.scenario_weights[idx].sum(axis=0)
        return stance, int(stake.argmax())

    def membership_rows(self) -> list[dict]:
        """One row per snapshot and coalition: round, phase, coalition id, members, size,
        stance, issue, cross_border."""
        rows = []
        names = self.cs.names
        for snap, coalitions in zip(self.snapshots, self.history(), strict=True):
            for c in coalitions:
                rows.append({
                    "round": snap.round_no, "phase": snap.phase, "coalition": c.id,
                    "members": ";".join(names[i] for i in c.members), "size": len(c.members),
                    "stance": c.stance, "issue": self.issue_names[c.issue],
                    "cross_border": self.cross_border(c.members),
                })
        return rows

    def edge_rows(self) -> list[dict]:
        """One row per snapshot and pair of actors: round, phase, u, v, weight, in_coalition
        (whether the edge reaches the threshold τ that joins coalitions)."""
        rows = []
        names = self.cs.names
        n = len(names)
        iu, ju = np.triu_indices(n, 1)
        for snap in self.snapshots:
            w = snap.align[iu, ju].tolist()
            for a, b, weight in zip(iu.tolist(), ju.tolist(), w, strict=True):
                rows.append({"round": snap.round_no, "phase": snap.phase, "u": names[a],
                             "v": names[b], "weight": weight,
                             "in_coalition": weight >= self.cs.threshold})
        return rows

    def cross_border(self, members: tuple[int, ...]) -> bool:
        """Whether the members come from more than one country (a firm's country is its home)."""
        return len(set(self.cs.country[list(members)].tolist())) > 1

    def changes(self) -> int:
        """The number of snapshots whose partition differs from the one before."""
        labels = [s.labels for s in self.snapshots]
        return sum(a != b for a, b in zip(labels, labels[1:], strict=False))

    def moves(self) -> int:
        """The number of times an actor's set of coalition partners changed between snapshots."""
        labels = [s.labels for s in self.snapshots]
        if all(a == b for a, b in zip(labels, labels[1:], strict=False)):
            return 0  # one partition throughout (or fewer than two snapshots)
        stack = np.array(labels)
        same = stack[:, :, None] == stack[:, None, :]
        return int((same[1:] != same[:-1]).any(axis=2).sum())

    def final_coalitions(self) -> list[list[str]]:
        """The last snapshot's coalitions as lists of member names."""
        if not self.snapshots:
            return []
        return [[self.cs.names[i] for i in members] for members in groups(self.snapshots[-1].labels)]

    # -- the graph as networkx ----------------------------------------------------------------
    def graph(self, k: int = -1) -> nx.Graph:
        """Snapshot ``k`` as a weighted networkx graph: nodes are the actors (attributes kind,
        country, power, coalition, stance), every pair is an edge with its ``weight`` and
        ``in_coalition`` (weight ≥ τ). Coalitions are the connected components of the
        ``in_coalition`` edges, as in the numpy computation."""
        import networkx as nx

        snap = self.snapshots[k]
        coalitions = self.history()[k]
        of = {i: c for c in coalitions for i in c.members}
        names, cs = self.cs.names, self.cs
        g = nx.Graph(round=snap.round_no, phase=snap.phase, threshold=float(cs.threshold))
        for i, name in enumerate(names):
            c = of[i]
            g.add_node(name, kind=cs.kinds[i], country=names[int(cs.country[i])],
                       power=float(cs.power[i]), coalition=int(c.id),
                       coalition_stance=c.stance, stance=float(snap.stance[i]))
        n = len(names)
        for a in range(n):
            for b in range(a + 1, n):
                w = float(snap.align[a, b])
                g.add_edge(names[a], names[b], weight=w, in_coalition=bool(w >= cs.threshold))
        return g


def _match(parts: list[tuple[int, ...]], prev: list[Coalition], next_id: int):
    """Give each new part the id of the previous coalition it overlaps most (greedy, largest
    overlap first, ties to the lower id); parts left over get fresh ids."""
    pairs = []
    for p, members in enumerate(parts):
        s = set(members)
        for c in prev:
            overlap = len(s.intersection(c.members))
            if overlap:
                pairs.append((-overlap, c.id, p))
    pairs.sort()
    ids: list[int | None] = [None] * len(parts)
    used = set()
    for _, cid, p in pairs:
        if ids[p] is None and cid not in used:
            ids[p] = cid
            used.add(cid)
    for p in range(len(parts)):
        if ids[p] is None:
            ids[p] = next_id
            next_id += 1
    next_id = max([next_id, *(i + 1 for i in ids)])
    return ids, next_id
