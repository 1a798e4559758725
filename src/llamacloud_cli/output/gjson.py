"""GJSON path evaluation over already-parsed JSON values.

``--transform PATH`` takes a `GJSON path <https://github.com/tidwall/gjson/blob/master/SYNTAX.md>`_,
the syntax the official Go CLI uses. This module evaluates such a path against a value that
``json.loads`` produced (``dict``/``list``/``str``/``int``/``float``/``bool``/``None``). It is
written from the syntax description, not ported from any implementation.

Supported syntax
----------------
* Keys separated by ``.``: ``name.last``; array indexes: ``children.0``.
* Wildcards ``*`` (any run) and ``?`` (one character) in keys; the first matching key wins.
* ``\\`` escapes the next character in a key: ``fav\\.movie``, ``a\\*b``, ``\\@type``.
* ``#``: the length of an array when it ends a chain (``friends.#``); followed by ``.`` it maps
  the rest of the chain over the elements and drops elements where it matched nothing
  (``friends.#.first``, ``a.#.b.#.c``).
* Queries ``#(...)`` (first match) and ``#(...)#`` (all matches, ``[]`` when none) with the
  operators ``==`` (or ``=``), ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``%`` (like) and ``!%``
  (not like). The left side is a path (``#(a.b=="x")``, ``#(nets.#(=="fb"))``) or empty to test
  the element itself (``#(==5)``, ``#(%"a*")``); without an operator the query tests that the
  path exists. The right side is a JSON literal (``"str"``, ``12``, ``true``, ``false``,
  ``null``), ``~true``/``~false`` (compare the truthiness of the left side) or, as in gjson, a
  bare word taken as a string. As in gjson the comparison follows the type of the left side:
  a string is compared with the right side's text (so ``==true`` also matches ``"true"``), a
  number with the right side read as a number (``=="44"`` matches ``44``), a boolean with
  ``true``/``false``; objects, arrays and missing values never match an operator. The
  legacy ``#[...]`` brackets are accepted too.
* Pipes: ``|`` applies the rest of the path to the result so far. After ``#`` and ``#(...)#`` a
  ``.`` instead maps the rest of the chain over each element (``friends.#(age>45)#.last``)
  while ``|`` works on the whole array (``friends.#(age>45)#|0``).
* Multipaths: ``{a,b.c,"name":x}`` builds an object (keys are the last key of each path, or
  ``_``, or the given name, quoted or bare) and ``[a,b]`` an array; members that match nothing
  are left out. They can be followed by ``.path``/``|path`` and used after ``.``/``|``.
* Modifiers ``@this``, ``@reverse``, ``@keys``, ``@values``, ``@flatten`` (``:{"deep":true}``),
  ``@join``, ``@group``, ``@valid``, ``@tostr``, ``@fromstr``, ``@pretty`` and ``@ugly``, at the
  start of a path or after ``.``/``|``. An ``@name`` that is not a modifier is a plain key.
* Literals at the start of a path, after ``|`` or as a multipath member: ``!true``, ``!false``,
  ``!null``, ``!"str"``, ``!123``, ``!{"a":1}``, ``![1,2]``.
* Spaces around query operators, inside ``#( ... )`` and around multipath members are ignored
  (``#( age >= 47 )``, ``{a, b}``); elsewhere a space is part of the key.

Differences from gjson
----------------------
* ``@pretty`` and ``@ugly`` (and their arguments) return the value unchanged: formatting is the
  renderer's job. ``@join`` ignores ``{"preserve":true}``, since a dict cannot hold a key twice;
  for the same reason a later multipath member replaces an earlier one of the same name.
* ``@keys`` returns ``[]`` and ``@values`` returns ``[]`` for values that are neither an object
  nor (for ``@values``) an array; ``@valid`` yields no match for values JSON cannot encode.
* Queries compare ``null`` sensibly (``#(x==null)``, ``#(x!=null)``), order ``false < true``,
  and never match a number against a right side that is not a number (except with ``!=``).
* Malformed paths raise :class:`GJSONPathError` instead of silently matching nothing: an empty
  path or component (``a..b``), unclosed ``(``/``{``/``[``/strings, an unknown query operator,
  a missing or invalid query value, a dangling ``\\``, or junk after a query/multipath/literal.
* Not supported: JSON Lines paths (``..``), custom modifiers, ``@dig`` and other modifiers newer
  than ``@group``, and ``!nan``/``!inf`` literals.

Results are the original objects of the document where a path selects a part of it; do not
mutate them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Final, TypeAlias, TypeVar

__all__ = ["MISSING", "GJSONPathError", "get"]


class GJSONPathError(ValueError):
    """A GJSON path is malformed (unbalanced brackets, bad query, ...)."""


class _MissingType:
    """Type of :data:`MISSING`; a single instance, also across copy and pickle."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"

    def __copy__(self) -> _MissingType:
        return self

    def __deepcopy__(self, memo: object) -> _MissingType:
        return self


