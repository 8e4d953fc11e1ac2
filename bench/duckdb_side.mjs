// duckdb_side.mjs - the DuckDB half of lever's benchmark (bench/run.sh): the same six
// questions lever answers, as plain SQL on a persistent DuckDB database, 2 threads.
//
// One step per process, so that each step's peak RSS is its own and a "cold" run can
// start with the database file evicted from the page cache (run.sh does the eviction).
// Each step prints one JSON line: the time of the first run in this process (opening the
// database included), the best of the repeated (warm) runs on the open database, the process's peak RSS and the checksums that
// bench/report.mjs compares with lever's (bench/lever_bench.c computes the same sums;
// the definitions are in bench/RESULTS.md, "Checksums").
//
// Usage:
//   node duckdb_side.mjs load --db FILE.duckdb --csv FILE.csv [--threads 2]
//   node duckdb_side.mjs q2|q3|q4|q5|q6 --db FILE.duckdb --a CODE [--b CODE] [--repeat 3]
//
// Values are loaded as exact integer USD (v is thousands of USD with 3 decimals, read as
// DECIMAL(18,3) and scaled by 1000) and quantities as integer kg, the units lever stores.
import { DuckDBInstance } from '@duckdb/node-api';
import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

function parseArgs(argv) {
  const opt = { step: argv[0], threads: '2', repeat: 3 };
  for (let n = 1; n < argv.length; n += 2) {
    const key = argv[n].replace(/^--/, '');
    if (argv[n + 1] === undefined) throw new Error(`option ${argv[n]} needs a value`);
    opt[key] = argv[n + 1];
  }
  opt.repeat = Number(opt.repeat);
  if (!opt.db) throw new Error('--db FILE is required');
  return opt;
}

// An integer parameter pasted into SQL: checked, so that nothing else can be pasted.
function code(value, name) {
  if (!/^[0-9]{1,5}$/.test(String(value))) throw new Error(`--${name} must be a numeric country code`);
  return Number(value);
}

function sqlString(s) {
  return `'${String(s).replace(/'/g, "''")}'`;
}

// Q1: the CSV into a table, with the units lever uses, then a checkpoint so that the
// table is on disk (DuckDB fsyncs the database file at checkpoint).
// Lines starting with '#' before the header (lever synth writes one saying the data is
// synthetic) are skipped by count: the dialect is given in full, so DuckDB does not sniff.
function commentLines(csv) {
  const fd = openSync(csv, 'r');
  const head = Buffer.alloc(65536);
  const len = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const lines = head.subarray(0, len).toString('latin1').split('\n');
  let n = 0;
  while (n < lines.length - 1 && lines[n].startsWith('#')) n++;
  return n;
}

function loadSql(csv) {
  return [
    `CREATE OR REPLACE TABLE flows AS
       SELECT t, i, j, k,
              CAST(v * 1000 AS BIGINT) AS v,
              CAST(q * 1000 AS BIGINT) AS q
       FROM read_csv(${sqlString(csv)}, auto_detect = false, skip = ${commentLines(csv)},
                     header = true, delim = ',', quote = '"', escape = '"',
                     nullstr = ['NA', ''],
                     columns = {'t': 'SMALLINT', 'i': 'SMALLINT', 'j': 'SMALLINT',
                                'k': 'INTEGER', 'v': 'DECIMAL(18,3)', 'q': 'DECIMAL(18,3)'})`,
    'CHECKPOINT',
  ];
}

