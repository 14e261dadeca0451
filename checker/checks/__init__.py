"""The check types: one module each (parameter model + evaluate), one explicit registry."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Annotated, Any

from pydantic import Field

from checker.checks import (
    any_of,
    count,
    date_by,
    deadline,
    duration,
    frequency,
    ratio,
    related,
    required,
    task_due,
    threshold,
)

Check = Annotated[
    deadline.DeadlineCheck
    | date_by.DateByCheck
    | count.CountCheck
    | frequency.FrequencyCheck
    | ratio.RatioCheck
    | duration.DurationCheck
    | required.RequiredCheck
    | related.RelatedCheck
    | any_of.AnyOfCheck
    | threshold.ThresholdCheck
    | task_due.TaskDueCheck,
    Field(discriminator="type"),
]

# any_of nests checks of any type, itself included: resolve its forward reference now.
any_of.SubCheck.model_rebuild(_types_namespace={"Check": Check})
any_of.AnyOfCheck.model_rebuild()

MODULES: dict[str, ModuleType] = {
    "deadline": deadline,
    "date_by": date_by,
    "count": count,
    "frequency": frequency,
    "ratio": ratio,
    "duration": duration,
    "required": required,
    "related": related,
    "any_of": any_of,
    "threshold": threshold,
    "task_due": task_due,
}

EVALUATORS: dict[str, Callable[..., Any]] = {name: module.evaluate for name, module in MODULES.items()}


def kinds_read(check: Any, kind: str) -> set[str]:
    """Every evidence kind a check reads: its rule's kind, a `related` check's other ledger,
    and the kinds of `any_of` alternatives (recursively)."""
    kinds = {kind}
    if check.type == "related":
        kinds.add(check.other)
    elif check.type == "any_of":
        for sub in check.checks:
            kinds |= kinds_read(sub.check, sub.kind or kind)
    return kinds
