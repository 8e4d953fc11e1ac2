#!/usr/bin/env bash
# t0540-text: what lever stores and prints is valid UTF-8. Dictionaries saved as Latin-1
# (Windows-1252) are converted with a warning naming the first place; the JSON of every
# command that names countries or products parses (python3 -m json.tool) and decodes as
# UTF-8 with the expected characters.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
printf 'code,description\n100190,Bl\xe9 dur et m\xe9teil \x96 autre\n270900,P\xe9trole brut\n' > products.csv
printf 'country_code,country_name,country_iso2,country_iso3\n251,France,FR,FRA\n384,C\xf4te d\x27Ivoire,CI,CIV\n12,Alg\xe9rie,DZ,DZA\n' > countries.csv
printf 't,i,j,k,v,q\n2021,251,12,100190,1500.5,2\n2021,384,12,270900,2.25,NA\n2021,12,251,270900,9,1\n' > rows.csv

utf8() { python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")'; }

expect "a Latin-1 dictionary is converted to UTF-8, with one warning per file naming the first place" '
    "$LEVER" import -q products.csv countries.csv rows.csv -o t.store 2>err
    grep -q "^lever: warning: products.csv:2:8: text that is not UTF-8 (byte 0xE9): read as Latin-1" err
    grep -q "^lever: warning: countries.csv:3:5: text that is not UTF-8 (byte 0xF4)" err
    [ "$(grep -c "not UTF-8" err)" -eq 2 ]'

expect "the converted names come out as UTF-8: é, –, ô" '
    "$LEVER" product 100190 --store t.store > p.out
    utf8 < p.out
    grep -q "Blé dur et méteil – autre" p.out
    "$LEVER" country CIV --store t.store | grep -q "Côte d'"'"'Ivoire"'

expect "JSON of info, country, product, dyad and depend is valid JSON and valid UTF-8" '
    for cmd in "info" "country CIV" "product 100190" "dyad CIV DZA" "depend DZA"; do
        "$LEVER" $cmd --store t.store --format json > j.out || { echo "$cmd failed"; exit 1; }
        python3 -m json.tool j.out > /dev/null || { echo "$cmd: invalid JSON"; exit 1; }
        utf8 < j.out || { echo "$cmd: invalid UTF-8"; exit 1; }
    done
    "$LEVER" dyad CIV DZA --store t.store --format json | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert \"Côte d'"'"'Ivoire\" in json.dumps(d, ensure_ascii=False), d"'

expect "UTF-8 dictionaries are kept byte for byte, without a warning" '
    printf "code,description\n100190,Blé dur\n" > utf8.csv
    "$LEVER" import -q utf8.csv rows.csv -o u.store 2>err
    ! grep -q "not UTF-8" err
    "$LEVER" product 100190 --store u.store | grep -q "Blé dur"'

expect "small text files (events, groups, borders edits) in Latin-1 are refused at the first bad byte, file:line:column" '
    "$LEVER" import -q rows.csv -o e.store
    printf "date,countries,label,source\n2021-08-15,DZA,Visite d\xe9tat,presse\n" > events.csv
    exits 1 "$LEVER" dyad FRA DZA --store e.store --events events.csv
    grep -q "^lever: events.csv:2:24: byte 0xE9 is not valid UTF-8; save the file as UTF-8" "$TMP/err"
    printf "# c\xe9r\xe9ales\ncereals = 10\n" > groups.txt
    exits 1 "$LEVER" depend DZA --product cereals --groups groups.txt --store e.store
    grep -q "groups.txt:1:4: byte 0xE9 is not valid UTF-8" "$TMP/err"
    printf "close,AFG,CHN\n# ferm\xe9\n" > edits.csv
    exits 1 "$LEVER" transit FRA DZA --borders edits.csv --store e.store
    grep -q "edits.csv:2:7: byte 0xE9 is not valid UTF-8" "$TMP/err"'

finish
