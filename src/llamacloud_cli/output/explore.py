"""`--format explore`: an interactive tree view of a result on a terminal (stdlib curses).

Keys: ↑/k and ↓/j move, →/l/Enter expands, ←/h collapses (or goes to the parent),
PgUp/PgDn page, g/G first/last, r toggles raw JSON of the selected node, p prints the
selected value on exit, q/Esc quits. The tree logic lives in `ExplorerState` so that it can
be tested without a terminal; `explore` only draws it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

from llamacloud_cli.output.text import sanitize


@dataclass
class Node:
    label: str
    value: Any
    depth: int
    path: tuple[str | int, ...]
    children: list[Node] = field(default_factory=list)
    expanded: bool = False

    @property
    def is_container(self) -> bool:
        return isinstance(self.value, (dict, list)) and bool(self.value)


def build_tree(
    value: Any, label: str = "result", depth: int = 0, path: tuple[Any, ...] = ()
) -> Node:
    node = Node(label, value, depth, path)
    if isinstance(value, dict):
        node.children = [build_tree(v, str(k), depth + 1, (*path, k)) for k, v in value.items()]
    elif isinstance(value, list):
        node.children = [
            build_tree(v, f"[{i}]", depth + 1, (*path, i)) for i, v in enumerate(value)
        ]
    return node


def summary(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{…}} {len(value)} keys" if value else "{}"
    if isinstance(value, list):
        return f"[…] {len(value)} items" if value else "[]"
    return sanitize(json.dumps(value, ensure_ascii=False))


class ExplorerState:
    def __init__(self, value: Any, title: str = "result") -> None:
        self.root = build_tree(value, title)
        self.root.expanded = True
        self.cursor = 0
        self.show_raw = False
        self.print_on_exit = False

    def visible(self) -> list[Node]:
        rows: list[Node] = []

        def walk(node: Node) -> None:
            rows.append(node)
            if node.expanded:
                for child in node.children:
                    walk(child)

        walk(self.root)
        return rows

    @property
    def selected(self) -> Node:
        return self.visible()[self.cursor]

    def line(self, node: Node) -> str:
        marker = ("▾ " if node.expanded else "▸ ") if node.is_container else "  "
        return f"{'  ' * node.depth}{marker}{sanitize(node.label)}: {summary(node.value)}"

    def press(self, key: str, page: int = 10) -> bool:
        """Apply one key; returns False when the viewer should close."""
        rows = self.visible()
        node = rows[self.cursor]
        if key in ("q", "esc"):
            return False
        if key == "p":
            self.print_on_exit = True
            return False
        if key in ("down", "j"):
            self.cursor = min(self.cursor + 1, len(rows) - 1)
        elif key in ("up", "k"):
            self.cursor = max(self.cursor - 1, 0)
        elif key == "pagedown":
            self.cursor = min(self.cursor + page, len(rows) - 1)
        elif key == "pageup":
            self.cursor = max(self.cursor - page, 0)
        elif key == "g":
            self.cursor = 0
        elif key == "G":
            self.cursor = len(rows) - 1
        elif key in ("right", "l", "enter"):
            if node.is_container:
                node.expanded = True
        elif key in ("left", "h", "backspace"):
            if node.expanded and node.depth > 0:
                node.expanded = False
            elif node.depth > 0:
                parent_path = node.path[:-1]
                self.cursor = next(i for i, n in enumerate(rows) if n.path == parent_path)
        elif key == "r":
            self.show_raw = not self.show_raw
        return True


_KEYS = {
    258: "down", 259: "up", 260: "left", 261: "right", 338: "pagedown", 339: "pageup",
    263: "backspace", 127: "backspace", 10: "enter", 13: "enter", 27: "esc",
}  # fmt: skip


def explore(value: Any, *, title: str) -> None:
    import curses

    state = ExplorerState(value, title or "result")

    def loop(screen: Any) -> None:
        curses.curs_set(0)
        top = 0
        while True:
            height, width = screen.getmaxyx()
            body = max(height - 2, 1)
            rows = state.visible()
            top = min(max(top, state.cursor - body + 1), state.cursor)
            screen.erase()
            header = f" {title} — ↑↓ move  →← expand/collapse  r raw  p print  q quit "
            screen.addnstr(0, 0, header.ljust(width), width - 1, curses.A_REVERSE)
            if state.show_raw:
                raw = json.dumps(state.selected.value, ensure_ascii=False, indent=2)
                for y, text in enumerate(raw.splitlines()[:body], start=1):
                    screen.addnstr(y, 0, sanitize(text), width - 1)
            else:
                for y, node in enumerate(rows[top : top + body], start=1):
                    attr = curses.A_REVERSE if top + y - 1 == state.cursor else curses.A_NORMAL
                    screen.addnstr(y, 0, state.line(node), width - 1, attr)
            screen.refresh()
            code = screen.getch()
            key = _KEYS.get(code, chr(code) if 0 <= code < 256 else "")
            if not state.press(key, page=body):
                return

    curses.wrapper(loop)
    if state.print_on_exit:
        sys.stdout.write(json.dumps(state.selected.value, ensure_ascii=False, indent=2) + "\n")
