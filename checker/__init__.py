"""zwgk-checker: rule-based compliance checks for 政务公开 (government information disclosure)."""

from __future__ import annotations

__version__ = "0.1.0"
