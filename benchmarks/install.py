"""What installing gigawatt costs: wall time of `pip install SOURCE` into a fresh virtual environment, the
environment's size on disk and the number of distributions in it. Prints figures; asserts nothing.

    python benchmarks/install.py [SOURCE ...] [--extras pypsa,postgres] [--no-cache-dir] [--keep]

SOURCE is a path pip can install (a checkout's root, a wheel) and defaults to this repository's root; with
several, each is measured in turn, in its own fresh environment, and every later one is compared with the
first (ratio = this / first). To compare a change with what came before it:

    git worktree add /tmp/gw-before BASE_COMMIT
    python benchmarks/install.py /tmp/gw-before .

pip's cache is the user's own (``pip cache dir``) unless ``--no-cache-dir``; its size is printed before
each install (packages downloaded apart from wheels built), so whether an install found it warm, and
whether an earlier install warmed it for a later one, is on the page. A source builds its wheel first (setuptools, in pip's isolated build environment): that is
part of what a user waits for, so it is part of the time. The size is of the environment's files on disk
(``du``: allocated blocks, each hard-linked file once), the fresh environment's own pip included; the
bare environment's figures are printed once for reference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BYTES_PER_MB = 1e6
BLOCK_BYTES = 512  # st_blocks counts 512-byte blocks on every POSIX system
# the heavy optional dependencies: whether each landed in the environment
WATCHED = ("pypsa", "linopy", "xarray", "psycopg", "geopandas", "shapely", "pyproj", "polars", "netCDF4")
INSTALL_TIMEOUT_S = 1800  # a source that takes longer than half an hour to install is reported as failed
DOWNLOAD_CACHES = ("http", "http-v2")  # pip's cache of what it fetched from an index (older and newer pips)
COUNT_DISTRIBUTIONS = "import importlib.metadata as m; print(len({d.metadata['Name'].lower() for d in m.distributions()}))"


def disk_mb(folder: Path) -> float:
    """Allocated size of every file under ``folder`` (symbolic links not followed, hard links once), MB."""
    seen: set[tuple[int, int]] = set()
    total_bytes = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in [*dirnames, *filenames]:
            stat = os.lstat(os.path.join(dirpath, name))
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            total_bytes += stat.st_blocks * BLOCK_BYTES
    return total_bytes / BYTES_PER_MB


def pip_cache(no_cache: bool) -> str:
    """pip's cache as an install will find it: off, or its folder and the size (MB) of its two parts: packages
    downloaded from an index (``http``, ``http-v2``: warm when not empty) and wheels it built (``wheels``)."""
    if no_cache:
        return "off (--no-cache-dir)"
    found = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    folder = Path(found.stdout.strip()) if found.returncode == 0 and found.stdout.strip() else None
    if folder is None:
        return "unknown (pip cache dir failed)"
    downloads_mb = sum(disk_mb(folder / part) for part in DOWNLOAD_CACHES if (folder / part).exists())
    built_mb = disk_mb(folder / "wheels") if (folder / "wheels").exists() else 0.0
    state = "warm" if downloads_mb > 0 else "cold"
    return f"{state} ({folder}: downloaded packages {downloads_mb:,.1f} MB, wheels built {built_mb:,.1f} MB)"


def environment(venv: Path) -> tuple[float, int, list[str]]:
    """Size on disk (MB), number of distributions, and which of WATCHED are importable-installed."""
    python = venv / "bin" / "python"
    count = int(subprocess.run([str(python), "-c", COUNT_DISTRIBUTIONS], capture_output=True, text=True, check=True).stdout)
    probe = "import importlib.util, sys; print(' '.join(n for n in sys.argv[1:] if importlib.util.find_spec(n)))"
    present = subprocess.run([str(python), "-c", probe, *WATCHED], capture_output=True, text=True, check=True).stdout.split()
    return disk_mb(venv), count, present


def fresh_venv(folder: Path) -> Path:
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv


def measure(source: str, extras: str | None, no_cache: bool, keep: bool) -> dict[str, object]:
    """Install ``source`` (with ``extras``) into a fresh environment: seconds, MB, distributions, heavy packages."""
    folder = Path(tempfile.mkdtemp(prefix="gigawatt-install-"))
    try:
        venv = fresh_venv(folder)
        target = f"{source}[{extras}]" if extras else source
        command = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", target]
        if no_cache:
            command.insert(2, "--no-cache-dir")
        cache = pip_cache(no_cache)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            errors = [line for line in done.stderr.splitlines() if not line.startswith("WARNING: Location")]
            raise SystemExit(f"pip install {target} failed ({done.returncode}): {' '.join(errors[-3:])}")
        size_mb, count, present = environment(venv)
        return {"source": target, "seconds": seconds, "size_mb": size_mb, "distributions": count, "present": present, "cache": cache,
                "kept": str(venv) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", default=[str(ROOT)], help="paths pip can install (default: this repository)")
    parser.add_argument("--extras", help="install SOURCE[EXTRAS] instead, e.g. pypsa,postgres")
    parser.add_argument("--no-cache-dir", action="store_true", help="pip without its cache (every package fetched again)")
    parser.add_argument("--keep", action="store_true", help="keep the environments (their paths are printed)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gigawatt-bare-") as bare:
        venv = fresh_venv(Path(bare))
        bare_mb, bare_count, _ = environment(venv)
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs; "
          f"a bare venv: {bare_mb:,.1f} MB, {bare_count} distributions")
    results = []
    for source in args.sources:
        result = measure(source, args.extras, args.no_cache_dir, args.keep)
        results.append(result)
        print(f"\n{result['source']}")
        print(f"  pip cache before:  {result['cache']}")
        print(f"  pip install:       {result['seconds']:,.1f} s wall")
        print(f"  environment:       {result['size_mb']:,.1f} MB on disk, {result['distributions']} distributions")
        print(f"  heavy packages:    {', '.join(result['present']) or 'none'} (of {', '.join(WATCHED)})")
        if result["kept"]:
            print(f"  kept at:           {result['kept']}")
    if len(results) > 1:
        first = results[0]
        print(f"\nratios to {first['source']}:")
        for result in results[1:]:
            print(f"  {result['source']}: time x{result['seconds'] / first['seconds']:.2f}, "
                  f"size x{result['size_mb'] / first['size_mb']:.2f}, distributions x{result['distributions'] / first['distributions']:.2f}")


if __name__ == "__main__":
    main()
