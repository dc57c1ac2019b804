"""The results store of a sweep: one folder of Parquet parts plus a manifest.

Layout of an output folder::

    manifest.json        what was run: config, fingerprint, root seed, code and package versions,
                         start/end time and counts of every session (a resumed sweep adds a session)
    parts/part-*.parquet one file per finished chunk of runs; one row per run
    .lock                held by the sweep writing here, so two cannot write at once

A part is written to a temporary file in the same folder and renamed into place (``os.replace`` is
atomic on POSIX and Windows), so after any crash a part is either complete or absent; leftover
temporary files are removed on the next open. Resume reads the ``run_key`` column of every part and
skips those runs, so a sweep interrupted at any moment and started again ends with every run exactly
once.

A row holds ``run_key``, ``run_index``, ``point``, ``replication``, ``seed``, ``status`` ("ok" or
"error"), ``error`` (the exception, or null), the parameters as ``param.<path>`` columns and the
model's summary flattened: nested dicts become dotted columns (``terms.auto_tariff``,
``utilities.Japan``) and lists become JSON strings (``coalitions``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import platform
import subprocess
import uuid
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bargaining_chips.model.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from bargaining_chips.experiments.sweep.config import SweepConfig

MANIFEST = "manifest.json"
PARTS = "parts"
LOCK = ".lock"
FORMAT_VERSION = 1
PARAM_PREFIX = "param."
META_COLUMNS = ("run_key", "run_index", "point", "replication", "seed", "status", "error")
_PACKAGES = (
    "bargaining-chips", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "networkx", "scipy",
    "SALib", "tqdm", "dask", "distributed", "matplotlib",
)


_SCALARS = frozenset({bool, int, float, str})


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten a summary dict for a table: nested dicts → dotted keys, lists → JSON strings."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if item is None or type(item) in _SCALARS:  # the common case first: it runs per value
            flat[name] = item
        elif isinstance(item, dict | Mapping):
            flat.update(flatten(item, prefix=f"{name}."))
        elif isinstance(item, list | tuple):
            flat[name] = json.dumps(item, default=_json_default)
        elif isinstance(item, bool | int | float | str):
            flat[name] = item
        elif hasattr(item, "item"):  # numpy scalar
            flat[name] = item.item()
        else:
            flat[name] = str(item)
    return flat


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    return str(obj)


def rows_to_parquet(rows: list[dict[str, Any]]) -> bytes:
    """Encode rows (flat dicts, keys may differ between rows) as one Parquet file in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    arrays = {}
    for name in columns:
        values = [row.get(name) for row in rows]
        try:
            arrays[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # mixed types: keep as text
            arrays[name] = pa.array([None if v is None else json.dumps(v) for v in values])
    buffer = io.BytesIO()
    pq.write_table(pa.table(arrays), buffer)
    return buffer.getvalue()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def code_version() -> dict[str, Any]:
    """The package version and, when run from a git checkout, its commit and whether it is dirty."""
    root = Path(__file__).resolve().parents[1]
    info: dict[str, Any] = {"package": _version("bargaining-chips"), "commit": None, "dirty": None}
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
        info.update(commit=commit, dirty=bool(status.strip()))
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def package_versions() -> dict[str, str | None]:
    """Versions of Python and of the packages a result depends on (None: not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    versions.update({name: _version(name) for name in _PACKAGES})
    return versions


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class ResultStore:
    """An output folder holding one sweep's results; see the module docstring."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.parts = self.root / PARTS

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def check(cls, root: str | Path, config: SweepConfig, *, resume: bool = True) -> ResultStore:
        """Refuse (``UserError``) a folder that may not take ``config``'s runs; write nothing.

        A new or empty folder is fine. A folder with this sweep's manifest is resumed (or refused
        with ``resume=False`` if it holds finished runs); a folder with another sweep's manifest, or
        with files but no manifest, is refused.
        """
        store = cls(root)
        if store.root.exists() and not store.root.is_dir():
            raise UserError(f"{store.root}: exists and is not a folder; choose another --out")
        manifest = store.read_manifest()
        if manifest is None:
            if store.root.exists() and any(p.name != LOCK for p in store.root.iterdir()):
                raise UserError(
                    f"{store.root}: folder is not empty and holds no sweep manifest; "
                    "choose a new or empty --out"
                )
        elif manifest.get("fingerprint") != config.fingerprint:
            raise UserError(
                f"{store.root}: holds results of a different sweep "
                f"({manifest.get('name', '?')!r}, fingerprint {manifest.get('fingerprint')}); "
                "choose another --out"
            )
        elif not resume and store.part_files():
            raise UserError(
                f"{store.root}: already holds runs of this sweep; resume it (drop --no-resume) "
                "or choose another --out"
            )
        return store

    @classmethod
    def open(cls, root: str | Path, config: SweepConfig, *, resume: bool = True) -> ResultStore:
        """:meth:`check` the folder, take its lock and clear half-written parts of a killed session.

        The lock (an exclusive ``flock`` on ``.lock``, released by the system when the process
        ends, however it ends) keeps a second sweep from writing into the folder at the same time;
        it is held until :meth:`end_session` or :meth:`close`.
        """
        store = cls.check(root, config, resume=resume)
        store.root.mkdir(parents=True, exist_ok=True)
        store._lock()
        try:
            cls.check(root, config, resume=resume)  # again, now that no one else can write
            if store.parts.is_dir():
                for tmp in store.parts.glob(".*.tmp"):
                    tmp.unlink()  # half-written part of a killed session
        except BaseException:
            store.close()
            raise
        return store

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks; run one sweep a folder
            return
        handle = open(self.root / LOCK, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise UserError(
                f"{self.root}: another sweep (pid {holder}) is writing to this folder; "
                "wait for it to finish or choose another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_handle = handle

    def close(self) -> None:
        """Release the folder's lock (if held)."""
        handle = getattr(self, "_lock_handle", None)
        if handle is not None:
            handle.close()
            self._lock_handle = None

    # -- manifest ----------------------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when the folder has none."""
        path = self.root / MANIFEST
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise UserError(f"{path}: unreadable manifest ({err}); choose another --out") from None

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Replace the manifest atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        text = json.dumps(manifest, indent=2, sort_keys=False, default=_json_default)
        _atomic_write(self.root / MANIFEST, (text + "\n").encode())

    def start_session(
        self, config: SweepConfig, *, runs_planned: int, points: int, session: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Create or extend the manifest with a new session; returns the manifest."""
        manifest = self.read_manifest() or {
            "format": FORMAT_VERSION,
            "name": config.name,
            "description": config.description,
            "fingerprint": config.fingerprint,
            "root_seed": config.root_seed,
            "model": config.model,
            "scenario": config.scenario,
            "points": points,
            "replications": config.replications,
            "runs_planned": runs_planned,
            "config": config.model_dump(mode="json"),
            "started": _now(),
            "sessions": [],
        }
        manifest.update(  # outcomes, plots and names may change between sessions of one sweep
            name=config.name,
            description=config.description,
            config=config.model_dump(mode="json"),
            status="running",
            finished=None,
            code_version=code_version(),
            packages=package_versions(),
        )
        manifest["sessions"].append({"started": _now(), "finished": None, **session})
        self.write_manifest(manifest)
        self.parts.mkdir(exist_ok=True)
        return manifest

    def end_session(
        self, manifest: dict[str, Any], *, status: str, counts: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Close the last session with its counts; the sweep is ``complete`` when nothing is left."""
        now = _now()
        manifest["sessions"][-1].update(finished=now, status=status, **counts)
        manifest["status"] = status
        manifest["finished"] = now if status == "complete" else None
        manifest["counts"] = self.counts()
        self.write_manifest(manifest)
        self.close()
        return manifest

    # -- parts -------------------------------------------------------------------------------
    def part_files(self) -> list[Path]:
        """Finished parts, in name order (which is the order of their first run)."""
        if not self.parts.is_dir():
            return []
        return sorted(self.parts.glob("part-*.parquet"))

    def write_part(self, data: bytes, first_index: int) -> Path:
        """Write one finished chunk (Parquet bytes) atomically; returns its path."""
        path = self.parts / f"part-{first_index:012d}-{uuid.uuid4().hex[:8]}.parquet"
        _atomic_write(path, data)
        return path

    def done_keys(self) -> set[str]:
        """Keys of every run on disk."""
        import pyarrow.parquet as pq

        keys: set[str] = set()
        for path in self.part_files():
            keys.update(pq.read_table(path, columns=["run_key"]).column(0).to_pylist())
        return keys

    def counts(self) -> dict[str, int]:
        """Runs on disk: total, ok, error."""
        import pyarrow.parquet as pq

        total = errors = 0
        for path in self.part_files():
            status = pq.read_table(path, columns=["status"]).column(0).to_pylist()
            total += len(status)
            errors += sum(1 for s in status if s != "ok")
        return {"runs_done": total, "runs_ok": total - errors, "runs_error": errors}

    def column_names(self) -> list[str]:
        """Every column of any part, read from the Parquet footers only (no data)."""
        import pyarrow.parquet as pq

        names: dict[str, None] = {}
        for path in self.part_files():
            names.update(dict.fromkeys(pq.read_schema(path).names))
        return list(names)

    def load(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """All runs as one DataFrame, ordered by run index."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = self.part_files()
        if not files:
            return pd.DataFrame(columns=list(META_COLUMNS))
        wanted = list(columns) if columns is not None else None
        tables = []
        for path in files:
            table = pq.read_table(path)
            if wanted is not None:
                table = table.select([c for c in wanted if c in table.column_names])
            tables.append(table)
        table = pa.concat_tables(tables, promote_options="permissive")
        frame = table.to_pandas()
        if "run_index" in frame.columns:
            frame = frame.sort_values("run_index", kind="stable").reset_index(drop=True)
        return frame


def load_results(out: str | Path, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Load a sweep's results (the folder given to ``--out``) as a pandas DataFrame.

    One row per run: ``run_key``, ``run_index``, ``point``, ``replication``, ``seed``, ``status``,
    ``error``, the ``param.<path>`` columns and the flattened summary; ``columns`` keeps only
    those named (``run_index`` is always kept for the order). For a sensitivity study's folder,
    the runs of its main design (``runs/``) are loaded.
    """
    root = Path(out)
    if not (root / MANIFEST).exists() and (root / "runs" / MANIFEST).exists():
        root = root / "runs"
    if not (root / MANIFEST).exists():
        raise UserError(f"{root}: no sweep results here (no {MANIFEST})")
    if columns is not None:
        columns = ["run_index", *(c for c in columns if c != "run_index")]
    return ResultStore(root).load(columns)


def parameter_columns(frame: pd.DataFrame) -> list[str]:
    """The ``param.<path>`` columns of a results table."""
    return [c for c in frame.columns if c.startswith(PARAM_PREFIX)]
