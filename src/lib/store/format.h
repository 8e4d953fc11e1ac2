/*
 * format.h - the store's on-disk layout: the header, the section table, and the
 * records of the sections. Read by the store reader (store.c) and written by the
 * store writer (store_write.c); nothing else needs it.
 *
 * Why a columnar, sorted, precomputed layout: every lever question is a sum over
 * flows selected by (year, exporter, importer, product). Rows are sorted by
 * (t, i, j, k), so all flows of an exporter in a year, and of a dyad, are one
 * contiguous range (the exporter offsets give a row's exporter, so rows carry none);
 * a permutation sorted by (t, j, k, i) gives every supplier of (j, k) as one range.
 * Values and quantities take 4 bytes a row, the rare larger ones a side table: a row
 * costs 16 bytes, so fewer pages to write at import and to map at query time. The sums
 * every indicator needs (M(j,k), X(i,k), W(k), M(j), X(i), sum of v^2 per (j,k)) are
 * computed once at import, so a query reads only the few pages it needs from the map.
 *
 * The structs below are the bytes on disk, mapped and read in place: their sizes and
 * field offsets are checked at compile time, and the format is little-endian, which
 * the compiler confirms when it can (store_host_little_endian() checks at run time
 * otherwise; lever_open and the writer refuse on a big-endian host).
 */
#ifndef LEVER_FORMAT_H
#define LEVER_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* On-disk format (little-endian, every section 4096-aligned)          */
/* ------------------------------------------------------------------ */

#define STORE_MAGIC "LEVERSTO"
#define STORE_FORMAT_VERSION 4u
#define STORE_HEADER_BYTES 256u
#define STORE_ALIGN 4096u
#define STORE_MAX_COUNTRIES 65535 /* indices 0..65534; 0xFFFF marks "no index" */
#define STORE_FLAG_SYNTHETIC 1u
#define STORE_FLAG_COMTRADE 2u /* rows are Comtrade flows: SEC_DECL holds both declarations */

typedef struct store_header {
    char magic[8];            /* STORE_MAGIC, not NUL-terminated */
    uint32_t format_version;  /* STORE_FORMAT_VERSION */
    uint32_t header_bytes;    /* STORE_HEADER_BYTES */
    uint32_t flags;           /* STORE_FLAG_* */
    uint32_t n_sections;
    uint64_t file_bytes;
    uint64_t rows;
    uint32_t n_years, n_countries, n_products, reserved0;
    char hs_version[16];      /* NUL-terminated */
    char release[32];         /* NUL-terminated */
    uint32_t sources;         /* offset of the sources string in SEC_STRINGS */
    uint32_t converted;       /* offset in SEC_STRINGS of what was converted between HS
                                 editions ("" when nothing was); 0 in older stores */
    uint8_t reserved[120];
    uint64_t checksum;        /* XXH64 of the 256 header bytes with this field 0, seed 0 */
} store_header;

typedef struct store_section {
    uint32_t id;        /* SEC_* */
    uint32_t elem_size; /* bytes per element, for bounds checks */
    uint64_t offset;    /* from the start of the file, STORE_ALIGN-aligned */
    uint64_t length;    /* bytes */
    uint64_t checksum;  /* XXH3-64 of the section's entries in SEC_BLOCK_SUMS (of the section
                           bytes themselves for SEC_BLOCK_SUMS) */
} store_section;        /* the table follows the header at offset STORE_HEADER_BYTES */

