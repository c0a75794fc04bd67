"""Build and measure an API's Lambda bundle, for the bundle tests and benchmarks."""

import hashlib
import importlib.util
import io
import json
import shlex
import zipfile
from pathlib import Path
from types import ModuleType

import yaml

from harness.rendering import TEMPLATE, run

# The Lambda runtimes' Pythons an API may choose (copier.yml's pythonVersion).
LAMBDA_PYTHONS: tuple[str, ...] = tuple(
    yaml.safe_load((TEMPLATE / "copier.yml").read_text())["pythonVersion"]["choices"]
)


def bundle_script(api: Path) -> ModuleType:
    """The API's rendered scripts/bundle.py, imported (it runs nothing when imported)."""
    spec = importlib.util.spec_from_file_location("bundle", api / "scripts" / "bundle.py")
    bundle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bundle)
    return bundle


def lambda_python_version(api: Path) -> str:
    """The Lambda runtime's Python the API was rendered for: `3.13`."""
    return bundle_script(api).PYTHON_VERSION


def find_lambda_python(api: Path) -> str:
    """The interpreter the API's own bundle.py compiles with, found by its own lookup."""
    return bundle_script(api).find_lambda_python()  # exits with how to get one if none


def bundle_command(root: Path, api: str, out: Path | None = None) -> list[str]:
    """The `bundle` target's command from the API's project.json, optionally to another OUT."""
    project = json.loads((root / "packages" / api / "project.json").read_text())
    command = shlex.split(project["targets"]["bundle"]["options"]["command"])
    return command if out is None else [*command[:-1], str(out)]


def build_bundle(root: Path, api: str) -> Path:
    """Run the `bundle` target by hand from the monorepo root; returns the bundle folder."""
    command = bundle_command(root, api)
    run(*command, cwd=root)
    return root / command[-1]


def tree_digest(root: Path) -> str:
    """Hash of every path, mode, mtime and content under root."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_mode:o}\0{stat.st_mtime_ns}\0".encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def measure(root: Path) -> tuple[int, int, int]:
    """File count, total size and deflated zip size (entries sorted, dates fixed) of a folder."""
    files = sorted(path for path in root.rglob("*") if path.is_file())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            entry = zipfile.ZipInfo(str(path.relative_to(root)), date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = (path.stat().st_mode & 0o777) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    return len(files), sum(path.stat().st_size for path in files), len(buffer.getvalue())


# ELF e_machine values (the byte order is the file's own, EI_DATA).
ELF_MACHINES = {62: "x86_64", 183: "arm64"}


def elf_architecture(path: Path) -> str:
    """The architecture an ELF file (an extension module, a shared library) was built for."""
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", f"{path} is not an ELF file"
    byteorder = "little" if header[5] == 1 else "big"
    machine = int.from_bytes(header[18:20], byteorder)
    return ELF_MACHINES.get(machine, f"e_machine {machine}")
