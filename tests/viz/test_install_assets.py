"""The offline asset installer: which assets it finds, how it unpacks them, when it does nothing.

Discovery reads the installed Solara's source, so these tests need the ``viz`` extra; nothing here
touches the network (downloading is exercised by ``.ci/install_viz.sh`` and the browser test).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

pytest.importorskip("solara")

from bargaining_chips.viz import install_assets as ia  # noqa: E402


def _tarball(path: Path, files: dict[str, bytes], top: str = "package") -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_discovery_finds_the_page_shell_assets_for_the_installed_vue():
    packages, skipped = ia.discover_assets()
    specs = {p.spec: p for p in packages}
    names = {p.name for p in packages}
    # the shell of every page: the Vuetify 2 app (ipyvue < 2), RequireJS, Font Awesome
    app = [p for p in packages if p.name == "@widgetti/solara-vuetify-app"]
    assert len(app) == 1 and app[0].version.startswith("10.")
    assert {"dist/main8.css", "dist/fonts.css", "dist/solara-vuetify-app8.min.js"} <= app[0].files
    assert "require.js" in specs["requirejs@2.3.6"].files
    assert "css/font-awesome.min.css" in specs["font-awesome@4.5.0"].files
    # widgets that load more at run time: grid layout (Mesa's page layout), Vega, Markdown's KaTeX
    assert {"@widgetti/vue-grid-layout", "vega", "vega-lite", "vega-embed", "katex"} <= names
    assert "@widgetti/solara-vuetify3-app" not in names
    # versions chosen at run time cannot be pre-fetched and are reported, not guessed
    assert all("${" not in p.spec for p in packages)
    assert any(s.startswith("echarts@${") for s in skipped)


def test_discovery_follows_the_fontawesome_setting(monkeypatch):
    monkeypatch.setenv("SOLARA_ASSETS_FONTAWESOME_PATH", "/font-awesome@4.7.0/css/font-awesome.css")
    specs = {p.spec for p in ia.discover_assets()[0]}
    assert "font-awesome@4.7.0" in specs and "font-awesome@4.5.0" not in specs


def test_cache_dir_follows_solaras_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path))
    assert ia.default_cache_dir() == tmp_path
    monkeypatch.delenv("SOLARA_ASSETS_PROXY_CACHE_DIR")
    assert ia.default_cache_dir().parts[-3:] == ("share", "solara", "cdn")


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("5", "5.2.0"),
        ("5.1", "5.1.3"),
        ("5.1.2", "5.1.2"),
        ("6.0.0-rc.1", "6.0.0-rc.1"),
        ("4", "4.10.0"),
    ],
)
def test_version_ranges_resolve_like_npm(wanted, expected):
    versions = ["4.2.0", "4.10.0", "5.1.2", "5.1.3", "5.2.0", "5.3.0-beta.1", "6.0.0-rc.1", "6.1.0"]
    assert ia._resolve_version(versions, wanted, latest="6.1.0") == expected


def test_version_range_prefers_the_latest_tag_when_it_matches():
    assert ia._resolve_version(["5.1.0", "5.2.0"], "5", latest="5.1.0") == "5.1.0"
    with pytest.raises(RuntimeError):
        ia._resolve_version(["5.1.0"], "7", latest="5.1.0")


def test_unpack_strips_the_top_folder_and_fills_missing_minified_files(tmp_path):
    tgz = _tarball(tmp_path / "r.tgz", {"require.js": b"var requirejs;", "bin/r.js": b"r"})
    package = ia.AssetPackage("requirejs@2.3.6", {"require.js", "require.min.js"})
    cache = tmp_path / "cache"
    assert ia.missing_files(package, cache) == ["require.js", "require.min.js"]
    assert ia._unpack(tgz, cache / package.spec) == 2
    assert ia.missing_files(package, cache) == ["require.min.js"]
    assert ia._fill_minified(package, cache) == ["require.min.js"]
    assert ia.missing_files(package, cache) == []
    assert (cache / "requirejs@2.3.6" / "require.min.js").read_bytes() == b"var requirejs;"
    assert not list(cache.rglob("*.partial"))


def test_unpack_refuses_paths_outside_the_package_folder(tmp_path):
    tgz = _tarball(tmp_path / "evil.tgz", {"../../escaped.js": b"x"})
    with pytest.raises(RuntimeError, match="unsafe path"):
        ia._unpack(tgz, tmp_path / "cache" / "evil@1.0.0")
    assert not (tmp_path / "escaped.js").exists()


def test_install_is_a_no_op_when_the_cache_is_complete(tmp_path, monkeypatch):
    packages, _ = ia.discover_assets()
    for package in packages:
        for inner in package.files:
            target = tmp_path / package.spec / inner
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("cached")

    def no_download(*args, **kwargs):
        raise AssertionError("downloaded although the cache was complete")

    monkeypatch.setattr(ia, "_npm_pack", no_download)
    monkeypatch.setattr(ia, "_http_pack", no_download)
    lines: list[str] = []
    assert ia.install(tmp_path, log=lines.append) == 0
    assert "already" in lines[0]
    assert ia.check(tmp_path, log=lines.append) == 0


def test_install_downloads_only_incomplete_packages_and_reports_failures(tmp_path, monkeypatch):
    packages, _ = ia.discover_assets()
    complete, incomplete = packages[1:], packages[0]
    for package in complete:
        for inner in package.files:
            (tmp_path / package.spec / inner).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / package.spec / inner).write_text("cached")
    fetched: list[str] = []

    def fake_pack(spec, workdir):
        fetched.append(spec)
        # a package that lacks one of the requested files
        return _tarball(workdir / "p.tgz", {"README.md": b"readme"}), "1.0.0"

    monkeypatch.setattr(ia, "_npm_pack", fake_pack)
    lines: list[str] = []
    assert ia.install(tmp_path, use_npm=True, log=lines.append) == 1
    assert fetched == [incomplete.spec]
    assert any(line.strip().startswith(f"MISSING in {incomplete.spec}") for line in lines)
    assert ia.check(tmp_path, log=lines.append) == 1


def test_a_failed_download_is_tried_again_and_the_third_failure_is_reported(tmp_path, monkeypatch):
    workdir = tmp_path / "w"
    workdir.mkdir()
    attempts: list[int] = []

    def flaky(spec, where):
        attempts.append(len(list(where.iterdir())))  # each attempt starts in an empty folder
        (where / "partial.tgz").write_bytes(b"half")
        if len(attempts) < 3:
            raise RuntimeError("npm pack x failed:\nnpm error code ECONNRESET")
        return where / "partial.tgz", "1.0.0"

    lines: list[str] = []
    waits: list[float] = []
    assert ia._download(flaky, "x@1", workdir, log=lines.append, sleep=waits.append)[1] == "1.0.0"
    assert attempts == [0, 0, 0] and waits == list(ia.RETRY_WAITS)
    assert len(lines) == 2 and "download failed (npm pack x failed:)" in lines[0]

    def broken(spec, where):
        raise OSError("registry unreachable")

    with pytest.raises(OSError, match="unreachable"):
        ia._download(broken, "x@1", workdir, log=lines.append, sleep=waits.append)
