"""The engine: fuzz one endpoint after another, each example isolated, failures shrunk.

The engine first makes the run's users and the rows requests point at (``Fuzzer.prepare``),
then, for each endpoint, runs a Hypothesis search over
``FuzzCase`` requests. Each example runs as an example of an
``AsyncAPITestCase`` test does: in a savepoint of the caller's transaction,
rolled back when the example ends, with the request served on the test loop and its sync work
(the ORM of async and sync views alike) on the calling thread's connection. A failed check is
shrunk by Hypothesis to a minimal request, one per check, and reported with a reproducer.

The caller provides the transaction and rolls it back after each endpoint (the command does it,
and so do the pytest and unittest entries through the test's own transaction).
"""

from __future__ import annotations

import contextlib
import json
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from random import Random
from typing import Any, cast
from urllib.parse import urlencode

from hypothesis import Phase, Verbosity, given, seed, settings
from hypothesis.errors import HypothesisException

from restflow_testing._example_rollback import ExampleRollback
from restflow_testing._loop_thread import LoopThread
from restflow_testing.fuzz._checks import Outcome, legitimate_statuses, run_checks
from restflow_testing.fuzz._config import CHECKS, FuzzConfig, RouteConfig
from restflow_testing.fuzz._discovery import Endpoint
from restflow_testing.fuzz._generation import FuzzCase, body_format, cases
from restflow_testing.fuzz._judgement import (
    PermissionAnswers,
    permission_answers,
    rejects_body,
    view_for,
)
from restflow_testing.fuzz._report import EndpointResult, Failure
from restflow_testing.fuzz._reproducer import reproducer
from restflow_testing.fuzz._rows import Row, Rows
from restflow_testing.fuzz._searches import SLOW_OR_FILTERED
from restflow_testing.fuzz._users import FuzzUsers, UserKind
from restflow_testing.fuzz._writes import recording_row_changes

DEFAULT_MAX_EXAMPLES = 100


class CheckFailed(Exception):
    """A failed check in one example (a subclass per check, so Hypothesis shrinks each
    separately)."""

    check = ""

    def __init__(self, message: str, outcome: Outcome, allowed: set[int] | None) -> None:
        super().__init__(message)
        self.message = message
        self.outcome = outcome
        self.allowed = allowed


_FAILURE_TYPES: dict[str, type[CheckFailed]] = {
    check: type(
        "".join(part.title() for part in check.split("_")) + "Failed",
        (CheckFailed,),
        {"check": check},
    )
    for check in CHECKS
}