const checksumSql = {
  load: () => `SELECT count(*) AS rows, sum(v) AS sum_v, count(q) AS rows_with_q,
                      count(DISTINCT t) AS years FROM flows`,

  // Q2: X(A->B) and X(B->A) per year; top 10 products A->B per year (by value, ties to
  // the smaller HS code) with B's import share s = v / M(B,k).
  q2: (a, b) => `
    WITH ab AS (SELECT t, k, v FROM flows WHERE i = ${a} AND j = ${b}),
    ba AS (SELECT v FROM flows WHERE i = ${b} AND j = ${a}),
    top AS (SELECT t, k, v, row_number() OVER (PARTITION BY t ORDER BY v DESC, k) AS rank
            FROM ab WHERE v > 0 QUALIFY rank <= 10),
    mbk AS (SELECT f.t, f.k, sum(f.v) AS m FROM flows f SEMI JOIN top USING (t, k)
            WHERE f.j = ${b} GROUP BY ALL),
    shares AS (SELECT top.*, top.v::DOUBLE / mbk.m AS share FROM top JOIN mbk USING (t, k))
    SELECT (SELECT coalesce(sum(v), 0) FROM ab) AS sum_a_to_b,
           (SELECT coalesce(sum(v), 0) FROM ba) AS sum_b_to_a,
           count(*) AS top_rows, sum(v) AS top_sum_value, sum(k) AS top_sum_hs6,
           sum(rank * k) AS top_sum_rank_hs6, sum(share) AS top_sum_share
    FROM shares`,

  // Q3: per (t, j, k) with imports: M(j,k), HHI_M(j,k) = sum v^2 / M^2, the top supplier
  // (largest v, ties to the smallest code: the packed key v*1024 + (1023 - i)) and its share.
  q3: () => [
    `CREATE OR REPLACE TEMP TABLE q3 AS
       SELECT t, j, k, m, hhi, 1023 - best % 1024 AS top, (best // 1024)::DOUBLE / m AS share
       FROM (SELECT t, j, k, sum(v) AS m,
                    sum(v::DOUBLE * v) / (sum(v)::DOUBLE * sum(v)) AS hhi,
                    max(v * 1024 + (1023 - i)) AS best
             FROM flows WHERE v > 0 GROUP BY t, j, k)`,
    `SELECT count(*) AS entries, sum(m) AS sum_m, sum(hhi) AS sum_hhi, sum(top) AS sum_top,
            sum(top * (k % 1000 + 1)) AS sum_top_pos, sum(share) AS sum_share FROM q3`,
  ],

  // Q4: per (t, i, k) with exports: X(i,k) and the largest destination share max_j v / X.
  q4: () => [
    `CREATE OR REPLACE TEMP TABLE q4 AS
       SELECT t, i, k, sum(v) AS x, max(v)::DOUBLE / sum(v) AS top_share, count(*) AS n_dest
       FROM flows WHERE v > 0 GROUP BY t, i, k`,
    `SELECT count(*) AS entries, sum(x) AS sum_x, sum(top_share) AS sum_top_share,
            sum(n_dest) AS sum_n_dest FROM q4`,
  ],

  // Q5: LEV(A over P) and LEV(P over A) for every partner P of A, every year
  // (INDICATORS.md section 6, world alternatives). A flow between A and P of value v in
  // product k has d = v / (v + W(k) - X(A,k) - X(P,k)) on the supply side and
  // d' = v / (v + W(k) - M(A,k) - M(P,k)) on the market side; A->P adds v*d to
  // A's leverage over P and v*d' to P's over A, P->A the other way round.
  q5: (a) => [
    `CREATE OR REPLACE TEMP TABLE q5 AS
     WITH af AS (SELECT t, i, j, k, v, CASE WHEN i = ${a} THEN j ELSE i END AS p
                 FROM flows WHERE (i = ${a} OR j = ${a}) AND i <> j AND v > 0),
     tk AS (SELECT DISTINCT t, k FROM af),
     pk AS (SELECT DISTINCT t, p, k FROM af),
     xk AS (SELECT f.t, f.i AS c, f.k, sum(f.v) AS x FROM flows f SEMI JOIN tk USING (t, k)
            GROUP BY ALL),
     mk AS (SELECT f.t, f.j AS c, f.k, sum(f.v) AS m FROM flows f SEMI JOIN tk USING (t, k)
            GROUP BY ALL),
     wk AS (SELECT t, k, sum(x) AS w FROM xk GROUP BY ALL),
     tc AS (SELECT t, c, sum(v) AS tc
            FROM (SELECT t, i AS c, v FROM flows UNION ALL SELECT t, j AS c, v FROM flows)
            GROUP BY ALL),
     e AS (SELECT af.t, af.p, af.i, af.v,
                  af.v::DOUBLE / (af.v + greatest(0, wk.w - coalesce(xa.x, 0) - coalesce(xp.x, 0))) AS d_s,
                  af.v::DOUBLE / (af.v + greatest(0, wk.w - coalesce(ma.m, 0) - coalesce(mp.m, 0))) AS d_d
           FROM af JOIN wk USING (t, k)
           LEFT JOIN xk xa ON xa.t = af.t AND xa.k = af.k AND xa.c = ${a}
           LEFT JOIN xk xp ON xp.t = af.t AND xp.k = af.k AND xp.c = af.p
           LEFT JOIN mk ma ON ma.t = af.t AND ma.k = af.k AND ma.c = ${a}
           LEFT JOIN mk mp ON mp.t = af.t AND mp.k = af.k AND mp.c = af.p),
     n AS (SELECT t, p, sum(v) AS trade,
                  sum(CASE WHEN i = ${a} THEN v * d_s ELSE v * d_d END) AS num_lev,
                  sum(CASE WHEN i = ${a} THEN v * d_d ELSE v * d_s END) AS num_rev
           FROM e GROUP BY t, p)
     SELECT n.t, n.p, n.trade, n.num_lev / tp.tc AS lev, n.num_rev / ta.tc AS rev
     FROM n JOIN tc tp ON tp.t = n.t AND tp.c = n.p JOIN tc ta ON ta.t = n.t AND ta.c = ${a}`,
    `SELECT count(*) AS partners, sum(trade) AS sum_trade, sum(lev) AS sum_lev,
            sum(rev) AS sum_reverse, sum(lev * (p % 101)) AS sum_lev_pos FROM q5`,
  ],

  // Q6: LEV(H over S) for every ordered pair with trade, every year: each flow i->j adds
  // v*d to the supply channel S(i over j) and v*d' to the market channel K(j over i);
  // LEV(H over S) = (S + K) / T(S), T(S) = X(S) + M(S).
  q6: () => [
    `CREATE OR REPLACE TEMP TABLE q6 AS
     WITH xk AS (SELECT t, i AS c, k, sum(v) AS x FROM flows GROUP BY ALL),
     mk AS (SELECT t, j AS c, k, sum(v) AS m FROM flows GROUP BY ALL),
     wk AS (SELECT t, k, sum(x) AS w FROM xk GROUP BY ALL),
     tc AS (SELECT t, c, sum(v) AS tc
            FROM (SELECT t, i AS c, v FROM flows UNION ALL SELECT t, j AS c, v FROM flows)
            GROUP BY ALL),
     e AS (SELECT f.t, f.i, f.j, f.v,
                  f.v::DOUBLE / (f.v + greatest(0, wk.w - xi.x - coalesce(xj.x, 0))) AS d_s,
                  f.v::DOUBLE / (f.v + greatest(0, wk.w - mj.m - coalesce(mi.m, 0))) AS d_d
           FROM flows f JOIN wk USING (t, k)
           JOIN xk xi ON xi.t = f.t AND xi.c = f.i AND xi.k = f.k
           LEFT JOIN xk xj ON xj.t = f.t AND xj.c = f.j AND xj.k = f.k
           JOIN mk mj ON mj.t = f.t AND mj.c = f.j AND mj.k = f.k
           LEFT JOIN mk mi ON mi.t = f.t AND mi.c = f.i AND mi.k = f.k
           WHERE f.v > 0 AND f.i <> f.j),
     num AS (SELECT t, h, s, sum(part) AS num
             FROM (SELECT t, i AS h, j AS s, v * d_s AS part FROM e
                   UNION ALL SELECT t, j AS h, i AS s, v * d_d AS part FROM e)
             GROUP BY ALL)
     SELECT num.t, h, s, num / tc.tc AS lev FROM num JOIN tc ON tc.t = num.t AND tc.c = num.s`,
    `SELECT count(*) AS pairs, sum(lev) AS sum_lev, sum(lev * ((h * 7 + s * 13) % 101)) AS sum_lev_pos
     FROM q6`,
  ],
};

