"""A griffe extension for the docs build: revmatch's reStructuredText docstring markup, read as Markdown.

The docstrings follow numpydoc and use a few reStructuredText constructs that Markdown does not know:
the roles ``:func:``, ``:class:``, ``:meth:``, ``:mod:`` and ``:math:``, the ``.. math::`` directive,
literal blocks introduced by ``::`` and simple tables framed by ``=====`` lines. mkdocstrings renders
docstrings as Markdown, so this extension rewrites them once the package is loaded, before they are
parsed:

- a cross-reference role becomes an optional autorefs link (a link when the target is in the API
  reference, plain code otherwise, and never a warning);
- ``:math:`x``` becomes inline code, and a ``.. math::`` block an indented (code) block: the formulas
  stay readable as plain text, with no math renderer and no CDN;
- ``text::`` before a literal block becomes ``text:`` (the block is already indented code in Markdown);
- a simple table becomes a Markdown pipe table.

The source files are not touched: Sphinx, help() and IDEs keep reading the docstrings as written.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?P<role>func|class|meth|mod|attr|obj|data|exc|math):`(?P<body>[^`]+)`")
TABLE_BORDER = re.compile(r"^ *=+( +=+)+ *$")


def _target(obj: griffe.Object, name: str, role: str = "obj") -> str:
    """The full path of a reference as written inside ``obj``'s docstring, or the name as written."""
    name = name.lstrip(".")
    path = name if name.startswith("revmatch") else _resolve(obj, name)
    if role in ("func", "class", "meth"):
        # A package that re-exports a function under its module's name (``engine.solve``): griffe
        # sees the module there, Python sees the function.
        try:
            found = obj.modules_collection[path]
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            return path
        leaf = path.rsplit(".", 1)[-1]
        if found.is_module and leaf in found.members:
            return f"{found.canonical_path}.{leaf}"
    return path


def _resolve(obj: griffe.Object, name: str) -> str:
    head, _, rest = name.partition(".")
    scope: griffe.Object | None = obj
    while scope is not None:
        try:
            found = scope.resolve(head)
        except griffe.NameResolutionError:
            scope = scope.parent
            continue
        return f"{found}.{rest}" if rest else found
    return name


def _role(obj: griffe.Object, match: re.Match[str]) -> str:
    body = match["body"]
    if match["role"] == "math":
        return f"`{body}`"
    explicit = re.fullmatch(r"(?P<title>.+?)\s*<(?P<name>[^>]+)>", body)
    if explicit:
        title, name = explicit["title"], explicit["name"]
    else:
        name = body.lstrip("~")
        title = name.rsplit(".", 1)[-1] if body.startswith("~") else name
    if match["role"] in ("func", "meth"):
        title = title if title.endswith(")") else f"{title}()"
    identifier = html.escape(_target(obj, name.removesuffix("()"), match["role"]), quote=True)
    return f'<autoref identifier="{identifier}" optional><code>{html.escape(title)}</code></autoref>'


def _math_blocks(lines: list[str]) -> list[str]:
    """Drop each ``.. math::`` line: what follows is indented, so Markdown shows it as a code block."""
    out = []
    for line in lines:
        if line.strip() == ".. math::":
            out.append("")
        elif line.rstrip().endswith("::") and not line.rstrip().endswith(":::"):
            stripped = line.rstrip()[:-2].rstrip()
            out.append(f"{stripped}:" if stripped.strip() else "")
        else:
            out.append(line)
    return out


def _table(block: list[str]) -> list[str]:
    """A reStructuredText simple table (header, one border under it) as a Markdown pipe table."""
    border = block[0]
    spans = [(m.start(), m.end()) for m in re.finditer(r"=+", border)]
    indent = " " * spans[0][0]

    def cells(line: str) -> list[str]:
        ends = [start for start, _ in spans[1:]] + [None]
        return [line[start:end].strip() for (start, _), end in zip(spans, ends)]

    rows: list[list[str]] = []
    for line in block[1:-1]:
        if TABLE_BORDER.match(line) or not line.strip():
            continue
        row = cells(line)
        if rows and not row[0]:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], row)]
        else:
            rows.append(row)
    header, *body = rows
    out = [indent + "| " + " | ".join(header) + " |", indent + "|" + "---|" * len(header)]
    out += [indent + "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in body]
    return out


def _tables(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        borders = [i] if TABLE_BORDER.match(lines[i]) else []
        j = i + 1
        while borders and j < len(lines) and len(borders) < 3:
            if TABLE_BORDER.match(lines[j]):
                borders.append(j)
            j += 1
        if len(borders) == 3:
            out += _table(lines[borders[0] : borders[2] + 1])
            i = borders[2] + 1
        else:
            out.append(lines[i])
            i += 1
    return out


def to_markdown(obj: griffe.Object, text: str) -> str:
    """The docstring ``text`` of ``obj`` with its reStructuredText markup rewritten as Markdown."""
    text = ROLE.sub(lambda m: _role(obj, m), text)
    return "\n".join(_tables(_math_blocks(text.split("\n"))))


class RstDocstrings(griffe.Extension):
    """Rewrite every docstring of a loaded package (see the module docstring)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if obj.docstring is not None:
                obj.docstring.value = to_markdown(obj, obj.docstring.value)
            stack.extend(member for member in obj.members.values() if not member.is_alias)
