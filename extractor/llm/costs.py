"""What a request cost, from a price table users can override.

Prices are US dollars per million tokens (input, output), as providers publish them. A model
missing from the table has no cost (``None``), not a made-up one; local models cost nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, TypeAdapter, ValidationError

from extractor.errors import BackendUnavailable

# Published list prices; override or extend with EXTRACTOR_PRICES=prices.json.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    # open-weights models served locally (extractor local-model): no price per token
    "smollm2": (0.0, 0.0),
    "qwen2.5-coder-1.5b": (0.0, 0.0),
}


# The provider Batch API's price against the online one: half (OpenAI's published pricing,
# "Batch API: 50% off inputs and outputs").
BATCH_DISCOUNT = 0.5


def price_of(model: str, prices_file: Path | None = None) -> tuple[float, float] | None:
    """The (input, output) price per million tokens of ``model``, or of the model it is a
    dated release of ("gpt-4o-mini-2024-07-18"); None when the table has none."""
    prices = _prices(prices_file)
    dated = [name for name in prices if model.startswith(name + "-")]
    return prices.get(model) or (prices[max(dated, key=len)] if dated else None)


def cost_usd(
    model: str, prompt_tokens: int, completion_tokens: int, prices_file: Path | None = None
) -> float | None:
    price = price_of(model, prices_file)
    if price is None:
        return None
    return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 8)


@cache
def _prices(prices_file: Path | None) -> dict[str, tuple[float, float]]:
    return DEFAULT_PRICES if prices_file is None else DEFAULT_PRICES | price_table(prices_file)


# Prices are finite and not negative; each model has exactly an input and an output price.
_Price = Annotated[float, Field(ge=0, allow_inf_nan=False)]
_PRICE_TABLE: TypeAdapter[dict[str, tuple[float, float]]] = TypeAdapter(
    dict[str, tuple[_Price, _Price]]
)


@cache
def price_table(path: Path) -> dict[str, tuple[float, float]]:
    """The prices a user's JSON file sets, ``{"model": [input, output]}``, checked by pydantic.

    Raises ``BackendUnavailable`` naming the file and its first problem."""
    try:
        return _PRICE_TABLE.validate_json(path.read_bytes())
    except OSError as error:
        why = f"{error.strerror or error}; the variable names a JSON file, not the JSON itself"
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        why = f"{where}: {first['msg']}" if where else first["msg"]
    raise BackendUnavailable(
        f"{path}: not a price table of {{model: [input, output]}} dollars per million tokens "
        f"({why})"
    )
