"""`registry`: serve, migrate, seed, mint local tokens (DESIGN §7) and export the schema."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

from models.enums import Role
from server.settings import Settings, get_settings


def _with_database(
    settings: Settings, body: Callable[[], Awaitable[None]], migrate_first: bool = True
) -> None:
    from server.db import close_database, open_database

    async def run() -> None:
        await open_database(settings, apply_migrations=migrate_first)
        try:
            await body()
        finally:
            await close_database()

    asyncio.run(run())


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from server.observability.logs import configure_logging
    from server.observability.metrics import reset_multiprocess_dir

    # --workers overrides REGISTRY_WORKERS; either way 0 means one worker per usable CPU.
    workers = (
        settings if args.workers is None else settings.model_copy(update={"workers": args.workers})
    ).worker_count
    if settings.embedded:
        print(f"Embedded SQLite database ({settings.db_url}) with demo data.")
        if workers > 1:
            # Each worker would migrate and seed the one SQLite file at the same time.
            print(f"Embedded SQLite: 1 worker instead of {workers} (set DATABASE_URL for more).")
            workers = 1
    print(
        f"GraphQL: http://{args.host}:{args.port}/graphql"
        + ("" if settings.production else "  (open it in a browser for GraphiQL)")
    )
    # With PROMETHEUS_MULTIPROC_DIR the workers share their metrics through files there: a
    # previous run's (a restarted container keeps its /tmp) must not be added to this one's.
    reset_multiprocess_dir()
    # The supervisor's own lines (workers started, restarted, stopped) in the workers' format;
    # with JSON logs uvicorn's default configuration would print them as text beside them.
    configure_logging(settings)
    uvicorn.run(
        "server.asgi:app",
        host=args.host,
        port=args.port,
        workers=workers,
        log_config=None if settings.logs_as_json else uvicorn.config.LOGGING_CONFIG,
        access_log=False,  # it would log GET query strings; registry.access logs instead
        log_level=settings.log_level,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    async def done() -> None:
        print(f"Migrations applied to {settings.db_url.split('@')[-1]}")

    _with_database(settings, done)


def cmd_seed(args: argparse.Namespace, settings: Settings) -> None:
    if args.scale is not None and settings.embedded:
        sys.exit(
            "--scale writes with PostgreSQL COPY: set DATABASE_URL to a PostgreSQL "
            "database (the embedded SQLite takes --demo)"
        )

    async def seed() -> None:
        from models.agency import Agency

        if await Agency.exists():
            sys.exit("The database already holds agencies; seed into an empty database.")
        if args.scale is not None:
            await seed_scale(args.scale)
        else:
            from server.demo import seed_demo

            await seed_demo()
            print(f"Demo data loaded: {await Agency.all().count()} agencies.")

    async def seed_scale(n: int) -> None:
        from server.scale import ScaleUnsupported
        from server.scale import seed_scale as generate

        started = time.perf_counter()
        try:
            counts = await generate(n)
        except ScaleUnsupported as exc:
            sys.exit(f"registry seed: {exc}")
        rows = ", ".join(f"{count:,} {table}" for table, count in counts.items())
        print(f"Generated {n:,} agencies in {time.perf_counter() - started:.1f} s: {rows}.")

    _with_database(settings, seed)


def cmd_check(args: argparse.Namespace, settings: Settings) -> None:
    """Run the invariant suite (models/invariants) against the database; exit 1 on any
    violation, printing one line per violating row."""
    from pathlib import Path

    from server.clock import today

    if settings.embedded and not Path(settings.db_url.removeprefix("sqlite://")).exists():
        sys.exit(
            f"registry check: no database at {settings.db_url} (set DATABASE_URL, or run "
            "registry serve / registry seed --demo first)"
        )
    day = args.today or today()
    found: list[str] = []

    async def check() -> None:
        from models.invariants import INVARIANTS, check_invariants

        unknown = sorted(set(args.only or ()) - {i.name for i in INVARIANTS})
        if unknown:
            sys.exit(
                f"registry check: unknown invariant {', '.join(unknown)}; one of "
                + ", ".join(i.name for i in INVARIANTS)
            )
        violations = await check_invariants(day, agencies=args.agency, only=args.only)
        found.extend(v.line() for v in violations)
        count = len(args.only) if args.only else len(INVARIANTS)
        scope = f"{len(set(args.agency))} 家机构" if args.agency else "全部数据"
        for line in found:
            print(line)
        verdict = f"发现 {len(found)} 处违反。" if found else "全部成立。"
        print(f"检查 {count} 项不变式（{scope}，截至 {day.isoformat()}）：{verdict}")

    _with_database(settings, check, migrate_first=False)
    if found:
        sys.exit(1)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a date as YYYY-MM-DD") from None


def cmd_token(args: argparse.Namespace, settings: Settings) -> None:
    from server.auth import mint_token

    role = Role(args.role.upper())
    if role is Role.CITY and not args.region:
        sys.exit("--role city needs --region CODE (e.g. 350200)")
    if role is Role.AGENCY and not args.agency:
        sys.exit("--role agency needs --agency CREDIT_CODE")
    print(
        mint_token(
            settings,
            role,
            region=args.region if role is Role.CITY else None,
            agency_credit_code=args.agency if role is Role.AGENCY else None,
        )
    )


def cmd_export_schema(args: argparse.Namespace, settings: Settings) -> None:
    """Write the GraphQL schema the code defines to schema/schema.graphql (the contract the SPA
    is written against; tests/ops/test_schema_drift.py fails while it is stale), or with --check
    only compare: exit status 1 when the file differs from the code."""
    from pathlib import Path

    from schema.root import SDL_PATH, sdl

    target = Path(args.output) if args.output else SDL_PATH
    current = sdl()
    try:
        exported = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        exported = None
    if args.check:
        if exported != current:
            sys.exit(
                f"{target} differs from the schema the code defines; "
                "run `registry export-schema` to regenerate it"
            )
        print(f"{target} matches the code")
        return
    if exported == current:
        print(f"{target} already matches the code")
        return
    target.write_text(current, encoding="utf-8")
    print(f"Schema written to {target}")


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (one per CPU) or more")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="registry", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_non_negative,
        default=None,
        help="uvicorn worker processes (default: REGISTRY_WORKERS, 1; 0 = one per CPU)",
    )
    serve.set_defaults(run=cmd_serve)
    migrate = sub.add_parser("migrate", help="apply database migrations (DATABASE_URL)")
    migrate.set_defaults(run=cmd_migrate)
    seed = sub.add_parser("seed", help="load data into an empty database (DATABASE_URL)")
    what = seed.add_mutually_exclusive_group(required=True)
    what.add_argument("--demo", action="store_true", help="the demo dataset")
    what.add_argument("--scale", type=int, metavar="N", help="N generated agencies")
    seed.set_defaults(run=cmd_seed)
    check = sub.add_parser(
        "check",
        help="check the database against the measures' "
        "invariants (DATABASE_URL); exit 1 on any violation",
    )
    check.add_argument("--today", type=_date, help="the day to check as of (default: today)")
    check.add_argument(
        "--agency",
        type=int,
        action="append",
        metavar="ID",
        help="only the rows of this agency (repeatable)",
    )
    check.add_argument(
        "--only", action="append", metavar="NAME", help="only this invariant (repeatable)"
    )
    check.set_defaults(run=cmd_check)
    token = sub.add_parser("token", help="print a signed token for local use")
    token.add_argument("--role", required=True, choices=["province", "city", "agency"])
    token.add_argument("--region", help="city region code, for --role city")
    token.add_argument("--agency", help="agency credit code, for --role agency")
    token.set_defaults(run=cmd_token)
    export = sub.add_parser(
        "export-schema", help="write the GraphQL schema to schema/schema.graphql"
    )
    export.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the file differs from the code",
    )
    export.add_argument(
        "--output",
        metavar="PATH",
        help="write (or check) this file instead of schema/schema.graphql",
    )
    export.set_defaults(run=cmd_export_schema)
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as exc:
        sys.exit(f"registry: configuration refused: {exc}")
    args.run(args, settings)