enum {
    SEC_STRINGS = 1,   /* char[]: NUL-terminated strings, offset 0 is "" */
    SEC_COUNTRIES,     /* store_country[n_countries], by code */
    SEC_PRODUCTS,      /* store_product[n_products], by hs6 */
    SEC_YEARS,         /* store_year[n_years], by year */
    SEC_FLOW_J,        /* uint16_t[rows]: importer index; rows sorted by (t, i, j, k), the
                          exporter is given by SEC_EXP_OFF */
    SEC_FLOW_K,        /* uint16_t[rows]: product index */
    SEC_FLOW_V,        /* uint32_t[rows]: value, USD; STORE_V_BIG: see SEC_BIG_V */
    SEC_FLOW_Q,        /* uint32_t[rows]: quantity, kg; STORE_Q_MISSING, or STORE_Q_BIG: see
                          SEC_BIG_Q */
    SEC_BIG_V,         /* store_big[]: values of 2^32 - 1 USD and more, by row */
    SEC_BIG_Q,         /* store_big[]: quantities of 2^32 - 2 kg and more, by row */
    SEC_EXP_OFF,       /* uint64_t[n_years * (C+1)]: first row of exporter c in year y */
    SEC_BY_IMP,        /* uint32_t[rows]: row ids sorted by (t, j, k, i) */
    SEC_IMP_OFF,       /* uint64_t[n_years * (C+1)]: first SEC_BY_IMP position of importer c */
    SEC_MJK,           /* store_mjk[]: one per (t, j, k) with imports, sorted (t, j, k) */
    SEC_MJK_OFF,       /* uint64_t[n_years * (C+1)]: first SEC_MJK entry of importer c */
    SEC_XIK,           /* store_xik[]: one per (t, i, k) with exports, sorted (t, i, k) */
    SEC_XIK_OFF,       /* uint64_t[n_years * (C+1)]: first SEC_XIK entry of exporter c */
    SEC_M_J,           /* uint64_t[n_years * C]: M(j) */
    SEC_X_I,           /* uint64_t[n_years * C]: X(i) */
    SEC_W_K,           /* uint64_t[n_years * P]: W(k) */
    SEC_UV_MEDIAN,     /* double[n_years * P]: world median unit value of k, USD/kg, NaN if none */
    SEC_DECL,          /* store_decl[rows] in a Comtrade store (both declarations of each row),
                          else empty */
    SEC_COVER,         /* uint8_t[n_years * C]: COVER_* flags (base.h), what the store holds of
                          each country in each year */
    SEC_REFLOWS,       /* store_reflow[]: Comtrade re-exports and re-imports, kept apart, by
                          (year, reporter, partner, flow, hs6) */
    SEC_BLOCK_SUMS,    /* uint64_t[file blocks before it]: XXH3 of the section bytes in each
                          4096-byte block of the file (0 for the header's block); last in the
                          file. A section's table checksum is the XXH3 of its slice of these. */
    SEC_COUNT_PLUS_ONE
};
#define STORE_N_SECTIONS (SEC_COUNT_PLUS_ONE - 1)

typedef struct store_country {
    uint16_t code;
    uint8_t known;      /* 1 when a dictionary or iso-codes named it */
    uint8_t reserved;
    char iso3[4];       /* NUL-terminated, "" when unknown */
    char iso2[4];
    uint32_t name;      /* offsets in SEC_STRINGS */
    uint32_t full_name;
} store_country;

typedef struct store_product {
    uint32_t hs6;
    uint32_t description; /* offset in SEC_STRINGS */
} store_product;

#define STORE_YEAR_CONVERTED 1u /* some rows of the year were converted from another HS edition */
#define STORE_YEAR_SPLIT 2u     /* some converted values were split over several codes */

typedef struct store_year {
    int32_t year;
    uint32_t flags;                  /* STORE_YEAR_*; 0 in older stores */
    uint64_t row_start, row_count;   /* rows of this year: [row_start, row_start+row_count) */
    uint64_t mjk_start, mjk_count;   /* entries of SEC_MJK */
    uint64_t xik_start, xik_count;   /* entries of SEC_XIK */
} store_year;

/* Values and quantities take 4 bytes a row; the few that do not fit (flows of $4.3bn
 * or 4.3 Mt and more) are marked and kept whole in a table sorted by row. */
