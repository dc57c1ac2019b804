"""LICENSE and CITATION.cff at the repository's root agree with the package."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import yaml

from bargaining_chips.model.metrics import VERSION

ROOT = Path(__file__).resolve().parents[1]


def test_citation_parses_and_its_version_is_the_packages():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert {"cff-version", "message", "title", "authors"} <= set(cff)  # CFF 1.2.0's required keys
    assert cff["cff-version"] == "1.2.0" and cff["authors"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(cff["version"]) == project["version"] == VERSION
    assert importlib.metadata.version("bargaining-chips") == project["version"]
    assert cff["license"] == project["license"] == "MIT"


def test_the_license_is_mit():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Permission is hereby granted" in text
