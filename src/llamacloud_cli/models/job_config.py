"""The create request's ``job_config``: pydantic models and the check run before sending.

``job_config`` is an untagged union of two variants (api.md §2.2):

* **parse** (:class:`ParseJobConfig`, every field optional, ``{}`` is valid) and
* **classify** (:class:`ClassifyJob`, a whole classify-job record with required fields).

The CLI never guesses between them by trying both: a mapping with a ``rules`` key is classify,
anything else is parse (CONTRACT §5). :func:`check_job_config` validates against the chosen
variant only and splits the findings into fatal *errors* (wrong types, missing required fields,
``null`` where the API forbids it) and *drift* (unknown keys, unknown enum values), which the
CLI reports as warnings or errors depending on ``--validate``.

Models are strict (``"10"`` is not an integer, ``true`` is not a number) and forbid unknown
keys. Their validators are built lazily (``defer_build=True``) so importing this module stays
cheap; the check itself uses a lighter validator compiled from the same field annotations on
first use and cached (see ``_fast_validator``).

Optional fields that the API marks *not nullable* (``parameters.lang``, ``parameters.languages``,
``parameters.type``, ``job_name``, ``partitions``, classify ``mode``, ``parsing_configuration``
and ``effective_at``) are typed ``NotNull[T]``: the attribute is ``None`` when the field was not
given, but an explicit ``null`` in the input is rejected. Dump with ``exclude_unset=True`` (and
``by_alias=True``) to get back exactly what was given.
"""

import datetime
import functools
import json
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError, SchemaValidator, core_schema

from llamacloud_cli.inputs import describe_type

__all__ = [
    "PARAMETER_FIELDS",
    "BatchParseJobConfig",
    "ClassifierRule",
    "ClassifyJob",
    "ClassifyMode",
    "ClassifyParsingConfiguration",
    "FailPageMode",
    "ImageToSave",
    "JobConfigReport",
    "NotNull",
    "ParseJobConfig",
    "ParseJobName",
    "ParsingLanguage",
    "ParsingMode",
    "Priority",
    "StatusEnum",
    "WebhookConfiguration",
    "WebhookEvent",
    "check_job_config",
]

# ---------------------------------------------------------------------------------------------
# Enums (api.md §2.5, §2.6, §2.7). Literals, so an unknown value is a pydantic `literal_error`.

ParsingLanguage = Literal[
    "af", "az", "bs", "cs", "cy", "da", "de", "en", "es", "et", "fr", "ga", "hr", "hu", "id",
    "is", "it", "ku", "la", "lt", "lv", "mi", "ms", "mt", "nl", "no", "oc", "pi", "pl", "pt",
    "ro", "rs_latin", "sk", "sl", "sq", "sv", "sw", "tl", "tr", "uz", "vi", "ar", "fa", "ug",
    "ur", "bn", "as", "mni", "ru", "rs_cyrillic", "be", "bg", "uk", "mn", "abq", "ady", "kbd",
    "ava", "dar", "inh", "che", "lbe", "lez", "tab", "tjk", "hi", "mr", "ne", "bh", "mai", "ang",
    "bho", "mah", "sck", "new", "gom", "sa", "bgc", "th", "ch_sim", "ch_tra", "ja", "ko", "ta",
    "te", "kn",
]  # fmt: skip
ParsingMode = Literal[
    "parse_page_without_llm",
    "parse_page_with_llm",
    "parse_page_with_lvm",
    "parse_page_with_agent",
    "parse_page_with_layout_agent",
    "parse_document_with_llm",
    "parse_document_with_lvm",
    "parse_document_with_agent",
]
FailPageMode = Literal["raw_text", "blank_page", "error_message"]
Priority = Literal["low", "medium", "high", "critical"]
ImageToSave = Literal["screenshot", "embedded", "layout"]
WebhookEvent = Literal[
    "extract.pending",
    "extract.success",
    "extract.error",
    "extract.partial_success",
    "extract.cancelled",
    "parse.pending",
    "parse.running",
    "parse.success",
    "parse.error",
    "parse.partial_success",
    "parse.cancelled",
    "classify.pending",
    "classify.success",
    "classify.error",
    "classify.partial_success",
    "classify.cancelled",
    "unmapped_event",
]
StatusEnum = Literal["PENDING", "SUCCESS", "ERROR", "PARTIAL_SUCCESS", "CANCELLED"]
ClassifyMode = Literal["FAST", "MULTIMODAL"]
ParseJobName = Literal["parse_raw_file_job"]


