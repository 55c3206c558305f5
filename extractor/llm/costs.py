"""What a request cost, from a price table users can override.

Prices are US dollars per million tokens (input, output), as providers publish them. A model
missing from the table has no cost (``None``), not a made-up one; local models cost nothing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from extractor.errors import BackendUnavailable

# Published list prices; override or extend with EXTRACTOR_PRICES=prices.json.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "smollm2": (0.0, 0.0),
}


def cost_usd(
    model: str, prompt_tokens: int, completion_tokens: int, prices_file: Path | None = None
) -> float | None:
    prices = _prices(prices_file)
    dated = [name for name in prices if model.startswith(name + "-")]  # "gpt-4o-mini-2024-07-18"
    price = prices.get(model) or (prices[max(dated, key=len)] if dated else None)
    if price is None:
        return None
    return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 8)


@cache
def _prices(prices_file: Path | None) -> dict[str, tuple[float, float]]:
    prices = dict(DEFAULT_PRICES)
    if prices_file is None:
        return prices
    try:
        extra = json.loads(prices_file.read_text(encoding="utf-8"))
        prices.update({str(name): (float(p[0]), float(p[1])) for name, p in extra.items()})
    except (OSError, ValueError, TypeError, IndexError, AttributeError) as error:
        raise BackendUnavailable(
            f"{prices_file}: not a price table of {{model: [input, output]}} per million "
            f"tokens ({error})"
        ) from None
    return prices
