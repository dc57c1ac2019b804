"""RunOptions: one frozen type for where and how runs execute, checked when it is made."""

from __future__ import annotations

import dataclasses

import pytest

from bargaining_chips.experiments import RunOptions
from bargaining_chips.model.errors import UserError


def test_defaults_are_a_local_process_pool_that_resumes():
    options = RunOptions()
    assert (options.backend, options.workers, options.address) == ("process", None, None)
    assert options.resume and not options.quiet
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.backend = "serial"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"backend": "gpu"}, "unknown backend 'gpu'; choose one of serial, process, dask"),
        ({"workers": 0}, "--workers must be at least 1, got 0"),
        ({"address": "tcp://127.0.0.1:1"}, "--address is for the dask backend"),
    ],
)
def test_bad_options_are_refused_when_made(fields, message):
    with pytest.raises(UserError, match=message):
        RunOptions(**fields)


def test_of_replaces_the_fields_named():
    assert RunOptions.of(backend="serial") == RunOptions(backend="serial")
    base = RunOptions(backend="dask", address="tcp://scheduler:8786", workers=8)
    quiet = RunOptions.of(base, quiet=True)
    assert quiet.quiet and (quiet.backend, quiet.address, quiet.workers) == ("dask", base.address, 8)
    assert RunOptions.of(base) == base
    with pytest.raises(UserError, match="unknown backend"):
        RunOptions.of(base, backend="gpu")
    with pytest.raises(TypeError):
        RunOptions.of(base, backends="serial")
