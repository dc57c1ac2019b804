"""Fill Solara's front-end asset cache from the npm registry, so the dashboard works offline.

Why this exists
---------------
A Solara page is an HTML shell that loads its JavaScript and CSS (Vue, Vuetify, the widget manager,
RequireJS, Font Awesome, and on demand KaTeX, Mermaid, Vega, the grid layout) from a public CDN
(``https://cdn.jsdelivr.net/npm/``). The Solara server proxies those requests under
``/_solara/cdn/<package>@<version>/<file>`` and caches every file it fetched in a directory, by
default ``<sys.prefix>/share/solara/cdn/`` (``SOLARA_ASSETS_PROXY_CACHE_DIR`` overrides it). With no
internet and an empty cache the proxy cannot fetch anything and the page stays blank.

jsDelivr serves npm packages file by file, so the cache has exactly the layout of the packages'
tarballs: ``<cache>/<spec>/<path inside the package>``, where ``<spec>`` is the package name and the
version (or version range, e.g. ``vega@5``) exactly as the page writes it in the URL. This script
fills that layout from the npm registry, which is reachable where the CDN is not.

Which assets
------------
They are read from the installed Solara's own source, not listed here, so a Solara upgrade that
moves to new asset versions is followed automatically:

* the page template (``solara/server/templates/solara.html.j2``): every ``{{cdn}}/...`` URL, with
  ``{{ipywidget_major_version}}`` replaced by the installed ipywidgets' major version and only the
  Vuetify app that matches the installed ipyvue (``solara-vuetify-app`` for ipyvue < 3,
  ``solara-vuetify3-app`` otherwise, as ``solara/server/server.py`` decides), plus Font Awesome
  (``fontawesome_path`` in ``solara/server/settings.py``, or ``SOLARA_ASSETS_FONTAWESOME_PATH``);
* the widgets' Vue code (``solara/widgets/vue/*.vue``, ``solara/components/*.vue`` and the Markdown
  widget's template in ``solara/components/markdown.py``): every ``${this.getCdn()}/...`` URL with a
  literal version. URLs whose version is a run-time variable (``echarts@${version}``,
  ``codemirror@${cmVersion}``, ``solara-milkdown@${version}``) belong to the ECharts, SQL-editor and
  Markdown-editor widgets, which the dashboard does not use; they are listed as skipped.

Each package is downloaded once with ``npm pack`` (the machine's npm and its registry settings; npm
resolves a range such as ``vega@5`` to the highest matching version, as jsDelivr does) into a
temporary directory, which also holds npm's own cache, and unpacked into the cache directory.
Without npm, the registry's HTTP API is used directly and the tarball's sha512 checked. jsDelivr
also minifies on the fly: a requested ``x.min.js`` that a package does not ship (RequireJS has only
``require.js``) is filled with the package's unminified ``x.js``, which behaves the same.

Usage
-----
``python -m bargaining_chips.viz.install_assets``            fill the cache (fast no-op when already complete)
``python -m bargaining_chips.viz.install_assets --check``    only report; exit status 1 if a file is missing
``python -m bargaining_chips.viz.install_assets --force``    download and unpack every package again
``--cache-dir DIR`` fills another directory (then start Solara with
``SOLARA_ASSETS_PROXY_CACHE_DIR=DIR``). Nothing is written outside the cache directory and a
temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import site
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

NPM_REGISTRY = "https://registry.npmjs.org/"

# A CDN URL in the page template: {{cdn}}/<path>" ; the path may contain {{ipywidget_major_version}}.
_TEMPLATE_URL = re.compile(r"\{\{\s*cdn\s*\}\}/([^\"'\s<>]+)")
# A CDN URL in widget code: `${this.getCdn()}/<path>`
_WIDGET_URL = re.compile(r"\$\{this\.getCdn\(\)\}/([^`\"'\s]+)")
_FONTAWESOME_DEFAULT = re.compile(r"fontawesome_path\s*:\s*str\s*=\s*[\"']([^\"']+)[\"']")
_PACKAGE_SPEC = re.compile(r"^((?:@[^/@]+/)?[^/@]+)@([^/]+)$")


@dataclass
class AssetPackage:
    """One npm package as the page names it, with the files the page requests from it.

    ``spec`` is ``name@version-or-range`` exactly as it appears in the URL, which is also the name
    of the package's folder in the cache; ``files`` are paths inside the package.
    """

    spec: str
    files: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return _split_spec(self.spec)[0]

    @property
    def version(self) -> str:
        return _split_spec(self.spec)[1]


def _split_spec(spec: str) -> tuple[str, str]:
    match = _PACKAGE_SPEC.match(spec)
    if not match:
        raise ValueError(f"not a package@version spec: {spec!r}")
    return match.group(1), match.group(2)


def solara_source_dir() -> Path:
    """The installed ``solara`` package's folder, found without importing it."""
    spec = importlib.util.find_spec("solara")
    if spec is None or spec.origin is None:
        raise SystemExit("solara is not installed: pip install 'bargaining-chips[viz]'")
    return Path(spec.origin).parent