async function runStatements(conn, sqls) {
  let reader = null;
  for (const sql of sqls) reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson()[0];
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  // The first run counts opening the database, as lever's counts lever_open.
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(opt.db, { threads: String(opt.threads) });
  const conn = await instance.connect();
  const out = { engine: 'duckdb', step: opt.step, threads: Number(opt.threads) };
  out.open_s = (performance.now() - t0) / 1000;
  if (opt.step === 'load') {
    if (!opt.csv) throw new Error('load needs --csv FILE');
    const run = await timed(() => runStatements(conn, loadSql(opt.csv)));
    out.first_s = out.open_s + run.seconds;
    out.checksum = await runStatements(conn, [checksumSql.load()]);
  } else if (checksumSql[opt.step]) {
    const a = opt.a !== undefined ? code(opt.a, 'a') : null;
    const b = opt.b !== undefined ? code(opt.b, 'b') : null;
    if ((opt.step === 'q2' && b === null) || ((opt.step === 'q2' || opt.step === 'q5') && a === null))
      throw new Error(`${opt.step} needs --a CODE${opt.step === 'q2' ? ' --b CODE' : ''}`);
    const sql = checksumSql[opt.step](a, b);
    const sqls = Array.isArray(sql) ? sql : [sql];
    const first = await timed(() => runStatements(conn, sqls));
    out.first_s = out.open_s + first.seconds;
    out.checksum = first.value;
    out.warm_s = null;
    for (let n = 0; n < opt.repeat; n++) {
      const again = await timed(() => runStatements(conn, sqls));
      if (out.warm_s === null || again.seconds < out.warm_s) out.warm_s = again.seconds;
    }
  } else {
    throw new Error(`unknown step ${opt.step}; use load, q2, q3, q4, q5 or q6`);
  }
  conn.closeSync();
  instance.closeSync?.();
  out.rss_kb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stderr.write(`duckdb_side.mjs: ${err.message}\n`);
  process.exit(1);
});
