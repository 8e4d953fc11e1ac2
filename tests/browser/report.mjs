// report.mjs - opens a page written by `lever report` in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core) and checks what a reader gets:
//
//   * no console error and no uncaught exception;
//   * no request leaves the page: every request is routed here, and any URL that is not
//     the page's own file (or a data: URL) is refused and fails the test;
//   * every chart is there with its expected number of marks, and the direct labels;
//   * the figures shown equal those of the commands' --format json, given as files
//     (dyad, leverage, depend both ways, change both ways), and the page's own JSON block
//     (id lever-data) equals them too; the text of each USD cell is its exact value;
//   * it reads on a phone: at 390 px nothing is wider than the screen;
//   * screenshots kept as artifacts: desktop (1280 px), phone (390 px), print (the print
//     stylesheet as a screenshot, and an A4 PDF).
//
// usage: node report.mjs --html PAGE --out DIR --dyad J --leverage J --depend-b J
//                        --depend-a J [--change-ab J --change-ba J] [--readme-shot PNG]
// Prints one line "ok: ..." or "FAIL: ..." per check; exits 1 when a check failed, 77
// when Chromium is not installed (the caller reports a skip).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = {};
for (let i = 2; i < process.argv.length; i += 2)
    args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const exe = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(exe)) {
    console.log(`skip: browser: ${exe} is not installed (apt-get install chromium)`);
    process.exit(77);
}
const readJson = (f) => (f ? JSON.parse(fs.readFileSync(f, 'utf8')) : null);
const cmd = {
    dyad: readJson(args.dyad), leverage: readJson(args.leverage),
    dependB: readJson(args['depend-b']), dependA: readJson(args['depend-a']),
    changeAB: readJson(args['change-ab']), changeBA: readJson(args['change-ba']),
};
fs.mkdirSync(args.out, { recursive: true });

let failed = 0;
function check(what, ok, detail) {
    if (ok) {
        console.log(`ok: browser: ${what}`);
    } else {
        failed++;
        console.log(`FAIL: browser: ${what}${detail ? `\n    | ${detail}` : ''}`);
    }
}
// Numbers from the page (data-v, JSON) against the commands' JSON: both print doubles so
// that they read back to the same double, so equal means equal.
function same(a, b) {
    if (typeof a === 'string' && typeof b === 'string' && isNaN(Number(a))) return a === b;
    if (a === null || b === null || a === undefined || b === undefined)
        return (a ?? null) === (b ?? null);
    if (typeof a === 'string' && typeof b === 'string') return a === b;
    return Number(a) === Number(b);
}
function compareRows(what, pageRows, cmdRows, keys) {
    const bad = [];
    if (pageRows.length !== cmdRows.length)
        bad.push(`${pageRows.length} rows in the page, ${cmdRows.length} from the command`);
    for (let i = 0; i < Math.min(pageRows.length, cmdRows.length); i++)
        for (const k of keys) {
            const [pk, ck] = Array.isArray(k) ? k : [k, k];
            if (!same(pageRows[i][pk], cmdRows[i][ck]))
                bad.push(`row ${i} ${pk}: page ${pageRows[i][pk]}, command ${cmdRows[i][ck]}`);
        }
    check(what, bad.length === 0, bad.slice(0, 5).join('; '));
}

const browser = await chromium.launch({
    executablePath: exe,
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});
const pageUrl = pathToFileURL(path.resolve(args.html)).href;
const refused = [];
const errors = [];
async function open(viewport, media) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url === pageUrl || url.startsWith('data:')) return route.continue();
        refused.push(url);
        return route.abort();
    });
    if (media) await page.emulateMedia({ media });
    await page.goto(pageUrl, { waitUntil: 'load' });
    return page;
}

const page = await open({ width: 1280, height: 900 });
const data = JSON.parse(await page.locator('#lever-data').textContent());

// ---- charts and their marks ----
const charts = await page.$$eval('svg.lever-chart', (l) => l.map((s) => ({
    kind: s.dataset.chart, id: s.id, marks: s.querySelectorAll('.mark').length,
    labels: s.querySelectorAll('.value-label').length,
})));
const nYears = data.dyad.years.length;
const kinds = charts.map((c) => c.kind).join(',');
const wantKinds = ['flows', 'products', 'leverage', ...data.suppliers.map(() => 'suppliers')];
if (data.change.a_to_b) wantKinds.push('change');
check(`charts present: ${kinds}`, kinds === wantKinds.join(','), `want ${wantKinds.join(',')}`);
const byKind = (k) => charts.filter((c) => c.kind === k);
const covered = data.dyad.years.reduce((n, y) => n + y.covered_a_to_b + y.covered_b_to_a, 0);
check('flows chart: one mark per covered year and direction, two direct labels',
      byKind('flows')[0]?.marks === covered && byKind('flows')[0]?.labels === 2,
      JSON.stringify(byKind('flows')[0]));
