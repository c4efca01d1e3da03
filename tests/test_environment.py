"""pyproject.toml pins every dependency exactly and environment.yml mirrors the same list."""

import re
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


def _make_variable(text: str, name: str) -> set[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"{name} :="))
    return set(line.split(":=", 1)[1].split())


def test_make_test_installs_every_package_a_test_runs():
    """The outside programs the tests call come from packages that `make test` installs itself,
    so that a fresh machine (CI's) has them: the system packages of `make setup` and the test ones."""
    from programs import OFFICE_COMPONENTS, PROGRAMS

    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: .*\bsetup\b.*\btest-system\b", makefile, re.M)
    assert re.search(r"^setup: .*\bsystem\b", makefile, re.M)
    installed = _make_variable(makefile, "DEB_PACKAGES") | _make_variable(makefile, "TEST_DEB_PACKAGES")
    needed = set(PROGRAMS.values()) | set(OFFICE_COMPONENTS.values())
    assert needed <= installed, needed - installed
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for package in installed:
        assert f"`{package}`" in readme, package


def test_a_missing_program_fails_naming_its_package(monkeypatch):
    import pytest

    from programs import pdftotext

    monkeypatch.setenv("PATH", "")
    with pytest.raises(pytest.fail.Exception, match="install the Debian package poppler-utils"):
        pdftotext(REPO / "README.md")
