#!/usr/bin/env bash
# geo-derive.sh DIST_CSV GEO_CSV OUT_DIR - derives the border data lever ships
# (data/geo/contiguity.csv and data/geo/countries.csv) from CEPII GeoDist's dist_cepii and
# geo_cepii tables as CSV. Kept so the shipped files can be rebuilt and checked: they are
# these two gawk passes and nothing else (FPAT: geo_cepii quotes names that hold commas).
# See data/geo/README.md.
#
# CEPII codes that are not today's ISO 3166 alpha-3 are renamed (ROM Romania -> ROU,
# ZAR Congo DR -> COD, TMP East Timor -> TLS, PAL Palestine -> PSE, YUG Serbia and
# Montenegro -> SRB); ANT (Netherlands Antilles) is kept as it is.
set -euo pipefail
dist=${1:?usage: geo-derive.sh DIST_CSV GEO_CSV OUT_DIR}
geo=${2:?usage: geo-derive.sh DIST_CSV GEO_CSV OUT_DIR}
out=${3:?usage: geo-derive.sh DIST_CSV GEO_CSV OUT_DIR}
export LC_ALL=C
rename='BEGIN { r["ROM"] = "ROU"; r["ZAR"] = "COD"; r["TMP"] = "TLS"; r["PAL"] = "PSE";
                r["YUG"] = "SRB" }
        function iso(c) { return (c in r) ? r[c] : c }'
{
    echo "iso3_a,iso3_b"
    gawk -v FPAT='([^,]*)|("[^"]*")' "$rename"'
        NR == 1 { for (f = 1; f <= NF; f++) col[$f] = f; next }
        $col["contig"] == 1 {
            a = iso($col["iso_o"]); b = iso($col["iso_d"])
            if (a < b) print a "," b
        }' "$dist" | sort -u
} >"$out/contiguity.csv"
{
    echo "iso3,landlocked"
    gawk -v FPAT='([^,]*)|("[^"]*")' "$rename"'
        NR == 1 { for (f = 1; f <= NF; f++) col[$f] = f; next }
        { print iso($col["iso3"]) "," $col["landlocked"] }' "$geo" | sort -u
} >"$out/countries.csv"
