"""The load test's figures as a short Markdown page (test-artifacts/loadtest.md)."""

from __future__ import annotations

from pathlib import Path


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "n/a"


def write_report(report: dict, path: Path) -> str:
    rows = report["results"]
    lines = [f"# Load test", "", f"Machine: {report['machine']}", f"Command: `{report['command']}`",
             f"Locust: `locust {report['locust']}` (URL and users per row)", "",
             "| target | users | seconds | messages | failed | messages/s | p50 ms | p95 ms | p99 ms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['target']} | {r['users']} | {r['seconds']} | {r['messages']} | {r['failures']} | "
              f"{r['per_second']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} |" for r in rows]
    reasons = [f"- {r['target']}, {r['users']} users: {reason} ({n})"
               for r in rows for reason, n in r.get("failure_reasons", {}).items()]
    lines += ["", *_comparisons(rows), *(["", "Failures:", *reasons] if reasons else []),
              *_faults(report.get("faults"))]
    text = "\n".join(lines) + "\n"
    path.write_text(text)
    return text


def _comparisons(rows: list[dict]) -> list[str]:
    by = {(r["target"], r["users"]): r for r in rows}
    out = []
    if ("moodbot", 1) in by and ("assistant", 1) in by:
        out.append(f"Single user p95: assistant {by['assistant', 1]['p95_ms']:.0f} ms, moodbot "
                   f"{by['moodbot', 1]['p95_ms']:.0f} ms ({_ratio(by['assistant', 1]['p95_ms'], by['moodbot', 1]['p95_ms'])}).")
    for (target, users), r in sorted(by.items()):
        if target != "moodbot" and users > 1 and ("moodbot", users) in by:
            out.append(f"{users} users, {target}: {r['per_second']} messages/s against moodbot's "
                       f"{by['moodbot', users]['per_second']}.")
    return out


def _faults(faults: dict | None) -> list[str]:
    if not faults:
        return []
    load = faults.get("load") or {}
    return ["", "## Cluster with faults", "", *[f"    {line}" for line in faults["timeline"]], "",
            f"- {faults['conversations']} conversations, {load.get('messages', 0)} messages, "
            f"p95 {load.get('p95_ms', 0):.0f} ms",
            f"- real replies: {faults['answered']}; kind retry messages: {faults['retry_messages']}; "
            f"silence or failed: {faults['silent_or_failed']}",
            f"- read back from PostgreSQL: answered but not stored {faults['answered_but_not_stored']}; "
            f"events lost since before the restart: {faults['lost_events']}",
            f"- crisis message while PostgreSQL was down: {faults['crisis_during_outage']}",
            *[f"- failed: {reason} ({n})" for reason, n in load.get("failure_reasons", {}).items()]]
