"""The results store of a sweep: one table of runs, in Parquet parts while it runs, plus a manifest.

Layout of an output folder::

    manifest.json        what was run: config, fingerprint, root seed, code and package versions,
                         the table's schema, start/end time and counts of every session (a resumed
                         sweep adds a session), parts set aside as corrupt
    results.parquet      the whole table, one row per run in run order: written when the sweep
                         completes (the parts are then removed)
    parts/part-*.parquet while the sweep runs: parts of at most ``part_rows`` rows each (the
                         folder goes when they are compacted)
    parts/_corrupt/      parts that did not read back (set aside; their runs are run again)
    .lock                held by the sweep writing here, so two cannot write at once

Every file is written to a temporary name in the same folder and renamed into place
(:mod:`bargaining_chips.experiments.atomic`), so after any crash a file is either complete or absent;
leftover temporary files are removed on the next open. Resume reads the ``run_key`` column of every
part and skips those runs, so a sweep interrupted at any moment and started again ends with every run
exactly once. A part whose file does not read back, or whose row count disagrees with the count in
its name, is moved to ``parts/_corrupt/`` with a note in the manifest, and its runs are run again.

**One table.** Every part has the sweep's one schema (:class:`TableSchema`, kept in the manifest):
the run columns and the parameters are typed from the config before any run; an outcome column is
typed from its first non-null values and keeps that type (an integer column that later meets a
fraction becomes float64) and comes after the parameters in name order, ``error`` is always a
string, a column of ISO dates (``*_date``) is a
date, a column that is always null where a nested value is missing (``terms`` of a run without a
deal, beside ``terms.<issue>``) is left out. ``results.parquet`` is read by pandas, polars, duckdb
and R's arrow with no options.

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
import re
import subprocess
import sys
import uuid
from collections.abc import Iterable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bargaining_chips.experiments.atomic import (
    clean_leftovers,
    is_leftover,
    write_atomic,
    write_bytes,
)
from bargaining_chips.model.errors import UserError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from bargaining_chips.experiments.sweep.config import SweepConfig

MANIFEST = "manifest.json"
PARTS = "parts"
RESULTS = "results.parquet"
CORRUPT = "_corrupt"
LOCK = ".lock"
FORMAT_VERSION = 2
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


_atomic_write = write_bytes
#: Run indices per row group of ``results.parquet`` when parts are compacted (:meth:`compact`):
#: a window's rows are held in a few copies while it is sorted, and a calibration's rows carry
#: its facts (about 3 kB of JSON each), so a window of 2,000 holds a few MB, 10,000 some 100 MB.
COMPACT_ROWS = 2_000
_PART_NAME = re.compile(r"part-(\d+)-(\d+)r-[0-9a-f]+\.parquet$")

# The types a column of the sweep table may have, by the name the manifest stores.
_TYPES = ("string", "int64", "double", "bool", "date32[day]")


def _arrow_type(name: str) -> pa.DataType:
    import pyarrow as pa

    return {"string": pa.string(), "int64": pa.int64(), "double": pa.float64(),
            "bool": pa.bool_(), "date32[day]": pa.date32()}[name]


def release_unused() -> None:
    """Hand back to the system the memory Arrow's allocator still holds for tables already freed.

    Arrow's default pool (mimalloc in the wheels) keeps freed pages for reuse, and reading Parquet
    files one after another grows the process's resident memory though the tables are gone:
    reading the two parts of a 10,000-draw calibration twelve times over in one process (each
    table dropped at once) took 45 MB of anonymous memory more, with ``pyarrow.total_allocated_bytes``
    back at 0 after each; releasing after each read, 13 MB, flat after the first rounds (Python
    3.11, pyarrow 26, 2 Dec 2026). The driver calls this after each part it reads, so its peak
    does not grow with the number of runs.
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