const lastYear = data.year_to;
const nProducts = data.dyad.a_to_b.filter((r) => r.year === lastYear).length +
                  data.dyad.b_to_a.filter((r) => r.year === lastYear).length;
check('products chart: one bar and one value label per product of the last year',
      byKind('products')[0]?.marks === nProducts && byKind('products')[0]?.labels === nProducts,
      JSON.stringify(byKind('products')[0]));
check('leverage chart: two bars per year', byKind('leverage')[0]?.marks === 2 * nYears,
      JSON.stringify(byKind('leverage')[0]));
const supplierLabels = byKind('suppliers').every((c, i) =>
    c.labels === data.suppliers[i].years.filter((y) => y.suppliers.length).length);
check('suppliers charts: one total label per year with imports', supplierLabels,
      JSON.stringify(byKind('suppliers')));

if (data.change.a_to_b) {
    const shown = data.change.a_to_b.products.slice(0, 8);
    const rows = shown.length + (data.change.a_to_b.products_changed > shown.length ? 1 : 0);
    const want = shown.reduce((n, r) => n + 1 + (r.quantity_effect !== null) +
                              (r.price_effect !== null), 0) + (rows - shown.length);
    check('change chart: a bar per product and per effect, a value label per row',
          byKind('change')[0]?.marks === want && byKind('change')[0]?.labels === rows,
          JSON.stringify({ got: byKind('change')[0], want, rows }));
}

// ---- the marks' values are the figures ----
const flowMarks = await page.$$eval('svg[data-chart=flows] .mark', (l) =>
    l.map((m) => [m.dataset.series, Number(m.dataset.year), m.dataset.value]));
const flowBad = flowMarks.filter(([s, y, v]) => {
    const row = cmd.dyad.years.find((r) => r.year === y);
    return !row || String(row[s]) !== v;
});
check('flows chart marks equal lever dyad --format json', flowBad.length === 0 &&
      flowMarks.length > 0, JSON.stringify(flowBad.slice(0, 3)));
const levMarks = await page.$$eval('svg[data-chart=leverage] .mark', (l) =>
    l.map((m) => [m.dataset.dir, Number(m.dataset.year), m.dataset.value]));
const levBad = levMarks.filter(([d, y, v]) => {
    const row = cmd.leverage.years.find((r) => r.year === y);
    return !row || !same(row[d === 'ab' ? 'lev_ab' : 'lev_ba'], v);
});
check('leverage chart marks equal lever leverage --format json', levBad.length === 0,
      JSON.stringify(levBad.slice(0, 3)));

// ---- headline figures ----
const head = await page.$$eval('.headline .card', (l) =>
    Object.fromEntries(l.map((c) => [c.dataset.key, c.querySelector('.figure').dataset.v])));
const dy = cmd.dyad.years.find((r) => r.year === lastYear);
const ly = cmd.leverage.years.find((r) => r.year === lastYear);
check('headline: X both ways, LEV both ways and net equal the commands\' JSON',
      same(head.x_ab, dy.a_to_b) && same(head.x_ba, dy.b_to_a) && same(head.lev_ab, ly.lev_ab) &&
      same(head.lev_ba, ly.lev_ba) && same(head.net, ly.net), JSON.stringify({ head, dy, ly }));

// ---- the JSON block equals the commands' JSON ----
compareRows('data block: dyad years', data.dyad.years, cmd.dyad.years,
            ['year', 'a_to_b', 'b_to_a', 'total', 'balance', 'growth_a_to_b', 'growth_b_to_a']);
compareRows('data block: products A->B', data.dyad.a_to_b, cmd.dyad.a_to_b,
            ['year', 'rank', 'hs6', 'value', 'qty_kg', 'supplier_share', 'dest_share', 'hhi']);
compareRows('data block: products B->A', data.dyad.b_to_a, cmd.dyad.b_to_a,
            ['year', 'rank', 'hs6', 'value', 'supplier_share', 'dest_share', 'hhi']);
compareRows('data block: leverage years', data.leverage.years, cmd.leverage.years,
            ['year', 'trade', 'total_a', 'total_b', 'supply_ab', 'market_ab', 'lev_ab',
             'supply_ba', 'market_ba', 'lev_ba', 'net', 'asymmetry']);
