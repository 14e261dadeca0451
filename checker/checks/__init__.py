"""The check types: one module each (parameter model + evaluate), one explicit registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from checker.checks import count, date_by, deadline, duration, ratio, required

Check = Annotated[
    deadline.DeadlineCheck | date_by.DateByCheck | count.CountCheck | ratio.RatioCheck | duration.DurationCheck | required.RequiredCheck,
    Field(discriminator="type"),
]

EVALUATORS: dict[str, Callable[..., Any]] = {
    "deadline": deadline.evaluate,
    "date_by": date_by.evaluate,
    "count": count.evaluate,
    "ratio": ratio.evaluate,
    "duration": duration.evaluate,
    "required": required.evaluate,
}

MODULES = {"deadline": deadline, "date_by": date_by, "count": count, "ratio": ratio, "duration": duration, "required": required}