#define STORE_V_BIG UINT32_MAX
#define STORE_Q_MISSING UINT32_MAX
#define STORE_Q_BIG (UINT32_MAX - 1u)

typedef struct store_big {
    uint64_t row;
    uint64_t value; /* USD or kg */
} store_big;

/* M(j,k) is below 2^48 USD (the import checks it), so the sum of squares, at most
 * M(j,k)^2, fits in 96 bits. */
#define STORE_MJK_LIMIT ((uint64_t)1 << 48)

typedef struct store_mjk {
    uint16_t j, k;        /* importer and product index */
    uint32_t n_suppliers; /* N: exporters with a flow; their rows are imp_pos.. */
    uint32_t imp_pos;     /* first SEC_BY_IMP position of this (t, j, k); N entries follow */
    uint32_t sumsq_hi;    /* sum over i of v(i->j,k)^2, a 96-bit integer: high 32 bits */
    uint64_t sumsq_lo;    /* and low 64 bits */
    uint64_t m;           /* M(j,k), USD */
} store_mjk;

typedef struct store_xik {
    uint16_t i, k;        /* exporter and product index */
    uint32_t n_dest;      /* importers with a flow */
    uint64_t x;           /* X(i,k), USD */
    uint64_t vmax;        /* largest v(i->j,k) over j */
} store_xik;


/* A Comtrade row's two declarations: the exporter's (X, FOB) and the importer's (M, CIF),
 * as declared; STORE_DECL_NONE when that side declared nothing. The row's value in
 * SEC_FLOW_V is the importer's declaration when there is one, else the exporter's. */
#define STORE_DECL_NONE UINT64_MAX
typedef struct store_decl {
    uint64_t vx, vm; /* USD or STORE_DECL_NONE */
    int64_t qx, qm;  /* kg or LEVER_QTY_MISSING */
} store_decl;

typedef struct store_reflow {
    int32_t year;
    uint16_t reporter, partner; /* country codes */
    uint32_t hs6;
    uint32_t flow;              /* 0 re-import (RM), 1 re-export (RX) */
    uint64_t value;             /* USD */
    int64_t kg;                 /* or LEVER_QTY_MISSING */
} store_reflow;
/* XXH3 (64 bits) of a block of the file (blockhash.c): the library's, or the same compiled
 * for AVX2 when the processor has it. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LEVER_HAVE_AVX2_HASH 1
uint64_t store_block_hash_avx2(const void *p, size_t len);
#else
#define LEVER_HAVE_AVX2_HASH 0
#endif
uint64_t store_block_hash(const void *p, size_t len);

/* ------------------------------------------------------------------ */
/* Layout checks: a change here is a change of the file format         */
/* ------------------------------------------------------------------ */