compareRows('data block: leverage contributions', data.leverage.contributions,
            cmd.leverage.contributions,
            ['year', 'holder', 'channel', 'hs6', 'value', 'd', 'term', 'share']);
const depKeys = ['rank', 'hs6', 'imports', 'import_share', 'supplier_value', 'supplier_share',
                 'hhi', 'hhi_level', 'n_suppliers', 'd', 'geodep', 'critical', 'score'];
compareRows('data block: depend B --on A', data.depend_b.products, cmd.dependB.products, depKeys);
compareRows('data block: depend A --on B', data.depend_a.products, cmd.dependA.products, depKeys);
const changeKeys = ['hs6', 'value_from', 'value_to', 'change', 'share_of_change',
                    'quantity_effect', 'price_effect'];
for (const [name, mine, theirs] of [['A->B', data.change.a_to_b, cmd.changeAB],
                                    ['B->A', data.change.b_to_a, cmd.changeBA]]) {
    if (!mine || !theirs) continue;
    const summary = theirs.summary[0];
    check(`data block: change ${name} totals`, same(mine.total_from, summary.total_from) &&
          same(mine.total_to, summary.total_to) && same(mine.change, summary.change),
          JSON.stringify({ mine: [mine.total_from, mine.total_to, mine.change], summary }));
    // the command's last row is "other products": compare the listed ones
    compareRows(`data block: change ${name} products`, mine.products,
                theirs.products.filter((r) => r.rank !== null), changeKeys);
}

// ---- the tables show the figures ----
const usdCells = await page.$$eval('td.n[data-v]', (l) => l.map((c) => [c.dataset.v, c.textContent]));
const grouped = (v) => BigInt(v).toLocaleString('en-US');
const usdBad = usdCells.filter(([v, t]) => /^-?\d+$/.test(v) && /^-?[\d,]+$/.test(t) &&
                                           grouped(v) !== t);
check(`table cells show their exact values (${usdCells.length} cells)`, usdBad.length === 0,
      JSON.stringify(usdBad.slice(0, 3)));
const flowRows = await page.$$eval('#table-flows tbody tr', (l) =>
    l.map((r) => [...r.querySelectorAll('td')].map((c) => c.dataset.v ?? c.textContent)));
const flowTableBad = flowRows.filter((r) => {
    const row = cmd.dyad.years.find((y) => String(y.year) === r[0]);
    return !row || r[1] !== String(row.a_to_b) || r[2] !== String(row.b_to_a) ||
           r[3] !== String(row.total) || r[4] !== String(row.balance);
});
check('flows table equals lever dyad --format json', flowTableBad.length === 0 &&
      flowRows.length === nYears, JSON.stringify(flowTableBad.slice(0, 2)));
if (data.store.synthetic)
    check('the page says the data is synthetic',
          (await page.locator('#synthetic').count()) === 1 &&
          /synthetic/i.test(await page.title()));

await page.screenshot({ path: path.join(args.out, 'report-desktop.png'), fullPage: true });
if (args['readme-shot'])
    await page.screenshot({ path: args['readme-shot'],
                            clip: { x: 130, y: 0, width: 1020, height: 1080 } });

// ---- phone ----
const phone = await open({ width: 390, height: 844 });
const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
check(`phone: the page fits 390 px (scroll width ${overflow})`, overflow <= 390);
await phone.screenshot({ path: path.join(args.out, 'report-phone.png'), fullPage: true });

// ---- print ----
const print = await open({ width: 794, height: 1123 }, 'print');
const navShown = await print.evaluate(() => getComputedStyle(document.querySelector('nav.toc')).display);
check('print: the navigation is hidden', navShown === 'none');
await print.screenshot({ path: path.join(args.out, 'report-print.png'), fullPage: true });
await print.pdf({ path: path.join(args.out, 'report-a4.pdf'), format: 'A4', printBackground: true });
const pdfSize = fs.statSync(path.join(args.out, 'report-a4.pdf')).size;
check(`print: an A4 PDF was made (${pdfSize} bytes)`, pdfSize > 10000);

check('no console error', errors.length === 0, errors.slice(0, 3).join('; '));
check('no network request', refused.length === 0, refused.slice(0, 3).join('; '));
await browser.close();
console.log(`artifacts: ${args.out} (report-desktop.png, report-phone.png, report-print.png, report-a4.pdf)`);
process.exit(failed ? 1 : 0);
