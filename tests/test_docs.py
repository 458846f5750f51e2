"""The docs: the site builds with ``mkdocs build --strict``, the README's commands and links hold, and the
summary table of docs/explanations.md is SUMMARY_FIGURES."""

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


def summary_table(page: str) -> list[tuple[str, str]]:
    """The (key, meaning) rows of the table under the page's "## Summary" heading."""
    section = page.split("\n## Summary\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", section, flags=re.MULTILINE)


def test_explanations_list_every_summary_figure():
    """docs/explanations.md shows SUMMARY_FIGURES: every key, in order, with the same meaning."""
    from revmatch.reporting import SUMMARY_FIGURES

    rows = summary_table((ROOT / "docs" / "explanations.md").read_text(encoding="utf-8"))
    missing = [key for key in SUMMARY_FIGURES if key not in dict(rows)]
    assert not missing, f"docs/explanations.md's summary table lacks {missing}"
    assert rows == list(SUMMARY_FIGURES.items())
