"""The docs: the site builds with ``mkdocs build --strict``, and the README's commands and links hold."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in ("mkdocs", "mkdocstrings_handlers.python", "material")),
    reason="the docs extra is not installed (pip install -e '.[docs]')",
)
def test_site_builds_strict(tmp_path):
    """Warnings are errors: a broken link or anchor, a page left out of the nav, a docstring griffe
    cannot read or an unresolved cross-reference fails the build."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    config, site = str(ROOT / "mkdocs.yml"), str(tmp_path / "site")
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", config, "--site-dir", site],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert (tmp_path / "site" / "api" / "engine" / "index.html").is_file()


def test_readme_keeps_the_two_quick_start_commands():
    assert "pip install -e '.[test]' && revmatch demo" in README
    assert "python -m pytest -q" in README


def test_readme_links_point_at_files():
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README)
    relative = [link for link in links if "://" not in link]
    assert relative, "the README links into docs/"
    missing = [link for link in relative if not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"