# ---------------------------------------------------------------------------------------------
# Optional but not nullable.

_NONE_NOT_ALLOWED = "none_not_allowed"


def _reject_null(value: object) -> object:
    if value is None:
        raise PydanticCustomError(_NONE_NOT_ALLOWED, "null is not allowed here")
    return value


_T = TypeVar("_T")

#: An optional field the API does not allow to be ``null``: absent reads as ``None``,
#: an explicit ``null`` in the input is a validation error (type ``none_not_allowed``).
NotNull = Annotated[Optional[_T], BeforeValidator(_reject_null)]  # noqa: UP045


_CONFIG = ConfigDict(extra="forbid", strict=True, defer_build=True, populate_by_name=True)


# ---------------------------------------------------------------------------------------------
# Variant A: parse (api.md §2.3-§2.5)


class WebhookConfiguration(BaseModel):
    """One item of ``parameters.webhook_configurations`` (api.md §2.5)."""

    model_config = _CONFIG

    webhook_url: str | None = None
    #: ``null`` means every event.
    webhook_events: list[WebhookEvent] | None = None
    webhook_headers: dict[str, str] | None = None
    #: Free string; documented values are ``"string"`` (default) and ``"json"``.
    webhook_output_format: str | None = None
    # Not in the v2.4.1 table: newer revisions of the API have it.
    webhook_signing_secret: str | None = None


