"""What a body-worn (shank, trunk, head) detector returns per block."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..datatypes import StepEvent


@dataclass(slots=True)
class BodyOutput:
    """Steps confirmed in one block (``new``, at contact) and steps whose figures are now all known
    (``completed``); the same objects, filled in place."""

    new: list[StepEvent] = field(default_factory=list)
    completed: list[StepEvent] = field(default_factory=list)
