#!/usr/bin/env bash
# t0130-several-stores.sh - `lever dyad A B --store S1 --store S2`: one question over a BACI
# store (a hand-made KAZ-AFG history, 2015-2021) and a Comtrade store (the made-up Comtrade
# Plus files, 2021-2023). Each year's figures come from the best store holding it (BACI
# before Comtrade where both hold both directions), labelled per year; the overlap year is
# shown side by side; a year no store holds, or a direction a store does not hold, is said,
# not 0. The figures are checked against awk (BACI CSV) and Python (Comtrade files: KAZ's own
# declarations, the "best" source from KAZ's side), not against lever.
. "$(dirname "$0")/lib.sh"

cd "$TMP"
BACI=$ROOT/tests/data/stores/handmade_hs92_v202301_kaz_afg_2015_2021.csv
CT=$ROOT/tests/data/comtrade_plus
"$LEVER" import -q "$BACI" -o baci.store
"$LEVER" import -q "$CT/kaz_afg_annual.csv" "$CT/kaz_afg_monthly.json" -o ct.store 2>/dev/null

# year,a_to_b,b_to_a of the BACI file (USD), and of KAZ's own Comtrade declarations
awk -F, "$USD"'
    NR > 1 && $2 == 398 && $3 == 4 { ab[$1] += usd($5) }
    NR > 1 && $2 == 4 && $3 == 398 { ba[$1] += usd($5) }
    END { for (t in ab) printf "%d,%d,%d,BACI,1\n", t, ab[t], ba[t] }' "$BACI" | sort > want_baci.csv
python3 - "$CT/kaz_afg_annual.csv" "$CT/kaz_afg_monthly.json" > want_ct.csv <<'PY'
import csv, json, sys
from decimal import Decimal, ROUND_HALF_UP
recs = list(csv.DictReader(open(sys.argv[1], newline="")))
recs += json.load(open(sys.argv[2]))["data"]
ab, ba, declared_m = {}, {}, set()
for r in recs:
    s = {k: ("" if v is None else str(v)) for k, v in r.items()}
    if s["customsCode"] != "C00" or s["motCode"] != "0" or s.get("partner2Code", "0") not in ("0", ""):
        continue
    if len(s["cmdCode"]) != 6 or s["reporterCode"] != "398":
        continue
    year = int(s["refYear"])
    if s["flowCode"] == "M" and s["partnerCode"] != "0":
        declared_m.add(year)
    if s["flowCode"] == "X" and s["partnerCode"] == "4":
        ab[year] = ab.get(year, Decimal(0)) + Decimal(s["primaryValue"])
    if s["flowCode"] == "M" and s["partnerCode"] == "4":
        ba[year] = ba.get(year, Decimal(0)) + Decimal(s["primaryValue"])
for year in sorted(ab):
    usd = lambda d: str(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    b = usd(ba.get(year, Decimal(0))) if year in declared_m else ""
    print("%d,%s,%s,reported,2" % (year, usd(ab[year]), b))
PY

expect "each year from the best store, labelled, checked against awk and Python" '
    uncovered lever_doc dyad KAZ AFG --years 2015-2024 --store baci.store --store ct.store > out.csv 2> err
    table years < out.csv | awk -F, "\$5 != \"none\" { print \$1 \",\" \$2 \",\" \$3 \",\" \$5 \",\" \$6 }" > got.csv
    # BACI for 2015-2021 (2021 too: both stores hold it, BACI first), Comtrade after
    awk -F, "\$1 > 2021" want_ct.csv | cat want_baci.csv - > want.csv
    diff got.csv want.csv
    table years < out.csv | grep -q "^2024,,,,none,,no store holds this year,,$"
    grep -q "^# data: per year, from the store named in the table: 1 = baci.store (BACI HS92 V202301); 2 = ct.store (UN Comtrade Plus HS22, downloaded " out.csv
    grep -q "^lever: no store holds 2024$" err
    grep -q "^lever: store 2: this store holds no flows of AFG to KAZ in 2023: it covers only reporters" err
'

expect "the overlap year is compared side by side, with the difference to the figures used" '
    uncovered lever_doc dyad KAZ AFG --years 2015-2024 --store baci.store --store ct.store > out.csv 2>/dev/null
    table overlap < out.csv > overlap.csv
    [ "$(wc -l < overlap.csv)" -eq 2 ]
    ab_baci=$(awk -F, "\$1 == 2021 { print \$2 }" want_baci.csv)
    ab_ct=$(awk -F, "\$1 == 2021 { print \$2 }" want_ct.csv)
    grep -q "^2021,1,1,$ab_baci," overlap.csv
    grep -q "^2021,2,0,$ab_ct,,," overlap.csv
    awk -F, -v b="$ab_baci" -v c="$ab_ct" "\$1 == 2021 && \$2 == 2 { d = (c - b) / b; x = \$7 - d; if (x < 0) x = -x; exit !(x < 1e-12) }" overlap.csv
'

expect "the order of the stores does not change which figures a year uses" '
    uncovered lever_doc dyad KAZ AFG --years 2015-2023 --store ct.store --store baci.store > out2.csv 2>/dev/null
    table years < out2.csv | awk -F, "\$1 == 2021 { print \$2, \$5, \$6 }" | grep -qx "$(awk -F, "\$1 == 2021 { print \$2 }" want_baci.csv) BACI 2"
'

expect "one store only where several make no sense" '
    exits 2 "$LEVER" depend AFG --store baci.store --store ct.store
    grep -q "give one --store (only .lever dyad. answers over several stores)" "$TMP/err"
'

finish