class BatchParseJobConfig(BaseModel):
    """``job_config.parameters`` of a parse job (api.md §2.4): parse settings for every file.

    Wire names differ from Python names for two fields: ``output_tables_as_HTML``
    (``output_tables_as_html``) and ``outputBucket`` (``output_bucket``).
    """

    model_config = _CONFIG

    adaptive_long_table: bool | None = None
    aggressive_table_extraction: bool | None = None
    annotate_links: bool | None = None
    auto_mode: bool | None = None
    auto_mode_configuration_json: str | None = None
    auto_mode_trigger_on_image_in_page: bool | None = None
    auto_mode_trigger_on_regexp_in_page: str | None = None
    auto_mode_trigger_on_table_in_page: bool | None = None
    auto_mode_trigger_on_text_in_page: str | None = None
    azure_openai_api_version: str | None = None
    azure_openai_deployment_name: str | None = None
    azure_openai_endpoint: str | None = None
    azure_openai_key: str | None = None
    bbox_bottom: float | None = None
    bbox_left: float | None = None
    bbox_right: float | None = None
    bbox_top: float | None = None
    bounding_box: str | None = None
    compact_markdown_table: bool | None = None
    complemental_formatting_instruction: str | None = None
    # Not in the v2.4.1 table: newer revisions of the API have it.
    confidence_score_effort: str | None = None
    content_guideline_instruction: str | None = None
    continuous_mode: bool | None = None
    custom_metadata: dict[str, Any] | None = None
    disable_image_extraction: bool | None = None
    disable_ocr: bool | None = None
    disable_reconstruction: bool | None = None
    do_not_cache: bool | None = None
    do_not_unroll_columns: bool | None = None
    enable_cost_optimizer: bool | None = None
    extract_charts: bool | None = None
    extract_layout: bool | None = None
    extract_printed_page_number: bool | None = None
    fast_mode: bool | None = None
    formatting_instruction: str | None = None
    gpt4o_api_key: str | None = None
    gpt4o_mode: bool | None = None
    guess_xlsx_sheet_name: bool | None = None
    hide_footers: bool | None = None
    hide_headers: bool | None = None
    high_res_ocr: bool | None = None
    html_make_all_elements_visible: bool | None = None
    html_remove_fixed_elements: bool | None = None
    html_remove_navigation_elements: bool | None = None
    http_proxy: str | None = None
    ignore_document_elements_for_layout_detection: bool | None = None
    images_to_save: list[ImageToSave] | None = None
    inline_images_in_markdown: bool | None = None
    input_s3_path: str | None = None
    input_s3_region: str | None = None
    input_url: str | None = None
    internal_is_screenshot_job: bool | None = None
    invalidate_cache: bool | None = None
    is_formatting_instruction: bool | None = None
    job_timeout_extra_time_per_page_in_seconds: float | None = None
    job_timeout_in_seconds: float | None = None
    keep_page_separator_when_merging_tables: bool | None = None
    lang: NotNull[str] = None
    languages: NotNull[list[ParsingLanguage]] = None
    layout_aware: bool | None = None
    line_level_bounding_box: bool | None = None
    markdown_table_multiline_header_separator: str | None = None
    max_pages: int | None = None
    max_pages_enforced: int | None = None
    merge_tables_across_pages_in_markdown: bool | None = None
    model: str | None = None
    outlined_table_extraction: bool | None = None
    output_pdf_of_document: bool | None = None
    output_s3_path_prefix: str | None = None
    output_s3_region: str | None = None
    output_tables_as_html: bool | None = Field(default=None, alias="output_tables_as_HTML")
    output_bucket: str | None = Field(default=None, alias="outputBucket")
    page_error_tolerance: float | None = None
    page_footer_prefix: str | None = None
    page_footer_suffix: str | None = None
    page_header_prefix: str | None = None
    page_header_suffix: str | None = None
    page_prefix: str | None = None
    page_separator: str | None = None
    page_suffix: str | None = None
    parse_mode: ParsingMode | None = None
    parsing_instruction: str | None = None
    pipeline_id: str | None = None
    precise_bounding_box: bool | None = None
    premium_mode: bool | None = None
    presentation_out_of_bounds_content: bool | None = None
    presentation_skip_embedded_data: bool | None = None
    preserve_layout_alignment_across_pages: bool | None = None
    preserve_very_small_text: bool | None = None
    preset: str | None = None
    priority: Priority | None = None
    project_id: str | None = None
    remove_hidden_text: bool | None = None
    replace_failed_page_mode: FailPageMode | None = None
    replace_failed_page_with_error_message_prefix: str | None = None
    replace_failed_page_with_error_message_suffix: str | None = None
    resource_info: dict[str, Any] | None = None
    save_images: bool | None = None
    skip_diagonal_text: bool | None = None
    specialized_chart_parsing_agentic: bool | None = None
    specialized_chart_parsing_efficient: bool | None = None
    specialized_chart_parsing_plus: bool | None = None
    specialized_image_parsing: bool | None = None
    spreadsheet_extract_sub_tables: bool | None = None
    spreadsheet_force_formula_computation: bool | None = None
    spreadsheet_include_hidden_sheets: bool | None = None
    strict_mode_buggy_font: bool | None = None
    strict_mode_image_extraction: bool | None = None
    strict_mode_image_ocr: bool | None = None
    strict_mode_reconstruction: bool | None = None
    structured_output: bool | None = None
    structured_output_json_schema: str | None = None
    structured_output_json_schema_name: str | None = None
    system_prompt: str | None = None
    system_prompt_append: str | None = None
    take_screenshot: bool | None = None
    target_pages: str | None = None
    tier: str | None = None
    type: NotNull[Literal["parse"]] = None
    use_vendor_multimodal_model: bool | None = None
    user_prompt: str | None = None
    vendor_multimodal_api_key: str | None = None
    vendor_multimodal_model_name: str | None = None
    version: str | None = None
    webhook_configurations: list[WebhookConfiguration] | None = None
    webhook_url: str | None = None


class ParseJobConfig(BaseModel):
    """Variant A of ``job_config`` (``BatchParseJobRecordCreate``, api.md §2.3)."""

    model_config = _CONFIG

    job_name: NotNull[ParseJobName] = None
    parameters: BatchParseJobConfig | None = None
    #: Partition name -> id (where job output goes).
    partitions: NotNull[dict[str, str]] = None
    correlation_id: str | None = None
    parent_job_execution_id: str | None = None
    project_id: str | None = None
    session_id: str | None = None
    user_id: str | None = None
    webhook_url: str | None = None


