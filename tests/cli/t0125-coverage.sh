#!/usr/bin/env bash
# t0125-coverage.sh - a store made of part of the world (an extract of Algeria's trade, a
# Comtrade download of one reporter) never passes for the world: every query command whose
# answer sums flows the store does not hold says which figures, on stderr and in its
# "coverage" line (every format), and exits 3; a whole world (lever synth) says nothing and
# exits 0. Country codes CEPII changed between releases (Italy 381 -> 380) are one country.
. "$(dirname "$0")/lib.sh"

cd "$TMP"

expect "a whole world says nothing about coverage and exits 0" '
    synth_store w 20000 3 2>/dev/null
    for c in "depend AFG" "leverage KAZ --over AFG" "exposure AFG" "compare AFG --suppliers KAZ,UZB" \
             "change KAZ AFG" "indicators KAZ AFG" "chains AFG --product 1101" "transit KAZ AFG"; do
        lever_doc $c --store w.store > out.csv 2> err || { echo "$c: exit $?"; exit 1; }
        ! grep -q "^# coverage" out.csv
        [ ! -s err ]
    done
'

if need_shared "every query on the Algeria extract says what it lacks and exits 3"; then
    expect "every query on the Algeria extract says what it lacks and exits 3" '
        algeria_store 2>/dev/null
        while IFS="|" read -r c want; do
            rc=0; lever_doc $c --store dza.store > out.csv 2> err || rc=$?
            [ $rc = 3 ] || { echo "$c: exit $rc"; exit 1; }
            grep -q "^# coverage: .*$want" out.csv || { echo "$c: no coverage line with $want"; cat out.csv | head; exit 1; }
            grep -q "^lever: .*$want" err || { echo "$c: nothing on stderr"; exit 1; }
        done <<LIST
depend AFG|does not hold all of AFG.s imports and exports in 2021: it covers only the flows of DZA; computed on the flows it holds only: M(B)
depend DZA --product 1001|does not hold the whole world.s trade in 2021: it covers only the flows of DZA; computed on the flows it holds only: the world.s exports X(m,k)
leverage FRA --over DZA|does not hold all of FRA.s imports and exports in 2021
leverage DZA|does not hold the whole world.s trade in 2021
exposure DZA|the substitutability K and the salience S
compare DZA --suppliers FRA,DEU|does not hold all of FRA.s exports in 2021
change FRA DEU|holds no flows of FRA to DEU in 2021: it covers only the flows of DZA; the change.s figures of that year are unknown, not 0
indicators FRA DZA|W, W(k), the trade intensities
chains DZA --product 1101|the processors. imports
transit FRA DZA|does not hold all of FRA.s imports and exports in 2021
dyad FRA DEU|holds no flows of FRA to DEU in 2021
LIST
    '

    expect "the coverage line is in every format" '
        algeria_store 2>/dev/null
        uncovered $LEVER depend AFG --store dza.store --format json > out.json 2>/dev/null
        python3 -c "import json; m = json.load(open(\"out.json\"))[\"meta\"]; assert \"AFG\" in m[\"coverage\"], m"
        uncovered $LEVER depend AFG --store dza.store --format table > out.txt 2>/dev/null
        grep -q "^coverage: this store does not hold all of AFG" out.txt
    '

    expect "a pair the extract holds no flows of is not said to have no trade" '
        algeria_store 2>/dev/null
        uncovered lever_doc leverage FRA --over DEU --store dza.store > out.csv 2>/dev/null
        grep -qx "# note: FRA and DEU did not trade in these years in the flows this store holds" out.csv
        ! grep -q "leverage is 0" out.csv
    '

    expect "Italy is one country whatever the release (381 before V202301, 380 since)" '
        printf "t,i,j,k,v,q\n2019,381,12,100190,10,1\n" > old.csv
        printf "t,i,j,k,v,q\n2021,380,12,100190,20,2\n" > new.csv
        $LEVER import old.csv new.csv "$SHARED/dict/country_codes_V202001.csv" -o ita.store 2>/dev/null
        lever_doc country ITA --store ita.store | grep -q "^380,ITA,"
        lever_doc country 381 --store ita.store | grep -q "^380,ITA,"
        lever_doc dyad ITA DZA --store ita.store 2>/dev/null | grep -q "^2019,10000,"
        lever_doc dyad ITA DZA --store ita.store 2>/dev/null | grep -q "^2021,20000,"
    '
fi

expect "a Comtrade store of one reporter does not hold its partner's imports" '
    $LEVER import "$ROOT/tests/data/comtrade_plus/kaz_afg_annual.csv" -o ct.store 2>/dev/null
    rc=0; lever_doc depend AFG --store ct.store --year 2021 > out.csv 2>err || rc=$?
    [ $rc = 3 ]
    grep -q "^# coverage: this store does not hold all of AFG.s imports" out.csv
    grep -qx "# data: UN Comtrade Plus HS22, downloaded .*" out.csv || grep -q "^# data: UN Comtrade Plus HS22, downloaded " out.csv
'

finish
