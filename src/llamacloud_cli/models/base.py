"""Base classes: strict about what we send, tolerant about what we receive."""

import enum
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Location(enum.Enum):
    PATH = "path"
    QUERY = "query"
    BODY = "body"
    HEADER = "header"


@dataclass(frozen=True)
class Wire:
    """Field metadata: where a request field goes and under which wire name."""

    location: Location
    name: str | None = None


def Path(name: str | None = None) -> Wire:  # noqa: N802 - reads like a marker
    return Wire(Location.PATH, name)


def Query(name: str | None = None) -> Wire:  # noqa: N802
    return Wire(Location.QUERY, name)


def Body(name: str | None = None) -> Wire:  # noqa: N802
    return Wire(Location.BODY, name)


def Header(name: str | None = None) -> Wire:  # noqa: N802
    return Wire(Location.HEADER, name)


class RequestModel(BaseModel):
    """A request: each field carries a `Wire` marker; only fields that were set are sent."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    method: ClassVar[str]
    path: ClassVar[str]
    # False for requests whose replay could have a second effect (create): see api/retry.py.
    idempotent: ClassVar[bool] = True

    def wire_parts(self) -> dict[Location, dict[str, Any]]:
        """Split the set fields by location, keyed by wire name."""
        parts: dict[Location, dict[str, Any]] = {loc: {} for loc in Location}
        for name, field in type(self).model_fields.items():
            if name not in self.model_fields_set:
                continue
            wire = next((m for m in field.metadata if isinstance(m, Wire)), None)
            if wire is None:
                raise TypeError(f"{type(self).__name__}.{name} has no Wire marker")
            parts[wire.location][wire.name or name] = getattr(self, name)
        # Keys accepted as extras (unknown body keys the user chose to send) go in the body.
        for key, value in (self.model_extra or {}).items():
            parts[Location.BODY][key] = value
        return parts


class ResponseModel(BaseModel):
    """A response: required fields and types are checked; unknown fields are kept."""

    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)
