"""The run's progress: a bar on a terminal, one plain line per client and step elsewhere."""
from __future__ import annotations

import sys

from tqdm import tqdm

from workbench.batch.jobs import STEPS, ClientResult


class Progress:
    """A progress bar on a terminal; one plain line per client and step elsewhere (CI logs stay readable)."""

    def __init__(self, n_clients: int, stream=None):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar = None
        self.counted: dict[str, int] = {}  # steps of each client already on the bar
        if self.tty:
            self.bar = tqdm(total=n_clients * len(STEPS), unit="step", file=self.stream, dynamic_ncols=True)

    def _advance(self, client: str, steps: int) -> None:
        steps = max(0, min(steps, len(STEPS) - self.counted.get(client, 0)))
        self.counted[client] = self.counted.get(client, 0) + steps
        if self.bar is not None and steps:
            self.bar.update(steps)

    def event(self, client: str, step: str, state: str, seconds: float) -> None:
        if state in ("ok", "failed", "skipped"):
            self._advance(client, 1)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{client}: {step} {state}")
        elif state == "retried":
            print(f"{client}: its worker was lost mid-run; retrying on another worker", file=self.stream, flush=True)
        elif state not in ("start", "skipped"):
            print(f"{client}: {step} {state}" + (f" ({seconds:.1f} s)" if state == "ok" else ""), file=self.stream,
                  flush=True)

    def skipped(self, client: str) -> None:
        self._advance(client, len(STEPS))
        if self.bar is None:
            print(f"{client}: unchanged since its last good run, skipped", file=self.stream, flush=True)

    def client_done(self, r: ClientResult) -> None:
        self._advance(r.client_id, len(STEPS))

    def note(self, text: str) -> None:
        """A remark about the run as a whole (e.g. how the cluster was set up)."""
        if self.bar is not None:
            self.bar.write(f"Note: {text}", file=self.stream)
        else:
            print(f"Note: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
