"""The caps on what a diagram may ask of the engine, as this process's settings made them (the
checks themselves are in engine.model.model_caps and, at run time, engine.spiff)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caps:
    """What a diagram may ask of the engine (engine.model.model_caps), from the settings."""

    max_multi_instance: int = 1_000
    min_timer_cycle_seconds: int = 60
    max_timer_cycle_repeats: int = 1_000
    max_timer_duration_days: int = 3_660
    max_engine_steps: int = 500


_CAPS = [Caps()]


def configure(caps: Caps) -> None:
    """Set the caps of this process (the engine's context does, from its settings)."""
    _CAPS[0] = caps


def caps() -> Caps:
    return _CAPS[0]