class Fuzzer:
    """Fuzzes endpoints with one seed and budget; ``endpoints`` are every endpoint of the
    project (rows for a model are made through whichever of them creates it)."""

    def __init__(
        self,
        endpoints: Sequence[Endpoint],
        *,
        loop: LoopThread,
        seed: int,
        max_examples: int = DEFAULT_MAX_EXAMPLES,
        config: FuzzConfig | None = None,
        urlconf: str | None = None,
    ) -> None:
        if max_examples < 1:
            raise ValueError(f"max_examples must be at least 1, got {max_examples}")
        self.endpoints: list[Endpoint] = list(endpoints)
        self.loop: LoopThread = loop
        self.seed: int = seed
        self.max_examples: int = max_examples
        self.config: FuzzConfig = config or FuzzConfig()
        self.urlconf: str | None = urlconf
        self._prepared: tuple[FuzzUsers, Rows] | None = None

    def endpoint_seed(self, endpoint: Endpoint) -> int:
        """The seed of ``endpoint``'s search: the run's, mixed with the endpoint's id, so one
        endpoint replays alike whatever else the run includes."""
        return (self.seed * 1_000_003 + zlib.crc32(endpoint.id.encode())) % (2**32)

    def prepare(self) -> tuple[FuzzUsers, Rows]:
        """Make the run's users, and rows of every model its endpoints create, point at or
        relate to (once; later calls return them). ``run`` calls it; call it first yourself,
        in a transaction around several runs, to share them between endpoints.
        Drawn with the run's seed, in URLconf order, so every run with that seed makes the same."""
        if self._prepared is None:
            with self._resolving():
                self._prepared = self._make_users_and_rows()
        return self._prepared

    def _make_users_and_rows(self) -> tuple[FuzzUsers, Rows]:
        random = Random(self.seed)
        users = FuzzUsers.create(random)
        rows = Rows(self.endpoints, users, self._sender(users), random)
        rows.populate()
        for endpoint in self.endpoints:
            if endpoint.detail and endpoint.model is not None:
                rows.ensure(endpoint.model)
            rows.ensure_related(endpoint.request_serializer)
        return users, rows

    def run(self, endpoint: Endpoint) -> EndpointResult:
        """Fuzz ``endpoint``. Call it inside a transaction the caller rolls back afterwards
        (after ``prepare``, when the users and rows are to outlive it).

        Requests resolve through ``urlconf`` when one was given (``ROOT_URLCONF`` otherwise).
        """
        with self._resolving():
            return self._run(endpoint)

    def _resolving(self) -> contextlib.AbstractContextManager[object]:
        """Requests resolve through the fuzzed URLconf inside the block."""
        if self.urlconf is None:
            return contextlib.nullcontext()
        from django.test import override_settings

        return override_settings(ROOT_URLCONF=self.urlconf)

    def _run(self, endpoint: Endpoint) -> EndpointResult:
        started = time.perf_counter()
        result = EndpointResult(endpoint, notes=list(endpoint.notes))
        route_config = self.config.for_endpoint(endpoint)
        if route_config.skip:
            result.skipped = (
                route_config.skip if isinstance(route_config.skip, str) else "configured"
            )
            return result
        users, rows = self.prepare()
        targets: list[Row] = []
        if endpoint.detail and endpoint.model is not None:
            targets = rows.made.get(endpoint.model, [])
        for model, problem in rows.problems.items():
            result.notes.append(f"rows of {model._meta.label} could not all be made: {problem}")
        if body_format(endpoint) is None:
            result.notes.append(
                "no parser of the view takes JSON or forms: bodies are sent as JSON"
            )
        kinds = tuple(route_config.users or users.kinds_for(endpoint.authentication_classes))
        strategy = cases(endpoint, route_config, kinds, targets)
        self._search(endpoint, route_config, strategy, users, rows, result)
        result.seconds = time.perf_counter() - started
        return result

    def _search(
        self,
        endpoint: Endpoint,
        route_config: RouteConfig,
        strategy: Any,
        users: FuzzUsers,
        rows: Rows,
        result: EndpointResult,
    ) -> None:
        @settings(
            max_examples=self.max_examples,
            database=None,
            deadline=None,
            derandomize=False,
            report_multiple_bugs=True,
            suppress_health_check=SLOW_OR_FILTERED,
            verbosity=Verbosity.quiet,
            # No explain phase: a failure's reproducer is the shrunk request itself.
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
            print_blob=False,
        )
        @seed(self.endpoint_seed(endpoint))
        @given(strategy)
        def example(case: FuzzCase) -> None:
            rollback = ExampleRollback.active()
            if rollback is not None:
                rollback.enter_example()
            outcome = self._exercise(endpoint, case, users)
            result.examples += 1
            result.statuses["raised" if outcome.status is None else str(outcome.status)] += 1
            failures = run_checks(endpoint, outcome, route_config)
            if failures:
                check, message = failures[0]
                allowed = legitimate_statuses(endpoint, case, route_config)
                raise _FAILURE_TYPES[check](message, outcome, allowed)

        try:
            with ExampleRollback():
                example()
        except Exception as error:
            found = list(_check_failures(error))
            if not found:
                result.notes.append(f"fuzzing stopped early: {type(error).__name__}: {error}")
            seen: set[str] = set()
            for failed in found:
                if failed.check in seen:
                    continue
                seen.add(failed.check)
                result.failures.append(self._failure(endpoint, failed, users, rows))

    def _exercise(self, endpoint: Endpoint, case: FuzzCase, users: FuzzUsers) -> Outcome:
        """Send ``case`` and gather what the checks need."""
        from restflow_testing.client import AsyncAPIClient

        view = view_for(endpoint, case, users)
        answers = permission_answers(view, endpoint, case)
        invalid = case.body_kind == "invalid" and rejects_body(view, endpoint, case)
        client = AsyncAPIClient(raise_request_exception=True)
        users.authenticate(client, case.user)
        with recording_row_changes() as changes:
            denied, response, error = self.loop.run(_ask_and_send(answers, client, case))
        if response is None:
            return Outcome(case, None, error=error, changes=changes, denied=denied, invalid=invalid)
        return Outcome(
            case,
            response.status_code,
            body=_json_body(response),
            changes=changes,
            denied=denied,
            invalid=invalid,
        )

    def _sender(
        self, users: FuzzUsers
    ) -> Callable[[UserKind, str, Mapping[str, Any], str], tuple[int, object]]:
        """What ``Rows`` creates rows with: a POST as a user, answered with its status."""
        from restflow_testing.client import AsyncAPIClient

        def send(
            user: UserKind, path: str, payload: Mapping[str, Any], form: str
        ) -> tuple[int, object]:
            client = AsyncAPIClient(raise_request_exception=False)
            users.authenticate(client, user)
            post: Any = client.post  # the format is the serializer's: JSON or multipart
            response = self.loop.run(post(path, dict(payload), format=form))
            return response.status_code, _json_body(response)

        return send

    def _failure(
        self, endpoint: Endpoint, failed: CheckFailed, users: FuzzUsers, rows: Rows
    ) -> Failure:
        outcome = failed.outcome
        return Failure(
            method=endpoint.method,
            route=endpoint.route,
            check=failed.check,
            status=outcome.status,
            message=failed.message,
            reproducer=reproducer(
                endpoint,
                outcome.case,
                failed.check,
                failed.message,
                seed=self.seed,
                users=users,
                rows=rows.order,
                changed_tables=sorted(outcome.changes.tables),
                allowed=failed.allowed,
            ),
        )


async def _ask_and_send(
    answers: PermissionAnswers, client: Any, case: FuzzCase
) -> tuple[str | None, Any, Exception | None]:
    """The async permission answers, then the request: its response, or the exception the view
    raised."""
    denied = await answers.denial()
    try:
        return denied, await _send(client, case), None
    except Exception as error:
        return denied, None, error


async def _send(client: Any, case: FuzzCase) -> Any:
    path = case.path
    if case.query:
        path = f"{path}?{urlencode(dict(case.query))}"
    method = getattr(client, case.method.lower())
    if case.body_kind == "none":
        return await method(path)
    return await method(path, case.body, format=case.format)


def _json_body(response: Any) -> object:
    if not response.content or "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _check_failures(error: BaseException) -> Iterable[CheckFailed]:
    if isinstance(error, CheckFailed):
        yield error
    elif isinstance(error, BaseExceptionGroup):
        group = cast("BaseExceptionGroup[BaseException]", error)
        for inner in group.exceptions:
            yield from _check_failures(inner)
    elif isinstance(error, HypothesisException) and error.__cause__ is not None:
        yield from _check_failures(error.__cause__)
