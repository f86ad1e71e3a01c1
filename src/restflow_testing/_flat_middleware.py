"""Run a chain of Django's middleware as one loop on a test loop, instead of one coroutine each.

Django builds its async middleware chain as nested coroutines: for every middleware, the
exception-converting wrapper of ``convert_exception_to_response`` awaits the middleware's
``__acall__``, which awaits the next wrapper. A request through four middleware is nine
coroutines deep before it reaches the view (two per middleware, one around the view step), and
each level costs a coroutine, a frame and a trip through ``await`` on the way in and out.

:func:`flat_chain` reads such a chain once and returns a coroutine function that does the same
work in one frame, when every middleware in it is a ``MiddlewareMixin`` that keeps Django's
``__call__`` and ``__acall__`` (Django's own middleware all do) around the view step of
Django's handler. On a test loop it calls, in order:

* each ``process_request``, until one answers (that middleware's ``process_response`` still
  runs, as in ``__acall__``) or raises (its exception becomes a response, and only the outer
  middleware's ``process_response`` run);
* the view step (the handler's ``_get_response_async``: view middleware, the view, template
  responses) when no middleware answered;
* each ``process_response``, innermost first; an exception raised by one becomes the response
  the next one receives.

That is exactly the order and the exception handling of the nested chain: exceptions become
responses through Django's ``response_for_exception``, called as Django calls it. The hooks run
in place, as the middleware short cut of :mod:`restflow_testing._in_place` runs them, but not
one call each: no async work comes between two ``process_request`` hooks or two
``process_response`` hooks, so all of a phase's hooks share one in-place call (the responses'
phase takes one more after each exception). Anywhere but on a test loop the nested chain runs
unchanged.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import response_for_exception
from django.utils.deprecation import MiddlewareMixin

from restflow_testing._in_place import call_in_place, in_place_loop

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

Chain = Callable[["HttpRequest"], Awaitable["HttpResponseBase"]]


def flat_chain(chain: Chain) -> Chain | None:
    """A flat runner for ``chain`` (see the module docstring); ``None`` if it cannot be flat."""
    middleware: list[MiddlewareMixin] = []
    step: Any = chain
    while True:
        # What this convert_exception_to_response wrapper wraps: a middleware or the view step.
        wrapped: Any = getattr(step, "__wrapped__", None)
        if not isinstance(wrapped, MiddlewareMixin):
            break
        kind = type(wrapped)
        if (
            kind.__call__ is not MiddlewareMixin.__call__
            or kind.__acall__ is not MiddlewareMixin.__acall__
            # Async mode, as MiddlewareMixin decides it (Django 4.2 keeps no async_mode).
            or not inspect.iscoroutinefunction(wrapped.get_response)
        ):
            return None
        middleware.append(wrapped)
        step = wrapped.get_response
    # The innermost step must be the view step of Django's handler, nothing else.
    django_handler: Any = BaseHandler
    if getattr(wrapped, "__func__", None) is not django_handler._get_response_async:
        return None
    view_step: Chain = wrapped

    async def run_chain(request: HttpRequest) -> HttpResponseBase:
        loop = in_place_loop()
        if loop is None:
            return await chain(request)
        entered: list[MiddlewareMixin] = []
        response: Any
        try:
            response = call_in_place(loop, None, _process_requests, middleware, request, entered)
        except Exception as exc:  # as convert_exception_to_response
            response = await _as_response(request, exc)
        else:
            if response is None:
                try:
                    response = await view_step(request)
                except Exception as exc:  # as convert_exception_to_response
                    response = await _as_response(request, exc)
        # Each call carries on where the last one stopped, after the hook that raised.
        pending = reversed(entered)
        while True:
            try:
                response = call_in_place(loop, None, _process_responses, pending, request, response)
            except Exception as exc:  # as convert_exception_to_response
                response = await _as_response(request, exc)
            else:
                result: HttpResponseBase = response
                return result

    return run_chain


def _process_requests(
    middleware: list[MiddlewareMixin], request: HttpRequest, entered: list[MiddlewareMixin]
) -> Any:
    """Call each ``process_request`` (looked up per request, as ``__acall__`` does: a test may
    patch one) until one answers; return the answer, or ``None``.

    Records in ``entered`` each middleware whose ``process_request`` returned, the answering one
    included; one that raises is not recorded, and the exception propagates.
    """
    for instance in middleware:
        process_request = getattr(instance, "process_request", None)
        response = None if process_request is None else process_request(request)
        entered.append(instance)
        if response:
            return response
    return None


def _process_responses(
    pending: Iterator[MiddlewareMixin], request: HttpRequest, response: Any
) -> Any:
    """Pass ``response`` through the ``process_response`` of each middleware left in
    ``pending``, in its order; return the last result.

    An exception propagates with ``pending`` past the middleware that raised it.
    """
    for instance in pending:
        process_response = getattr(instance, "process_response", None)
        if process_response is not None:
            response = process_response(request, response)
    return response


async def _as_response(request: HttpRequest, exc: Exception) -> HttpResponseBase:
    """The response Django's ``convert_exception_to_response`` makes of ``exc``, made as it
    makes it (called while ``exc`` is being handled)."""
    response: HttpResponseBase = await sync_to_async(
        response_for_exception, thread_sensitive=False
    )(request, exc)
    return response
