"""Regenerate the pictures in docs/gallery/ (the ones README.md and the tutorial show).

    python docs/make_gallery.py

Every picture is drawn from the real model by the same code the command line uses: a run of the
default scenario (seed 0), the tutorial's variant of it, the deadline-credibility sweep and the
ratification-threshold study. Nothing is drawn by hand. Work files go to a temporary folder; only the PNGs are copied into docs/gallery/.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "docs" / "gallery"


def run_cli(*args: str) -> None:
    """Run ``python run.py ARGS`` from the repository root; fail loudly on error."""
    subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def copy(src: Path, name: str) -> Path:
    dest = GALLERY / name
    shutil.copyfile(src, dest)
    print(f"wrote {dest.relative_to(ROOT)}")
    return dest


def default_run(work: Path) -> None:
    """The transcript's run: seed 0 of the default scenario, all its plots."""
    out = work / "run"
    run_cli("run", "--seed", "0", "--out", str(out))
    for png in sorted(out.glob("*.png")):
        copy(png, png.name)


def boulware_japan(work: Path) -> None:
    """The tutorial's one-parameter change: Japan concedes like a Boulware (β = 0.3)."""
    out = work / "boulware_japan"
    run_cli("run", "--seed", "0", "--set", "actors.Japan.strategy.beta=0.3", "--out", str(out))
    for name in ("negotiation_dance", "utility_space", "coalition_membership"):
        copy(out / f"{name}.png", f"boulware_japan_{name}.png")


def credibility_sweep(work: Path) -> None:
    """The deadline-credibility study: P(deal by the G7) and its heatmap over Japan's pace."""
    out = work / "deadline"
    config = ROOT / "experiments" / "configs" / "deadline_credibility.toml"
    run_cli("sweep", str(config), "--out", str(out), "--quiet")
    for png in sorted((out / "plots").glob("*.png")):
        kind = next((k for k in ("heatmap", "p_deal") if png.stem.startswith(k + "_")), png.stem)
        copy(png, f"credibility_{kind}.png")


def ratification_threshold(work: Path) -> None:
    """The two-level game: outcomes against Japan's ratification threshold (docs/figures/)."""
    subprocess.run([sys.executable, str(ROOT / "docs" / "ratification_threshold.py")], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    print("wrote docs/figures/ratification_threshold.png")


def dashboard(work: Path) -> None:
    """The teaching dashboard at 1280×720 after three rounds (headless Chromium, offline)."""
    out = work / "dashboard"
    subprocess.run([sys.executable, "-m", "bargaining_chips.viz.snapshot", "--out", str(out), "--rounds", "3"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    # The whole page, sidebar and all five panels (the README's picture).
    copy(out / "dashboard-whole.png", "dashboard.png")


def play_views(work: Path) -> None:
    """Play mode (Japan's seat, the US's offer to answer; the debrief after Japan walks away) and
    classroom mode (the lecturer's view and a student's after Japan's first offer, and a student
    in NVIDIA's seat on its turn to lobby), whole pages at 1280 wide."""
    out = work / "play"
    subprocess.run([sys.executable, "-m", "bargaining_chips.viz.snapshot", "--play", "--out", str(out)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    for name in ("play.png", "debrief.png", "classroom-lecturer.png", "classroom-student.png",
                 "classroom-firm.png"):
        copy(out / name, name)


ITEMS = [default_run, boulware_japan, credibility_sweep, ratification_threshold, dashboard,
         play_views]


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    GALLERY.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for item in ITEMS:
            item(Path(tmp))


if __name__ == "__main__":
    main()