MISSING: Final = _MissingType()
"""Returned by :func:`get` when the path matches nothing (distinct from a JSON ``null``)."""


def get(value: object, path: str) -> object:
    """Evaluate the GJSON ``path`` against the parsed JSON ``value``.

    Returns the selected value, or :data:`MISSING` when nothing matches. Raises
    :class:`GJSONPathError` when ``path`` is malformed.
    """
    return _eval_pipeline(_compile(path), value)


# --------------------------------------------------------------------------- syntax tree

# Plain slotted classes rather than dataclasses/NamedTuples: they cost nothing at import time.
# Nodes are built once per distinct path (see _compile) and never modified.


class _Key:
    __slots__ = ("literal", "pattern")

    def __init__(self, literal: str, pattern: str | None) -> None:
        self.literal = literal  # the key with escapes resolved
        self.pattern = pattern  # the key with escapes kept, when it holds unescaped * or ?


class _Count:
    """``#``: array length, or "map the rest of the chain" when more follows."""

    __slots__ = ()


class _QueryValue:
    __slots__ = ("text", "kind", "number", "tilde")

    def __init__(self, text: str, kind: str, number: int | float | None, tilde: bool) -> None:
        self.text = text  # right-hand side as text (strings decoded, quotes removed)
        self.kind = kind  # "string", "number", "true", "false", "null" or "bare"
        self.number = number  # the text as a JSON number, if it is one
        self.tilde = tilde  # ~true / ~false: compare the truthiness of the left side


class _Condition:
    __slots__ = ("op", "value")

    def __init__(self, op: str, value: _QueryValue) -> None:
        self.op = op  # "==", "!=", "<", "<=", ">", ">=", "%", "!%"
        self.value = value


class _Query:
    __slots__ = ("path", "condition", "every")

    def __init__(self, path: _Pipeline | None, condition: _Condition | None, every: bool) -> None:
        self.path = path  # None: test the element itself
        self.condition = condition  # None: test that ``path`` exists
        self.every = every  # #(...)# (all matches) rather than #(...) (the first)


class _Modifier:
    __slots__ = ("name", "arg")

    def __init__(self, name: str, arg: object) -> None:
        self.name = name
        self.arg = arg  # parsed JSON argument, raw text, or None


class _Multipath:
    __slots__ = ("is_object", "members")

    def __init__(self, is_object: bool, members: tuple[tuple[str | None, _Pipeline], ...]) -> None:
        self.is_object = is_object
        self.members = members  # (explicit name or None, path)


class _Literal:
    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


_Component: TypeAlias = _Key | _Count | _Query | _Modifier | _Multipath | _Literal
_Chain: TypeAlias = tuple[_Component, ...]  # components joined by "."


class _Pipeline:
    __slots__ = ("chains",)

    def __init__(self, chains: tuple[_Chain, ...]) -> None:
        self.chains = chains  # chains joined by "|"


# --------------------------------------------------------------------------- parser

_OPERATORS_2: Final = ("==", "!=", "<=", ">=", "!%")
_OPERATORS_1: Final = ("=", "<", ">", "%")
_QUERY_STOPS: Final = "=!<>%"
_NAME_STOPS: Final = frozenset('.|,:{}[]()"\\@!#')
_BAD_BARE_VALUE: Final = frozenset('"()[]{}=!<>%~\\')
_NUMBER_CHARS: Final = frozenset("+-0123456789.eE")
_WORD_LITERALS: Final[dict[str, object]] = {"true": True, "false": False, "null": None}


@lru_cache(maxsize=256)
def _compile(path: str) -> _Pipeline:
    try:
        return _Parser(path).parse()
    except RecursionError:
        raise GJSONPathError(f"invalid GJSON path {path[:40]!r}...: nested too deeply") from None


