/*
 * baci_codes.c - the country codes BACI uses that are not ISO 3166 numeric codes.
 *
 * BACI numbers countries by ISO 3166-1 numeric, except for a few territories it groups
 * (France with Monaco is 251, not 250; the USA with Puerto Rico 842, not 840; ...) and
 * for former countries and "not elsewhere specified" areas. When an import has no BACI
 * country dictionary, these facts (from CEPII's country_codes files) name them; every
 * other code is looked up in Debian's iso-codes.
 */
#include "store_internal.h"

#include <stdlib.h>

typedef struct baci_code {
    uint16_t code;
    const char *iso3, *iso2, *name, *full_name;
} baci_code;

static const baci_code baci_codes[] = {
    {58, "BEL", "BE", "Belgium-Luxembourg", "Belgium-Luxembourg"},
    {200, "CSK", "CS", "Czechoslovakia", "Czechoslovakia"},
    {251, "FRA", "FR", "France", "France, Monaco"},
    {278, "DDR", "DD", "Fmr Dem. Rep. of Germany", "Former Democratic Republic of Germany"},
    {280, "DEU", "DE", "Fmr Fed. Rep. of Germany", "Former Federal Republic of Germany"},
    {490, "", "", "Other Asia, nes", "Other Asia, not elsewhere specified"},
    {530, "ANT", "AN", "Neth. Antilles", "Netherlands Antilles"},
    {579, "NOR", "NO", "Norway", "Norway, Svalbard and Jan Mayen"},
    {697, "", "", "Europe EFTA, nes", "Europe EFTA, not elsewhere specified"},
    {699, "IND", "IN", "India", "India"},
    {711, "ZAF", "ZA", "So. African Customs Union", "Southern African Customs Union"},
    {736, "SDN", "SD", "Fmr Sudan", "Former Sudan"},
    {757, "CHE", "CH", "Switzerland", "Switzerland, Liechtenstein"},
    {810, "SUN", "SU", "Fmr USSR", "Former USSR"},
    {842, "USA", "US", "USA", "USA, Puerto Rico and US Virgin Islands"},
    {849, "", "", "US Misc. Pacific Isds", "US Miscellaneous Pacific Islands"},
    {891, "SCG", "CS", "Serbia and Montenegro", "Serbia and Montenegro"},
};

int baci_country(int code, char iso3[4], char iso2[4], char **name, char **full_name)
{
    for (size_t n = 0; n < sizeof baci_codes / sizeof baci_codes[0]; n++) {
        const baci_code *c = &baci_codes[n];
        if (c->code != code)
            continue;
        snprintf(iso3, 4, "%s", c->iso3);
        snprintf(iso2, 4, "%s", c->iso2);
        *name = strdup(c->name);
        *full_name = strdup(c->full_name);
        if (*name && *full_name)
            return 1;
        free(*name);
        free(*full_name);
        *name = *full_name = NULL;
        return -1;
    }
    return 0;
}