# ---------------------------------------------------------------------------------------------
# Variant B: classify (api.md §2.6)


class ClassifierRule(BaseModel):
    model_config = _CONFIG

    #: Label assigned when the rule matches (e.g. ``invoice``); a label, not a variant tag.
    type: str
    description: str


class ClassifyParsingConfiguration(BaseModel):
    model_config = _CONFIG

    #: The language enum here, unlike the free-string ``parameters.lang`` of parse jobs.
    lang: NotNull[ParsingLanguage] = None
    max_pages: int | None = None
    #: 0-based page numbers (a string in parse ``parameters.target_pages``).
    target_pages: list[int] | None = None


class ClassifyJob(BaseModel):
    """Variant B of ``job_config``: a whole classify-job record (api.md §2.6).

    Dates are kept as the strings the user wrote.
    """

    model_config = _CONFIG

    id: str
    project_id: str
    rules: list[ClassifierRule]
    status: StatusEnum
    user_id: str
    mode: NotNull[ClassifyMode] = None
    parsing_configuration: NotNull[ClassifyParsingConfiguration] = None
    effective_at: NotNull[str] = None
    created_at: str | None = None
    updated_at: str | None = None
    error_message: str | None = None
    job_record_id: str | None = None


def _wire_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(info.alias or name for name, info in model.model_fields.items())


#: Wire names of every ``parameters`` field, in model order.
PARAMETER_FIELDS: tuple[str, ...] = _wire_names(BatchParseJobConfig)


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass(frozen=True)
class JobConfigReport:
    """What :func:`check_job_config` found.

    ``errors`` are always fatal. ``drift`` (unknown keys, unknown enum values) is reported as
    warnings under ``--validate warn`` and as errors under ``--validate strict``.
    Every message starts with the dotted wire-name path of the field, e.g.
    ``job_config.parameters.max_pages: expected an integer, got the string "ten"``.
    """

    variant: Literal["parse", "classify"]
    errors: list[str]
    drift: list[str]


def check_job_config(value: object, *, root: str = "job_config") -> JobConfigReport:
    """Check a user-supplied ``job_config`` against the variant it declares.

    A mapping with a ``rules`` key is checked as a classify job, anything else as a parse job;
    the other variant is never tried. ``root`` is the path prefix used in messages. Keys are
    matched by wire name only (``output_tables_as_HTML``, not ``output_tables_as_html``).
    """
    return _check(value, root, _validate_fast)


_Validate = Callable[[type[BaseModel], dict[Any, Any]], None]


def _check(value: object, root: str, validate: _Validate) -> JobConfigReport:
    if not isinstance(value, Mapping):
        message = f"{root} must be a mapping (a JSON or YAML object), got {describe_type(value)}"
        return JobConfigReport("parse", [message], [])
    variant: Literal["parse", "classify"] = "classify" if "rules" in value else "parse"
    model: type[BaseModel] = ClassifyJob if variant == "classify" else ParseJobConfig
    try:
        validate(model, value if isinstance(value, dict) else dict(value))
    except ValidationError as exc:
        errors, drift = _explain(exc.errors(include_url=False), model, root)
        return JobConfigReport(variant, errors, drift)
    return JobConfigReport(variant, [], [])


# --- validators -------------------------------------------------------------------------------
#
# Building a model's own validator costs ~40 ms for the 126-field parse model (pydantic's schema
# generation runs in Python), and a CLI process pays that on every `create`. The check does not
# need model instances, only the errors, so it uses a validator compiled straight from the
# models' field annotations into a pydantic-core schema (~2 ms), built on first use and cached.
# It reports the same error locations and input values as the models themselves
# (`_validate_model`); tests hold the two to the same messages.


def _validate_model(model: type[BaseModel], data: dict[Any, Any]) -> None:
    """Validate with the model itself (builds its deferred validator on first use)."""
    model.model_validate(data, strict=True, by_alias=True, by_name=False)


