#!/usr/bin/env python3
"""Summarises a bench/server/run result directory as Markdown on standard output.

usage: aggregate.py DIR
Reads DIR/lat.<config>.r<round>.json (bench_esys BENCH_JSON output), DIR/counts.tsv and DIR/env.txt.
Latency: per operation, the median over rounds of each round's median, with the min-max over rounds.
Overhead: configuration minus direct within the same round, divided by the TPM commands the operation
sends; the ratio tpm4j/abrmd is taken per round, then its median and min-max are reported.
"""
import csv
import glob
import json
import os
import re
import statistics
import sys

CONFIGS = ("direct", "tpm4j", "abrmd")
# TPM commands sent by one measured operation of bench_esys's latency suite.
COMMANDS = {
    "Load+Sign+Flush ECC P-256": 3,
    "StartAuthSession(HMAC)+Flush": 2,
    "ContextSave+ContextLoad(HMAC session)": 2,
    "ContextSave+ContextLoad(ECC key)": 2,
}


def load(directory):
    """{config: {round: {operation: median_us}}} and the operations in the suite's order."""
    data = {c: {} for c in CONFIGS}
    order = []
    for path in sorted(glob.glob(os.path.join(directory, "lat.*.r*.json"))):
        m = re.match(r"lat\.(\w+)\.r(\d+)\.json$", os.path.basename(path))
        if not m or m.group(1) not in data:
            continue
        with open(path) as f:
            results = json.load(f)["results"]
        data[m.group(1)][int(m.group(2))] = {op: v["median_us"] for op, v in results.items()}
        for op in results:
            if op not in order:
                order.append(op)
    return data, order


def fmt(x, digits=1):
    return "-" if x is None else f"{x:,.{digits}f}"


def spread(values, digits=1):
    return f"{fmt(min(values), digits)}–{fmt(max(values), digits)}" if values else "-"


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "."
    data, order = load(directory)
    rounds = sorted(set.intersection(*(set(data[c]) for c in CONFIGS))) if all(data.values()) else []
    print("# tpm4j RM server vs tpm2-abrmd vs direct swtpm (tpm2-tss ESAPI client)\n")
    env = os.path.join(directory, "env.txt")
    if os.path.exists(env):
        with open(env) as f:
            print("".join("    " + line for line in f))
    if not rounds:
        print("no complete round of latency results")
    else:
        print(f"Rounds: {len(rounds)}. Values: median over rounds of per-round medians, [min–max over rounds], µs.\n")
        print("## Latency\n")
        print("| operation | TPM cmds | direct | tpm4j server | tpm2-abrmd |")
        print("|---|---:|---:|---:|---:|")
        for op in order:
            cells = []
            for c in CONFIGS:
                v = [data[c][r][op] for r in rounds if op in data[c][r]]
                cells.append(f"{fmt(statistics.median(v))} [{spread(v)}]" if v else "-")
            print(f"| {op} | {COMMANDS.get(op, 1)} | " + " | ".join(cells) + " |")

        print("\n## Overhead over direct, per TPM command\n")
        print("| operation | tpm4j (µs/cmd) | abrmd (µs/cmd) | tpm4j/abrmd | ratio min–max |")
        print("|---|---:|---:|---:|---:|")
        single = {"tpm4j": {r: [] for r in rounds}, "abrmd": {r: [] for r in rounds}}
        for op in order:
            n = COMMANDS.get(op, 1)
            over = {c: {} for c in ("tpm4j", "abrmd")}
            for r in rounds:
                if not all(op in data[c][r] for c in CONFIGS):
                    continue
                for c in over:
                    over[c][r] = (data[c][r][op] - data["direct"][r][op]) / n
                    if n == 1:
                        single[c][r].append(over[c][r])
            ratios = [over["tpm4j"][r] / over["abrmd"][r] for r in over["abrmd"] if over["abrmd"][r] > 0]
            print(f"| {op} | {fmt(statistics.median(over['tpm4j'].values()))} | "
                  f"{fmt(statistics.median(over['abrmd'].values()))} | "
                  f"{fmt(statistics.median(ratios), 3) if ratios else '-'} | {spread(ratios, 3)} |")
        per_round = {c: {r: statistics.median(v) for r, v in single[c].items() if v} for c in single}
        ratios = [per_round["tpm4j"][r] / per_round["abrmd"][r] for r in rounds
                  if r in per_round["abrmd"] and per_round["abrmd"][r] > 0]
        print(f"\nSingle-command operations (median over operations, then over rounds): tpm4j "
              f"{fmt(statistics.median(per_round['tpm4j'].values()))} µs/cmd "
              f"[{spread(list(per_round['tpm4j'].values()))}], abrmd "
              f"{fmt(statistics.median(per_round['abrmd'].values()))} µs/cmd "
              f"[{spread(list(per_round['abrmd'].values()))}], ratio tpm4j/abrmd "
              f"{fmt(statistics.median(ratios), 3) if ratios else '-'} [{spread(ratios, 3)}] (target ≤ 0.25).")

    counts = os.path.join(directory, "counts.tsv")
    if os.path.exists(counts):
        with open(counts) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        by = {(r["config"], r["sequence"]): r for r in rows}
        print("\n## TPM commands per client command (count_proxy.py in front of swtpm)\n")
        print("| bench_esys seq | client cmds (direct) | tpm4j TPM cmds | tpm4j ratio | tpm4j health client/tpm "
              "| abrmd TPM cmds | abrmd ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for s in sorted({r["sequence"] for r in rows}):
            client = int(by[("direct", s)]["proxy_commands"]) if ("direct", s) in by else None

            def cell(c):
                if (c, s) not in by:
                    return "-", "-"
                n = int(by[(c, s)]["proxy_commands"])
                return str(n), (f"{n / client:.2f}" if client else "-")

            t, tr = cell("tpm4j")
            a, ar = cell("abrmd")
            h = by.get(("tpm4j", s), {})
            health = f"{h.get('health_client') or '-'}/{h.get('health_tpm') or '-'}"
            print(f"| {s} | {client if client is not None else '-'} | {t} | {tr} | {health} | {a} | {ar} |")


if __name__ == "__main__":
    main()