class TableSchema:
    """The one schema of a sweep's table: ordered ``{column: type name}`` (see the module docstring).

    The run columns and the ``param.<path>`` columns are fixed from the config; outcome columns are
    added as they first appear and keep their type.
    """

    def __init__(self, columns: Mapping[str, str], omit: Iterable[str] = ()) -> None:
        self.omit = frozenset(omit)  # columns never in the table (settings of the whole sweep)
        self.columns = {name: kind for name, kind in columns.items() if name not in self.omit}
        self._arrow: tuple[tuple[tuple[str, str], ...], pa.Schema] | None = None

    @classmethod
    def of_config(
        cls, config: SweepConfig, outcomes: Mapping[str, str] | None = None,
        unrecorded: Iterable[str] = (),
    ) -> TableSchema:
        """The columns known before any run: the run's identity, its status, its parameters and
        the ``outcomes`` the model declares (``{column: type name}``); the constants named in
        ``unrecorded`` (:func:`~.models.unrecorded`) are no columns, and stay out of the table
        (:attr:`omit`) if a row holds them."""
        columns = {"run_key": "string", "run_index": "int64", "point": "int64",
                   "replication": "int64", "seed": "int64", "status": "string", "error": "string"}
        for path, spec in config.parameters.items():
            columns[f"{PARAM_PREFIX}{path}"] = _spec_type(spec)
        for path, value in config.constants.items():
            columns[f"{PARAM_PREFIX}{path}"] = _value_type([value])
        if config.scenario is not None:
            columns[f"{PARAM_PREFIX}scenario"] = "string"
        for name, type_name in (outcomes or {}).items():
            if type_name not in _TYPES:
                raise ValueError(f"outcome {name!r}: type {type_name!r} is not one of {_TYPES}")
            columns.setdefault(name, type_name)
        return cls(columns, omit=(f"{PARAM_PREFIX}{path}" for path in unrecorded))

    def names(self) -> list[str]:
        """The column order: the run columns and parameters as declared, then the outcomes by
        name (so the table does not depend on which part first held a value)."""
        fixed = [c for c in self.columns if c in META_COLUMNS or c.startswith(PARAM_PREFIX)]
        return fixed + sorted(c for c in self.columns if c not in set(fixed))

    def arrow(self) -> pa.Schema:
        """The Arrow schema of the table (built again only when the columns changed: a sweep
        conforms every chunk to it, and building it took a third of the driver's time there)."""
        import pyarrow as pa

        state = tuple(self.columns.items())
        if self._arrow is None or self._arrow[0] != state:
            schema = pa.schema([pa.field(n, _arrow_type(self.columns[n])) for n in self.names()])
            self._arrow = (state, schema)
        return self._arrow[1]

    def conform(self, table: pa.Table) -> tuple[pa.Table, bool]:
        """``table`` cast to this schema (columns added as they first appear; missing ones null);
        returns the table and whether the schema changed."""
        import pyarrow as pa

        changed = False
        names = set(table.column_names)
        for name in table.column_names:
            column = table.column(name)
            if name not in self.columns:
                if name in self.omit:
                    continue
                if column.null_count == len(column) and any(n.startswith(f"{name}.") for n in names):
                    continue  # ``terms`` of a run without a deal, beside ``terms.<issue>``
                if column.null_count == len(column) and len(column):
                    continue  # typed when it first holds a value
                self.columns[name] = _column_type(name, column)
                changed = True
            elif self.columns[name] == "int64" and pa.types.is_floating(column.type):
                self.columns[name] = "double"
                changed = True
        arrays = []
        schema = self.arrow()
        for field in schema:
            name, target = field.name, field.type
            if name not in names:
                arrays.append(pa.nulls(len(table), target))
                continue
            arrays.append(_cast(table.column(name), target, name))
        return pa.Table.from_arrays(arrays, schema=schema), changed


def _cast(column: pa.ChunkedArray, target: pa.DataType, name: str) -> pa.ChunkedArray:
    import pyarrow as pa

    if column.type == target:
        return column
    try:
        return column.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if pa.types.is_string(target):
            values = column.to_pylist()
            return pa.chunked_array(
                [pa.array([None if v is None else str(v) for v in values], pa.string())]
            )
        raise UserError(
            f"column {name!r}: the model returned {column.type} values where earlier runs "
            f"returned {target}; a sweep's columns keep one type"
        ) from None


def _column_type(name: str, column: pa.ChunkedArray) -> str:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_integer(kind):
        return "int64"
    if pa.types.is_floating(kind):
        return "double"
    if pa.types.is_date(kind):
        return "date32[day]"
    if pa.types.is_string(kind) and name.endswith("_date"):
        values = column.drop_null()
        if len(values) and pc.all(pc.match_substring_regex(values, r"^\d{4}-\d{2}-\d{2}$")).as_py():
            return "date32[day]"
    return "string"