def default_cache_dir() -> Path:
    """The folder the Solara server reads its CDN cache from.

    The same rule as ``solara.server.settings.Assets.proxy_cache_dir``: the environment variable
    ``SOLARA_ASSETS_PROXY_CACHE_DIR`` if set, else ``<prefix>/share/solara/cdn`` where the prefix is
    the user base for a ``pip install --user`` Solara and ``sys.prefix`` otherwise.
    """
    configured = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    if configured:
        return Path(configured)
    user_base = site.getuserbase()
    solara_file = str(solara_source_dir() / "server" / "settings.py")
    prefix = user_base if user_base and solara_file.startswith(user_base) else sys.prefix
    return Path(prefix + "/share/solara/cdn/")


def _major(distribution: str) -> int:
    return int(importlib.metadata.version(distribution).split(".")[0])


def _template_paths(solara_dir: Path) -> tuple[list[str], list[str]]:
    """CDN paths the page template requests, and the ones skipped (the other Vue's app)."""
    template = (solara_dir / "server" / "templates" / "solara.html.j2").read_text(encoding="utf-8")
    ipywidgets_major = str(_major("ipywidgets"))
    vue3 = importlib.metadata.version("ipyvue").startswith("3")
    wanted, skipped = [], []
    for raw in _TEMPLATE_URL.findall(template):
        path = re.sub(r"\{\{\s*ipywidget_major_version\s*\}\}", ipywidgets_major, raw)
        if "{{" in path:
            skipped.append(path)
        elif path.startswith("@widgetti/solara-vuetify3-app@") and not vue3:
            skipped.append(path)
        elif path.startswith("@widgetti/solara-vuetify-app@") and vue3:
            skipped.append(path)
        else:
            wanted.append(path)
    # {{cdn}}{{assets.fontawesome_path}}: the path is a server setting.
    fontawesome = os.environ.get("SOLARA_ASSETS_FONTAWESOME_PATH")
    if not fontawesome:
        settings_src = (solara_dir / "server" / "settings.py").read_text(encoding="utf-8")
        match = _FONTAWESOME_DEFAULT.search(settings_src)
        if match:
            fontawesome = match.group(1)
    if fontawesome and os.environ.get("SOLARA_ASSETS_FONTAWESOME_ENABLED", "true").lower() not in (
        "0",
        "false",
    ):
        wanted.append(fontawesome.lstrip("/"))
    return wanted, skipped


def _widget_paths(solara_dir: Path) -> tuple[list[str], list[str]]:
    """CDN paths the widgets load at run time, and the ones skipped (version set at run time)."""
    sources: list[Path] = []
    sources += sorted((solara_dir / "widgets" / "vue").glob("*.vue"))
    sources += sorted((solara_dir / "components").glob("*.vue"))
    sources.append(solara_dir / "components" / "markdown.py")
    wanted, skipped = [], []
    for source in sources:
        if not source.exists():
            continue
        for path in _WIDGET_URL.findall(source.read_text(encoding="utf-8")):
            (skipped if "${" in path else wanted).append(path)
    return wanted, skipped


def discover_assets(solara_dir: Path | None = None) -> tuple[list[AssetPackage], list[str]]:
    """The packages (with their requested files) the installed Solara loads from the CDN.

    Returns the packages sorted by spec and the sorted, de-duplicated URL paths that were skipped.
    Raises ``RuntimeError`` if the template yields no Vuetify app, RequireJS or Font Awesome, which
    means Solara changed how it names its assets and this script needs a look.
    """
    solara_dir = solara_dir or solara_source_dir()
    template_wanted, template_skipped = _template_paths(solara_dir)
    widget_wanted, widget_skipped = _widget_paths(solara_dir)
    packages: dict[str, AssetPackage] = {}
    for path in template_wanted + widget_wanted:
        parts = path.split("/")
        n = 2 if parts[0].startswith("@") else 1
        spec, inner = "/".join(parts[:n]), "/".join(parts[n:])
        _split_spec(spec)
        packages.setdefault(spec, AssetPackage(spec)).files.add(inner)
    names = {p.name for p in packages.values()}
    for required in ("requirejs", "font-awesome"):
        if required not in names:
            raise RuntimeError(f"no {required} asset found in Solara's source at {solara_dir}")
    if not any(n.startswith("@widgetti/solara-vuetify") for n in names):
        raise RuntimeError(f"no Vuetify app asset found in Solara's source at {solara_dir}")
    ordered = [packages[k] for k in sorted(packages)]
    return ordered, sorted(set(template_skipped + widget_skipped))


