"""The rule-based backend: offline, deterministic, fast."""
