"""``npf-screen pull``: build a dated snapshot of the live A-share universe through akshare."""

from __future__ import annotations

import argparse
import sys

from npf_screen.core.exit_codes import ExitCode

__all__ = ["register", "run_pull"]


def run_pull(args: argparse.Namespace) -> int:
    """Pull, print a one-paragraph summary, and return 0 (complete), 3 (partial) or 1 (no snapshot)."""
    from npf_screen.core.errors import SourceError
    from npf_screen.fetch.api import EXPECTED_FIELDS, pull

    progress = False if args.quiet else None
    try:
        report = pull(
            args.cache_dir,
            refresh=args.refresh,
            texts=args.texts,
            composition=not args.no_composition,
            resume=args.resume,
            keep=args.keep,
            max_per_theme=args.max_per_theme,
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
        lines.append(
            f"  {kind}: {r['fetched']} fetched, {r['failed']} failed of {r['requested']} wanted"
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
        lines.append(f"  per-company fields (candidates only until a backfill): {texts}")
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
            "(about 105 requests), then business text and revenue mix for the candidates of a cheap screen "
            "(one request each, cached for months). Datasets still fresh are not fetched again. Exit codes: "
            "0 complete, 3 partial (see the failures), 1 no snapshot could be built."
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
        choices=("candidates", "all", "none"),
        default="candidates",
        help="business text for the cheap-screen candidates (default), every company (a resumable backfill, "
        "about 5,400 requests), or none",
    )
    p.add_argument("--resume", action="store_true", help="continue an interrupted --texts all backfill")
    p.add_argument("--no-composition", action="store_true", help="skip revenue composition (主营构成)")
    p.add_argument(
        "--max-per-theme", type=int, default=60, metavar="N", help="text candidates per theme (60)"
    )
    p.add_argument("--keep", type=int, default=14, metavar="N", help="snapshots to keep (default 14)")
    p.set_defaults(handler=run_pull)
