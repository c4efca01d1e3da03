"""pyproject.toml pins every dependency exactly and environment.yml mirrors the same list."""

import tomllib

import yaml

from conftest import REPO


def _pyproject_pins():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        pins += extra
    return pins


def _environment_pins():
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    return [line for line in pip if not line.startswith("-e")]


def test_every_dependency_pinned_exactly():
    for pin in _pyproject_pins():
        assert "==" in pin, pin


def test_environment_yml_mirrors_pyproject():
    assert sorted(_pyproject_pins()) == sorted(_environment_pins())


def test_environment_python_matches_requires_python():
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "python=3.11" in env["dependencies"] and "3.11" in project["requires-python"]