#define FORMAT_AT(type, field, offset) \
    _Static_assert(offsetof(type, field) == (offset), #type "." #field " moved on disk")
#define FORMAT_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type " changed size")

FORMAT_SIZE(store_header, 240); /* in a STORE_HEADER_BYTES area, the rest zero */
_Static_assert(sizeof(store_header) <= STORE_HEADER_BYTES, "header larger than its area");
FORMAT_AT(store_header, magic, 0);
FORMAT_AT(store_header, format_version, 8);
FORMAT_AT(store_header, header_bytes, 12);
FORMAT_AT(store_header, flags, 16);
FORMAT_AT(store_header, n_sections, 20);
FORMAT_AT(store_header, file_bytes, 24);
FORMAT_AT(store_header, rows, 32);
FORMAT_AT(store_header, n_years, 40);
FORMAT_AT(store_header, n_countries, 44);
FORMAT_AT(store_header, n_products, 48);
FORMAT_AT(store_header, reserved0, 52);
FORMAT_AT(store_header, hs_version, 56);
FORMAT_AT(store_header, release, 72);
FORMAT_AT(store_header, sources, 104);
FORMAT_AT(store_header, converted, 108);
FORMAT_AT(store_header, reserved, 112);
FORMAT_AT(store_header, checksum, 232);

FORMAT_SIZE(store_section, 32);
FORMAT_AT(store_section, id, 0);
FORMAT_AT(store_section, elem_size, 4);
FORMAT_AT(store_section, offset, 8);
FORMAT_AT(store_section, length, 16);
FORMAT_AT(store_section, checksum, 24);

FORMAT_SIZE(store_country, 20);
FORMAT_AT(store_country, code, 0);
FORMAT_AT(store_country, known, 2);
FORMAT_AT(store_country, reserved, 3);
FORMAT_AT(store_country, iso3, 4);
FORMAT_AT(store_country, iso2, 8);
FORMAT_AT(store_country, name, 12);
FORMAT_AT(store_country, full_name, 16);

FORMAT_SIZE(store_product, 8);
FORMAT_AT(store_product, hs6, 0);
FORMAT_AT(store_product, description, 4);

FORMAT_SIZE(store_year, 56);
FORMAT_AT(store_year, year, 0);
FORMAT_AT(store_year, flags, 4);
FORMAT_AT(store_year, row_start, 8);
FORMAT_AT(store_year, row_count, 16);
FORMAT_AT(store_year, mjk_start, 24);
FORMAT_AT(store_year, mjk_count, 32);
FORMAT_AT(store_year, xik_start, 40);
FORMAT_AT(store_year, xik_count, 48);

FORMAT_SIZE(store_big, 16);
FORMAT_AT(store_big, row, 0);
FORMAT_AT(store_big, value, 8);

FORMAT_SIZE(store_mjk, 32);
FORMAT_AT(store_mjk, j, 0);
FORMAT_AT(store_mjk, k, 2);
FORMAT_AT(store_mjk, n_suppliers, 4);
FORMAT_AT(store_mjk, imp_pos, 8);
FORMAT_AT(store_mjk, sumsq_hi, 12);
FORMAT_AT(store_mjk, sumsq_lo, 16);
FORMAT_AT(store_mjk, m, 24);

FORMAT_SIZE(store_xik, 24);
FORMAT_AT(store_xik, i, 0);
FORMAT_AT(store_xik, k, 2);
FORMAT_AT(store_xik, n_dest, 4);
FORMAT_AT(store_xik, x, 8);
FORMAT_AT(store_xik, vmax, 16);

FORMAT_SIZE(store_decl, 32);
FORMAT_AT(store_decl, vm, 8);
FORMAT_AT(store_decl, qx, 16);
FORMAT_AT(store_decl, qm, 24);

FORMAT_SIZE(store_reflow, 32);
FORMAT_AT(store_reflow, reporter, 4);
FORMAT_AT(store_reflow, partner, 6);
FORMAT_AT(store_reflow, hs6, 8);
FORMAT_AT(store_reflow, flow, 12);
FORMAT_AT(store_reflow, value, 16);
FORMAT_AT(store_reflow, kg, 24);

/* The columns' element types, and the double of SEC_UV_MEDIAN (IEEE 754 binary64). */
_Static_assert(sizeof(double) == 8, "SEC_UV_MEDIAN holds 8-byte doubles");
_Static_assert(STORE_N_SECTIONS == 25, "a section was added or removed");

#undef FORMAT_AT
#undef FORMAT_SIZE

/* Byte order: the file is little-endian and read in place. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
#define STORE_HOST_ORDER_KNOWN 1
#define STORE_HOST_LITTLE (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#else
#define STORE_HOST_ORDER_KNOWN 0
#define STORE_HOST_LITTLE 1
#endif

/* Whether this host stores integers little-endian, as the file does: decided by the
 * compiler when it says, else by looking at the bytes of a known integer. */
static inline bool store_host_little_endian(void)
{
    if (STORE_HOST_ORDER_KNOWN)
        return STORE_HOST_LITTLE;
    const uint32_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

#endif /* LEVER_FORMAT_H */
