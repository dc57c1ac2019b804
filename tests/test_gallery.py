"""docs/make_gallery.py puts the whole dashboard in the gallery (the README's picture), not a
part of it, and the pictures of play and classroom mode."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_gallery():
    spec = importlib.util.spec_from_file_location("make_gallery", ROOT / "docs" / "make_gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gallery_takes_the_whole_page(tmp_path, monkeypatch):
    gallery = load_gallery()

    def snapshot(argv, **kwargs):  # what viz.snapshot writes: the top, the scrolled view, all
        out = Path(argv[argv.index("--out") + 1])
        out.mkdir(parents=True)
        (out / "dashboard-top.png").write_bytes(b"top of the page")
        (out / "dashboard-lower.png").write_bytes(b"scrolled to the events")
        (out / "dashboard-whole.png").write_bytes(b"the whole page")

    monkeypatch.setattr(gallery.subprocess, "run", snapshot)
    monkeypatch.setattr(gallery, "GALLERY", tmp_path / "gallery")
    (tmp_path / "gallery").mkdir()
    monkeypatch.setattr(gallery, "ROOT", tmp_path)
    gallery.dashboard(tmp_path / "work")
    assert (tmp_path / "gallery" / "dashboard.png").read_bytes() == b"the whole page"


def test_the_gallery_takes_each_view_of_play(tmp_path, monkeypatch):
    gallery = load_gallery()
    names = ("play.png", "debrief.png", "classroom-lecturer.png", "classroom-student.png",
             "classroom-firm.png")

    def snapshot(argv, **kwargs):  # what viz.snapshot --play writes
        assert "--play" in argv
        out = Path(argv[argv.index("--out") + 1])
        out.mkdir(parents=True)
        for name in names:
            (out / name).write_bytes(name.encode())

    monkeypatch.setattr(gallery.subprocess, "run", snapshot)
    monkeypatch.setattr(gallery, "GALLERY", tmp_path / "gallery")
    (tmp_path / "gallery").mkdir()
    monkeypatch.setattr(gallery, "ROOT", tmp_path)
    gallery.play_views(tmp_path / "work")
    for name in names:
        assert (tmp_path / "gallery" / name).read_bytes() == name.encode()
    assert gallery.play_views in gallery.ITEMS
