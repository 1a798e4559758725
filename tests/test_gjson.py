"""Tests for the GJSON path evaluator behind ``--transform``."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from llamacloud_cli.output.gjson import MISSING, GJSONPathError, get

# A page of the batch-job list endpoint.
JOBS: dict[str, Any] = {
    "items": [
        {
            "id": "bjb-1",
            "status": "failed",
            "total_items": 3,
            "processed_items": 1,
            "failed_items": 2,
            "progress": 0.33,
            "retryable": True,
            "error_message": "2 items failed",
            "metadata": {"source": "s3", "tags": ["urgent", "retry"]},
            "errors": [
                {"code": "timeout", "item_id": "itm-1"},
                {"code": "parse_error", "item_id": "itm-2"},
            ],
        },
        {
            "id": "bjb-2",
            "status": "completed",
            "total_items": 5,
            "processed_items": 5,
            "failed_items": 0,
            "progress": 1.0,
            "retryable": False,
            "error_message": None,
            "metadata": {"source": "upload", "tags": []},
            "errors": [],
        },
        {
            "id": "bjb-3",
            "status": "failed",
            "total_items": 10,
            "processed_items": 9,
            "failed_items": 1,
            "progress": 0.9,
            "retryable": "true",
            "error_message": "1 item failed",
            "metadata": {"source": "s3"},
            "errors": [{"code": "timeout", "item_id": "itm-9"}],
        },
        {
            "id": "bjb-4",
            "status": "running",
            "total_items": 4,
            "processed_items": 0,
            "progress": 0,
            "metadata": {"source": "web", "tags": ["nightly"]},
        },
    ],
    "total_size": 4,
    "next_page_token": None,
    "labels": {"team.name": "ingest", "env*": "prod", "@type": "page"},
}

# The example document of the gjson README / SYNTAX.md.
README: dict[str, Any] = {
    "name": {"first": "Tom", "last": "Anderson"},
    "age": 37,
    "children": ["Sara", "Alex", "Jack"],
    "fav.movie": "Deer Hunter",
    "friends": [
        {"first": "Dale", "last": "Murphy", "age": 44, "nets": ["ig", "fb", "tw"]},
        {"first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]},
        {"first": "Jane", "last": "Murphy", "age": 47, "nets": ["ig", "tw"]},
    ],
}

DALE = README["friends"][0]


def assert_exact(actual: object, expected: object) -> None:
    """Equal, including types (``1`` vs ``1.0`` vs ``True``) and key order."""
    if expected is MISSING:
        assert actual is MISSING
        return
    assert actual is not MISSING
    assert type(actual) is type(expected)
    assert repr(actual) == repr(expected)


README_CASES = [
    # basic
    ("name.last", "Anderson"),
    ("name.first", "Tom"),
    ("age", 37),
    ("children", ["Sara", "Alex", "Jack"]),
    ("children.0", "Sara"),
    ("children.1", "Alex"),
    ("friends.1.first", "Roger"),
    ("children.3", MISSING),
    ("name.middle", MISSING),
    ("age.years", MISSING),
    # wildcards and escapes
    ("child*.2", "Jack"),
    ("c?ildren.0", "Sara"),
    ("fav\\.movie", "Deer Hunter"),
    ("fav.movie", MISSING),
    ("*.last", "Anderson"),
    # arrays
    ("friends.#", 3),
    ("friends.#.age", [44, 68, 47]),
    ("friends.#.first", ["Dale", "Roger", "Jane"]),
    ("friends.#.middle", []),
    ("friends.#.nets.#", [3, 2, 2]),
    # queries
    ('friends.#(last=="Murphy").first', "Dale"),
    ('friends.#(last=="Murphy")#.first', ["Dale", "Jane"]),
    ("friends.#(age>45)#.last", ["Craig", "Murphy"]),
    ('friends.#(first%"D*").last', "Murphy"),
    ('friends.#(first!%"D*").last', "Craig"),
    ('children.#(!%"*a*")', "Alex"),
    ('children.#(%"*a*")#', ["Sara", "Jack"]),
    ('friends.#(nets.#(=="fb"))#.first', ["Dale", "Roger"]),
    ('friends.#(last=="Nobody").first', MISSING),
    ('friends.#(last=="Nobody")#', []),
    ("friends.#( age >= 47 )#.first", ["Roger", "Jane"]),
    ("friends.#[age<45].first", "Dale"),
    ("friends.#(age==44).first", "Dale"),
    ('friends.#(age=="44").first', "Dale"),
    ("friends.#(last==Craig).first", "Roger"),
    # dot vs pipe
    ("friends.0.first", "Dale"),
    ("friends|0.first", "Dale"),
    ("friends.0|first", "Dale"),
    ("friends|0|first", "Dale"),
    ("friends|#", 3),
    ('friends.#(last="Murphy")#', [DALE, README["friends"][2]]),
    ('friends.#(last="Murphy")#|first', MISSING),
    ('friends.#(last="Murphy")#.0', []),
    ('friends.#(last="Murphy")#|0', DALE),
    ('friends.#(last="Murphy")#.#', []),
    ('friends.#(last="Murphy")#|#', 2),
    ("friends.#.first|1", "Roger"),
    ("friends.#.nets|0", ["ig", "fb", "tw"]),
    ("friends.#.nets.0", ["ig", "fb", "ig"]),
    # modifiers
    ("children.@reverse", ["Jack", "Alex", "Sara"]),
    ("children.@reverse.0", "Jack"),
    ("children|@reverse|0", "Jack"),
    ("@reverse", dict(reversed(README.items()))),
    ("name.@reverse", {"last": "Anderson", "first": "Tom"}),
    ("name.@keys", ["first", "last"]),
    ("name|@values", ["Tom", "Anderson"]),
    ("@this.name.first", "Tom"),
    ("@this", README),
    ("friends.#.nets|@flatten", ["ig", "fb", "tw", "fb", "tw", "ig", "tw"]),
    ("friends.#.nets.@flatten", [["ig", "fb", "tw"], ["fb", "tw"], ["ig", "tw"]]),
    ("friends.#.first|@reverse", ["Jane", "Roger", "Dale"]),
    ("@pretty", README),
    ('@pretty:{"sortKeys":true}.age', 37),
    ("name.@ugly", {"first": "Tom", "last": "Anderson"}),
    # multipaths
    (
        '{name.first,age,"the_murphys":friends.#(last="Murphy")#.first}',
        {"first": "Tom", "age": 37, "the_murphys": ["Dale", "Jane"]},
    ),
    ("[name.first,age,children.0]", ["Tom", 37, "Sara"]),
    ("{name.first,nothing,age}", {"first": "Tom", "age": 37}),
    ("[name.middle,age]", [37]),
    ("{friends.#,children.0}", {"_": 3, "0": "Sara"}),
    ("{first:name.first, years : age}", {"first": "Tom", "years": 37}),
    ("{name.first,age}.age", 37),
    ("{name.first,age}|@keys", ["first", "age"]),
    ("friends.0.{first,age}", {"first": "Dale", "age": 44}),
    (
        "friends.#.{first,age}",
        [{"first": "Dale", "age": 44}, {"first": "Roger", "age": 68}, {"first": "Jane", "age": 47}],
    ),
    ("friends.#.[first,age]|1", ["Roger", 68]),
    ("{}", {}),
    ("[]", []),
    # literals
    (
        '{name.first,age,"company":!"Happysoft","employed":!true}',
        {"first": "Tom", "age": 37, "company": "Happysoft", "employed": True},
    ),
    ("!true", True),
    ("!null", None),
    ("!-12.5", -12.5),
    ('!{"a":[1,2]}.a.1', 2),
    ("[!1,!false,age]", [1, False, 37]),
    ("name|!42", 42),
]


@pytest.mark.parametrize(("path", "expected"), README_CASES, ids=[c[0] for c in README_CASES])
def test_readme_document(path: str, expected: object) -> None:
    assert_exact(get(README, path), expected)


JOBS_CASES = [
    ("total_size", 4),
    ("next_page_token", None),
    ("items.0.id", "bjb-1"),
    ("items.2.metadata.source", "s3"),
    ("items.0.metadata.tags.1", "retry"),
    ("items.9.id", MISSING),
    ("items.-1.id", MISSING),
    ("items.first", MISSING),
    ("items.#", 4),
    ("items.0.errors.#", 2),
    ("items.#.id", ["bjb-1", "bjb-2", "bjb-3", "bjb-4"]),
    ("items.#.failed_items", [2, 0, 1]),
    ("items.#.error_message", ["2 items failed", None, "1 item failed"]),
    ("items.#.errors.#.code", [["timeout", "parse_error"], [], ["timeout"]]),
    ("items.#.metadata.tags.#", [2, 0, 1]),
    ('items.#(status=="failed")', JOBS["items"][0]),
    ('items.#(status=="failed").id', "bjb-1"),
    ('items.#(status=="failed")#.id', ["bjb-1", "bjb-3"]),
    ('items.#(status=="failed")#|0.id', "bjb-1"),
    ('items.#(status=="failed")#|#', 2),
    ('items.#(status!="failed")#.id', ["bjb-2", "bjb-4"]),
    ("items.#(total_items>3)#.id", ["bjb-2", "bjb-3", "bjb-4"]),
    ("items.#(total_items>=5)#.id", ["bjb-2", "bjb-3"]),
    ("items.#(total_items<4)#.id", ["bjb-1"]),
    ("items.#(total_items<=4)#.id", ["bjb-1", "bjb-4"]),
    ("items.#(progress==1)#.id", ["bjb-2"]),
    ("items.#(progress<0.5)#.id", ["bjb-1", "bjb-4"]),
    ('items.#(id%"bjb-?")#.status', ["failed", "completed", "failed", "running"]),
    ('items.#(status%"*ed")#.id', ["bjb-1", "bjb-2", "bjb-3"]),
    ('items.#(status!%"*ed")#.id', ["bjb-4"]),
    ("items.#(failed_items)#.id", ["bjb-1", "bjb-2", "bjb-3"]),
    ("items.#(error_message)#.id", ["bjb-1", "bjb-2", "bjb-3"]),
    ("items.#(error_message==null)#.id", ["bjb-2"]),
    # a missing left side never matches an operator
    ("items.#(error_message!=null)#.id", ["bjb-1", "bjb-3"]),
    # like gjson, a string left side is compared with the text of the right side
    ("items.#(retryable==true)#.id", ["bjb-1", "bjb-3"]),
    ("items.#(retryable==false)#.id", ["bjb-2"]),
    ("items.#(retryable==~true)#.id", ["bjb-1", "bjb-3"]),
    ("items.#(retryable==~false)#.id", ["bjb-2", "bjb-4"]),
    ('items.#(metadata.source=="s3")#.id', ["bjb-1", "bjb-3"]),
    ('items.#(errors.#(code=="parse_error"))#.id', ["bjb-1"]),
    ('items.#(metadata.tags.#(=="nightly")).id', "bjb-4"),
    ("items.#(metadata.tags.#>0)#.id", ["bjb-1", "bjb-4"]),
    ('items.#(errors.#(code=="timeout"))#.errors.#.item_id', [["itm-1", "itm-2"], ["itm-9"]]),
    ("items.#(total_items>3)#.metadata.tags|@flatten", ["nightly"]),
    ("items.#.metadata.tags|@flatten", ["urgent", "retry", "nightly"]),
    ('items.#.metadata.source.#(=="s3")', []),
    ('items.0.metadata.tags.#(=="retry")', "retry"),
    ("items.0.metadata.tags.#(==5)", MISSING),
    ('items.0.status.#(=="failed")', MISSING),
    ('total_size.#(=="4")#', MISSING),
    ("items.#.metadata|@join", {"source": "web", "tags": ["nightly"]}),
    ("items.0.@keys|#", 10),
    ("items.0.metadata.@values", ["s3", ["urgent", "retry"]]),
    ("items.@keys", []),
    ("items.0.id.@values", []),
    ("items.#.total_items|@reverse", [4, 10, 5, 3]),
    ("items.1|@valid.id", "bjb-2"),
    ("items.0.metadata.tags|@tostr", '["urgent","retry"]'),
    ("items.0.id.@tostr", '"bjb-1"'),
    ("items.0.metadata|@tostr|@fromstr", JOBS["items"][0]["metadata"]),
    ("items.0.error_message|@fromstr", MISSING),
    ("items.0.total_items.@fromstr", 3),
    (
        '{"ids":items.#.id,"count":total_size}',
        {"ids": ["bjb-1", "bjb-2", "bjb-3", "bjb-4"], "count": 4},
    ),
    ("items.#.{id,status}|1", {"id": "bjb-2", "status": "completed"}),
    (
        'items.#(status=="failed")#.{id,"failed":failed_items}',
        [{"id": "bjb-1", "failed": 2}, {"id": "bjb-3", "failed": 1}],
    ),
    ("{items.0.id,items.1.id}", {"id": "bjb-2"}),
    ("labels.team\\.name", "ingest"),
    ("labels.env\\*", "prod"),
    ("labels.env*", "prod"),
    ("labels.@type", "page"),
    ("labels.\\@type", "page"),
    ("labels.#", MISSING),
]


@pytest.mark.parametrize(("path", "expected"), JOBS_CASES, ids=[c[0] for c in JOBS_CASES])
def test_jobs_page(path: str, expected: object) -> None:
    assert_exact(get(JOBS, path), expected)


@pytest.mark.parametrize(
    ("value", "path", "expected"),
    [
        ([1, [2], [3, 4], [5, [6, 7]]], "@flatten", [1, 2, 3, 4, 5, [6, 7]]),
        ([1, [2], [3, 4], [5, [6, 7]]], '@flatten:{"deep":true}', [1, 2, 3, 4, 5, 6, 7]),
        ([{"a": 1, "b": 2}, {"b": 3}, 4], "@join", {"a": 1, "b": 3}),
        ({"a": [1, 2], "b": [3]}, "@group", [{"a": 1, "b": 3}, {"a": 2}]),
        ({"a": float("nan")}, "@valid", MISSING),
        ("caf\u00e9", "@tostr", '"caf\u00e9"'),
        ([3, 5, 7], "#(==5)", 5),
        ([3, 5, 7], "#(>4)#", [5, 7]),
        ([3, 5, 7], "#(>4)#|#", 2),
        ([3, 5, 7], "#", 3),
        ([], "#", 0),
        ([], "#.a", []),
        ([[1, 2], [3]], "#.#", [2, 1]),
        ({"#": {"x": 1}}, "#.x", 1),
        ({"a*b": 1, "axb": 2}, "a\\*b", 1),
        ({"axb": 2, "a*b": 1}, "a*b", 2),
        ({"a?": 1}, "a\\?", 1),
        ({"a.b": {"c": 1}}, "a\\.b.c", 1),
        ({"0": "zero"}, "0", "zero"),
        (["x", "y"], "01", "y"),
        ([{"name": "a.b"}], '#(name=="a.b").name', "a.b"),
        ([{"name": 'q"t'}], '#(name=="q\\"t").name', 'q"t'),
        ([{"s": "a*b"}, {"s": "axb"}], '#(s%"a\\*b")#.s', ["a*b"]),
        ([{"s": "a*b"}, {"s": "axb"}], '#(s%"a\\\\*b")#.s', ["a*b"]),
        ([{"v": True}, {"v": False}], "#(v>false)#.v", [True]),
        ([{"v": True}, {"v": False}], "#(v<=true)#.v", [True, False]),
        ([{"n": 10**20}, {"n": 10**20 + 1}], "#(n>100000000000000000000)#.n", [10**20 + 1]),
        ([{"a": {"b": 1}}, {"a": [1]}], "#(a==1)#", []),
        ([{"a": 1}], '#(a!="x")#', [{"a": 1}]),
    ],
)
def test_other_values(value: object, path: str, expected: object) -> None:
    assert_exact(get(value, path), expected)


def test_scalar_root() -> None:
    assert get("text", "a") is MISSING
    assert get(None, "@this") is None
    assert get(5, "#") is MISSING


def test_modifiers_do_not_mutate_the_document() -> None:
    value = {"b": [3, 2, 1], "a": {"x": 1, "y": 2}}
    snapshot = copy.deepcopy(value)
    get(value, "b.@reverse")
    get(value, "a.@reverse")
    get(value, "[b,b]|@flatten")
    get(value, "[a,a]|@join")
    assert value == snapshot


def test_selection_returns_document_objects() -> None:
    assert get(JOBS, "items.0.metadata") is JOBS["items"][0]["metadata"]


def test_missing_sentinel() -> None:
    assert repr(MISSING) == "MISSING"
    assert copy.copy(MISSING) is MISSING
    assert copy.deepcopy(MISSING) is MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING
    assert get({"a": None}, "a") is None
    assert get({"a": None}, "b") is MISSING


def test_path_error_is_value_error() -> None:
    assert issubclass(GJSONPathError, ValueError)


ERROR_CASES = [
    ("", "the path is empty"),
    ("items..id", r"empty path component at position 6"),
    ("items.", r"empty path component at position 6"),
    (".items", r"empty path component at position 0"),
    ("items|", r"empty path component at position 6"),
    ('items.#(status=="failed"', r"unclosed '#\(' at position 6"),
    ('items.#(status=="failed")x', r"unexpected 'x' at position 25"),
    ("items.#[status==1", r"unclosed '#\[' at position 6"),
    ("items.#()", r"empty query at position 6"),
    ("items.#(status=\u00e9=1)", r"invalid query value"),
    ("items.#(status=>1)", r"invalid query value '>1'"),
    ("items.#(status==)", r"missing value after the query operator"),
    ('items.#(status=="failed)', r"unterminated string at position 16"),
    ('items.#(status=="bad\\u12")', r"invalid string in query"),
    ("items.#(status!1)", r"expected a query operator .*, got '!'"),
    ("items.#(retryable==~yes)", r"expected ~true or ~false"),
    ("items.#(a==1 b)", r"expected '\)' to end the query, got 'b'"),
    ("{id,status", r"unclosed '\{' at position 0"),
    ("[id,status", r"unclosed '\[' at position 0"),
    ("{id,}", r"empty path component at position 4"),
    ("{items.#(a==1)x}", r"expected ',' or '\}' in multipath, got 'x' at position 14"),
    ('{"name" id}', r"expected ':' after quoted member name"),
    ("{id}x", r"unexpected 'x' at position 4"),
    ("items\\", r"dangling escape character"),
    ('@flatten:{"deep":tru}', r"invalid JSON modifier argument"),
    ('@flatten:{"deep":true', r"unclosed '\{'"),
    ('@flatten:{"deep":true}x', r"unexpected 'x' after modifier @flatten"),
    ('!"abc', r"unterminated string"),
    ("!12x", r"unexpected 'x' after literal"),
    ("!-", r"invalid literal '-'"),
]


@pytest.mark.parametrize(("path", "message"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_malformed_paths(path: str, message: str) -> None:
    with pytest.raises(GJSONPathError, match=message) as info:
        get(JOBS, path)
    assert repr(path) in str(info.value)


def test_unknown_modifier_and_bang_words_are_keys() -> None:
    assert get({"@nope": 1}, "@nope") == 1
    assert get({"!yes": 2}, "!yes") == 2
    assert get({"a": {"!true": 3}}, "a.!true") == 3
