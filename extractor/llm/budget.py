"""A cost budget for a batch (``--max-cost USD``): no request starts once what was spent, plus
the most that the requests in flight can still cost, would pass it.

Each request reserves its worst case before it is sent: its prompt's tokens (counted with
tiktoken, as ``extractor prompt`` counts them) at the input price, plus the output cap
(``max_output_tokens``) at the output price. When it is answered, the reservation is
replaced by what it really cost. So the spend stays under the budget by construction, and
stops within one request's cost of it (the last reservation that did not fit). A request
that does not fit raises ``BudgetExceeded``; its document gets that error, and ``--resume``
takes it up later.
"""

from __future__ import annotations

import threading

from extractor.errors import BudgetExceeded

_PER_MILLION = 1_000_000


class CostBudget:
    """``max_cost`` US dollars at ``price`` (input, output per million tokens); shared by
    every request of one backend, from any thread."""

    def __init__(self, max_cost: float, price: tuple[float, float], max_output_tokens: int):
        self.max_cost, self.price, self.max_output_tokens = max_cost, price, max_output_tokens
        self.spent = 0.0
        self._reserved = 0.0
        self._lock = threading.Lock()

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """US dollars for these tokens at the budget's price."""
        return (prompt_tokens * self.price[0] + completion_tokens * self.price[1]) / _PER_MILLION

    def reserve(self, prompt_tokens: int, *, label: str) -> float:
        """Reserve a request's worst case, or raise ``BudgetExceeded`` naming ``label``."""
        worst = self.cost(prompt_tokens, self.max_output_tokens)
        with self._lock:
            if self.spent + self._reserved + worst > self.max_cost:
                raise BudgetExceeded(
                    f"{label}: not sent: the --max-cost budget of ${self.max_cost:.4f} would be "
                    f"passed (${self.spent:.4f} spent, ${self._reserved:.4f} in flight, this "
                    f"request up to ${worst:.4f}); rerun with --resume and a larger budget"
                )
            self._reserved += worst
        return worst

    def settle(self, reserved: float, prompt_tokens: int, completion_tokens: int) -> None:
        """Replace a reservation by what the request cost (its tokens, re-asks included)."""
        with self._lock:
            self._reserved -= reserved
            self.spent += self.cost(prompt_tokens, completion_tokens)