def _value_type(values: Iterable[Any]) -> str:
    values = [v for v in values if v is not None]
    if values and all(isinstance(v, bool) for v in values):
        return "bool"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int64"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "double"
    return "string"


def _spec_type(spec: Any) -> str:
    return _value_type(spec.values) if spec.discrete else "double"


class ResultStore:
    """An output folder holding one sweep's results; see the module docstring."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.parts = self.root / PARTS

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def check(
        cls, root: str | Path, config: SweepConfig, *, resume: bool = True, model: str | None = None
    ) -> ResultStore:
        """Refuse (``UserError``) a folder that may not take ``config``'s runs; write nothing.

        A new or empty folder is fine, and so is one holding only what an interrupted first write
        left (temporary files, an empty ``parts/``). A folder with this sweep's manifest is resumed
        (or refused with ``resume=False`` if it holds finished runs); a folder with another sweep's
        manifest (``model``: the name of the function under study, default the negotiation
        model), or with other files but no manifest, is refused.
        """
        from bargaining_chips.experiments.sweep.config import DEFAULT_MODEL

        model = model or DEFAULT_MODEL
        store = cls(root)
        if store.root.exists() and not store.root.is_dir():
            raise UserError(f"{store.root}: exists and is not a folder; choose another --out")
        manifest = store.read_manifest()
        fingerprint = config.fingerprint_for(model)
        if manifest is None:
            if store.root.exists() and any(not _ours(p) for p in store.root.iterdir()):
                raise UserError(
                    f"{store.root}: folder is not empty and holds no sweep manifest; "
                    "choose a new or empty --out"
                )
        elif manifest.get("fingerprint") != fingerprint:
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
    def open(
        cls, root: str | Path, config: SweepConfig, *, resume: bool = True, model: str | None = None
    ) -> ResultStore:
        """:meth:`check` the folder, take its lock and clear half-written parts of a killed session.

        The lock (an exclusive ``flock`` on ``.lock``, released by the system when the process
        ends, however it ends) keeps a second sweep from writing into the folder at the same time;
        it is held until :meth:`end_session` or :meth:`close`.
        """
        store = cls.check(root, config, resume=resume, model=model)
        store.root.mkdir(parents=True, exist_ok=True)
        store._lock()
        try:
            cls.check(root, config, resume=resume, model=model)  # again, now no one else writes
            clean_leftovers(store.root)  # half-written files of a killed session
            clean_leftovers(store.parts)
            if (store.root / RESULTS).exists():  # compacted, then killed before the parts went
                store._remove_parts()
            store.set_aside_corrupt()
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
        try:
            text = json.dumps(manifest, indent=2, sort_keys=False, default=_json_default,
                              allow_nan=False)
        except ValueError:  # strict JSON: a NaN or infinity has no place in the record
            raise UserError(
                f"{self.root / MANIFEST}: the sweep holds a value that is not a finite number "
                "(NaN or infinity); give finite numbers in the config"
            ) from None
        _atomic_write(self.root / MANIFEST, (text + "\n").encode())

    def start_session(
        self, config: SweepConfig, *, runs_planned: int, points: int, session: Mapping[str, Any],
        model: str | None = None, outcomes: Mapping[str, str] | None = None,
        unrecorded: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Create or extend the manifest with a new session; returns the manifest. ``model``
        names the function under study (default the negotiation model), ``outcomes`` the outcome
        columns it declares (fixed in the table's schema before the first part), ``unrecorded``
        the constants it takes that are no columns (:func:`~.models.unrecorded`; the manifest's
        ``config`` holds them, and its ``unrecorded`` names them). A folder begun when such a
        constant was a column loses the column as its parts are compacted."""
        from bargaining_chips.experiments.sweep.config import DEFAULT_MODEL

        model = model or DEFAULT_MODEL
        manifest = self.read_manifest() or {
            "format": FORMAT_VERSION,
            "name": config.name,
            "description": config.description,
            "fingerprint": config.fingerprint_for(model),
            "root_seed": config.root_seed,
            "model": model,
            "scenario": config.scenario,
            "points": points,
            "replications": config.replications,
            "runs_planned": runs_planned,
            "config": config.model_dump(mode="json"),
            "started": _now(),
            "sessions": [],
            "set_aside": [],
        }
        manifest.setdefault("set_aside", [])
        manifest["set_aside"] += getattr(self, "_set_aside_notes", [])
        self._set_aside_notes = []
        omit = sorted(f"{PARAM_PREFIX}{path}" for path in unrecorded)
        if "table_schema" not in manifest:
            manifest["table_schema"] = TableSchema.of_config(config, outcomes, unrecorded).columns
        self.schema = TableSchema(manifest["table_schema"], omit=omit)
        manifest["table_schema"] = self.schema.columns
        if omit:
            manifest["unrecorded"] = omit
        self._manifest = manifest
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
        manifest["table_schema"] = self.schema.columns
        try:
            manifest["counts"] = self.counts()
            self.write_manifest(manifest)
        finally:
            self.close()
        return manifest

    # -- parts -------------------------------------------------------------------------------
    def part_files(self) -> list[Path]:
        """The files holding runs: ``results.parquet`` once the sweep is complete, else the
        finished parts in name order (which is the order of their first run)."""
        if (self.root / RESULTS).exists():
            return [self.root / RESULTS]
        if not self.parts.is_dir():
            return []
        return sorted(self.parts.glob("part-*.parquet"))

    def write_part(self, data: bytes | pa.Table, first_index: int | None = None) -> Path:
        """Write one part (a table, or Parquet bytes) atomically in the sweep's schema; returns
        its path. The part's row count is in its name, so a part that lost rows is noticed."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = data if isinstance(data, pa.Table) else pq.read_table(io.BytesIO(data))
        schema = getattr(self, "schema", None)
        if schema is not None:
            table, changed = schema.conform(table)
            if changed and getattr(self, "_manifest", None) is not None:
                self._manifest["table_schema"] = schema.columns
                self.write_manifest(self._manifest)  # the schema, before a part that uses it
        if first_index is None:
            first_index = min(table.column("run_index").to_pylist(), default=0)
        name = f"part-{first_index:012d}-{len(table)}r-{uuid.uuid4().hex[:8]}.parquet"
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        path = self.parts / name
        self.parts.mkdir(parents=True, exist_ok=True)
        _atomic_write(path, buffer.getvalue())
        return path

    def compact(self, window: int = COMPACT_ROWS) -> Path:
        """Write every part, in run order and in the final schema, as ``results.parquet``, then
        remove the parts (a kill in between leaves both; the next open removes the parts).

        Memory stays flat in the number of runs: a first pass reads one part at a time to settle
        the schema (a column a later part added reaches all) and each part's span of run
        indices; the table is then written one row group at a time, each the runs of a window
        of ``window`` run indices, read from the parts whose span meets it (held while spans
        still meet the window; parts of one session hold runs near one another in run order, so
        each is read about once more). Holding the whole table at once, as this did before,
        took 3-4 copies of it in the driver: with a calibration's facts in every row, 117 MB
        more at 20,000 draws than at 10,000 (``benchmarks/bench_calibrate.py``, 457 MB against
        340).
        """
        import pyarrow.parquet as pq

        schema = getattr(self, "schema", None)
        files = self.part_files()
        if schema is None:
            return self._compact_whole(files)
        spans = []
        # One thread: Arrow's reading threads each took a malloc arena of their own, and the
        # driver's resident size grew with the parts read (bench_calibrate, 15,000 draws).
        for path in files:  # the schema, and where each part's runs fall
            table = pq.read_table(path, use_threads=False)
            schema.conform(table)
            if len(table):
                index = table.column("run_index")
                spans.append((path, _lowest(index), _highest(index)))
                del index
            del table
            release_unused()
        arrow = schema.arrow()

        def write(tmp: Path) -> None:
            # Straight to the file, a row group at a time: the whole file held in a buffer, and
            # copied out of it, took twice its size in the driver (10 MB at 10^5 draws).
            with pq.ParquetWriter(tmp, arrow) as writer:
                written = False
                for table in _windows(spans, window, schema):
                    writer.write_table(table)
                    written = True
                    del table
                    release_unused()
                if not written:
                    writer.write_table(arrow.empty_table())

        write_atomic(self.root / RESULTS, write)
        self._finish_compaction()
        return self.root / RESULTS

    def _compact_whole(self, files: list[Path]) -> Path:
        """Compaction of a store with no schema of its own: the parts as they are, merged."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        tables = [pq.read_table(path) for path in files]
        table = pa.concat_tables(tables, promote_options="permissive")
        if len(table):
            table = _first_of_each_run(table.sort_by("run_index"))
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        _atomic_write(self.root / RESULTS, buffer.getvalue())
        self._finish_compaction()
        return self.root / RESULTS

    def _finish_compaction(self) -> None:
        self._remove_parts()
        try:
            self.parts.rmdir()  # empty now (unless it holds parts set aside as corrupt)
        except OSError:
            pass

    def _remove_parts(self) -> None:
        if self.parts.is_dir():
            for path in self.parts.glob("part-*.parquet"):
                path.unlink()

    # -- corrupt parts -----------------------------------------------------------------------
    def verify(self) -> list[tuple[Path, str]]:
        """Parts that do not read back, or whose row count disagrees with their name, with why."""
        import pyarrow.parquet as pq

        bad = []
        for path in self.part_files():
            try:
                rows = pq.read_table(path, columns=["run_key"]).num_rows
            except Exception as err:  # noqa: BLE001 - any failure to read back is corruption
                bad.append((path, f"does not read back ({type(err).__name__}: {err})"))
                continue
            match = _PART_NAME.search(path.name)
            if match and int(match.group(2)) != rows:
                bad.append((path, f"holds {rows} rows, {match.group(2)} were written"))
        return bad

    def set_aside_corrupt(self) -> list[dict[str, str]]:
        """Move corrupt parts to ``parts/_corrupt/`` (their runs are then run again), noting each
        in the manifest's ``set_aside`` when the session starts."""
        notes = []
        for path, reason in self.verify():
            target = self.parts / CORRUPT / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
            notes.append({"file": str(target.relative_to(self.root)), "reason": reason,
                          "at": _now()})
            print(f"{path}: {reason}; set aside in {target.parent}, its runs will run again",
                  file=sys.stderr)
        self._set_aside_notes = getattr(self, "_set_aside_notes", []) + notes
        return notes

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
            try:
                status = pq.read_table(path, columns=["status"]).column(0).to_pylist()
            except Exception:  # noqa: BLE001 - corrupt: not counted (and set aside on resume)
                continue
            total += len(status)
            errors += sum(1 for s in status if s != "ok")
        return {"runs_done": total, "runs_ok": total - errors, "runs_error": errors}

    def column_names(self) -> list[str]:
        """Every column of any part, read from the Parquet footers only (no data)."""
        import pyarrow.parquet as pq

        names: dict[str, None] = {}
        for path in self.part_files():
            try:
                names.update(dict.fromkeys(pq.read_schema(path).names))
            except Exception:  # noqa: BLE001 - corrupt: reported when the data is read
                continue
        return list(names)

    def tables(self) -> Iterator[pa.Table]:
        """Each readable file of runs as an Arrow table; one that does not read back is reported
        on stderr and skipped (the next ``sweep`` sets it aside and runs its runs again)."""
        import pyarrow.parquet as pq

        for path in self.part_files():
            try:
                yield pq.read_table(path)
            except Exception as err:  # noqa: BLE001 - a corrupt part is reported, not fatal
                print(f"warning: {path}: does not read back ({type(err).__name__}); its runs are "
                      "left out; run the same sweep command again to set it aside and redo them",
                      file=sys.stderr)

    def load(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """All runs as one DataFrame, ordered by run index."""
        import pandas as pd
        import pyarrow as pa

        files = self.part_files()
        if not files:
            return pd.DataFrame(columns=list(META_COLUMNS))
        wanted = list(columns) if columns is not None else None
        tables = []
        for table in self.tables():
            if wanted is not None:
                table = table.select([c for c in wanted if c in table.column_names])
            tables.append(table)
        if not tables:
            return pd.DataFrame(columns=list(META_COLUMNS))
        table = pa.concat_tables(tables, promote_options="permissive")
        frame = table.to_pandas()
        if "run_index" in frame.columns:
            frame = frame.sort_values("run_index", kind="stable").reset_index(drop=True)
        return frame


def _lowest(column: pa.ChunkedArray) -> int:
    import pyarrow.compute as pc

    return int(pc.min(column).as_py())


def _highest(column: pa.ChunkedArray) -> int:
    import pyarrow.compute as pc

    return int(pc.max(column).as_py())


def _windows(
    spans: list[tuple[Path, int, int]], window: int, schema: TableSchema
) -> Iterator[pa.Table]:
    """The runs of the parts (path, lowest and highest run index) in run order, one run each
    (:func:`_first_of_each_run`), as tables of the runs of successive windows of ``window`` run
    indices, each in ``schema``. A part is read when the first window it meets comes, and let go
    after the last."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not spans:
        return
    order = sorted(range(len(spans)), key=lambda i: spans[i][1])
    held: dict[int, pa.Table] = {}  # part (by position in spans) → its rows, in the schema
    upcoming = 0  # into order: the next part not yet read
    end = max(high for _, _, high in spans) + 1
    start = spans[order[0]][1]
    while start < end:
        stop = start + window
        while upcoming < len(order) and spans[order[upcoming]][1] < stop:
            i = order[upcoming]
            held[i] = schema.conform(pq.read_table(spans[i][0], use_threads=False))[0]
            upcoming += 1
        pieces = []
        for i in sorted(held):  # the parts' own order, as one concatenation of all would be
            table = held[i]
            index = table.column("run_index")
            mask = pc.and_(pc.greater_equal(index, start), pc.less(index, stop))
            pieces.append(table.filter(mask))
        for i in [i for i in held if spans[i][2] < stop]:
            del held[i]
        table = pa.concat_tables(pieces) if pieces else schema.arrow().empty_table()
        if len(table):
            yield _first_of_each_run(table.sort_by("run_index"))
        start = stop
        if not held and upcoming < len(order):  # no part meets the next windows: skip them
            start = max(start, spans[order[upcoming]][1])


def _first_of_each_run(table: pa.Table) -> pa.Table:
    """``table`` with one row per ``run_key``. A run's row depends only on its parameters and seed,
    so two rows of one run are the same row: a part written again by an interrupt that landed
    between its rename and the driver's note of it is harmless."""
    keys = table.column("run_key").to_pylist()
    seen: set[str] = set()
    keep = [i for i, key in enumerate(keys) if not (key in seen or seen.add(key))]
    return table if len(keep) == len(keys) else table.take(keep)


def _ours(path: Path) -> bool:
    """What a folder with no manifest may hold and still be a sweep's: the lock, leftovers of an
    interrupted write, an empty ``parts/`` (or one holding only leftovers)."""
    if path.name == LOCK or is_leftover(path):
        return True
    if path.name == PARTS and path.is_dir():
        return all(is_leftover(p) for p in path.iterdir())
    return False


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


def load_table(out: str | Path) -> pa.Table:
    """A sweep's per-run table as one Arrow table in run order (``results.parquet`` once it is
    complete; the readable parts, in the sweep's schema, while it runs)."""
    import pyarrow as pa

    root = Path(out)
    if not (root / MANIFEST).exists() and (root / "runs" / MANIFEST).exists():
        root = root / "runs"
    if not (root / MANIFEST).exists():
        raise UserError(f"{root}: no sweep results here (no {MANIFEST})")
    store = ResultStore(root)
    manifest = store.read_manifest() or {}
    schema = TableSchema(manifest["table_schema"]) if "table_schema" in manifest else None
    tables = [t for t in store.tables() if len(t)]
    if schema is not None:
        tables = [schema.conform(t)[0] for t in tables]
        tables = [schema.conform(t)[0] for t in tables]  # columns a later part added reach all
        table = pa.concat_tables(tables) if tables else schema.arrow().empty_table()
    else:
        table = pa.concat_tables(tables, promote_options="permissive") if tables else pa.table({})
    return table.sort_by("run_index") if len(table) else table


def parameter_columns(frame: pd.DataFrame) -> list[str]:
    """The ``param.<path>`` columns of a results table."""
    return [c for c in frame.columns if c.startswith(PARAM_PREFIX)]
