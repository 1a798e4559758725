"""job_config models and check_job_config (api.md §2.2-§2.7, CONTRACT §5)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import types
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

from llamacloud_cli.models import job_config as jc
from llamacloud_cli.models.job_config import (
    PARAMETER_FIELDS,
    BatchParseJobConfig,
    ClassifyJob,
    ClassifyParsingConfiguration,
    JobConfigReport,
    ParseJobConfig,
    WebhookConfiguration,
    check_job_config,
)

P = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"

# --- api.md §6.1: the job_config of every create example ---------------------------------------

V1: dict[str, Any] = {}
V2 = {
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
V3 = {
    "job_name": "parse_raw_file_job",
    "parameters": {
        "parse_mode": "parse_page_with_agent",
        "webhook_configurations": [
            {
                "webhook_url": "https://example.com/hooks/llama",
                "webhook_events": ["parse.success", "parse.error", "parse.partial_success"],
                "webhook_headers": {"Authorization": "Bearer s3cr3t"},
                "webhook_output_format": "json",
            }
        ],
    },
}
V4 = {
    "parameters": {
        "output_tables_as_HTML": True,
        "outputBucket": "my-bucket",
        "images_to_save": ["screenshot", "embedded"],
        "replace_failed_page_mode": "error_message",
        "replace_failed_page_with_error_message_prefix": "[FAILED: ",
        "replace_failed_page_with_error_message_suffix": "]",
        "custom_metadata": {"source": "cli", "batch": 7},
        "lang": "en",
    }
}
V5 = {
    "id": "0b9c2f0e-8a4e-4c39-9b51-1f0c7a2d9e11",
    "project_id": P,
    "user_id": "user-123",
    "status": "PENDING",
    "mode": "FAST",
    "rules": [
        {
            "type": "invoice",
            "description": "Bills listing line items, totals and a payment due date",
        },
        {
            "type": "receipt",
            "description": "Proof of a completed payment, usually short, with a store name",
        },
    ],
}
V6 = {
    "id": "5d7e3c8a-2b1f-4e6d-8c9a-0f1e2d3c4b5a",
    "project_id": P,
    "user_id": "user-123",
    "status": "PENDING",
    "mode": "MULTIMODAL",
    "parsing_configuration": {"lang": "en", "max_pages": 5, "target_pages": [0, 1]},
    "rules": [
        {"type": "contract", "description": "Legal agreements with parties, clauses and signatures"}
    ],
}

# --- api.md §6.2: the invalid job_configs -----------------------------------------------------

I6 = {"parameters": {"parse_mode": "parse_fast"}}
I7 = {"job_name": "parse_job", "parameters": {"languages": "en"}}
I8 = {
    "parameters": {
        "webhook_configurations": [{"webhook_url": "https://x", "webhook_events": ["parse.done"]}]
    }
}
I9 = {
    "id": "0b9c2f0e-8a4e-4c39-9b51-1f0c7a2d9e11",
    "project_id": P,
    "user_id": "u",
    "status": "pending",
    "mode": "SLOW",
    "rules": [{"type": "invoice"}],
}


def report(value: object) -> JobConfigReport:
    return check_job_config(value)


def one_error(value: object) -> str:
    result = check_job_config(value)
    assert result.drift == [], result
    assert len(result.errors) == 1, result
    return result.errors[0]


def one_drift(value: object) -> str:
    result = check_job_config(value)
    assert result.errors == [], result
    assert len(result.drift) == 1, result
    return result.drift[0]


# --- sample values built from the models ----------------------------------------------------


def _strip(annotation: Any) -> Any:
    return jc._unwrap(annotation)


def sample(annotation: Any) -> Any:
    """A valid wire value for a field annotation."""
    ann = _strip(annotation)
    if ann is bool:
        return True
    if ann is str:
        return "text"
    if ann is int:
        return 3
    if ann is float:
        return 1.5
    if ann is Any:
        return {"nested": [1, "two"]}
    origin = get_origin(ann)
    if origin is Literal:
        return get_args(ann)[-1]
    if origin is list:
        return [sample(get_args(ann)[0])]
    if origin is dict:
        return {"key": sample(get_args(ann)[1])}
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return full(ann)
    raise AssertionError(f"no sample for {annotation!r}")


def full(model: type[BaseModel]) -> dict[str, Any]:
    """Every field of a model set to a valid value, keyed by wire name."""
    return {
        info.alias or name: sample(info.annotation) for name, info in model.model_fields.items()
    }


def wrong(annotation: Any) -> tuple[Any, str]:
    """A value of the wrong JSON type for a field, and the expected-type phrase."""
    ann = _strip(annotation)
    if ann is bool:
        return "yes", 'expected a boolean (true or false), got the string "yes"'
    if ann is str:
        return 12, "expected a string, got the number 12"
    if ann is int:
        return True, "expected an integer, got the boolean true"
    if ann is float:
        return "1.5", 'expected a number, got the string "1.5"'
    origin = get_origin(ann)
    if origin is Literal:
        return 7, "got the number 7"
    if origin is list:
        return {"a": 1}, 'expected a list, got a mapping {"a": 1}'
    if origin is dict or (isinstance(ann, type) and issubclass(ann, BaseModel)):
        return ["x"], 'expected a mapping (an object), got a list ["x"]'
    raise AssertionError(f"no wrong value for {annotation!r}")


def parameter_fields() -> list[tuple[str, Any]]:
    return [
        (info.alias or name, info.annotation)
        for name, info in BatchParseJobConfig.model_fields.items()
    ]


# --- valid examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "variant"),
    [
        (V1, "parse"),
        (V2, "parse"),
        (V3, "parse"),
        (V4, "parse"),
        (V5, "classify"),
        (V6, "classify"),
    ],
    ids=["V1", "V2", "V3", "V4", "V5", "V6"],
)
def test_valid_examples(config: dict[str, Any], variant: str) -> None:
    assert check_job_config(config) == JobConfigReport(variant, [], [])  # type: ignore[arg-type]
    # and the pydantic models agree
    model = ClassifyJob if variant == "classify" else ParseJobConfig
    model.model_validate(config)


# --- invalid examples -------------------------------------------------------------------------


def test_i6_unknown_parse_mode_is_drift_with_choices() -> None:
    assert one_drift(I6) == (
        'job_config.parameters.parse_mode: unknown value "parse_fast" (expected one of: '
        "parse_page_without_llm, parse_page_with_llm, parse_page_with_lvm, parse_page_with_agent, "
        "parse_page_with_layout_agent, parse_document_with_llm, parse_document_with_lvm, "
        "parse_document_with_agent)"
    )


def test_i7_job_name_drift_and_languages_error() -> None:
    result = report(I7)
    assert result.variant == "parse"
    assert result.errors == [
        'job_config.parameters.languages: expected a list, got the string "en" '
        '(a one-item list is written ["en"])'
    ]
    assert result.drift == [
        'job_config.job_name: unknown value "parse_job" '
        '(the only accepted value is "parse_raw_file_job")'
    ]


def test_i8_unknown_webhook_event() -> None:
    message = one_drift(I8)
    prefix = (
        "job_config.parameters.webhook_configurations[0].webhook_events[0]: "
        'unknown value "parse.done" (not one of the 17 known values; did you mean '
    )
    assert message.startswith(prefix)
    assert '"parse.error"' in message
    assert one_drift(
        {"parameters": {"webhook_configurations": [{"webhook_events": ["parse_success"]}]}}
    ).endswith('did you mean "parse.success"?)')


def test_i9_bad_classify_is_checked_as_classify_never_as_parse() -> None:
    result = report(I9)
    assert result.variant == "classify"
    assert result.errors == ["job_config.rules[0].description: required field missing"]
    assert result.drift == [
        'job_config.status: unknown value "pending" (expected one of: PENDING, SUCCESS, ERROR, '
        'PARTIAL_SUCCESS, CANCELLED; did you mean "PENDING"?)',
        'job_config.mode: unknown value "SLOW" (expected one of: FAST, MULTIMODAL)',
    ]


# --- the parameters model ---------------------------------------------------------------------


def test_parameters_has_all_fields_with_wire_names() -> None:
    # 125 fields of api.md §2.4 + confidence_score_effort (newer API)
    assert len(BatchParseJobConfig.model_fields) == 126
    assert len(PARAMETER_FIELDS) == 126
    assert len(set(PARAMETER_FIELDS)) == 126
    assert PARAMETER_FIELDS == tuple(name for name, _ in parameter_fields())
    assert "output_tables_as_HTML" in PARAMETER_FIELDS
    assert "outputBucket" in PARAMETER_FIELDS
    assert "output_tables_as_html" not in PARAMETER_FIELDS
    assert "output_bucket" not in PARAMETER_FIELDS
    for name in ("confidence_score_effort", "webhook_configurations", "webhook_url", "lang"):
        assert name in PARAMETER_FIELDS


def test_field_type_counts_match_the_reference() -> None:
    kinds: dict[str, int] = {}
    for _, annotation in parameter_fields():
        ann = _strip(annotation)
        kind = get_origin(ann).__name__ if get_origin(ann) else getattr(ann, "__name__", str(ann))
        kinds[kind] = kinds.get(kind, 0) + 1
    # api.md §2.4: 61 boolean, 46 string (+1 confidence_score_effort), 7 number, 2 integer,
    # 2 object, 3 enum + 1 const (Literal), 3 arrays
    assert kinds == {
        "bool": 61,
        "str": 47,
        "float": 7,
        "int": 2,
        "dict": 2,
        "Literal": 4,
        "list": 3,
    }


def test_enum_sizes() -> None:
    assert len(get_args(jc.ParsingLanguage)) == len(set(get_args(jc.ParsingLanguage))) == 86
    assert len(get_args(jc.WebhookEvent)) == 17
    assert len(get_args(jc.ParsingMode)) == 8
    assert get_args(jc.StatusEnum) == (
        "PENDING",
        "SUCCESS",
        "ERROR",
        "PARTIAL_SUCCESS",
        "CANCELLED",
    )


def test_full_parse_config_with_every_field_is_valid() -> None:
    config = full(ParseJobConfig)
    params = config["parameters"]
    assert len(params) == 126
    assert params["type"] == "parse" and params["lang"] == "text"
    assert params["webhook_configurations"][0]["webhook_signing_secret"] == "text"
    assert set(config) == {
        "job_name",
        "parameters",
        "partitions",
        "correlation_id",
        "parent_job_execution_id",
        "project_id",
        "session_id",
        "user_id",
        "webhook_url",
    }
    assert check_job_config(config) == JobConfigReport("parse", [], [])
    ParseJobConfig.model_validate(config)


def test_full_classify_config_is_valid() -> None:
    config = full(ClassifyJob)
    assert len(config) == 12
    assert check_job_config(config) == JobConfigReport("classify", [], [])


def test_every_parameter_rejects_a_wrong_type_with_its_path() -> None:
    for wire, annotation in parameter_fields():
        value, phrase = wrong(annotation)
        message = one_error({"parameters": {wire: value}})
        assert message.startswith(f"job_config.parameters.{wire}: expected "), message
        assert phrase in message, message


def test_every_nullable_parameter_accepts_null_and_the_others_do_not() -> None:
    not_nullable = {"lang", "languages", "type"}
    for wire, _ in parameter_fields():
        result = check_job_config({"parameters": {wire: None}})
        if wire in not_nullable:
            assert result.errors == [
                f"job_config.parameters.{wire}: must not be null (omit the field to leave it unset)"
            ]
        else:
            assert result == JobConfigReport("parse", [], []), wire


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({"job_name": None}, "job_config.job_name"),
        ({"partitions": None}, "job_config.partitions"),
        ({"parameters": {"lang": None}}, "job_config.parameters.lang"),
        ({"parameters": {"languages": None}}, "job_config.parameters.languages"),
        ({"parameters": {"type": None}}, "job_config.parameters.type"),
        ({**V5, "mode": None}, "job_config.mode"),
        ({**V5, "parsing_configuration": None}, "job_config.parsing_configuration"),
        ({**V5, "effective_at": None}, "job_config.effective_at"),
        (
            {**V5, "parsing_configuration": {"lang": None}},
            "job_config.parsing_configuration.lang",
        ),
    ],
)
def test_null_rejected_where_not_nullable(config: dict[str, Any], path: str) -> None:
    assert one_error(config) == f"{path}: must not be null (omit the field to leave it unset)"


def test_null_accepted_where_nullable() -> None:
    config = {
        "parameters": None,
        "correlation_id": None,
        "webhook_url": None,
        "user_id": None,
    }
    assert check_job_config(config) == JobConfigReport("parse", [], [])
    hooks = {"parameters": {"webhook_configurations": [dict.fromkeys(full(WebhookConfiguration))]}}
    assert check_job_config(hooks) == JobConfigReport("parse", [], [])
    classify = {**V5, "created_at": None, "updated_at": None, "error_message": None}
    assert check_job_config({**classify, "job_record_id": None}).errors == []


def test_null_for_a_required_field_or_list_item() -> None:
    assert one_error({**V5, "status": None}) == "job_config.status: must not be null"
    assert one_error({"parameters": {"languages": ["en", None]}}) == (
        "job_config.parameters.languages[1]: must not be null"
    )


def test_numbers_accept_integers() -> None:
    config = {
        "parameters": {"bbox_top": 1, "page_error_tolerance": 0, "job_timeout_in_seconds": 60}
    }
    assert check_job_config(config) == JobConfigReport("parse", [], [])
    assert check_job_config({"parameters": {"bbox_top": 0.25}}).errors == []


def test_booleans_are_not_numbers() -> None:
    assert one_error({"parameters": {"max_pages": True}}) == (
        "job_config.parameters.max_pages: expected an integer, got the boolean true"
    )
    assert one_error({"parameters": {"bbox_left": False}}) == (
        "job_config.parameters.bbox_left: expected a number, got the boolean false"
    )


def test_strings_are_not_integers() -> None:
    assert one_error({"parameters": {"max_pages": "10"}}) == (
        'job_config.parameters.max_pages: expected an integer, got the string "10" '
        "(write the number without quotes)"
    )
    assert one_error({"parameters": {"max_pages": "ten"}}) == (
        'job_config.parameters.max_pages: expected an integer, got the string "ten"'
    )
    assert one_error({"parameters": {"max_pages": 2.5}}) == (
        "job_config.parameters.max_pages: expected an integer, got the number 2.5"
    )


def test_integers_are_not_strings_or_booleans() -> None:
    assert one_error({"user_id": 5}) == (
        "job_config.user_id: expected a string, got the number 5 (quote it to send a string)"
    )
    assert one_error({"parameters": {"do_not_cache": "true"}}) == (
        "job_config.parameters.do_not_cache: expected a boolean (true or false), "
        'got the string "true" (write true or false without quotes)'
    )


def test_yaml_dates_are_not_strings() -> None:
    message = one_error({**V5, "created_at": datetime.date(2025, 1, 2)})
    assert message == (
        "job_config.created_at: expected a string, got the date/time 2025-01-02 "
        "(quote it to keep it a string)"
    )
    assert check_job_config({**V5, "created_at": "2025-01-02T03:04:05+00:00"}).errors == []


def test_new_fields_are_accepted() -> None:
    config = {
        "parameters": {
            "confidence_score_effort": "high",
            "webhook_configurations": [
                {"webhook_url": "https://x", "webhook_signing_secret": "whsec_123"}
            ],
        }
    }
    assert check_job_config(config) == JobConfigReport("parse", [], [])
    params = BatchParseJobConfig.model_validate(config["parameters"])
    assert params.confidence_score_effort == "high"
    assert params.webhook_configurations is not None
    assert params.webhook_configurations[0].webhook_signing_secret == "whsec_123"


# --- classify ---------------------------------------------------------------------------------


def test_classify_missing_required_fields() -> None:
    result = report({"rules": []})
    assert result.variant == "classify"
    assert result.drift == []
    assert result.errors == [
        "job_config.id: required field missing",
        "job_config.project_id: required field missing",
        "job_config.status: required field missing",
        "job_config.user_id: required field missing",
    ]


def test_classify_rule_fields() -> None:
    result = report({**V5, "rules": [{"description": "x"}, {"type": "a", "description": 3}, 1]})
    assert result.errors == [
        "job_config.rules[0].type: required field missing",
        "job_config.rules[1].description: expected a string, got the number 3 "
        "(quote it to send a string)",
        "job_config.rules[2]: expected a mapping (an object), got the number 1",
    ]


def test_classify_parsing_configuration() -> None:
    bad = {**V5, "parsing_configuration": {"lang": "english", "target_pages": "0,1"}}
    result = report(bad)
    assert result.errors == [
        'job_config.parsing_configuration.target_pages: expected a list, got the string "0,1"'
    ]
    assert result.drift == [
        'job_config.parsing_configuration.lang: unknown value "english" '
        "(not one of the 86 known values)"
    ]


def test_rules_key_makes_classify_even_when_broken() -> None:
    assert report({"rules": "x"}).variant == "classify"
    assert report({"rules": None, "parameters": {}}).variant == "classify"
    assert "job_config.parameters: unknown field" in report({"rules": [], "parameters": {}}).drift


def test_classify_fields_without_rules_stay_parse_with_a_hint() -> None:
    result = report({"id": "x", "status": "PENDING", "user_id": "u", "project_id": P})
    assert result.variant == "parse"
    assert result.errors == []
    hint = '(a classify-job field: a classify job_config must have a "rules" key)'
    assert result.drift == [
        f"job_config.id: unknown field {hint}",
        f"job_config.status: unknown field {hint}",
    ]


# --- not a mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ([1, 2], "a list"),
        ("{}", "a string"),
        (3, "a number"),
        (2.5, "a number"),
        (None, "null"),
        (True, "a boolean"),
    ],
)
def test_not_a_mapping(value: object, kind: str) -> None:
    assert check_job_config(value) == JobConfigReport(
        "parse", [f"job_config must be a mapping (a JSON or YAML object), got {kind}"], []
    )


def test_root_names_the_value() -> None:
    result = check_job_config([], root="request.job_config")
    assert result.errors == [
        "request.job_config must be a mapping (a JSON or YAML object), got a list"
    ]
    assert check_job_config({"x": 1}, root="stdin.job_config").drift == [
        "stdin.job_config.x: unknown field"
    ]


def test_any_mapping_is_accepted() -> None:
    proxy = types.MappingProxyType({"parameters": {"max_pages": 3}})
    assert check_job_config(proxy) == JobConfigReport("parse", [], [])


def test_subclasses_from_yaml_loaders_are_accepted() -> None:
    # ruamel.yaml round-trip values subclass dict, list, str, int and float
    class Map(dict[str, Any]):
        pass

    class Seq(list[Any]):
        pass

    class Str(str):
        pass

    class Float(float):
        pass

    config = Map(
        parameters=Map(
            lang=Str("en"),
            languages=Seq([Str("en"), Str("de")]),
            parse_mode=Str("parse_page_with_llm"),
            bbox_top=Float(0.5),
        )
    )
    assert check_job_config(config) == JobConfigReport("parse", [], [])


# --- unknown keys and suggestions -------------------------------------------------------------


def test_unknown_key_suggestion() -> None:
    assert one_drift({"parameters": {"parse_mod": "parse_page_with_llm"}}).startswith(
        'job_config.parameters.parse_mod: unknown field (did you mean "parse_mode"'
    )


def test_unknown_key_without_suggestion() -> None:
    assert one_drift({"parameters": {"zzzzzz": 1}}) == "job_config.parameters.zzzzzz: unknown field"


def test_python_names_are_not_wire_names() -> None:
    assert one_drift({"parameters": {"output_tables_as_html": True}}) == (
        "job_config.parameters.output_tables_as_html: unknown field "
        '(did you mean "output_tables_as_HTML"?)'
    )
    assert one_drift({"parameters": {"output_bucket": "b"}}) == (
        'job_config.parameters.output_bucket: unknown field (did you mean "outputBucket"?)'
    )


def test_case_insensitive_suggestions() -> None:
    assert one_drift({"parameters": {"Max_Pages": 3}}) == (
        'job_config.parameters.Max_Pages: unknown field (did you mean "max_pages"?)'
    )
    assert one_drift({"parameters": {"priority": "HIGH"}}) == (
        'job_config.parameters.priority: unknown value "HIGH" '
        '(expected one of: low, medium, high, critical; did you mean "high"?)'
    )


def test_parse_setting_at_the_top_level() -> None:
    assert one_drift({"parse_mode": "parse_page_with_llm"}) == (
        'job_config.parse_mode: unknown field (a parse setting: put it under "parameters")'
    )


def test_unknown_keys_in_nested_objects() -> None:
    result = report(
        {
            "parameters": {"webhook_configurations": [{"webhook_ur": "https://x"}]},
            **{"partitions": {"any-name": "ok"}},
        }
    )
    assert result.errors == []
    assert result.drift == [
        "job_config.parameters.webhook_configurations[0].webhook_ur: unknown field "
        '(did you mean "webhook_url"?)'
    ]


def test_long_enum_is_not_listed() -> None:
    message = one_drift({"parameters": {"languages": ["en", "eng"]}})
    assert message.startswith(
        'job_config.parameters.languages[1]: unknown value "eng" (not one of the 86 known values; '
        'did you mean "en"'
    )
    assert "rs_cyrillic" not in message
    assert one_drift({"parameters": {"languages": ["chinese"]}}) == (
        'job_config.parameters.languages[0]: unknown value "chinese" '
        "(not one of the 86 known values)"
    )


def test_non_string_for_an_enum_is_an_error() -> None:
    assert one_error({"parameters": {"priority": 3}}) == (
        "job_config.parameters.priority: expected a string (one of: low, medium, high, critical), "
        "got the number 3"
    )
    assert one_error({"parameters": {"type": 1}}) == (
        'job_config.parameters.type: expected the string "parse", got the number 1'
    )


def test_wrong_and_drift_at_once_is_an_error() -> None:
    assert one_error({"parameters": {"languages": "en"}}).startswith(
        "job_config.parameters.languages: expected a list"
    )
    assert one_error({"parameters": {"images_to_save": "screenshot"}}).startswith(
        "job_config.parameters.images_to_save: expected a list"
    )


def test_errors_and_drift_are_split_and_ordered() -> None:
    result = report(
        {
            "parameters": {
                "max_pages": "ten",
                "parse_mode": "parse_fast",
                "lang": None,
                "languages": ["xx"],
                "typo_field": 1,
            },
            "partitions": {"a": 1},
        }
    )
    assert result.errors == [
        "job_config.parameters.lang: must not be null (omit the field to leave it unset)",
        'job_config.parameters.max_pages: expected an integer, got the string "ten"',
        "job_config.partitions.a: expected a string, got the number 1 (quote it to send a string)",
    ]
    assert [line.split(":")[0] for line in result.drift] == [
        "job_config.parameters.languages[0]",
        "job_config.parameters.parse_mode",
        "job_config.parameters.typo_field",
    ]


# --- message details --------------------------------------------------------------------------


def test_long_values_are_truncated() -> None:
    message = one_error({"parameters": {"max_pages": "x" * 500}})
    assert message == (
        'job_config.parameters.max_pages: expected an integer, got the string "' + "x" * 39 + '…"'
    )
    message = one_error({"parameters": {"custom_metadata": list(range(100_000))}})
    assert len(message) < 130
    assert message.endswith("…")


def test_odd_keys_are_quoted_in_paths() -> None:
    result = report({"parameters": {"webhook_configurations": [{"webhook_headers": {"a.b": 1}}]}})
    assert result.errors == [
        'job_config.parameters.webhook_configurations[0].webhook_headers["a.b"]: expected a '
        "string, got the number 1 (quote it to send a string)"
    ]
    assert report({"parameters": {"bad key": 1}}).drift == [
        'job_config.parameters["bad key"]: unknown field'
    ]


def test_non_string_keys() -> None:
    assert one_error({1: "x"}) == "job_config[1]: keys must be strings, got the number 1"
    assert one_error({"partitions": {2: "x"}}) == (
        "job_config.partitions[2]: keys must be strings, got the number 2"
    )


def test_control_characters_are_escaped() -> None:
    message = one_error({"parameters": {"max_pages": "\x1b[31mred"}})
    assert "\x1b" not in message
    assert "\\u001b" in message


# --- the fast validator agrees with the models ------------------------------------------------

AGREEMENT_CASES: list[object] = [
    V1,
    V2,
    V3,
    V4,
    V5,
    V6,
    I6,
    I7,
    I8,
    I9,
    {"rules": []},
    {"rules": "x", "mode": None, "parsing_configuration": {"lang": "xx", "target_pages": ["0"]}},
    {"rules": [None, 1, {}], "parsing_configuration": None, "status": None, "id": 1},
    {"job_name": None, "partitions": None, "parameters": {"lang": None, "type": "parse"}},
    {"parameters": "x"},
    {"parameters": [1]},
    {"partitions": {"a": 1, 2: "b"}, 3: 4},
    {"parameters": {"output_tables_as_html": True, "output_bucket": "b", "parse_mod": 1}},
    {"parameters": {"webhook_configurations": [3, None, {"webhook_events": [1, None, "x"]}]}},
    {"parameters": {"custom_metadata": {"a": None}, "resource_info": None, "bbox_top": True}},
]


@pytest.mark.parametrize("value", AGREEMENT_CASES)
def test_fast_validator_matches_the_models(value: object) -> None:
    fast = jc._check(value, "job_config", jc._validate_fast)
    slow = jc._check(value, "job_config", jc._validate_model)
    assert fast == slow


def test_fast_validator_matches_the_models_field_by_field() -> None:
    for wire, annotation in parameter_fields():
        for value in (None, wrong(annotation)[0], sample(annotation)):
            config = {"parameters": {wire: value}}
            fast = jc._check(config, "job_config", jc._validate_fast)
            slow = jc._check(config, "job_config", jc._validate_model)
            assert fast == slow, (wire, value)


# --- the models themselves --------------------------------------------------------------------


def test_models_accept_python_names_and_dump_wire_names() -> None:
    params = BatchParseJobConfig(output_tables_as_html=True, output_bucket="b", max_pages=3)
    assert params.model_dump(by_alias=True, exclude_unset=True) == {
        "output_tables_as_HTML": True,
        "outputBucket": "b",
        "max_pages": 3,
    }
    parsed = ParseJobConfig.model_validate(V4)
    assert parsed.parameters is not None and parsed.parameters.output_tables_as_html is True
    assert parsed.model_dump(by_alias=True, exclude_unset=True) == V4


def test_models_are_strict_and_closed() -> None:
    with pytest.raises(ValidationError):
        BatchParseJobConfig.model_validate({"max_pages": "10"})
    with pytest.raises(ValidationError):
        BatchParseJobConfig.model_validate({"nope": 1})
    with pytest.raises(ValidationError):
        BatchParseJobConfig.model_validate({"lang": None})
    with pytest.raises(ValidationError):
        ParseJobConfig.model_validate({"partitions": None})
    with pytest.raises(ValidationError):
        ClassifyParsingConfiguration.model_validate({"lang": "english"})


def test_not_null_fields_read_none_when_absent() -> None:
    params = BatchParseJobConfig()
    assert params.lang is None and params.languages is None and params.type is None
    job = ClassifyJob.model_validate(V5)
    assert job.mode == "FAST" and job.parsing_configuration is None and job.effective_at is None


# --- cost ---------------------------------------------------------------------------------------


def test_import_builds_nothing() -> None:
    code = (
        "import llamacloud_cli.models.job_config as jc\n"
        "assert not jc.ParseJobConfig.__pydantic_complete__\n"
        "assert not jc.BatchParseJobConfig.__pydantic_complete__\n"
        "assert not jc.ClassifyJob.__pydantic_complete__\n"
        "assert jc._fast_validator.cache_info().currsize == 0\n"
        "assert 'difflib' not in __import__('sys').modules\n"
        "r = jc.check_job_config({'parameters': {'max_pages': 1}})\n"
        "assert r.errors == [] and jc._fast_validator.cache_info().currsize == 1\n"
        "assert not jc.ParseJobConfig.__pydantic_complete__\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_repeated_checks_are_fast() -> None:
    config = full(ParseJobConfig)
    check_job_config(config)  # build
    start = time.perf_counter()
    for _ in range(200):
        assert check_job_config(config).errors == []
    assert time.perf_counter() - start < 1.0
