#!/usr/bin/env bash
# sources.sh - the speed of lever's other sources, beside bench/run.sh's steps:
#
#     bench/sources.sh [--rows N] [--repeat N] [--lever PATH]
#
#  S1 import per row: one synthetic world (`lever synth`, BACI layout) written twice, as the
#     BACI CSV and as a UN Comtrade Plus CSV of the downloads (47 columns, one importer's
#     declaration per flow, the same values in USD and kg); `lever import` of each, best of
#     --repeat, in nanoseconds per row. Target: Comtrade Plus within 2x of BACI per row.
#  S2 one question over two stores: `lever dyad A B --top 0` on the BACI store, then with
#     `--store BACI --store COMTRADE` (each year from the best store, the overlap compared),
#     as whole processes, best of --repeat (x10). Target: within 2x of one store.
#
# Prints the figures and writes them as JSON to bench/work/sources-ROWS.json. Why a script of
# its own: it needs neither DuckDB nor the 30M-row world, so it runs in a minute.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rows=1000000
repeat=3
lever=${LEVER:-$root/build/lever}
while [ $# -gt 0 ]; do
    case $1 in
    --rows) rows=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --lever) lever=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "sources.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
work=$here/work/sources
mkdir -p "$work"
baci=$work/baci-$rows.csv
ct=$work/comtrade-$rows.csv

"$lever" synth --rows "$rows" --seed 1 -o "$baci" 2>/dev/null
# the same flows as Comtrade Plus records: importer j declares M from i (values USD, kg)
gawk -F, -v header="$(head -1 "$root/tests/data/comtrade_plus/kaz_afg_annual.csv")" '
    BEGIN { print header; OFS = "," }
    /^#/ || $1 == "t" { next }
    {
        v = $5; q = $6
        kg = (q == "NA" || q == "") ? "" : q * 1000
        printf "C,A,%d0101,%d,52,%d,%d,,,M,Import,%d,,,0,W00,World,H5,HS,True,%06d,,6,True,C00,TOTAL CPC,0,0,TOTAL MOT,8,kg,%s,False,-1,N/A,,False,%s,False,,False,%.3f,,%.3f,0,True,False\n",
            $1, $1, $1, $3, $2, $4, kg, kg, v * 1000, v * 1000
    }' "$baci" >"$ct"

best() { # "WALL CPU" in seconds of the run of "$@" with the best wall time, run $n times
    local n=$1; shift
    python3 - "$n" "$@" <<'PY'
import resource, subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
best = None
for _ in range(n):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    t = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if best is None or t < best[0]:
        best = (t, cpu)
print("%.6f %.6f" % best)
PY
}

read -r t_baci c_baci < <(best "$repeat" "$lever" import -q "$baci" -o "$work/baci.store")
read -r t_ct c_ct < <(best "$repeat" "$lever" import -q "$ct" -o "$work/ct.store")
n_baci=$(($(wc -l <"$baci") - 2))
n_ct=$(($(wc -l <"$ct") - 1))
a=CHN b=USA # the largest exporter of the synthetic world and its largest destination
read -r t_one _ < <(best $((repeat * 10)) "$lever" dyad $a $b --top 0 --store "$work/baci.store" --format csv)
read -r t_two _ < <(best $((repeat * 10)) "$lever" dyad $a $b --top 0 --store "$work/baci.store" --store "$work/ct.store" --format csv)
python3 - "$rows" "$t_baci" "$c_baci" "$n_baci" "$t_ct" "$c_ct" "$n_ct" "$t_one" "$t_two" \
    "$work/../sources-$rows.json" <<'PY'
import json, sys
rows, tb, cb, nb, tc, cc, nc, t1, t2, out = sys.argv[1:]
tb, cb, tc, cc, t1, t2 = map(float, (tb, cb, tc, cc, t1, t2))
nb, nc = int(nb), int(nc)
r = {"rows": int(rows), "baci_import_s": tb, "baci_cpu_s": cb, "baci_rows": nb,
     "baci_ns_per_row": tb / nb * 1e9, "comtrade_import_s": tc, "comtrade_cpu_s": cc,
     "comtrade_rows": nc, "comtrade_ns_per_row": tc / nc * 1e9,
     "dyad_one_store_s": t1, "dyad_two_stores_s": t2}
r["import_ratio"] = r["comtrade_ns_per_row"] / r["baci_ns_per_row"]
r["import_cpu_ratio"] = (cc / nc) / (cb / nb)
r["two_stores_ratio"] = t2 / t1
json.dump(r, open(out, "w"), indent=1)
print("S1 import: BACI CSV %.0f ns/row (%d rows, %.3f s, CPU %.3f s); Comtrade Plus CSV %.0f ns/row "
      "(%d records, %.3f s, CPU %.3f s): %.2fx per row (CPU %.2fx; target 2x)"
      % (r["baci_ns_per_row"], nb, tb, cb, r["comtrade_ns_per_row"], nc, tc, cc,
         r["import_ratio"], r["import_cpu_ratio"]))
print("S2 lever dyad CHN USA: one store %.1f ms, two stores %.1f ms: %.2fx (target 2x)"
      % (t1 * 1e3, t2 * 1e3, r["two_stores_ratio"]))
PY
