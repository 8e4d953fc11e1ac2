// report.mjs - turns the measurements of bench/run.sh (bench/work/results-ROWS.jsonl and
// machine.json) into the benchmark's table: per step and engine the cold and warm times,
// rows/s and MB/s of the CSV, peak RSS, the ratio to DuckDB and whether lever's and
// DuckDB's checksums agree (integers exactly, doubles to 1e-9 relative); then the targets
// of issue 4 with the measured figure and whether each is met, and the 100M/30M scaling.
// Prints it and writes it into RESULTS.md between the MEASURED markers, so that the
// hand-written analysis around it survives a new run.
//
// Usage: node report.mjs WORK_DIR RESULTS.md ROWS [ROWS...]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [workDir, resultsPath, ...sizes] = process.argv.slice(2);
const BEGIN = '<!-- MEASURED:BEGIN (written by bench/report.mjs; do not edit by hand) -->';
const END = '<!-- MEASURED:END -->';
const RELATIVE_TOLERANCE = 1e-9;

function readResults(rows) {
  const path = `${workDir}/results-${rows}.jsonl`;
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function find(results, step, engine, mode) {
  return results.filter((r) => r.step === step && r.engine === engine && (!mode || r.mode === mode));
}

// ---- checksums: exact for integers, 1e-9 relative for doubles ----
function sameValue(x, y) {
  const integer = (v) => typeof v === 'string' && /^-?[0-9]+$/.test(v);
  if (integer(x) && integer(y)) return BigInt(x) === BigInt(y);
  const a = Number(x), b = Number(y);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

// Every run of both engines must give the same checksums as lever's first run.
function agreement(runs) {
  const sums = runs.map((r) => r.checksum).filter(Boolean);
  if (sums.length < 2) return { ok: false, text: 'not compared' };
  const keys = Object.keys(sums[0]);
  const bad = [];
  for (const s of sums.slice(1))
    for (const key of keys)
      if (!(key in s) || !sameValue(sums[0][key], s[key])) bad.push(`${key}: ${sums[0][key]} vs ${s[key]}`);
  return bad.length ? { ok: false, text: `DIFFER (${bad.join('; ')})` } : { ok: true, text: `agree (${keys.length} sums)` };
}

// ---- formatting ----
function secs(s) {
  if (s === undefined || s === null || Number.isNaN(s)) return '-';
  if (s < 0.001) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return `${s.toFixed(2)} s`;
}
function rate(n, s) {
  if (!s) return '-';
  const v = n / s;
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return v.toFixed(1);
}
function mb(bytes) { return `${(bytes / 1e6).toFixed(0)} MB`; }
function rss(kb) { return kb ? (kb >= 1e6 ? `${(kb / 1048576).toFixed(2)} GiB` : `${(kb / 1024).toFixed(0)} MiB`) : '-'; }
function ratio(lever, duck) {
  if (!lever || !duck) return '-';
  const r = duck / lever;
  return r >= 1 ? `${r.toFixed(r >= 100 ? 0 : 1)}x faster` : `${(1 / r).toFixed(1)}x slower`;
}
function rowsCount(n) { return Number(n).toLocaleString('en-US'); }

const STEPS = [
  ['q1', 'Q1 import CSV'],
  ['q2', 'Q2 dyad, top 10, every year'],
  ['q3', 'Q3 dependence table'],
  ['q4', 'Q4 market table'],
  ['q5', 'Q5 LEV of A over every partner, every year'],
  ['q6', 'Q6 full LEV matrix'],
];

// The time of a step: Q1 is a process (wall), queries time themselves.
function timeOf(rec) {
  if (!rec) return undefined;
  const d = rec.data;
  if (d.wall_s !== undefined) return d.wall_s;
  return rec.mode === 'cold' ? d.first_s : d.warm_s;
}

function summarise(rows, results) {
  const csv = find(results, 'csv', 'system')[0]?.data ?? {};
  const n = Number(find(results, 'q1check', 'lever')[0]?.data?.checksum?.rows ?? Number(rows));
  const out = { rows, n, csvBytes: csv.bytes, steps: {} };
  for (const [step] of STEPS) {
    const s = {};
    for (const engine of ['lever', 'duckdb']) {
      const cold = find(results, step, engine, 'cold')[0];
      const warms = find(results, step, engine, 'warm');
      const warmTime = (r) => (r.data.wall_s ?? r.data.first_s);
      const warm = step === 'q1' ? warms.sort((x, y) => warmTime(x) - warmTime(y))[0] : warms[0];
      let coldS = timeOf(cold), warmS = timeOf(warm), freshS = warm?.data.first_s;
      if (step === 'q1' && engine === 'duckdb') { coldS = cold?.data.first_s; warmS = warm?.data.first_s; }
      if (step === 'q1') freshS = undefined;
      s[engine] = { cold: coldS, fresh: freshS, warm: warmS, rss: Math.max(cold?.data.rss_kb ?? 0, ...warms.map((r) => r.data.rss_kb ?? 0)), cold_rec: cold, warm_rec: warm };
    }
    const runs = step === 'q1'
      ? [find(results, 'q1check', 'lever')[0]?.data, ...find(results, 'q1', 'duckdb').map((r) => r.data)]
      : [...find(results, step, 'lever'), ...find(results, step, 'duckdb')].map((r) => r.data);
    s.agree = agreement(runs.filter(Boolean));
    out.steps[step] = s;
  }
  out.wc = find(results, 'wc', 'system')[0]?.data;
  out.store = find(results, 'store', 'lever')[0]?.data?.bytes;
  out.db = find(results, 'db', 'duckdb')[0]?.data?.bytes;
  out.zip = find(results, 'zip', 'system')[0]?.data?.bytes;
  out.q1zip = find(results, 'q1zip', 'lever')[0]?.data;
  out.q1lever = out.steps.q1.lever.warm_rec?.data;
  out.q2cli = find(results, 'q2cli', 'lever');
  out.q5cli = find(results, 'q5cli', 'lever');
  out.q7cli = find(results, 'q7cli', 'lever');
  out.q8cli = find(results, 'q8cli', 'lever');
  out.q9cli = find(results, 'q9cli', 'lever');
  out.pick = find(results, 'pick', 'lever')[0]?.data;
  out.load = find(results, 'load', 'system')[0]?.data;
  out.q5method = find(results, 'q5', 'lever')[0]?.data?.method;
  return out;
}

function bestWall(recs, mode) {
  const w = recs.filter((r) => r.mode === mode && r.data.rc === 0).map((r) => r.data.wall_s);
  return w.length ? Math.min(...w) : undefined;
}

function sizeTable(S) {
  const L = [];
  L.push(`### ${rowsCount(S.n)} rows (CSV ${mb(S.csvBytes)}; lever store ${S.store ? mb(S.store) : '-'}` +
    `${S.store ? `, ${(100 * S.store / S.csvBytes).toFixed(0)}% of the CSV` : ''}; DuckDB database ${S.db ? mb(S.db) : '-'})`);
  L.push('');
  L.push(`A = ${S.pick?.a ?? '?'} (largest exporter), B = ${S.pick?.b ?? '?'} (its largest destination). ` +
    `\`wc -l\` of the CSV from the page cache: ${secs(S.wc?.wall_s)}.` +
    (S.load ? ` Load average (1 min) at the start and end of this size: ${S.load.start}, ${S.load.end} (2 cores).` : ''));
  L.push('');
  L.push('| step | engine | cold | fresh | warm | rows/s (warm) | MB/s (warm) | peak RSS | DuckDB ÷ lever (warm) | results |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---|---|');
  for (const [step, label] of STEPS) {
    const s = S.steps[step];
    for (const engine of ['lever', 'duckdb']) {
      const e = s[engine];
      const name = engine === 'lever' ? 'lever' : 'DuckDB';
      L.push(`| ${engine === 'lever' ? label : ''} | ${name} | ${secs(e.cold)} | ${secs(e.fresh)} | ${secs(e.warm)} | ` +
        `${rate(S.n, e.warm)} | ${rate(S.csvBytes / 1e6, e.warm)} | ${rss(e.rss)} | ` +
        `${engine === 'lever' ? ratio(e.warm, s.duckdb.warm) : ''} | ${engine === 'lever' ? s.agree.text : ''} |`);
    }
  }
  if (S.q1zip)
    L.push(`| Q1 import BACI-layout zip (${mb(S.zip)}) | lever | | | ${secs(S.q1zip.wall_s)} | ${rate(S.n, S.q1zip.wall_s)} | ` +
      `${rate(S.csvBytes / 1e6, S.q1zip.wall_s)} | ${rss(S.q1zip.rss_kb)} | | |`);
  const q2c = bestWall(S.q2cli, 'cold'), q2w = bestWall(S.q2cli, 'warm');
  const q5c = bestWall(S.q5cli, 'cold'), q5w = bestWall(S.q5cli, 'warm');
  L.push(`| Q2 as a process: \`lever dyad A B --top 10 --format csv\` | lever | ${secs(q2c)} | ${secs(q2w)} | | | | ` +
    `${rss(Math.max(0, ...S.q2cli.map((r) => r.data.rss_kb)))} | | |`);
  L.push(`| Q5 as a process: \`lever leverage A --year LAST --format csv\` (one year) | lever | ${secs(q5c)} | ${secs(q5w)} | | | | ` +
    `${rss(Math.max(0, ...S.q5cli.map((r) => r.data.rss_kb)))} | | |`);
  for (const [key, what] of [['q7cli', '`lever chains B --product 1101`'], ['q8cli', '`lever transit --over B`'],
                             ['q9cli', '`lever report A B`']]) {
    if (!S[key]?.length) continue;
    L.push(`| ${what} as a process (${key === 'q9cli' ? 'every year' : 'one year'}) | lever | ${secs(bestWall(S[key], 'cold'))} | ${secs(bestWall(S[key], 'warm'))} | | | | ` +
      `${rss(Math.max(0, ...S[key].map((r) => r.data.rss_kb)))} | | |`);
  }
  L.push('', 'cold: a fresh process, the store (DuckDB: the database file) dropped from the page cache first; ' +
    'Q1: the CSV dropped from the page cache. fresh: a fresh process, files in the page cache. ' +
    'warm: the best of the repeated runs in that process, store or database already open. ' +
    'Queries are timed inside the process (opening included in cold and fresh); Q1 for lever and ' +
    'the `lever` command rows are whole processes; Q1 for DuckDB is timed inside node (startup excluded). ' +
    'rows/s and MB/s are the CSV\'s rows and bytes over the warm time.', '');
  if (S.q5method && S.q5method !== 'lever_leverage_rank') L.push(`Q5 for lever: ${S.q5method}.`, '');
  return L;
}

function targets(S) {
  const st = S.steps;
  const q1 = S.q1lever ?? {};
  const cpu = q1.wall_s ? (q1.user_s + q1.sys_s) / q1.wall_s : NaN;
  const q2cli = bestWall(S.q2cli, 'warm');
  const rows = [];
  const add = (what, target, measured, met) => rows.push(`| ${what} | ${target} | ${measured} | ${met === undefined ? '-' : met ? 'met' : '**not met**'} |`);
  add('Q1 import, CSV in page cache, store written and fsynced', '<= 1.5 s, both cores',
    `${secs(q1.wall_s)} (CPU ${cpu.toFixed(2)} cores busy)`, q1.wall_s <= 1.5);
  if (S.q1zip)
    add('Q1 import of the zip vs the plain CSV', '<= 2x', `${(S.q1zip.wall_s / q1.wall_s).toFixed(2)}x (${secs(S.q1zip.wall_s)})`,
      S.q1zip.wall_s <= 2 * q1.wall_s);
  add('Q2 from a fresh process: open the store, answer (library)', '<= 5 ms', `${secs(st.q2.lever.fresh)} (cold store: ${secs(st.q2.lever.cold)})`, st.q2.lever.fresh <= 0.005);
  const mpath = `${workDir}/machine.json`;
  const trueWall = existsSync(mpath) ? JSON.parse(readFileSync(mpath, 'utf8')).true_s : NaN;
  add('Q2 as a whole command: exec, open, answer, exit (`lever dyad`)', '<= 5 ms', `${secs(q2cli)} (cold store: ${secs(bestWall(S.q2cli, 'cold'))}; \`/bin/true\` alone: ${secs(trueWall)})`, q2cli <= 0.005);
  const q5fresh = st.q5.lever.fresh;
  add('Q5 from a fresh process: open the store, answer (library, every year)', '<= 50 ms', `${secs(q5fresh)} (cold store: ${secs(st.q5.lever.cold)})`, q5fresh <= 0.05);
  const q5cli = bestWall(S.q5cli, 'warm');
  add('Q5 as a whole command (`lever leverage`, one year)', '<= 50 ms', `${secs(q5cli)} (cold store: ${secs(bestWall(S.q5cli, 'cold'))})`, q5cli <= 0.05);
  for (const [key, what] of [['q7cli', '`lever chains`'], ['q8cli', '`lever transit --over B`']]) {
    if (!S[key]?.length) continue;
    const w = bestWall(S[key], 'warm');
    add(`${what} as a whole command (one year)`, '<= 50 ms', `${secs(w)} (cold store: ${secs(bestWall(S[key], 'cold'))})`, w <= 0.05);
  }
  if (S.q9cli?.length) {
    const w = bestWall(S.q9cli, 'warm');
    add('`lever report A B` as a whole command (every year, the whole page)', '< 1 s',
        `${secs(w)} (cold store: ${secs(bestWall(S.q9cli, 'cold'))})`, w < 1);
  }
  add('Q3 dependence table (warm)', '<= 0.3 s', `${secs(st.q3.lever.warm)} (cold ${secs(st.q3.lever.cold)})`, st.q3.lever.warm <= 0.3);
  add('Q4 market table (warm)', '<= 0.2 s', `${secs(st.q4.lever.warm)} (cold ${secs(st.q4.lever.cold)})`, st.q4.lever.warm <= 0.2);
  add('Q6 full LEV matrix (warm)', '<= 2 s', `${secs(st.q6.lever.warm)} (cold ${secs(st.q6.lever.cold)})`, st.q6.lever.warm <= 2);
  add('store size', '<= 40% of the CSV', `${(100 * S.store / S.csvBytes).toFixed(0)}% (${mb(S.store)} for ${mb(S.csvBytes)})`, S.store <= 0.4 * S.csvBytes);
  add('peak RSS of the import', '<= 1.5x the store', `${(q1.rss_kb * 1024 / S.store).toFixed(2)}x (${rss(q1.rss_kb)})`, q1.rss_kb * 1024 <= 1.5 * S.store);
  const agreeAll = STEPS.every(([step]) => st[step].agree.ok);
  add('lever and DuckDB agree on every step', 'all', agreeAll ? 'all agree' : STEPS.filter(([s]) => !st[s].agree.ok).map(([s]) => s).join(', ') + ' differ', agreeAll);
  return rows;
}

function scaling(small, big) {
  const L = [`### Scaling: ${rowsCount(big.n)} rows vs ${rowsCount(small.n)} (${(big.n / small.n).toFixed(2)}x the rows; target <= 3.6x the time per step)`, '',
    '| step | lever 30M-class | lever 100M-class | ratio | DuckDB ratio |', '|---|---:|---:|---:|---:|'];
  for (const [step, label] of STEPS) {
    const a = small.steps[step].lever.warm, b = big.steps[step].lever.warm;
    const da = small.steps[step].duckdb.warm, db = big.steps[step].duckdb.warm;
    const r = b / a;
    L.push(`| ${label} | ${secs(a)} | ${secs(b)} | ${Number.isFinite(r) ? r.toFixed(2) + 'x' : '-'}${r <= 3.6 ? '' : ' (over 3.6x)'} | ${(db / da).toFixed(2)}x |`);
  }
  L.push('');
  return L;
}

function machine() {
  const path = `${workDir}/machine.json`;
  if (!existsSync(path)) return [];
  const m = JSON.parse(readFileSync(path, 'utf8'));
  return [`Machine: ${m.cpu}, ${m.cores} cores, ${(m.mem_kb / 1048576).toFixed(1)} GiB RAM, Linux ${m.kernel}; ` +
    `disk write ${m.disk_write} (1 GiB, dd conv=fdatasync). DuckDB ${m.duckdb} (@duckdb/node-api, node ${m.node}), ` +
    `2 threads; lever ${m.lever} built with ${m.cc}, -O2 release. Run ${m.date}; warm = best of ${m.repeat} runs for lever, of 3 (1 from 50M rows up) for DuckDB.`, '',
    ...(m.touch ? [`Costs of this machine under every figure: writing 1 GiB of fresh memory takes ` +
      `${secs(m.touch.small_first_s)} the first time with 4 KiB pages (${secs(m.touch.huge_first_s)} with huge pages) ` +
      `and ${secs(m.touch.small_second_s)} the second time (page faults of a virtual machine); ` +
      `a process that does nothing (\`/bin/true\`) takes ${secs(m.true_s)}, \`lever --version\` ${secs(m.lever_version_s)}.`, ''] : [])];
}

const summaries = sizes.map((rows) => { const r = readResults(rows); return r ? summarise(rows, r) : null; }).filter(Boolean);
const lines = [BEGIN, '', ...machine()];
for (const S of summaries) lines.push(...sizeTable(S));
if (summaries.length) {
  const primary = summaries.find((S) => S.n >= 25e6 && S.n < 50e6) ?? summaries[0];
  lines.push(`### Targets (at ${rowsCount(primary.n)} rows)`, '', '| target | wanted | measured | |', '|---|---|---|---|', ...targets(primary), '');
  if (summaries.length > 1) lines.push(...scaling(summaries[0], summaries[summaries.length - 1]));
}
lines.push(END);
const block = lines.join('\n');
process.stdout.write(block + '\n');

let doc = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n\n';
const b = doc.indexOf(BEGIN), e = doc.indexOf(END);
doc = b >= 0 && e > b ? doc.slice(0, b) + block + doc.slice(e + END.length) : doc.trimEnd() + '\n\n' + block + '\n';
writeFileSync(resultsPath, doc);
const allAgree = summaries.every((S) => STEPS.every(([step]) => S.steps[step].agree.ok));
if (!allAgree) {
  process.stderr.write('report.mjs: lever and DuckDB DISAGREE on at least one step (see the table)\n');
  process.exit(1);
}
