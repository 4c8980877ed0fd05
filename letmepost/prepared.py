"""Hot reads and writes compiled to SQL once per process, then run with new parameter values.

Building and compiling a queryset costs about four times the CPU of running its SQL (measured
with `python -m bench.request_cost`: ~0.5 ms against ~0.15 ms for the API-key lookup), and the
reads on every request — the caller's key, the target account, the listening webhook endpoints —
never change shape, only the values they filter on. `PreparedQuery` builds the queryset once with
marker values, remembers where each marker lands among the compiled parameters, and on each call
runs that SQL with the real values through Django's own cursor (so execute wrappers, query
logging and the transaction state apply), converters and `Model.from_db`, `select_related` included.

Markers must be values that reach the SQL unchanged or as a plain string of themselves (str,
int, UUID — a UUID is a hex string on SQLite); anything else is refused when compiling.

`insert_new` does the same for the rows every accepted post writes (the post, its targets, the
idempotency record): Django compiles an `INSERT` anew on every `save()`/`bulk_create()`, which
was the largest single CPU cost of `POST /v1/posts`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, transaction
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

Slot = (
    tuple[str, Callable[[Any], Any]] | None
)  # a marker's name and how its value is sent


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[Slot, ...]
    compiler: SQLCompiler
    converters: dict[int, Any]  # by column: the backend's and fields' value converters
    init_list: tuple[str, ...]
    model_start: int
    model_end: int


def _same(value: Any) -> Any:
    return value


def _hex(value: uuid.UUID | str) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(value).hex


class PreparedQuery(Generic[M]):
    """`build(**markers)` → a queryset of model instances; call with the real values.

    Only equality filters may take markers; a lookup that transforms its value (`__in`,
    `__contains`, `__iexact`…) would leave its marker unfound, which is refused.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **markers: Any) -> None:
        self._build = build
        self._markers = markers
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *, using: str = "default", **values: Any) -> list[M]:
        if values.keys() != self._markers.keys():
            raise TypeError(f"expected {sorted(self._markers)}, got {sorted(values)}")
        compiled = self._compiled.get(using) or self._compile(using)
        params = [
            constant if slot is None else slot[1](values[slot[0]])
            for constant, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        compiler = compiled.compiler
        # Django 5.2's private signature; django-stubs 6.1 describes 6.x's (with fetch_mode).
        populators = get_related_populators(compiler.klass_info, compiler.select, using)  # type: ignore[call-arg]
        model = compiler.klass_info["model"]
        objects = []
        if compiled.converters:
            rows = list(compiler.apply_converters(rows, compiled.converters))
        for row in rows:
            obj = model.from_db(
                using,
                compiled.init_list,
                row[compiled.model_start : compiled.model_end],
            )
            for populator in populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects

    def _compile(self, using: str) -> _Compiled:
        with self._lock:
            if using in self._compiled:
                return self._compiled[using]
            queryset = self._build(**self._markers)
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            slots = tuple(self._slot(param) for param in params)
            found = {slot[0] for slot in slots if slot}
            if missing := self._markers.keys() - found:
                raise ValueError(
                    f"markers not found in the compiled SQL: {sorted(missing)}"
                )
            fields = compiler.klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            compiled = _Compiled(
                sql=sql,
                params=tuple(params),
                slots=slots,
                compiler=compiler,
                converters=compiler.get_converters(
                    [s[0] for s in compiler.select[: compiler.col_count]]
                ),
                init_list=tuple(
                    column[0].target.attname for column in compiler.select[start:end]
                ),
                model_start=start,
                model_end=end,
            )
            self._compiled[using] = compiled
            return compiled

    def _slot(self, param: Any) -> Slot:
        for name, marker in self._markers.items():
            if type(param) is type(marker) and param == marker:
                return name, _same
            if isinstance(marker, uuid.UUID) and param == marker.hex:
                return name, _hex
        return None


@dataclass(frozen=True)
class _InsertPlan:
    fields: tuple[Field[Any, Any], ...]  # the columns written, in order
    returned: tuple[
        Field[Any, Any], ...
    ]  # columns the database fills (an auto primary key)
    sql: dict[int, str]  # by row count


_insert_plans: dict[tuple[type[Model], str], _InsertPlan] = {}


def insert_new(objs: Sequence[M], *, using: str = "default") -> None:
    """INSERT new instances of one model in one statement, as `bulk_create` would.

    Each field's `pre_save(add=True)` (auto_now…) and `get_db_prep_save` run as in Django's own
    INSERT and an auto primary key is read back, but the SQL is built once per model, row count
    and database. Like `bulk_create`, no signals are sent; an IntegrityError is raised as is.
    """
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_new takes instances of one model")
    connection = connections[using]
    plan = _insert_plans.get((model, connection.vendor)) or _insert_plan(model, using)
    sql = plan.sql.get(len(objs)) or _insert_sql(plan, model, len(objs), using)
    params = []
    for obj in objs:
        for field in plan.fields:
            value = field.pre_save(obj, add=True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{field.name}: expressions are not supported")
            params.append(field.get_db_prep_save(value, connection))
    # As Model.save does: a failed INSERT inside atomic() leaves the block marked for rollback.
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if plan.returned else []
    for obj, row in zip(objs, rows or [()] * len(objs), strict=True):
        for field, value in zip(plan.returned, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = using


def _insert_plan(model: type[Model], using: str) -> _InsertPlan:
    opts = model._meta
    if opts.parents:
        raise TypeError(f"{opts.label}: multi-table inheritance is not supported")
    returned = tuple(opts.db_returning_fields)
    if any(f is not opts.pk or f.has_db_default() for f in returned):
        raise TypeError(
            f"{opts.label}: only an auto primary key may be database-filled"
        )
    fields = tuple(f for f in opts.local_concrete_fields if f not in returned)
    if any(f.generated for f in fields):
        raise TypeError(f"{opts.label}: generated fields are not supported")
    plan = _InsertPlan(fields=fields, returned=returned, sql={})
    _insert_plans[(model, connections[using].vendor)] = plan
    return plan


def _insert_sql(plan: _InsertPlan, model: type[Model], rows: int, using: str) -> str:
    connection = connections[using]
    if plan.returned and not connection.features.can_return_rows_from_bulk_insert:
        raise TypeError(f"{connection.vendor} cannot return inserted rows")
    for field in plan.fields:  # BinaryField asks: plain on PostgreSQL and SQLite
        if getattr(field, "get_placeholder", None) and (
            field.get_placeholder(b"", None, connection) != "%s"  # type: ignore[attr-defined]
        ):
            raise TypeError(f"{field}: a special placeholder is not supported")
    quote = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(plan.fields))})"
    # Only quoted identifiers and placeholders: values always travel as parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(str(f.column)) for f in plan.fields)}) "
        f"VALUES {', '.join([row] * rows)}"
    )
    if plan.returned:
        sql += f" RETURNING {', '.join(quote(str(f.column)) for f in plan.returned)}"
    plan.sql[rows] = sql
    return sql
