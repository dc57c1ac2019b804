"""Every model figure quoted in README.md and docs/ is what the model gives (docs/figures.py).

The check itself runs here (`python docs/figures.py --check`); the other tests show it can fail —
a copy of a doc with one figure or one transcript line altered is reported, by file, line and
name, and `--write` puts it right — and that a claim the figures no longer bear out fails it.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def figures():
    spec = importlib.util.spec_from_file_location("doc_figures", ROOT / "docs" / "figures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["doc_figures"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("doc_figures", None)


@pytest.fixture(scope="module")
def values(figures):
    return figures.Values()  # one computation shared by the tests below


def test_every_figure_in_the_docs_is_what_the_model_gives(figures, values, capsys):
    code = figures.main(["--check"], values)
    out = capsys.readouterr()
    assert code == 0, out.out + out.err


def test_every_defined_figure_is_quoted_somewhere(figures):
    text = "".join(t for d in figures.DOCS for _, t in figures.texts_of(ROOT / d))
    quoted = {m["name"] for m in figures.FIG.finditer(text)}
    assert set(figures.FIGURES) - quoted == set()


def altered(tmp_path: Path, doc: str, old: str, new: str) -> Path:
    copy = tmp_path / Path(doc).name
    shutil.copyfile(ROOT / doc, copy)
    text = copy.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def test_a_stale_figure_is_reported_and_rewritten(figures, values, tmp_path, capsys):
    marker = "<!-- fig:g7.p_never -->"
    quoted = values["g7.p_never"]
    copy = altered(tmp_path, "docs/ODD.md", marker + quoted, marker + "0.42")
    line = next(k for k, t in enumerate(copy.read_text().splitlines(), 1) if marker + "0.42" in t)
    assert figures.main(["--check", str(copy)], values) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"{copy}:{line}: g7.p_never: the doc says '0.42', the model gives '{quoted}'"
    ]
    assert figures.main(["--write", str(copy)], values) == 0
    assert copy.read_text(encoding="utf-8") == (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")


def test_a_transcript_line_not_in_the_output_is_reported_and_rewritten(figures, values, tmp_path, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(t for t in readme.splitlines() if t.startswith("  US accepts (worth"))
    copy = altered(tmp_path, "README.md", line, line.replace("accepts", "gladly accepts"))
    assert figures.main(["--check", str(copy)], values) == 1
    out = capsys.readouterr().out
    assert "transcript of `python run.py`: '  US gladly accepts" in out
    assert figures.main(["--write", str(copy)], values) == 0
    assert copy.read_text(encoding="utf-8") == readme


def test_the_excerpt_is_the_last_rounds_without_the_omitted_lines(figures):
    lines = ["header", "", "Wed 16 Apr 2025 · Round 1 · X", "  lobbying US:", "    NVIDIA for chips",
             "  US proposes: a", "", "Thu 01 May 2025 · Round 2 · X", "  lobbying Japan: b",
             "  Japan accepts", "", "Summary", "-------"]
    assert figures.excerpt(lines, 1, ("lobbying",)) == ["Thu 01 May 2025 · Round 2 · X", "  Japan accepts"]
    assert figures.excerpt(lines, 2, ("lobbying",)) == [
        "Wed 16 Apr 2025 · Round 1 · X", "  US proposes: a", "", "Thu 01 May 2025 · Round 2 · X",
        "  Japan accepts"]


def test_a_claim_the_figures_no_longer_bear_out_fails_the_check(figures, values, monkeypatch, capsys):
    claim = figures.Claim(("README.md",), "the moon is made of cheese", lambda s: False)
    monkeypatch.setattr(figures, "CLAIMS", (*figures.CLAIMS, claim))
    assert figures.main(["--check", str(ROOT / "README.md")], values) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "README.md: the text claims that the moon is made of cheese, and the model no longer bears "
        "it out: rewrite the sentence"
    ]


def test_an_unknown_figure_is_one_line_and_exit_2(figures, values, tmp_path, capsys):
    doc = tmp_path / "doc.md"
    doc.write_text("P = <!-- fig:no.such.figure -->1<!-- /fig -->\n", encoding="utf-8")
    assert figures.main(["--check", str(doc)], values) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no.such.figure" in err and "FIGURES" in err
    doc.write_text("<!-- fig:scenario:actors.Nobody.reservation -->1<!-- /fig -->\n", encoding="utf-8")
    assert figures.main(["--check", str(doc)], values) == 2
    assert "scenario:actors.Nobody.reservation" in capsys.readouterr().err
    stale = tmp_path / "stale.md"  # --write writes nothing when any file is in error
    stale.write_text("<!-- fig:seeds -->1<!-- /fig -->\n", encoding="utf-8")
    assert figures.main(["--write", str(stale), str(doc)], values) == 2
    assert stale.read_text(encoding="utf-8") == "<!-- fig:seeds -->1<!-- /fig -->\n"
    assert capsys.readouterr().err.startswith(f"error: {doc}: ")


def test_scenario_figures_are_read_from_the_file(figures, values):
    import tomllib

    raw = tomllib.loads((ROOT / "model" / "scenarios" / "us_japan_2025.toml").read_text())
    assert values["scenario:protocol.lobbying_rate"] == f"{raw['protocol']['lobbying_rate']:g}"
    assert values["scenario:actors.NVIDIA.pledges.0.share:.3f"] == \
        f"{raw['actors']['NVIDIA']['pledges'][0]['share']:.3f}"


def test_write_refreshes_every_doc_when_the_model_gives_other_figures(figures, values, tmp_path):
    """What `--write` does after the model changes, played with fewer seeds (other figures):
    every marked figure of every doc is rewritten, and the rewritten docs pass `--check`. The
    studies that do not depend on the number of seeds (the tutorial's sweep, the theory cases)
    are shared with the full computation rather than played again."""
    fewer = figures.Values(values.studies.with_seeds(20))
    copies = []
    for doc in figures.DOCS:
        copy = tmp_path / doc.replace("/", "_")
        shutil.copyfile(ROOT / doc, copy)
        copies.append(copy)
    assert figures.main(["--write", *map(str, copies)], fewer) == 0
    odd = (tmp_path / "docs_ODD.md").read_text(encoding="utf-8")
    assert "over <!-- fig:seeds -->20<!-- /fig --> seeds" in odd
    assert odd != (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert [p for c in copies for p in figures.problems_in(c, fewer)] == []


def test_a_marker_shown_as_code_is_not_a_figure(figures):
    text = "write `<!-- fig:g7.p_never -->0.5<!-- /fig -->` around it; P = <!-- fig:seeds -->3<!-- /fig -->"
    assert [m["name"] for m in figures.FIG.finditer(text)] == ["seeds"]
