"""The job kinds: each domain registers its step functions here and the worker collects them."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

MORE = object()  # a step's return value when the job has more to do: the runner enqueues the next step


@dataclass(frozen=True)
class Later:
    """A step's return value when the job has more to do later: the next step is enqueued `seconds` from now
    (polling an external job on a schedule without holding a worker)."""

    seconds: float


@dataclass(frozen=True)
class JobKind:
    """One kind of job. `step(step)` does a bounded piece of the work, keeping its place in the job's payload,
    and returns MORE or the job's result (a dict)."""

    name: str
    step: Callable[[Any], Awaitable[Any]]
    timeout_s: float = 900  # one step's limit: past it the job fails (steps yield long before)
    max_tries: int = 3  # tries of one step (errors, lost workers) before the job fails
    backoff_s: float = 2  # the first retry's delay, doubled on each further try
    fatal: tuple[type[Exception], ...] = field(default=())  # errors that fail the job at once (a bad file)

    def backoff(self, attempt: int) -> float:
        """Delay before try `attempt + 1`."""
        return min(self.backoff_s * 2 ** (attempt - 1), 300)


_KINDS: dict[str, JobKind] = {}


def register(name: str, **options) -> Callable:
    """Decorator: register `fn` as the step function of job kind `name`."""

    def wrap(fn):
        _KINDS[name] = JobKind(name=name, step=fn, **options)
        return fn

    return wrap


def get_kind(name: str) -> JobKind | None:
    """The registered kind `name`, if any."""
    return _KINDS.get(name)


def kinds() -> list[JobKind]:
    """Every registered kind."""
    return list(_KINDS.values())
