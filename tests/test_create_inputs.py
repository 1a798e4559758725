"""How `beta:batch create` takes its values, and every input it refuses before sending.

Values (CONTRACT §4): JSON or YAML text, `@file`, `@-`; `--item-id` in all its forms; a piped
request merged with flags. Checks (CONTRACT §5): `--validate warn|strict|ignore`, and a matrix of
bad inputs that must exit 2 (3 for a missing key) with a reason on stderr and send nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import BASE_URL, TEST_KEY, Result, run

CREATE_PATH = "/api/v1/beta/batch-processing"
FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
ORGANIZATION = "6a1c0f3e-1d2b-4c5a-9e8f-7a6b5c4d3e2f"
DIRECTORY = "dir-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
JOB = {
    "id": "bjb-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "job_type": "parse",
    "project_id": PROJECT,
    "status": "pending",
    "total_items": 1,
}
# The config in tests/fixtures/parse_config.{json,yaml} (api.md §6.1, V2).
V2_CONFIG = {
    "job_name": "parse_raw_file_job",
    "parameters": {
        "type": "parse",
        "parse_mode": "parse_page_with_llm",
        "languages": ["en", "de"],
        "max_pages": 50,
        "target_pages": "0,1,2",
        "priority": "medium",
    },
}


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def ids(*numbers: int) -> list[str]:
    """The item ids of tests/fixtures/ids.* by their number."""
    return [f"dfl-00000000-0000-0000-0000-{n:012d}" for n in numbers]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def create_route(api: respx.MockRouter) -> respx.Route:
    return api.post(CREATE_PATH).mock(return_value=httpx.Response(200, json=JOB))


def body_of(route: respx.Route) -> Any:
    assert route.call_count == 1
    return json.loads(route.calls[0].request.content)


def create(*args: str, input: str | None = None) -> Result:
    return run(["beta:batch", "create", *args], input=input)


def assert_sent_ok(result: Result, *, warnings: bool = False) -> None:
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == JOB
    if not warnings:
        assert result.stderr == ""


# --- --job-config forms ------------------------------------------------------------------------

V2_YAML_FLOW = (
    "{job_name: parse_raw_file_job, parameters: {type: parse, parse_mode: parse_page_with_llm,"
    " languages: [en, de], max_pages: 50, target_pages: '0,1,2', priority: medium}}"
)


@pytest.mark.parametrize(
    ("value", "stdin"),
    [
        pytest.param(json.dumps(V2_CONFIG), None, id="json-text"),
        pytest.param(V2_YAML_FLOW, None, id="yaml-flow-text"),
        pytest.param((FIXTURES / "parse_config.yaml").read_text(), None, id="yaml-block-text"),
        pytest.param("@" + fixture("parse_config.json"), None, id="at-json-file"),
        pytest.param("@" + fixture("parse_config.yaml"), None, id="at-yaml-file"),
        pytest.param("@-", (FIXTURES / "parse_config.yaml").read_text(), id="at-dash-yaml"),
        pytest.param("@-", json.dumps(V2_CONFIG), id="at-dash-json"),
    ],
)
def test_every_form_of_job_config_sends_the_same_body(
    create_route: respx.Route, value: str, stdin: str | None
) -> None:
    result = create("--job-config", value, "--directory-id", DIRECTORY, input=stdin)

    assert_sent_ok(result)
    assert body_of(create_route) == {"job_config": V2_CONFIG, "directory_id": DIRECTORY}


def test_a_job_config_file_with_a_byte_order_mark_is_read(
    create_route: respx.Route, tmp_path: Path
) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(V2_CONFIG).encode())

    result = create("--job-config", f"@{path}", "--directory-id", DIRECTORY)

    assert_sent_ok(result)
    assert body_of(create_route)["job_config"] == V2_CONFIG


def test_yaml_1_2_keeps_norwegian_dates_and_page_lists_as_written(
    create_route: respx.Route,
) -> None:
    config = "parameters:\n  languages: [no, en]\n  lang: no\n  target_pages: 0,1,2\n"
    result = create("--job-config", config, "--item-id", "dfl-1")

    assert_sent_ok(result)
    assert body_of(create_route)["job_config"] == {
        "parameters": {"languages": ["no", "en"], "lang": "no", "target_pages": "0,1,2"}
    }


def test_unicode_in_the_config_is_sent_as_utf8_json(create_route: respx.Route) -> None:
    result = create(
        "--job-config", "{parameters: {parsing_instruction: 'Größe – ½ 東京'}}", "--item-id", "x"
    )

    assert_sent_ok(result)
    assert body_of(create_route)["job_config"]["parameters"]["parsing_instruction"] == (
        "Größe – ½ 東京"
    )


# --- --item-id forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(["a"], ["a"], id="one-id"),
        pytest.param(["a", "b", "c"], ["a", "b", "c"], id="repeated-flag"),
        pytest.param(['["a", "b"]'], ["a", "b"], id="json-list"),
        pytest.param(["[a, b]"], ["a", "b"], id="yaml-flow-list"),
        pytest.param(["[123, abc]"], ["123", "abc"], id="numbers-become-strings"),
        pytest.param(["42"], ["42"], id="a-numeric-id-stays-a-string"),
        pytest.param(["@" + fixture("ids.txt")], ids(1, 2, 3), id="txt-skips-blanks-comments"),
        pytest.param(["@" + fixture("ids.json")], ids(4, 5), id="json-file"),
        pytest.param(["@" + fixture("ids.yaml")], ids(6, 7), id="yaml-block-file"),
        pytest.param(
            [
                "first",
                "@" + fixture("ids.yaml"),
                "[x, y]",
                "@" + fixture("ids.txt"),
                "last",
                "@" + fixture("ids.json"),
            ],
            ["first", *ids(6, 7), "x", "y", *ids(1, 2, 3), "last", *ids(4, 5)],
            id="mixed-forms-keep-their-order",
        ),
    ],
)
def test_item_ids_in_every_form_are_sent_as_a_list_of_strings_in_order(
    create_route: respx.Route, values: list[str], expected: list[str]
) -> None:
    args = [arg for value in values for arg in ("--item-id", value)]

    result = create("--job-config", "{}", *args)

    assert_sent_ok(result)
    assert body_of(create_route) == {"job_config": {}, "item_ids": expected}


def test_item_ids_from_a_windows_text_file_lose_their_carriage_returns(
    create_route: respx.Route, tmp_path: Path
) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"dfl-1\r\ndfl-2\r\n\r\n")

    result = create("--job-config", "{}", "--item-id", f"@{path}")

    assert_sent_ok(result)
    assert body_of(create_route)["item_ids"] == ["dfl-1", "dfl-2"]


def test_item_ids_can_be_read_from_stdin(create_route: respx.Route) -> None:
    result = create("--job-config", "{}", "--item-id", "@-", input="dfl-1\n# skip me\ndfl-2\n")

    assert_sent_ok(result)
    assert body_of(create_route)["item_ids"] == ["dfl-1", "dfl-2"]


def test_an_at_sign_can_be_escaped_to_send_a_literal_id(create_route: respx.Route) -> None:
    result = create("--job-config", "{}", "--item-id", "\\@not-a-file")

    assert_sent_ok(result)
    assert body_of(create_route)["item_ids"] == ["@not-a-file"]


def test_ten_thousand_ids_from_a_file_are_sent_complete_and_in_order(
    create_route: respx.Route, tmp_path: Path
) -> None:
    many = [f"dfl-{n:08d}" for n in range(10_000)]
    path = tmp_path / "ids.txt"
    path.write_text("\n".join(many) + "\n")

    result = create("--job-config", "{}", "--item-id", f"@{path}")

    assert_sent_ok(result)
    assert body_of(create_route)["item_ids"] == many


# --- a piped request merged with flags ----------------------------------------------------------


def test_a_piped_request_sends_scope_to_the_query_and_the_namespace_to_the_header(
    create_route: respx.Route,
) -> None:
    result = create(input=(FIXTURES / "create_request.yaml").read_text())

    assert_sent_ok(result)
    request = create_route.calls[0].request
    assert list(request.url.params.multi_items()) == [
        ("organization_id", ORGANIZATION),
        ("project_id", PROJECT),
    ]
    assert request.headers["temporal-namespace"] == "piped-namespace"
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert json.loads(request.content) == {
        "job_config": {
            "job_name": "parse_raw_file_job",
            "parameters": {"max_pages": 5, "lang": "de"},
        },
        "item_ids": ids(1, 2),
    }


def test_flags_replace_whole_top_level_keys_of_the_piped_request(
    create_route: respx.Route,
) -> None:
    result = create(
        "--job-config",
        "{parameters: {lang: en}}",
        "--item-id",
        "only-this-one",
        "--project-id",
        "proj-from-flag",
        "--temporal-namespace",
        "flag-namespace",
        input=(FIXTURES / "create_request.yaml").read_text(),
    )

    assert_sent_ok(result)
    request = create_route.calls[0].request
    assert list(request.url.params.multi_items()) == [
        ("organization_id", ORGANIZATION),
        ("project_id", "proj-from-flag"),
    ]
    assert request.headers["temporal-namespace"] == "flag-namespace"
    # Not a deep merge: the piped max_pages is gone with the piped job_config.
    assert json.loads(request.content) == {
        "job_config": {"parameters": {"lang": "en"}},
        "item_ids": ["only-this-one"],
    }


def test_a_piped_json_request_works_like_yaml(create_route: respx.Route) -> None:
    piped = json.dumps(
        {"job_config": V2_CONFIG, "directory_id": DIRECTORY, "page_size": 10, "project_id": PROJECT}
    )

    result = create(input=piped)

    assert_sent_ok(result)
    assert create_route.calls[0].request.url.params["project_id"] == PROJECT
    assert body_of(create_route) == {
        "job_config": V2_CONFIG,
        "directory_id": DIRECTORY,
        "page_size": 10,
    }


def test_piped_item_ids_are_sent_as_strings(create_route: respx.Route) -> None:
    result = create(input="job_config: {}\nitem_ids: [7, dfl-8]\n")

    assert_sent_ok(result)
    assert body_of(create_route)["item_ids"] == ["7", "dfl-8"]


@pytest.mark.parametrize(
    "stdin", [pytest.param("", id="empty"), pytest.param("\n  \n", id="blank")]
)
def test_an_empty_stdin_is_not_a_piped_request(create_route: respx.Route, stdin: str) -> None:
    result = create("--job-config", "{}", "--item-id", "a", input=stdin)

    assert_sent_ok(result)
    assert body_of(create_route) == {"job_config": {}, "item_ids": ["a"]}


# --- --validate warn | strict | ignore ---------------------------------------------------------

DRIFT = [
    pytest.param(
        "{parameters: {max_pagez: 5}}",
        {"parameters": {"max_pagez": 5}},
        'job_config.parameters.max_pagez: unknown field (did you mean "max_pages"?)',
        id="misspelt-parameter",
    ),
    pytest.param(
        "{parameters: {parse_mode: parse_page_with_llm_v2}}",
        {"parameters": {"parse_mode": "parse_page_with_llm_v2"}},
        'job_config.parameters.parse_mode: unknown value "parse_page_with_llm_v2"',
        id="new-parse-mode",
    ),
    pytest.param(
        "{parameters: {webhook_configurations: [{webhook_events: [parse.done]}]}}",
        {"parameters": {"webhook_configurations": [{"webhook_events": ["parse.done"]}]}},
        "job_config.parameters.webhook_configurations[0].webhook_events[0]: unknown value",
        id="new-webhook-event",
    ),
    pytest.param(
        "{max_pages: 5}",
        {"max_pages": 5},
        'job_config.max_pages: unknown field (a parse setting: put it under "parameters")',
        id="parse-setting-at-the-top",
    ),
    pytest.param(
        "{parameters: {languages: [en, klingon]}}",
        {"parameters": {"languages": ["en", "klingon"]}},
        'job_config.parameters.languages[1]: unknown value "klingon"',
        id="unknown-language",
    ),
]


@pytest.mark.parametrize(("config", "sent", "warning"), DRIFT)
def test_validate_warn_names_the_field_and_still_sends_it(
    create_route: respx.Route, config: str, sent: dict[str, Any], warning: str
) -> None:
    result = create("--job-config", config, "--item-id", "a")

    assert_sent_ok(result, warnings=True)
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Warning: ")
    assert warning in lines[0]
    assert body_of(create_route) == {"job_config": sent, "item_ids": ["a"]}


@pytest.mark.parametrize(("config", "sent", "warning"), DRIFT)
def test_validate_strict_refuses_what_warn_would_send(
    api: respx.MockRouter, create_route: respx.Route, config: str, sent: Any, warning: str
) -> None:
    result = create("--job-config", config, "--item-id", "a", "--validate", "strict")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert warning in result.stderr
    assert "Warning" not in result.stderr
    assert create_route.call_count == 0
    assert not api.calls


def test_an_unknown_top_level_request_field_is_a_warning_and_is_sent(
    create_route: respx.Route,
) -> None:
    result = create(input="job_config: {}\nitem_ids: [a]\ncallback_url: https://x.example\n")

    assert_sent_ok(result, warnings=True)
    assert "callback_url: unknown request field" in result.stderr
    assert body_of(create_route) == {
        "job_config": {},
        "item_ids": ["a"],
        "callback_url": "https://x.example",
    }


def test_validate_is_case_insensitive(create_route: respx.Route) -> None:
    result = create(
        "--job-config", "{parameters: {max_pagez: 1}}", "--item-id", "a", "--validate", "STRICT"
    )

    assert result.exit_code == 2
    assert create_route.call_count == 0


@pytest.mark.parametrize(
    ("config", "sent"),
    [
        pytest.param(
            "{parameters: {max_pages: ten}}", {"parameters": {"max_pages": "ten"}}, id="wrong-type"
        ),
        pytest.param(
            "{parameters: {languages: en, lang: null}}",
            {"parameters": {"languages": "en", "lang": None}},
            id="not-a-list-and-a-null",
        ),
        pytest.param(
            "{rules: [{type: invoice}], status: pending}",
            {"rules": [{"type": "invoice"}], "status": "pending"},
            id="incomplete-classify",
        ),
        pytest.param(
            "{parameters: {max_pagez: 1, parse_mode: fastest}}",
            {"parameters": {"max_pagez": 1, "parse_mode": "fastest"}},
            id="unknown-field-and-value",
        ),
    ],
)
def test_validate_ignore_sends_any_mapping_as_written_without_a_word(
    create_route: respx.Route, config: str, sent: dict[str, Any]
) -> None:
    result = create("--job-config", config, "--item-id", "a", "--validate", "ignore")

    assert_sent_ok(result)
    assert body_of(create_route) == {"job_config": sent, "item_ids": ["a"]}


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        pytest.param("[1, 2]", "got a list", id="a-list"),
        pytest.param("{a: [1, 2}", "invalid JSON or YAML", id="broken-yaml"),
    ],
)
def test_validate_ignore_still_checks_syntax_and_the_mapping(
    create_route: respx.Route, config: str, fragment: str
) -> None:
    result = create("--job-config", config, "--item-id", "a", "--validate", "ignore")

    assert result.exit_code == 2
    assert fragment in result.stderr
    assert create_route.call_count == 0


# --- bad inputs: exit 2 (3 without a key), a reason on stderr, nothing sent ---------------------


def bad(
    args: list[str],
    *fragments: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    exit_code: int = 2,
    id: str,
) -> Any:
    return pytest.param(args, fragments, stdin, env or {}, exit_code, id=id)


C = ["beta:batch", "create"]
OK_CONFIG = ["--job-config", "{}"]
OK_ITEMS = ["--item-id", "dfl-1"]
MISSING = "/nonexistent/llamacloud-tests/missing.json"

BAD_INPUTS = [
    bad(
        [*C, "--job-config", '{"max_pages": 1,}', *OK_ITEMS],
        "--job-config",
        "invalid JSON",
        id="malformed-json",
    ),
    bad(
        [*C, "--job-config", "{parameters: {max_pages: [1, 2}}", *OK_ITEMS],
        "--job-config",
        "invalid JSON or YAML",
        id="malformed-yaml-flow",
    ),
    bad(
        [*C, "--job-config", "parameters: max_pages: 1", *OK_ITEMS],
        "--job-config",
        "invalid JSON or YAML",
        id="malformed-yaml-block",
    ),
    bad([*C, "--job-config", "[a, b]", *OK_ITEMS], "job_config", "got a list", id="config-list"),
    bad([*C, "--job-config", "parse", *OK_ITEMS], "job_config", "got a string", id="config-str"),
    bad([*C, "--job-config", "null", *OK_ITEMS], "--job-config", "got null", id="config-null"),
    bad([*C, "--job-config", "~", *OK_ITEMS], "--job-config", "got null", id="config-tilde"),
    bad([*C, "--job-config", "", *OK_ITEMS], "--job-config", "empty", id="config-empty-text"),
    bad([*C, *OK_ITEMS], "missing --job-config", id="config-missing"),
    bad(
        [*C, "--job-config", "{id: x, project_id: P, rules: [{type: invoice}]}", *OK_ITEMS],
        "job_config.status: required field missing",
        "job_config.user_id: required field missing",
        "job_config.rules[0].description: required field missing",
        id="classify-missing-fields",
    ),
    bad(
        [
            *C,
            "--job-config",
            "{id: 0b9c, project_id: P, user_id: u, status: pending, mode: SLOW,"
            " rules: [{type: invoice}]}",
            *OK_ITEMS,
        ],
        "invalid classify job",
        "job_config.rules[0].description: required field missing",
        id="classify-i9-from-the-api-notes",
    ),
    bad(
        [*C, "--job-config", "{parameters: {max_pages: ten}}", *OK_ITEMS],
        'job_config.parameters.max_pages: expected an integer, got the string "ten"',
        id="max-pages-not-a-number",
    ),
    bad(
        [*C, "--job-config", "{parameters: {max_pages: '10'}}", *OK_ITEMS],
        "job_config.parameters.max_pages",
        "without quotes",
        id="max-pages-quoted",
    ),
    bad(
        [*C, "--job-config", "{parameters: {languages: en}}", *OK_ITEMS],
        "job_config.parameters.languages: expected a list",
        '["en"]',
        id="languages-not-a-list",
    ),
    bad(
        [*C, "--job-config", "{parameters: {lang: null}}", *OK_ITEMS],
        "job_config.parameters.lang: must not be null",
        id="null-where-the-api-forbids-it",
    ),
    bad(
        [*C, "--job-config", "{parameters: {do_not_cache: 'yes'}}", *OK_ITEMS],
        "job_config.parameters.do_not_cache: expected a boolean",
        id="boolean-as-text",
    ),
    bad(
        [*C, "--job-config", "{parameters: {bbox_top: .inf}}", *OK_ITEMS],
        "--job-config",
        "inf is not a JSON number",
        id="yaml-infinity-json-cannot-carry",
    ),
    bad(
        [*C, "--job-config", '{"parameters": {"bbox_top": NaN}}', *OK_ITEMS],
        "--job-config",
        "NaN is not a JSON number",
        id="json-nan-json-cannot-carry",
    ),
    bad(
        [*C, "--job-config", "{parameters: {custom_metadata: {score: .nan}}}", *OK_ITEMS],
        "--job-config",
        "nan is not a JSON number",
        id="nested-yaml-nan",
    ),
    bad(
        [*C, "--job-config", "{parameters: {max_pagez: 1}}", *OK_ITEMS, "--validate", "strict"],
        "job_config.parameters.max_pagez: unknown field",
        '"max_pages"',
        id="strict-unknown-field",
    ),
    bad(
        [*C, "--job-config", "{parameters: {priority: urgent}}", *OK_ITEMS, "--validate", "strict"],
        'job_config.parameters.priority: unknown value "urgent"',
        id="strict-unknown-enum",
    ),
    bad([*C, *OK_CONFIG], "--directory-id", "--item-id", id="neither-directory-nor-items"),
    bad(
        [*C, *OK_CONFIG, "--directory-id", ""],
        "--directory-id",
        id="an-empty-directory-id-is-not-a-directory",
    ),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS, "--directory-id", "dir-1"],
        "not both",
        id="both-directory-and-items",
    ),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--page-size", "abc"], "--page-size", id="page-size-abc"),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--page-size", "1.5"], "--page-size", id="page-size-1.5"),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--page-size", "0"], "--page-size", id="page-size-zero"),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--page-size", "-1"], "--page-size", id="page-size-negative"),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS, "--continue-as-new-threshold", "0"],
        "--continue-as-new-threshold",
        id="threshold-zero",
    ),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS, "--continue-as-new-threshold", "many"],
        "--continue-as-new-threshold",
        id="threshold-not-a-number",
    ),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "stray"], "unexpected extra argument", "stray", id="stray"),
    bad(
        [*C, *OK_CONFIG, "--itemid", "dfl-1"],
        "No such option: --itemid",
        "--item-id",
        id="unknown-option-with-suggestion",
    ),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--wat"], "No such option: --wat", id="unknown-option"),
    bad([*C, "--job-config", "@" + MISSING, *OK_ITEMS], "--job-config", MISSING, id="at-missing"),
    bad([*C, *OK_CONFIG, "--item-id", "@" + MISSING], "--item-id", MISSING, id="ids-at-missing"),
    bad([*C, *OK_CONFIG, "--item-id", "@"], "--item-id", "file path", id="ids-bare-at"),
    bad([*C, *OK_CONFIG, "--item-id", ""], "--item-id", "empty item id", id="empty-item-id"),
    bad([*C, *OK_CONFIG, "--item-id", "[a, '']"], "--item-id[1]", "empty", id="empty-id-in-list"),
    bad([*C, *OK_CONFIG, "--item-id", "[1.5]"], "--item-id[0]", "a number", id="id-is-a-float"),
    bad([*C, *OK_CONFIG, "--item-id", "[null]"], "--item-id[0]", "null", id="id-is-null"),
    bad([*C, *OK_CONFIG, "--item-id", "[[a]]"], "--item-id[0]", "a list", id="id-is-a-list"),
    bad([*C, "--item-id", "a"], "piped input", "got a list", stdin="[1, 2]\n", id="piped-list"),
    bad([*C, *OK_ITEMS], "piped input", "got a list", stdin="- a\n- b\n", id="piped-yaml-list"),
    bad([*C, *OK_ITEMS], "piped input", "a string", stdin="just words\n", id="piped-scalar"),
    bad([*C, *OK_ITEMS], "piped input", "invalid JSON", stdin='{"job_config": }', id="piped-bad"),
    bad(
        C,
        "job_config must be a mapping",
        "got null",
        stdin="job_config: null\nitem_ids: [a]\n",
        id="piped-null-config",
    ),
    bad(
        C,
        "item_ids[0]",
        stdin="job_config: {}\nitem_ids: [1.5]\n",
        id="piped-float-item-id",
    ),
    bad(C, "page_size", stdin="job_config: {}\nitem_ids: [a]\npage_size: lots\n", id="piped-page"),
    bad(
        [*C, "--job-config", "@-", "--item-id", "@-"],
        "--item-id @-",
        "already read by --job-config",
        stdin="{}",
        id="at-dash-twice",
    ),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS, "--base-url", "ftp://api.example.com"],
        "--base-url",
        "http://",
        id="base-url-scheme",
    ),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS],
        "LLAMA_CLOUD_BASE_URL",
        "http://",
        env={"LLAMA_CLOUD_BASE_URL": "api.cloud.llamaindex.ai"},
        id="base-url-env-scheme",
    ),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--format", "xml"], "--format", "xml", id="format-value"),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS, "--format-error", "html"],
        "--format-error",
        id="format-error-value",
    ),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--max-retries", "-1"], "--max-retries", id="retries-neg"),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--max-retries", "two"], "--max-retries", id="retries-text"),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS],
        "LLAMA_CLOUD_MAX_RETRIES",
        env={"LLAMA_CLOUD_MAX_RETRIES": "lots"},
        id="retries-env-text",
    ),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--timeout", "-5"], "--timeout", id="timeout-negative"),
    bad([*C, *OK_CONFIG, *OK_ITEMS, "--validate", "loose"], "--validate", id="validate-value"),
    bad(
        [*C, *OK_CONFIG, *OK_ITEMS],
        "no API key",
        "--api-key",
        env={"LLAMA_CLOUD_API_KEY": "", "LLAMA_PARSE_API_KEY": ""},
        exit_code=3,
        id="no-api-key",
    ),
    bad(
        [*C, "--job-config", "{parameters: {max_pages: ten}}", *OK_ITEMS],
        "max_pages",
        env={"LLAMA_CLOUD_API_KEY": "", "LLAMA_PARSE_API_KEY": ""},
        id="bad-input-is-reported-before-a-missing-key",
    ),
]


@pytest.mark.parametrize(("args", "fragments", "stdin", "env", "exit_code"), BAD_INPUTS)
def test_a_bad_input_exits_with_a_reason_and_sends_nothing(
    args: list[str],
    fragments: tuple[str, ...],
    stdin: str | None,
    env: dict[str, str],
    exit_code: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        anything = mock.route().mock(return_value=httpx.Response(200, json=JOB))

        result = run(args, input=stdin)

    assert result.exit_code == exit_code, result.stderr
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Error: " in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 6
    assert anything.call_count == 0
    assert not mock.calls


def test_the_bad_input_matrix_is_large_enough() -> None:
    assert len(BAD_INPUTS) >= 20
    assert len({param.id for param in BAD_INPUTS}) == len(BAD_INPUTS)
