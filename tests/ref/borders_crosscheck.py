#!/usr/bin/env python3
"""borders_crosscheck.py - compares the land borders lever ships (data/geo/contiguity.csv,
from CEPII GeoDist, about 2011) with GeoDataSource's country borders (a more recent,
independent list; CC BY-SA 4.0, "includes Country Borders data available from
geodatasource.com"), and prints every difference among the countries both know.

usage: borders_crosscheck.py CONTIGUITY_CSV GEODATASOURCE_CSV ISO_3166_JSON [--must A-B,...]
ISO_3166_JSON: Debian iso-codes' iso_3166-1.json, for ISO2 -> ISO3. --must lists pairs both
sources must hold; the exit status is 1 when one is missing from either.
"""
import csv
import json
import sys

sys.dont_write_bytecode = True


def main():
    args = sys.argv[1:]
    must = []
    if "--must" in args:
        n = args.index("--must")
        must = [tuple(sorted(p.split("-"))) for p in args[n + 1].split(",")]
        del args[n:n + 2]
    contiguity, gds, iso_json = args
    alpha3 = {c["alpha_2"]: c["alpha_3"] for c in json.load(open(iso_json))["3166-1"]}
    with open(contiguity, newline="") as f:
        cepii = {tuple(sorted(r)) for r in list(csv.reader(f))[1:]}
    other = set()
    with open(gds, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            a, b = alpha3.get(r["country_code"]), alpha3.get(r["country_border_code"])
            if a and b:
                other.add(tuple(sorted((a, b))))
    both = {c for p in cepii for c in p} & {c for p in other for c in p}
    only_cepii = sorted(p for p in cepii - other if p[0] in both and p[1] in both)
    only_other = sorted(p for p in other - cepii if p[0] in both and p[1] in both)
    for p in only_cepii:
        print("only in CEPII GeoDist: %s-%s" % p)
    for p in only_other:
        print("only in GeoDataSource: %s-%s" % p)
    print("borders: %d pairs in CEPII GeoDist, %d in GeoDataSource, %d agree, %d differ "
          "(countries known to both: %d)"
          % (len(cepii), len(other), len(cepii & other), len(only_cepii) + len(only_other),
             len(both)))
    missing = [p for p in must if p not in cepii or p not in other]
    for p in missing:
        print("missing from a source: %s-%s" % p)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
