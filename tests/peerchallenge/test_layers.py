"""The import-linter contract and mypy (pyproject.toml) cover every app: a new top-level package
missing from them would have its imports and types go unchecked."""

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
NOT_APPS = {"tests", "bench"}


def test_every_top_level_package_is_in_the_layers_contract_and_type_checked():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    linter = config["importlinter"]
    [contract] = [c for c in linter["contracts"] if c["type"] == "layers"]
    layers = {layer.strip("()") for layer in contract["layers"]}
    packages = {
        path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name not in NOT_APPS
    }

    assert packages <= set(linter["root_packages"]), "add the new app to root_packages"
    assert set(linter["root_packages"]) <= layers, "give the new app its place in the layers"
    assert packages <= set(config["mypy"]["files"]), "add the new app to mypy's files"