def _validate_fast(model: type[BaseModel], data: dict[Any, Any]) -> None:
    _fast_validator(model).validate_python(data, strict=True)


@functools.cache
def _fast_validator(model: type[BaseModel]) -> SchemaValidator:
    return SchemaValidator(_model_schema(model), core_schema.CoreConfig(strict=True))


def _model_schema(model: type[BaseModel]) -> core_schema.CoreSchema:
    """A model as a typed-dict schema keyed by wire names, unknown keys forbidden."""
    fields: dict[str, core_schema.TypedDictField] = {}
    for name, info in model.model_fields.items():
        schema = _value_schema(info.annotation)
        not_null = any(getattr(meta, "func", None) is _reject_null for meta in info.metadata)
        if type(None) in get_args(info.annotation) and not not_null:
            schema = core_schema.nullable_schema(schema)
        fields[info.alias or name] = core_schema.typed_dict_field(
            schema, required=info.is_required()
        )
    return core_schema.typed_dict_schema(fields, extra_behavior="forbid", strict=True)


def _value_schema(annotation: Any) -> core_schema.CoreSchema:
    ann = _unwrap(annotation)
    simple = _SIMPLE_SCHEMAS.get(ann)
    if simple is not None:
        return simple()
    origin = get_origin(ann)
    if origin is Literal:
        return core_schema.literal_schema(list(get_args(ann)))
    if origin is list:
        return core_schema.list_schema(_value_schema(get_args(ann)[0]), strict=True)
    if origin is dict:
        keys, values = get_args(ann)
        return core_schema.dict_schema(_value_schema(keys), _value_schema(values), strict=True)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return _model_schema(ann)
    raise TypeError(f"no fast schema for {annotation!r}")  # a new kind of field: add it here


_SIMPLE_SCHEMAS: dict[Any, Callable[[], core_schema.CoreSchema]] = {
    bool: lambda: core_schema.bool_schema(strict=True),
    int: lambda: core_schema.int_schema(strict=True),
    float: lambda: core_schema.float_schema(strict=True),
    str: lambda: core_schema.str_schema(strict=True),
    Any: core_schema.any_schema,
}


# An "unknown value" message lists the accepted values of an enum this short; for a longer one
# it suggests close matches instead, and lists the values only when none is close (up to MAX).
_LIST_LIMIT = 10
_LIST_LIMIT_MAX = 20
_MAX_KEY = 60
_MAX_SHOWN = 40
_CLASSIFY_ONLY = frozenset(ClassifyJob.model_fields) - frozenset(ParseJobConfig.model_fields)
_EXPECTED = {
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean (true or false)",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping (an object)",
    "model_type": "a mapping (an object)",
    "model_attributes_type": "a mapping (an object)",
}


@dataclass(frozen=True)
class _Where:
    """Where an error points: rendered path and what the schema expects there."""

    path: str
    key: int | str | None  # last path segment (a field name, list index or mapping key)
    target: Any  # annotation of the value (Optional/Annotated removed); None when unknown
    container: Any  # model class, `list` or `dict` holding the value; None when unknown
    in_key: bool = False  # the error is about a mapping key, not its value


def _explain(
    details: Sequence[ErrorDetails], model: type[BaseModel], root: str
) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    drift: list[str] = []
    seen: set[str] = set()
    for detail in details:
        where = _locate(model, detail["loc"])
        is_drift, text = _describe(detail, where)
        line = f"{root}{where.path}: {text}"
        if line not in seen:
            seen.add(line)
            (drift if is_drift else errors).append(line)
    return errors, drift


def _describe(detail: ErrorDetails, where: _Where) -> tuple[bool, str]:
    """(is_drift, message) for one pydantic error."""
    kind = detail["type"]
    value = detail.get("input")
    if kind == "extra_forbidden":
        return True, _unknown_field(str(where.key), where.container)
    if kind == "missing":
        return False, "required field missing"
    if kind == "invalid_key" or where.in_key:
        return False, f"keys must be strings, got {_show(value)}"
    if value is None:
        if _is_optional_field(where.container, where.key):
            return False, "must not be null (omit the field to leave it unset)"
        return False, "must not be null"
    if kind == "literal_error":
        choices = _literal_values(where.target)
        if isinstance(value, str):
            return True, _unknown_value(value, choices)
        return False, f"expected {_choices_phrase(choices)}, got {_show(value)}"
    if kind in _EXPECTED:
        hint = _hint(kind, value, where.target)
        return False, f"expected {_EXPECTED[kind]}, got {_show(value)}{hint}"
    return False, f"{detail['msg']}, got {_show(value)}"