class _Parser:
    """Recursive-descent parser; ``stops`` are the extra characters that end a component in
    the current context (``,`` and a closing bracket in a multipath, operators and ``)`` in a
    query). Inside such a context, whitespace before a stop character is ignored."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.n = len(path)
        self.pos = 0

    def error(self, message: str, pos: int | None = None) -> GJSONPathError:
        at = self.pos if pos is None else pos
        return GJSONPathError(f"invalid GJSON path {self.path!r}: {message} at position {at}")

    def peek(self) -> str:
        return self.path[self.pos] if self.pos < self.n else ""

    def skip_ws(self) -> None:
        while self.pos < self.n and self.path[self.pos].isspace():
            self.pos += 1

    def boundary(self, pos: int, stops: str) -> bool:
        """Whether a component ends at ``pos``."""
        if pos >= self.n:
            return True
        c = self.path[pos]
        if c in ".|":
            return True
        if stops:
            if c in stops:
                return True
            if c.isspace():
                while pos < self.n and self.path[pos].isspace():
                    pos += 1
                return pos >= self.n or self.path[pos] in stops
        return False

    # -- structure

    def parse(self) -> _Pipeline:
        if not self.path:
            raise GJSONPathError("invalid GJSON path '': the path is empty")
        pipeline = self.pipeline("")
        if self.pos < self.n:
            raise self.error(f"unexpected {self.peek()!r}")
        return pipeline

    def pipeline(self, stops: str) -> _Pipeline:
        chains = [self.chain(stops)]
        while self.peek() == "|":
            self.pos += 1
            chains.append(self.chain(stops))
        return _Pipeline(tuple(chains))

    def chain(self, stops: str) -> _Chain:
        components = [self.component(stops, first=True)]
        while self.peek() == ".":
            self.pos += 1
            components.append(self.component(stops, first=False))
        return tuple(components)

    def component(self, stops: str, *, first: bool) -> _Component:
        if self.boundary(self.pos, stops):
            raise self.error("empty path component")
        c = self.path[self.pos]
        if c == "#":
            nxt = self.path[self.pos + 1 : self.pos + 2]
            if nxt in ("(", "["):
                return self.query()
            if self.boundary(self.pos + 1, stops):
                self.pos += 1
                return _Count()
        elif c == "@":
            modifier = self.modifier(stops)
            if modifier is not None:
                return modifier
        elif c == "!" and first:
            literal = self.literal(stops)
            if literal is not None:
                return literal
        elif c in "{[":
            return self.multipath()
        return self.key(stops)

    # -- components

    def key(self, stops: str) -> _Key:
        literal: list[str] = []
        pattern: list[str] = []
        wild = False
        while not self.boundary(self.pos, stops):
            c = self.path[self.pos]
            if c == "\\":
                if self.pos + 1 >= self.n:
                    raise self.error("dangling escape character '\\'")
                escaped = self.path[self.pos + 1]
                literal.append(escaped)
                pattern.append(c + escaped)
                self.pos += 2
                continue
            wild = wild or c in "*?"
            literal.append(c)
            pattern.append(c)
            self.pos += 1
        return _Key("".join(literal), "".join(pattern) if wild else None)

    def modifier(self, stops: str) -> _Modifier | None:
        end = self.pos + 1
        while end < self.n and self.path[end] not in ".|:" and not self.boundary(end, stops):
            end += 1
        name = self.path[self.pos + 1 : end]
        if name not in _MODIFIERS:
            return None  # not a modifier: a key that starts with "@"
        self.pos = end
        arg: object = None
        if self.peek() == ":":
            self.pos += 1
            arg = self.modifier_arg(stops)
        if not self.boundary(self.pos, stops):
            raise self.error(f"unexpected {self.peek()!r} after modifier @{name}")
        return _Modifier(name, arg)

    def modifier_arg(self, stops: str) -> object:
        start = self.pos
        if self.peek() in ("{", "[", '"'):
            end = self.scan_json(start)
            try:
                value: object = json.loads(self.path[start:end])
            except ValueError:
                raise self.error("invalid JSON modifier argument", start) from None
            self.pos = end
            return value
        while not self.boundary(self.pos, stops):
            self.pos += 1
        return self.path[start : self.pos]

    def literal(self, stops: str) -> _Literal | None:
        start = self.pos
        begin = start + 1
        c = self.path[begin : begin + 1]
        if c and c in '"{[-0123456789':
            if c in '"{[':
                end = self.scan_json(begin)
            else:
                end = begin
                while end < self.n and self.path[end] in _NUMBER_CHARS:
                    end += 1
            text = self.path[begin:end]
            try:
                value = json.loads(text)
            except ValueError:
                raise self.error(f"invalid literal {text!r}", start) from None
        else:
            end = begin
            while end < self.n and self.path[end].isalpha():
                end += 1
            word = self.path[begin:end]
            if word not in _WORD_LITERALS or not self.boundary(end, stops):
                return None  # not a literal: a key that starts with "!"
            value = _WORD_LITERALS[word]
        self.pos = end
        if not self.boundary(self.pos, stops):
            raise self.error(f"unexpected {self.peek()!r} after literal")
        return _Literal(value)

    def multipath(self) -> _Multipath:
        start = self.pos
        opener = self.path[start]
        closer = "}" if opener == "{" else "]"
        stops = "," + closer
        self.pos += 1
        self.skip_ws()
        members: list[tuple[str | None, _Pipeline]] = []
        if self.peek() == closer:
            self.pos += 1
            return _Multipath(opener == "{", ())
        while True:
            self.skip_ws()
            name = self.member_name() if opener == "{" else None
            members.append((name, self.pipeline(stops)))
            self.skip_ws()
            c = self.peek()
            if c == ",":
                self.pos += 1
            elif c == closer:
                self.pos += 1
                return _Multipath(opener == "{", tuple(members))
            elif not c:
                raise self.error(f"unclosed {opener!r}", start)
            else:
                raise self.error(f"expected ',' or {closer!r} in multipath, got {c!r}")

    def member_name(self) -> str | None:
        start = self.pos
        if self.peek() == '"':
            end = self.scan_string(start)
            colon = end
            while colon < self.n and self.path[colon].isspace():
                colon += 1
            if colon >= self.n or self.path[colon] != ":":
                raise self.error("expected ':' after quoted member name", end)
            try:
                name = json.loads(self.path[start:end], strict=False)
            except ValueError:
                raise self.error("invalid member name", start) from None
        else:
            colon = start
            while (
                colon < self.n
                and self.path[colon] not in _NAME_STOPS
                and not self.path[colon].isspace()
            ):
                colon += 1
            name = self.path[start:colon]
            while colon < self.n and self.path[colon].isspace():
                colon += 1
            if not name or colon >= self.n or self.path[colon] != ":":
                return None
        self.pos = colon + 1
        self.skip_ws()
        return str(name)

    def query(self) -> _Query:
        start = self.pos
        opener = self.path[start + 1]
        closer = ")" if opener == "(" else "]"
        stops = _QUERY_STOPS + closer
        self.pos += 2
        self.skip_ws()
        path = None
        if self.peek() and self.peek() not in stops:
            path = self.pipeline(stops)
        self.skip_ws()
        c = self.peek()
        if not c:
            raise self.error(f"unclosed '#{opener}'", start)
        condition = None
        if c != closer:
            op = self.operator()
            self.skip_ws()
            condition = _Condition(op, self.query_value(closer, start))
            self.skip_ws()
            c = self.peek()
            if not c:
                raise self.error(f"unclosed '#{opener}'", start)
            if c != closer:
                raise self.error(f"expected {closer!r} to end the query, got {c!r}")
        elif path is None:
            raise self.error("empty query", start)
        self.pos += 1
        every = self.peek() == "#"
        if every:
            self.pos += 1
        return _Query(path, condition, every)

    def operator(self) -> str:
        two = self.path[self.pos : self.pos + 2]
        if two in _OPERATORS_2:
            self.pos += 2
            return two
        one = self.peek()
        if one in _OPERATORS_1:
            self.pos += 1
            return "==" if one == "=" else one
        raise self.error(
            f"expected a query operator (==, !=, <, <=, >, >=, %, !%), got {self.peek()!r}"
        )

    def query_value(self, closer: str, query_start: int) -> _QueryValue:
        start = self.pos
        c = self.peek()
        if not c:
            raise self.error("unclosed query", query_start)
        if c == '"':
            end = self.scan_string(start)
            text = _decode_query_string(self.path[start:end])
            if text is None:
                raise self.error("invalid string in query", start)
            self.pos = end
            return _QueryValue(text, "string", _as_number(text), tilde=False)
        end = start
        while end < self.n and self.path[end] != closer and not self.path[end].isspace():
            end += 1
        token = self.path[start:end]
        if not token:
            raise self.error("missing value after the query operator")
        if token.startswith("~"):
            if token not in ("~true", "~false"):
                raise self.error(f"expected ~true or ~false, got {token!r}", start)
            return self._token_value(end, token[1:], token[1:], tilde=True)
        if token in _WORD_LITERALS:
            return self._token_value(end, token, token, tilde=False)
        number = _as_number(token)
        if number is not None:
            self.pos = end
            return _QueryValue(token, "number", number, tilde=False)
        if any(ch in _BAD_BARE_VALUE for ch in token):
            raise self.error(f"invalid query value {token!r}", start)
        return self._token_value(end, token, "bare", tilde=False)

    def _token_value(self, end: int, text: str, kind: str, *, tilde: bool) -> _QueryValue:
        self.pos = end
        return _QueryValue(text, kind, None, tilde=tilde)

    # -- scanning helpers

    def scan_string(self, start: int) -> int:
        """Index just past the double-quoted string that starts at ``start``."""
        i = start + 1
        while i < self.n:
            c = self.path[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                return i + 1
            i += 1
        raise self.error("unterminated string", start)

    def scan_json(self, start: int) -> int:
        """Index just past the JSON string, object or array that starts at ``start``."""
        if self.path[start] == '"':
            return self.scan_string(start)
        depth = 0
        i = start
        while i < self.n:
            c = self.path[i]
            if c == '"':
                i = self.scan_string(i)
                continue
            if c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        raise self.error(f"unclosed {self.path[start]!r}", start)


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _decode_query_string(quoted: str) -> str | None:
    """Decode a JSON string, keeping unknown escapes such as ``\\*`` for ``%`` patterns."""

    def fix(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in '"\\/bfnrtu' else "\\" + match.group(0)

    try:
        value = json.loads(_ESCAPE.sub(fix, quoted), strict=False)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _as_number(text: str) -> int | float | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


# --------------------------------------------------------------------------- evaluation


def _eval_pipeline(pipeline: _Pipeline, value: object) -> object:
    for chain in pipeline.chains:
        value = _eval_chain(chain, 0, value)
        if value is MISSING:
            break
    return value


def _eval_chain(chain: _Chain, start: int, value: object) -> object:
    last = len(chain) - 1
    for i in range(start, len(chain)):
        if value is MISSING:
            return MISSING
        component = chain[i]
        if isinstance(component, _Key):
            value = _lookup(value, component)
        elif isinstance(component, _Count):
            if isinstance(value, list):
                return len(value) if i == last else _map_rest(chain, i + 1, value)
            value = value.get("#", MISSING) if isinstance(value, dict) else MISSING
        elif isinstance(component, _Query):
            if not isinstance(value, list):
                return MISSING
            if component.every:
                matches = [item for item in value if _query_matches(component, item)]
                return matches if i == last else _map_rest(chain, i + 1, matches)
            value = next((item for item in value if _query_matches(component, item)), MISSING)
        elif isinstance(component, _Modifier):
            value = _MODIFIERS[component.name](value, component.arg)
        elif isinstance(component, _Multipath):
            value = _build_multipath(component, value)
        else:
            value = component.value
    return value


def _map_rest(chain: _Chain, start: int, items: Iterable[object]) -> list[object]:
    results = (_eval_chain(chain, start, item) for item in items)
    return [result for result in results if result is not MISSING]


def _lookup(value: object, key: _Key) -> object:
    if isinstance(value, dict):
        if key.pattern is None:
            return value.get(key.literal, MISSING)
        for name, item in value.items():
            if isinstance(name, str) and _wildcard_match(name, key.pattern):
                return item
        return MISSING
    if isinstance(value, list) and key.pattern is None:
        index = key.literal
        if index.isascii() and index.isdigit() and int(index) < len(value):
            return value[int(index)]
    return MISSING


def _build_multipath(multipath: _Multipath, value: object) -> object:
    results = [(name, _eval_pipeline(path, value)) for name, path in multipath.members]
    if not multipath.is_object:
        return [result for _, result in results if result is not MISSING]
    out: dict[str, object] = {}
    for (name, result), (_, path) in zip(results, multipath.members, strict=True):
        if result is not MISSING:
            out[_member_name(path) if name is None else name] = result
    return out


def _member_name(path: _Pipeline) -> str:
    last = path.chains[-1][-1]
    if isinstance(last, _Key):
        return last.literal
    if isinstance(last, _Modifier) and last.arg is None:
        return "@" + last.name
    return "_"


def _wildcard_match(text: str, pattern: str) -> bool:
    """Match ``*`` (any run) and ``?`` (one character); ``\\`` makes the next one literal."""
    t = p = 0
    star_p, star_t = -1, 0
    while t < len(text):
        if p < len(pattern):
            c = pattern[p]
            if c == "*":
                star_p, star_t = p, t
                p += 1
                continue
            width = 1
            if c == "\\" and p + 1 < len(pattern):
                c, width = pattern[p + 1], 2
            elif c == "?":
                t, p = t + 1, p + 1
                continue
            if c == text[t]:
                t, p = t + 1, p + width
                continue
        if star_p < 0:
            return False
        star_t += 1  # let the last "*" swallow one more character and retry
        t, p = star_t, star_p + 1
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


# -- queries

_T = TypeVar("_T", str, float)


def _query_matches(query: _Query, item: object) -> bool:
    target = item if query.path is None else _eval_pipeline(query.path, item)
    condition = query.condition
    if condition is not None and condition.value.tilde:
        return _compare_bool(_truthy(target), condition.op, condition.value.text)
    if target is MISSING:
        return False
    if condition is None:
        return True
    return _compare(target, condition.op, condition.value)


def _compare(target: object, op: str, value: _QueryValue) -> bool:
    if isinstance(target, bool):
        return _compare_bool(target, op, value.text)
    if isinstance(target, int | float):
        if value.number is None:
            return op == "!="
        return _ordered(target, op, value.number)
    if isinstance(target, str):
        if op == "%":
            return _wildcard_match(target, value.text)
        if op == "!%":
            return not _wildcard_match(target, value.text)
        return _ordered(target, op, value.text)
    if target is None:
        if op == "==":
            return value.kind == "null"
        if op == "!=":
            return value.kind != "null"
    return False  # objects and arrays never compare


def _compare_bool(target: bool, op: str, text: str) -> bool:
    if text not in ("true", "false"):
        return op == "!="
    return _ordered(float(target), op, float(text == "true"))


def _ordered(left: _T, op: str, right: _T) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    return False  # % and !% only apply to strings


def _truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.lower() in ("1", "t", "true")
    return False


# -- modifiers: each takes the current value and the argument (or None)


def _mod_this(value: object, arg: object) -> object:
    return value


def _mod_reverse(value: object, arg: object) -> object:
    if isinstance(value, list):
        return value[::-1]
    if isinstance(value, dict):
        return dict(reversed(value.items()))
    return value


def _mod_keys(value: object, arg: object) -> object:
    return list(value) if isinstance(value, dict) else []


def _mod_values(value: object, arg: object) -> object:
    if isinstance(value, dict):
        return list(value.values())
    return value if isinstance(value, list) else []


def _mod_flatten(value: object, arg: object) -> object:
    if not isinstance(value, list):
        return value
    deep = isinstance(arg, dict) and _truthy(arg.get("deep"))
    return _flatten(value, deep=deep)


def _flatten(items: list[object], *, deep: bool) -> list[object]:
    out: list[object] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten(item, deep=True) if deep else item)
        else:
            out.append(item)
    return out


def _mod_join(value: object, arg: object) -> object:
    if not isinstance(value, list):
        return value
    out: dict[object, object] = {}
    for item in value:
        if isinstance(item, dict):
            out.update(item)
    return out


def _mod_group(value: object, arg: object) -> object:
    if not isinstance(value, dict):
        return MISSING
    rows: list[dict[object, object]] = []
    for name, column in value.items():
        if isinstance(column, list):
            for index, item in enumerate(column):
                if index == len(rows):
                    rows.append({})
                rows[index][name] = item
    return rows


def _mod_valid(value: object, arg: object) -> object:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return MISSING
    return value


def _mod_tostr(value: object, arg: object) -> object:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return MISSING


def _mod_fromstr(value: object, arg: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        parsed: object = json.loads(value)
    except ValueError:
        return MISSING
    return parsed


_MODIFIERS: Final[dict[str, Callable[[object, object], object]]] = {
    "this": _mod_this,
    "reverse": _mod_reverse,
    "keys": _mod_keys,
    "values": _mod_values,
    "flatten": _mod_flatten,
    "join": _mod_join,
    "group": _mod_group,
    "valid": _mod_valid,
    "tostr": _mod_tostr,
    "fromstr": _mod_fromstr,
    "pretty": _mod_this,  # formatting is the renderer's job
    "ugly": _mod_this,  # formatting is the renderer's job
}
