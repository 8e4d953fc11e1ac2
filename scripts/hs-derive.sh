#!/usr/bin/env bash
# hs-derive.sh CONCORDANCES_CSV OUT_DIR - derives the HS correlation tables lever ships
# (data/hs/HS96_HS92.csv ... HS22_HS17.csv) from UNSD's correlation tables between adjacent
# HS editions as consolidated in one CSV (header code.after,code.before,Relationship,
# adjustment; adjustment "1996 to 1992" ... "2022 to 2017"). Kept so the shipped files can
# be rebuilt and checked: one gawk pass and a sort, nothing else. Codes get back their
# leading zero (10111 is 010111). See data/hs/README.md.
set -euo pipefail
src=${1:?usage: hs-derive.sh CONCORDANCES_CSV OUT_DIR}
out=${2:?usage: hs-derive.sh CONCORDANCES_CSV OUT_DIR}
export LC_ALL=C
for step in "1996 1992 HS96 HS92" "2002 1996 HS02 HS96" "2007 2002 HS07 HS02" \
            "2012 2007 HS12 HS07" "2017 2012 HS17 HS12" "2022 2017 HS22 HS17"; do
    set -- $step
    {
        echo "$3,$4,relationship"
        gawk -F, -v adj="$1 to $2" '
            NR > 1 && $4 == adj { printf "%06d,%06d,%s\n", $1, $2, $3 }' "$src" | sort -u
    } >"$out/$3_$4.csv"
done
