"""Render a report as sorted, deterministic text or as one JSON object."""

import json
from typing import Any

from tools.cycles.analysis import Report
from tools.cycles.model import EdgeKind, ImportSite

SCHEMA_VERSION = 1
MAX_SITES_SHOWN = 10

KIND_LABELS = {
    EdgeKind.MODULE: "module-level",
    EdgeKind.TYPE_CHECKING: "TYPE_CHECKING-only",
    EdgeKind.FUNCTION: "function-level",
}


def _site(site: ImportSite) -> dict[str, Any]:
    return {
        "importer": site.importer,
        "imported": site.imported,
        "file": site.file,
        "line": site.line,
        "kind": str(site.kind),
    }


def to_json(report: Report) -> str:
    """Return the report as one JSON object (see docs/architecture.md for the schema)."""
    summary: dict[str, Any] = {
        "modules": report.modules,
        "packages": report.packages,
        "lines": report.lines,
        "edges": report.edges,
        **{f"edges_{kind}": count for kind, count in report.edges_by_kind.items()},
        "import_sites": report.import_sites,
        "sccs": len(report.sccs),
        "modules_in_cycles": report.modules_in_cycles,
        "package_cycles": len(report.package_cycles),
        "oversized_modules": len(report.oversized),
        "orphan_dirs": len(report.orphan_dirs),
    }
    document = {
        "schema_version": SCHEMA_VERSION,
        "package": report.package,
        "path": report.path,
        "cycle_edge_kinds": [str(kind) for kind in report.cycle_kinds],
        "package_depth": report.package_depth,
        "max_module_lines": report.max_module_lines,
        "layers_source": report.layers_source,
        "layers_note": report.layers_note,
        "summary": summary,
        "sccs": [
            {
                "modules": scc.modules,
                "size": len(scc.modules),
                "internal_edges": scc.internal_edges,
                "shortest_cycle": scc.shortest_cycle,
                "edges": [_site(s) for s in scc.cycle_sites],
            }
            for scc in report.sccs
        ],
        "package_cycles": [
            {"packages": cycle.packages, "edges": [_site(s) for s in cycle.sites]}
            for cycle in report.package_cycles
        ],
        "breakers": [
            {
                "scope": b.scope,
                "component": b.component,
                "importer": b.importer,
                "imported": b.imported,
                "reason": b.reason,
                "complete": b.complete,
                "import_sites": [_site(s) for s in b.sites],
            }
            for b in report.breakers
        ],
        "oversized_modules": [
            {"module": m.name, "file": m.file, "lines": m.lines} for m in report.oversized
        ],
        "orphan_dirs": [
            {"path": d.path, "python_files": d.python_files} for d in report.orphan_dirs
        ],
    }
    return json.dumps(document, indent=2, sort_keys=False)


def _sites(sites: list[ImportSite]) -> list[str]:
    """Show up to MAX_SITES_SHOWN sites, then how many more the JSON output holds."""
    lines = [f"      {_where(site)}" for site in sites[:MAX_SITES_SHOWN]]
    if len(sites) > MAX_SITES_SHOWN:
        lines.append(f"      ... and {len(sites) - MAX_SITES_SHOWN} more (all in --format json)")
    return lines


def _where(site: ImportSite) -> str:
    note = "" if site.kind is EdgeKind.MODULE else f"  [{KIND_LABELS[site.kind]}]"
    return f"{site.file}:{site.line}  {site.importer} -> {site.imported}{note}"


def _summary(report: Report, strict_size: bool) -> list[str]:
    kinds = ", ".join(
        f"{KIND_LABELS[kind]} {count}" for kind, count in report.edges_by_kind.items()
    )
    counted = ", ".join(KIND_LABELS[kind] for kind in report.cycle_kinds)
    flags = {
        EdgeKind.TYPE_CHECKING: "--include-type-checking",
        EdgeKind.FUNCTION: "--include-function-level",
    }
    missing = [flag for kind, flag in flags.items() if kind not in report.cycle_kinds]
    hint = f" (add the others with {', '.join(missing)})" if missing else ""
    return [
        f"Package {report.package} ({report.path})",
        f"Cycles are computed on {counted} imports{hint}.",
        "",
        "Summary",
        f"  modules            {report.modules}",
        f"  packages           {report.packages}",
        f"  lines              {report.lines}",
        f"  import edges       {report.edges} ({kinds}); {report.import_sites} import sites",
        f"  cyclic components  {len(report.sccs)} ({report.modules_in_cycles} modules in cycles)",
        f"  package cycles     {len(report.package_cycles)} at depth {report.package_depth}",
        f"  oversized modules  {len(report.oversized)} over {report.max_module_lines} lines"
        + ("" if strict_size else " (reported, not a finding without --strict-size)"),
        f"  orphan directories {len(report.orphan_dirs)}",
    ]


def to_text(report: Report, strict_size: bool) -> str:
    """Return the report as human-readable text, one section per check."""
    out = _summary(report, strict_size)
    out += ["", f"Strongly connected components: {len(report.sccs)}"]
    for number, scc in enumerate(report.sccs, start=1):
        out.append(f"  [{number}] {len(scc.modules)} modules, {scc.internal_edges} edges inside")
        out += [f"      {name}" for name in scc.modules]
        out.append(f"    shortest cycle: {' -> '.join(scc.shortest_cycle)}")
        out += [f"      {_where(site)}" for site in scc.cycle_sites]
    out += ["", f"Package cycles at depth {report.package_depth}: {len(report.package_cycles)}"]
    for number, cycle in enumerate(report.package_cycles, start=1):
        out.append(f"  [{number}] {', '.join(cycle.packages)}")
        out += _sites(cycle.sites)
    if report.layers_source:
        source = f"layer order from {report.layers_source}; upward imports first"
    else:
        source = f"{report.layers_note or 'no layer order'}: cutting where the most cycles break"
    out += ["", f"Breakers: {len(report.breakers)} ({source})"]
    for b in report.breakers:
        scope = "cycle" if b.scope == "module" else "package cycle"
        tail = "" if b.complete else " (more cuts needed than shown)"
        out.append(f"  {scope} [{b.component}] cut {b.importer} -> {b.imported}: {b.reason}{tail}")
        out += _sites(b.sites)
    out += ["", f"Oversized modules (> {report.max_module_lines} lines): {len(report.oversized)}"]
    out += [f"  {m.lines:>6}  {m.name}  ({m.file})" for m in report.oversized]
    out += ["", f"Orphan directories (no __init__.py): {len(report.orphan_dirs)}"]
    out += [
        f"  ERROR {d.path}: {d.python_files} .py file(s) invisible to import analysis"
        for d in report.orphan_dirs
    ]
    findings = report.findings(strict_size)
    out += ["", f"Result: {findings} finding(s), exit {1 if findings else 0}"]
    return "\n".join(out) + "\n"