def missing_files(package: AssetPackage, cache_dir: Path) -> list[str]:
    """The requested files of ``package`` not yet in ``cache_dir``."""
    root = cache_dir / package.spec
    return sorted(f for f in package.files if not (root / f).is_file())


# --- downloading -------------------------------------------------------------------------------


def _npm_pack(spec: str, workdir: Path) -> tuple[Path, str]:
    """Download ``spec``'s tarball with ``npm pack``; returns its path and the resolved version."""
    npm = shutil.which("npm")
    assert npm is not None
    completed = subprocess.run(
        [npm, "pack", spec, "--json", "--silent", "--pack-destination", str(workdir),
         "--cache", str(workdir / "npm-cache"), "--no-fund", "--no-audit", "--ignore-scripts"],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    if completed.returncode != 0:
        raise RuntimeError(f"npm pack {spec} failed:\n{completed.stderr.strip()}")
    info = json.loads(completed.stdout)[0]
    return workdir / info["filename"], info["version"]


RETRY_WAITS = (2.0, 10.0)  # seconds before the second and the third attempt


def _download(download, spec: str, workdir: Path, log=print, sleep=time.sleep) -> tuple[Path, str]:
    """``download(spec, workdir)``, tried again after each of ``RETRY_WAITS`` if it fails.

    A registry that drops a connection now and then (as CI machines see) costs a retry, not a
    failed install; a package that is not there fails three times and its last error is raised.
    """
    for wait in (*RETRY_WAITS, None):
        try:
            return download(spec, workdir)
        except (RuntimeError, OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
            if wait is None:
                raise
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            log(f"  {spec}: download failed ({first}); trying again in {wait:g} s")
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir()
            sleep(wait)
    raise AssertionError("unreachable")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("-")[0].split("+")[0].split("."))


def _resolve_version(versions: Iterable[str], wanted: str, latest: str | None) -> str:
    """Pick a version as npm and jsDelivr do for the forms Solara writes: ``1.2.3``, ``1.2``, ``1``.

    An exact version (prereleases included) is taken as is; a partial one picks the ``latest``
    tag if it matches, else the highest matching release.
    """
    versions = list(versions)
    if wanted in versions:
        return wanted
    if not re.fullmatch(r"\d+(\.\d+)?", wanted):
        raise RuntimeError(f"cannot resolve version {wanted!r} without npm")
    prefix = tuple(int(x) for x in wanted.split("."))
    releases = [v for v in versions if re.fullmatch(r"\d+\.\d+\.\d+", v)]
    matching = [v for v in releases if _version_key(v)[: len(prefix)] == prefix]
    if latest in matching:
        return latest
    if not matching:
        raise RuntimeError(f"no published version matches {wanted!r}")
    return max(matching, key=_version_key)


def _http_pack(spec: str, workdir: Path, registry: str = NPM_REGISTRY) -> tuple[Path, str]:
    """Download ``spec``'s tarball from the registry's HTTP API and check its sha512."""
    name, wanted = _split_spec(spec)
    url = registry + urllib.parse.quote(name, safe="@")
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.npm.install-v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        meta = json.load(response)
    version = _resolve_version(meta["versions"], wanted, meta.get("dist-tags", {}).get("latest"))
    dist = meta["versions"][version]["dist"]
    target = workdir / f"{name.replace('/', '-').lstrip('@')}-{version}.tgz"
    with urllib.request.urlopen(dist["tarball"], timeout=300) as response:
        data = response.read()
    integrity = dist.get("integrity", "")
    if integrity.startswith("sha512-"):
        digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
        if digest != integrity.removeprefix("sha512-"):
            raise RuntimeError(f"checksum mismatch for {spec} ({dist['tarball']})")
    target.write_bytes(data)
    return target, version


def _unpack(tarball: Path, destination: Path) -> int:
    """Unpack an npm tarball's files (without its top folder, ``package/``) into ``destination``.

    Files are written to a temporary name and renamed into place, so a server reading the cache at
    the same time never sees a half-written file. Returns the number of files written.
    """
    count = 0
    destination.mkdir(parents=True, exist_ok=True)
    root = destination.resolve()
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            inner = Path(*Path(member.name).parts[1:])
            target = (destination / inner).resolve()
            if root not in target.parents:
                raise RuntimeError(f"unsafe path {member.name!r} in {tarball.name}")
            source = archive.extractfile(member)
            assert source is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.parent / f".{target.name}.partial"
            with source, open(tmp, "wb") as out:
                shutil.copyfileobj(source, out)
            os.replace(tmp, target)
            count += 1
    return count


def _fill_minified(package: AssetPackage, cache_dir: Path) -> list[str]:
    """Fill requested ``x.min.js``/``x.min.css`` the package lacks with its ``x.js``/``x.css``."""
    root = cache_dir / package.spec
    filled = []
    for inner in missing_files(package, cache_dir):
        unminified = re.sub(r"\.min\.(js|css)$", r".\1", inner)
        if unminified != inner and (root / unminified).is_file():
            shutil.copyfile(root / unminified, root / inner)
            filled.append(inner)
    return filled


def install(
    cache_dir: Path | None = None,
    *,
    force: bool = False,
    use_npm: bool | None = None,
    log=print,
) -> int:
    """Fill ``cache_dir`` with every asset the installed Solara requests; returns an exit status.

    Packages whose requested files are all present are not downloaded again unless ``force``.
    ``use_npm`` chooses ``npm pack`` (default when npm is on the PATH) or the registry's HTTP API.
    """
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    packages, skipped = discover_assets()
    todo = [p for p in packages if force or missing_files(p, cache_dir)]
    if not todo:
        log(f"solara assets: all {len(packages)} packages already in {cache_dir}")
        return 0
    if use_npm is None:
        use_npm = shutil.which("npm") is not None
    log(f"solara assets: filling {cache_dir} from the npm registry "
        f"({'npm pack' if use_npm else 'HTTP'}); {len(todo)} of {len(packages)} packages")  # fmt: skip
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="solara-assets-") as tmp:
        for package in todo:
            workdir = Path(tmp) / package.spec.replace("/", "_")
            workdir.mkdir()
            tarball, version = _download(_npm_pack if use_npm else _http_pack, package.spec,
                                         workdir, log=log)
            count = _unpack(tarball, cache_dir / package.spec)
            filled = _fill_minified(package, cache_dir)
            note = f"; {', '.join(filled)} from the unminified file" if filled else ""
            log(f"  {package.spec:45s} -> {version:22s} {count:4d} files{note}")
    still_missing = {p.spec: missing_files(p, cache_dir) for p in packages}
    still_missing = {k: v for k, v in still_missing.items() if v}
    if still_missing:
        for spec, files in still_missing.items():
            log(f"  MISSING in {spec}: {', '.join(files)}")
        return 1
    if skipped:
        log(f"  not needed here (the other Vue version's app; widgets the dashboard does not use, "
            f"whose version is chosen at run time): {', '.join(skipped)}")  # fmt: skip
    return 0


def check(cache_dir: Path | None = None, log=print) -> int:
    """Report the requested files missing from the cache; exit status 1 if any is missing."""
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    packages, _ = discover_assets()
    status = 0
    for package in packages:
        missing = missing_files(package, cache_dir)
        log(f"  {'ok     ' if not missing else 'MISSING'} {package.spec}"
            + (f": {', '.join(missing)}" if missing else ""))  # fmt: skip
        status |= bool(missing)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bargaining_chips.viz.install_assets",
        description="Fill Solara's front-end asset cache from the npm registry (for offline use).",
    )
    parser.add_argument("--cache-dir", type=Path, help="default: Solara's own cache directory")
    parser.add_argument("--check", action="store_true", help="only report missing files")
    parser.add_argument("--force", action="store_true", help="download every package again")
    parser.add_argument("--no-npm", action="store_true", help="use the registry's HTTP API")
    args = parser.parse_args(argv)
    try:
        if args.check:
            return check(args.cache_dir)
        return install(args.cache_dir, force=args.force, use_npm=False if args.no_npm else None)
    except (RuntimeError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
