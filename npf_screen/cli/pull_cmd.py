"""``npf-screen pull``: build a dated snapshot of the live A-share universe through akshare."""

from __future__ import annotations

import argparse
import sys

from npf_screen.cli.arg_types import positive_int
from npf_screen.core.exit_codes import ExitCode

__all__ = ["register", "run_pull"]


def run_pull(args: argparse.Namespace) -> int:
    """Pull, print a one-paragraph summary, and return 0 (complete), 3 (partial) or 1 (no snapshot)."""
    from npf_screen.core.errors import SourceError
    from npf_screen.fetch.api import pull
    from npf_screen.fetch.manifest import EXPECTED_FIELDS

    select = None
    if args.texts == "candidates":  # the screen is imported here, never by the fetch layer
        from npf_screen.screening.first_stage import first_stage_selector

        select = first_stage_selector(max_per_theme=args.max_per_theme)
    progress = False if args.quiet else None
    try:
        report = pull(
            args.cache_dir,
            refresh=args.refresh,
            texts=args.texts,
            composition=not args.no_composition,
            select=select,
            resume=args.resume,
            keep=args.keep,
            progress=progress,
        )
    except SourceError as exc:
        print(f"npf-screen pull: no snapshot written: {exc}", file=sys.stderr)
        return ExitCode.FAILURE
    m = report.manifest
    verb = "wrote" if report.created else "reused (nothing changed)"
    lines = [
        f"{verb} snapshot {report.snapshot_id}: {report.status}, {report.companies} companies, "
        f"{report.requests} requests"
    ]
    stage = m.get("company_stage") or {}
    for kind, r in stage.items():
        routes = ", ".join(f"{k} {v['fetched']}" for k, v in (r.get("routes") or {}).items())
        lines.append(
            f"  {kind}: {r['fetched']} fetched, {r['failed']} failed, {r['requested'] - r['targets']} fresh "
            f"of {r['requested']}"
            + (f" (by {routes})" if routes else "")
            + (f" (stopped: {r['stopped']})" if r.get("stopped") else "")
        )
    for failure in report.failures:
        lines.append(f"  failure: {failure.splitlines()[0]}")
    if any(r.get("stopped") for r in stage.values()):
        lines.append("  finished companies are cached; run `npf-screen pull --resume` later to continue")
    coverage = m.get("coverage") or {}
    low = {k: coverage.get(k, 0.0) for k in EXPECTED_FIELDS if coverage.get(k, 0.0) < 0.5}
    if low and not args.quiet:
        lines.append("  thin coverage: " + ", ".join(f"{k} {v:.0%}" for k, v in sorted(low.items())))
    if not args.quiet:
        texts = ", ".join(f"{k} {coverage.get(k, 0.0):.0%}" for k in ("main_business", "products", "city"))
        lines.append(f"  per-company fields: {texts}")
    stream = sys.stderr if args.quiet else sys.stdout
    ok = report.status == "complete" and not report.failures
    if not args.quiet or not ok:
        print("\n".join(lines), file=stream)
    return ExitCode.OK if ok else ExitCode.PARTIAL


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``pull`` to the CLI."""
    p = subparsers.add_parser(
        "pull",
        help="pull the live A-share universe into a dated local snapshot (akshare)",
        description=(
            "Fetch exchange lists, market cap and valuation, industries, province, concepts and financials "
            "(about 105 requests), then business text and revenue mix for every company whose cached copy "
            "is missing or stale (one request each, cached for months: the first run is a resumable "
            "backfill of several hours at the polite pace, later runs fetch new listings and stale texts "
            "only). Datasets still fresh are not fetched again; without a network it says so within "
            "seconds. Exit codes: 0 complete, 3 partial (see the failures), 1 no snapshot could be built."
        ),
    )
    p.add_argument(
        "--cache-dir", metavar="DIR", help="cache directory (default: $NPF_SCREEN_CACHE or the user cache)"
    )
    p.add_argument(
        "--quiet", action="store_true", help="no progress bars and no summary unless something failed"
    )
    p.add_argument(
        "--refresh", action="store_true", help="ignore freshness windows and fetch everything again"
    )
    p.add_argument(
        "--texts",
        choices=("all", "candidates", "none"),
        default="all",
        help="business text for every company (default: a resumable backfill the first time, then new "
        "listings and stale texts only), for the candidates of a cheap first-stage screen, or none",
    )
    p.add_argument("--resume", action="store_true", help="continue an interrupted backfill's company list")
    p.add_argument("--no-composition", action="store_true", help="skip revenue composition (主营构成)")
    p.add_argument(
        "--max-per-theme",
        type=positive_int,
        default=60,
        metavar="N",
        help="with --texts candidates: candidates per theme (60)",
    )
    p.add_argument(
        "--keep", type=positive_int, default=14, metavar="N", help="snapshots to keep (default 14)"
    )
    p.set_defaults(handler=run_pull)