def _locate(model: type[BaseModel], loc: tuple[int | str, ...]) -> _Where:
    parts: list[str] = []
    ann: Any = model
    container: Any = None
    key: int | str | None = None
    for seg in loc:
        if seg == "[key]":  # pydantic's marker for an error in a mapping key
            return _Where("".join(parts), key, str, container, in_key=True)
        ann = _unwrap(ann)
        key = seg
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            container = ann
            parts.append(_key_part(seg))
            ann = _field_annotations(ann).get(seg) if isinstance(seg, str) else None
        elif get_origin(ann) is list and isinstance(seg, int):
            container = list
            parts.append(f"[{seg}]")
            ann = get_args(ann)[0]
        elif get_origin(ann) is dict:
            container = dict
            parts.append(_key_part(seg))
            ann = get_args(ann)[1]
        else:
            container = None
            parts.append(f"[{seg}]" if isinstance(seg, int) else _key_part(seg))
            ann = None
    return _Where("".join(parts), key, _unwrap(ann), container)


def _unwrap(ann: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to ``X``."""
    while True:
        origin = get_origin(ann)
        if origin is Annotated:
            ann = get_args(ann)[0]
        elif origin is Union or origin is types.UnionType:
            rest = [arg for arg in get_args(ann) if arg is not type(None)]
            if len(rest) != 1:
                return ann
            ann = rest[0]
        else:
            return ann


@functools.cache
def _field_annotations(model: type[BaseModel]) -> dict[str, Any]:
    return {info.alias or name: info.annotation for name, info in model.model_fields.items()}


def _is_optional_field(container: Any, key: int | str | None) -> bool:
    if not (isinstance(container, type) and issubclass(container, BaseModel)):
        return False
    return any(
        (info.alias or name) == key and not info.is_required()
        for name, info in container.model_fields.items()
    )


@functools.cache
def _python_to_wire(model: type[BaseModel]) -> dict[str, str]:
    return {name: info.alias for name, info in model.model_fields.items() if info.alias}


def _literal_values(ann: Any) -> tuple[str, ...]:
    if get_origin(ann) is Literal:
        return tuple(str(arg) for arg in get_args(ann))
    return ()


def _key_part(seg: int | str) -> str:
    if isinstance(seg, str) and len(seg) <= _MAX_KEY and _is_plain_name(seg):
        return "." + seg
    return f"[{_short(seg)}]"


def _is_plain_name(text: str) -> bool:
    first = text[:1]
    return (first.isalpha() or first == "_") and text.replace("_", "a").replace("-", "a").isalnum()


# --- message pieces -------------------------------------------------------------------------


def _unknown_field(key: str, container: Any) -> str:
    text = "unknown field"
    if not (isinstance(container, type) and issubclass(container, BaseModel)):
        return text
    if container is ParseJobConfig and key in _CLASSIFY_ONLY:
        return f'{text} (a classify-job field: a classify job_config must have a "rules" key)'
    if container is ParseJobConfig and key in _field_annotations(BatchParseJobConfig):
        return f'{text} (a parse setting: put it under "parameters")'
    wire = _python_to_wire(container).get(key)
    suggestions = [wire] if wire else _suggest(key, tuple(_field_annotations(container)))
    return f"{text} (did you mean {_alternatives(suggestions)}?)" if suggestions else text


def _unknown_value(value: str, choices: tuple[str, ...]) -> str:
    notes: list[str] = []
    if len(choices) == 1:
        notes.append(f'the only accepted value is "{choices[0]}"')
    elif choices:
        suggestions = _suggest(value, choices)
        if len(choices) <= _LIST_LIMIT or (not suggestions and len(choices) <= _LIST_LIMIT_MAX):
            notes.append("expected one of: " + ", ".join(choices))
        else:
            notes.append(f"not one of the {len(choices)} known values")
        if suggestions:
            notes.append(f"did you mean {_alternatives(suggestions)}?")
    text = f"unknown value {_short(value)}"
    return f"{text} ({'; '.join(notes)})" if notes else text


def _choices_phrase(choices: tuple[str, ...]) -> str:
    if len(choices) == 1:
        return f'the string "{choices[0]}"'
    if choices and len(choices) <= _LIST_LIMIT:
        return f"a string (one of: {', '.join(choices)})"
    if choices:
        return f"a string (one of {len(choices)} known values)"
    return "a string"


def _suggest(word: str, choices: Sequence[str]) -> list[str]:
    """Close matches of ``word`` among ``choices`` (case-insensitive), best first."""
    import difflib

    by_lower: dict[str, str] = {}
    for choice in choices:
        by_lower.setdefault(choice.lower(), choice)
    lowered = word.lower()
    if lowered in by_lower:
        return [by_lower[lowered]] if by_lower[lowered] != word else []
    matcher = difflib.SequenceMatcher(b=lowered)
    scored: list[tuple[float, str]] = []
    for candidate in by_lower:
        if 2 * len(candidate) < len(lowered):  # "chinese" is not a typo of "che"
            continue
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            score = matcher.ratio()
            if score >= 0.6:
                scored.append((score, candidate))
    scored.sort(key=lambda item: -item[0])  # stable: ties keep the schema's order
    # Up to three, and only those nearly as close as the best one.
    return [by_lower[match] for score, match in scored[:3] if score >= scored[0][0] - 0.1]


def _alternatives(options: Sequence[str]) -> str:
    quoted = [f'"{option}"' for option in options]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _hint(kind: str, value: object, target: Any) -> str:
    if isinstance(value, str):
        text = value.strip().lower()
        if kind in ("int_type", "float_type") and _looks_numeric(text, integer=kind == "int_type"):
            return " (write the number without quotes)"
        if kind == "bool_type" and text in ("true", "false"):
            return " (write true or false without quotes)"
        if kind == "list_type" and _is_list_of_strings(target):
            return f" (a one-item list is written [{_short(value)}])"
    if kind == "string_type":
        if isinstance(value, (datetime.date, datetime.time)):
            return " (quote it to keep it a string)"
        if isinstance(value, (bool, int, float)):
            return " (quote it to send a string)"
    return ""


def _is_list_of_strings(ann: Any) -> bool:
    if get_origin(ann) is not list:
        return False
    item = _unwrap(get_args(ann)[0])
    return item is str or (get_origin(item) is Literal and isinstance(get_args(item)[0], str))


def _looks_numeric(text: str, *, integer: bool) -> bool:
    try:
        int(text) if integer else float(text)
    except ValueError:
        return False
    return any(char.isdigit() for char in text)  # not "nan" or "inf"


def _show(value: object) -> str:
    """A value's type and a short rendering of it: 'the string "ten"', 'a list [1, 2]'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {_short(value)}"
    if isinstance(value, str):
        return f"the string {_short(value)}"
    if isinstance(value, (list, tuple, Mapping)):
        return f"{describe_type(value)} {_short(value)}"
    if isinstance(value, (datetime.date, datetime.time)):
        return f"the date/time {value.isoformat()}"
    return f"{describe_type(value)} value"


def _short(value: object) -> str:
    """JSON-ish rendering cut to about 40 characters (control characters escaped)."""
    if isinstance(value, str):
        if len(value) > _MAX_SHOWN:
            value = value[: _MAX_SHOWN - 1] + "…"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)) and len(value) > _MAX_SHOWN:
        value = list(value[:_MAX_SHOWN])  # no need to render 100,000 items to show 40 chars
    elif isinstance(value, Mapping) and len(value) > _MAX_SHOWN:
        value = dict(list(value.items())[:_MAX_SHOWN])
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # e.g. non-string keys of mixed types, circular data
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
