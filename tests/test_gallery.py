"""docs/make_gallery.py puts the top of the dashboard in the gallery, not the scrolled view."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_gallery():
    spec = importlib.util.spec_from_file_location("make_gallery", ROOT / "docs" / "make_gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gallery_takes_the_top_of_the_page(tmp_path, monkeypatch):
    gallery = load_gallery()

    def snapshot(argv, **kwargs):  # what viz.snapshot writes: the top, then the scrolled view
        out = Path(argv[argv.index("--out") + 1])
        out.mkdir(parents=True)
        (out / "dashboard-top.png").write_bytes(b"top of the page")
        (out / "dashboard-lower.png").write_bytes(b"scrolled to the events")

    monkeypatch.setattr(gallery.subprocess, "run", snapshot)
    monkeypatch.setattr(gallery, "GALLERY", tmp_path / "gallery")
    (tmp_path / "gallery").mkdir()
    monkeypatch.setattr(gallery, "ROOT", tmp_path)
    gallery.dashboard(tmp_path / "work")
    assert (tmp_path / "gallery" / "dashboard.png").read_bytes() == b"top of the page"
