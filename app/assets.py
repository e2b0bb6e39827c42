"""The offline cache of the front-end files Solara would otherwise fetch from a CDN.

Solara's server answers `/_solara/cdn/<package>@<version>/<file>` from the folder named by
`SOLARA_ASSETS_PROXY_CACHE_DIR`, laid out as `<cache>/<package>@<version>/<file>` (the
version exactly as Solara writes it in the URL: `vega@5`, `requirejs@2.3.6`). `build_cache`
fills that folder from the npm registry with the machine's `npm pack` (the registry npm is
configured for; no host is named here), so the app needs no network when it runs. A CDN
also serves minified copies of files a package ships only unminified (`require.min.js`);
for those the unminified file is copied under the minified name.

Run as `python -m app.assets [CACHE_DIR]` (what `make install` does); a cache that is
complete is left alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# The npm packages and the versions, as Solara 1.64.1 writes them into its asset URLs.
PACKAGES = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
    "katex@0.16.9",
    "mermaid@10.8.0",
)
# Files Solara requests by a minified name that a package may ship only unminified.
MINIFIED_ALIASES = {"requirejs@2.3.6/require.min.js": "requirejs@2.3.6/require.js"}
# Files whose absence means the cache cannot serve the page (checked after building).
REQUIRED = (
    "@widgetti/solara-vuetify-app@10.1.1/dist/main8.css",
    "@widgetti/solara-vuetify-app@10.1.1/dist/fonts.css",
    "@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js",
    "requirejs@2.3.6/require.js",
    "requirejs@2.3.6/require.min.js",
    "font-awesome@4.5.0/css/font-awesome.min.css",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2/dist/vue-grid-layout.umd.js",
    "vega@5/build/vega.min.js",
    "vega-lite@5/build/vega-lite.min.js",
    "vega-embed@6/build/vega-embed.min.js",
    "katex@0.16.9/dist/katex.min.js",
    "katex@0.16.9/dist/katex.min.css",
    "katex@0.16.9/dist/contrib/auto-render.min.js",
    "mermaid@10.8.0/dist/mermaid.min.js",
)
STAMP = ".complete.json"
DEFAULT_CACHE = Path(sys.prefix) / "share" / "solara" / "cdn"


class AssetError(RuntimeError):
    """The asset cache could not be built; the message says which package or file."""


def cache_is_complete(cache: Path) -> bool:
    """Whether `cache` was built for exactly `PACKAGES` and holds every required file."""
    stamp = cache / STAMP
    try:
        built = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return False
    return built == list(PACKAGES) and all((cache / f).is_file() for f in REQUIRED)


def build_cache(cache: Path = DEFAULT_CACHE, *, force: bool = False) -> Path:
    """Fill `cache` with every package of `PACKAGES` via `npm pack`; return `cache`."""
    cache = Path(cache)
    if not force and cache_is_complete(cache):
        return cache
    if shutil.which("npm") is None:
        raise AssetError("npm is not installed; it is needed once to build the app's offline asset cache "
                         "(Debian: apt-get install npm)")
    cache.mkdir(parents=True, exist_ok=True)
    (cache / STAMP).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="solara-assets-") as scratch:
        for spec in PACKAGES:
            _unpack(spec, _pack(spec, Path(scratch)), cache)
    for alias, original in MINIFIED_ALIASES.items():
        if not (cache / alias).is_file() and (cache / original).is_file():
            shutil.copyfile(cache / original, cache / alias)
    missing = [f for f in REQUIRED if not (cache / f).is_file()]
    if missing:
        raise AssetError(f"{cache}: the npm packages lack files Solara requests: {', '.join(missing)}")
    (cache / STAMP).write_text(json.dumps(list(PACKAGES)))
    return cache


def _pack(spec: str, scratch: Path) -> Path:
    done = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", str(scratch)],
                          capture_output=True, text=True, cwd=scratch, timeout=600)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise AssetError(f"npm pack {spec} failed: {last}")
    return scratch / json.loads(done.stdout)[0]["filename"]


def _unpack(spec: str, tarball: Path, cache: Path) -> None:
    target = cache / spec
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    with tarfile.open(tarball) as tar:
        tar.extractall(partial, filter="data")
    # npm tarballs hold one top folder (usually "package/"); its contents are the package's files
    (top,) = [p for p in partial.iterdir()]
    shutil.rmtree(target, ignore_errors=True)
    top.rename(target)
    partial.rmdir()


def main(argv: list[str]) -> int:
    cache = Path(argv[0]) if argv else DEFAULT_CACHE
    try:
        build_cache(cache)
    except AssetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"Solara asset cache ready: {cache}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
