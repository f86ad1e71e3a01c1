"""Port a module of Django's or DRF's client tests to an async client, mechanically.

The port does what a user moving such a suite to an async client does by hand, the same way for
every client it is run with, so the clients are compared on the same text:

* every sync method of a test class (a class with ``test_*`` methods), but for set-up and
  tear-down hooks, class methods, static methods and properties, becomes ``async def``; so does
  a function nested in one of them that mentions a client;
* in those, every call whose result is awaitable is awaited (``_port_await``), the callable form
  ``assertRaises(Error, callable, *args)`` awaits what the callable returns (``_port_raises``),
  and the ORM is reached through ``sync_to_async`` (``Model.objects...`` or any other manager
  named ``*objects``, ``.save()``,
  ``.refresh_from_db()``), as in any async test;
* on a client, ``login``/``force_login``/``logout`` become ``alogin``/``aforce_login``/
  ``alogout`` and ``.session`` becomes ``await .asession()``; ``response.wsgi_request`` becomes
  ``response.asgi_request``;
* after the module's imports, the names of the clients, factories and test cases are bound to
  the variant's (``_conformance_variant``), so ``Client()``, ``self.client_class()`` and the test
  cases are the ones under test, and the helpers above are imported (``_helpers``).

Generator expressions, lambdas and classes nested in a test keep their sync bodies.
"""

import ast

__all__ = ["port_module"]

REBOUND_NAMES = (
    "Client",
    "AsyncClient",
    "RequestFactory",
    "AsyncRequestFactory",
    "APIClient",
    "APIRequestFactory",
    "SimpleTestCase",
    "TestCase",
    "TransactionTestCase",
    "URLPatternsTestCase",
)
HELPERS = ("_port_await", "_port_raises", "_port_sync")
KEEP_SYNC = {"setUp", "tearDown", "setUpClass", "tearDownClass", "setUpTestData", "doClassCleanups"}
SYNC_DECORATORS = {"classmethod", "staticmethod", "property", "cached_property"}
ASYNC_LOGIN = {"login": "alogin", "force_login": "aforce_login", "logout": "alogout"}
ORM_METHODS = {"save", "refresh_from_db"}
RAISES_ASSERTIONS = {"assertRaises", "assertRaisesMessage", "assertRaisesRegex"}


def port_module(source: str) -> str:
    """The ported text of one test module."""
    tree = ast.parse(source)
    tree.body = _with_rebound_names(tree.body)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and _is_test_class(node):
            _port_class(node)
    return ast.unparse(ast.fix_missing_locations(tree))


def _with_rebound_names(body: list[ast.stmt]) -> list[ast.stmt]:
    last_import = max(
        (index for index, node in enumerate(body) if isinstance(node, ast.Import | ast.ImportFrom)),
        default=-1,
    )
    rebind = ast.ImportFrom("_conformance_variant", [ast.alias(n) for n in REBOUND_NAMES], 0)
    helpers = ast.ImportFrom("_helpers", [ast.alias(n) for n in HELPERS], 0)
    return [*body[: last_import + 1], rebind, helpers, *body[last_import + 1 :]]


def _is_test_class(node: ast.ClassDef) -> bool:
    return any(
        isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test")
        for item in node.body
    )


def _port_class(node: ast.ClassDef) -> None:
    for index, item in enumerate(node.body):
        if (
            isinstance(item, ast.FunctionDef)
            and item.name not in KEEP_SYNC
            and not item.name.startswith("__")
            and not any(_decorator_name(d) in SYNC_DECORATORS for d in item.decorator_list)
        ):
            node.body[index] = _as_async(item)


def _decorator_name(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def _as_async(function: ast.FunctionDef) -> ast.AsyncFunctionDef:
    body = [_AwaitCalls().visit(statement) for statement in function.body]
    ported = ast.AsyncFunctionDef(
        name=function.name,
        args=function.args,
        body=body,
        decorator_list=function.decorator_list,
        returns=function.returns,
        type_comment=function.type_comment,
        type_params=getattr(function, "type_params", []),
    )
    return ast.copy_location(ported, function)


def _mentions_client(node: ast.AST) -> bool:
    return any(
        (isinstance(child, ast.Name) and _is_client_name(child.id))
        or (isinstance(child, ast.Attribute) and _is_client_name(child.attr))
        for child in ast.walk(node)
    )


def _is_client_name(name: str) -> bool:
    return "client" in name.lower() or name in {"c", "c1", "c2"}


def _is_client(expression: ast.expr) -> bool:
    if isinstance(expression, ast.Name):
        return _is_client_name(expression.id)
    return isinstance(expression, ast.Attribute) and _is_client_name(expression.attr)


def _helper_call(
    name: str, *args: ast.expr, keywords: list[ast.keyword] | None = None
) -> ast.Await:
    return ast.Await(ast.Call(ast.Name(name, ast.Load()), list(args), keywords or []))


class _AwaitCalls(ast.NodeTransformer):
    """Awaits what the calls of one async function body return (see the module docstring)."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return _as_async(node) if _mentions_client(node) else node

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> ast.AST:
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.attr == "session" and _is_client(node.value):
            session = ast.Attribute(self.visit(node.value), "asession", ast.Load())
            return ast.Await(ast.Call(session, [], []))
        if node.attr == "wsgi_request":
            node.attr = "asgi_request"
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func = node.func
        if isinstance(func, ast.Attribute) and (
            (func.attr in ORM_METHODS and not _is_client(func.value))
            or (isinstance(func.value, ast.Attribute) and func.value.attr.endswith("objects"))
        ):
            return _helper_call("_port_sync", ast.Lambda(_no_arguments(), node))
        if isinstance(func, ast.Attribute) and func.attr in ASYNC_LOGIN and _is_client(func.value):
            func.attr = ASYNC_LOGIN[func.attr]
        self.generic_visit(node)
        if isinstance(func, ast.Attribute) and func.attr in RAISES_ASSERTIONS:
            return _helper_call("_port_raises", func, *node.args, keywords=node.keywords)
        return _helper_call("_port_await", node)


def _no_arguments() -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
