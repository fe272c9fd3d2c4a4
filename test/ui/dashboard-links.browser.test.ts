/**
 * The dashboard's URL state in a real browser (issue 10: "every view's state is in the URL"): a deep
 * link opened in a fresh page shows exactly the filter, brush, sort, columns, chart and selection it
 * carries; the column chooser's choice lives in the URL and survives a reload; the CSV export button
 * downloads the rows of the current view, equal to the API's /trials.csv and /trials answers; the CV
 * folds chart, linked by its tab, ranks a lower-is-better sweep's trials best first with ties by index.
 * Debian's chromium via playwright-core, a real worker, Redis and store; reads are anonymous over
 * loopback, as for a local user.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startBrowserDashboard, type BrowserDashboard, type DashboardServer } from '../support/browser-dashboard.js';
import { newTestContext, SCREENSHOT_DIR } from '../support/chromium.js';
import { ashaForestSweep } from '../support/asha-forest-sweep.js';

const READ_TOKEN = 'ui-links-read-token-0123456789';
const DATASET = { make_classification: { n_samples: 200, n_features: 5, n_informative: 3, n_redundant: 1, random_state: 5 } };
const LINKS_SWEEP = {
  name: 'ui_links',
  dataset: DATASET,
  cv: { folds: 2, scoring: 'accuracy' },
  objective: { metric: 'auc_roc' },
  search: {
    method: 'grid',
    space: [
      { model: 'logistic_regression', params: { C: { values: [0.001, 0.01, 0.1, 1, 10] } } },
      { model: 'decision_tree', params: { max_depth: { values: [1, 2, 3, 5, 8] } } },
    ],
  },
};
/**
 * Folds scored by a metric where lower is better, ranked by it: deep trees of depths 12 and 24 on 200
 * rows grow the same tree, so their objectives tie.
 */
const LOSS_SWEEP = {
  name: 'ui_folds_loss',
  dataset: DATASET,
  cv: { folds: 2, scoring: 'log_loss' },
  objective: { metric: 'log_loss' },
  search: {
    method: 'grid',
    space: [
      { model: 'logistic_regression', params: { C: { values: [0.01, 1] } } },
      { model: 'decision_tree', params: { max_depth: { values: [12, 24] } } },
    ],
  },
};

/** ASHA on forests: most trials stop at a rung, whose CV scores the pages must mark as such. */
const ASHA_SWEEP = ashaForestSweep('ui_asha');

describe('dashboard deep links, column chooser, CSV export and folds ranking in chromium', () => {
  let dash: BrowserDashboard;
  let server: DashboardServer;
  let browser: Browser;
  let sweepId: string;

  const api = <T>(urlPath: string): Promise<T> => dash.api<T>(urlPath);
  const trialsOf = (query: string): Promise<{ total: number; trials: Array<{ id: string; index: number }> }> => api(`/sweeps/${sweepId}/trials?${query}`);
  /** A page in its own browser context: nothing carried over but the URL. */
  const freshPage = async (): Promise<Page> => (await newTestContext(browser, { viewport: { width: 1400, height: 1000 }, acceptDownloads: true })).newPage();
  /** The header's columns, left to right. */
  const headerColumns = (page: Page): Promise<string[]> =>
    page.locator('.vtable .head [data-column]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-column')!));
  /** The trial ids of the rows shown, top to bottom. */
  const shownIds = (page: Page): Promise<string[]> =>
    page
      .locator('.vrow[data-trial-id]')
      .evaluateAll((rows) =>
        rows.sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row'))).map((r) => r.getAttribute('data-trial-id')!),
      );

  before(async () => {
    dash = await startBrowserDashboard({
      label: 'ui-links',
      env: { SWEEPQ_API_READ_TOKEN: READ_TOKEN },
      readToken: READ_TOKEN,
      sweeps: [LINKS_SWEEP, LOSS_SWEEP, ASHA_SWEEP],
    });
    ({ server, browser } = dash);
    sweepId = dash.sweepIds[0]!;
  });

  after(async () => {
    await dash?.close();
  });

  it('restores filter, brush, sort, columns and selection from a deep link in a fresh page', async () => {
    const filter = "attributes.model = 'decision_tree' OR params.C >= 0.1";
    const brush = 'metrics.auc_roc >= 0.5';
    const order = 'metrics.accuracy ASC';
    const cols = ['attributes.name', 'params.max_depth', 'metrics.accuracy', 'attributes.model'];
    const combined = `(${filter}) AND (${brush})`;
    const expected = await trialsOf(`filter=${encodeURIComponent(combined)}&order_by=${encodeURIComponent(order)}&limit=100`);
    assert.ok(expected.total >= 3 && expected.total < 10, `the link keeps some of the 10 trials (${expected.total})`);
    const selection = [expected.trials[0]!.id, expected.trials[2]!.id];
    const query = new URLSearchParams({ filter, brush, order, cols: cols.join(','), sel: selection.join(',') });

    const page = await freshPage();
    await page.goto(`${server.url}/ui/sweeps/${sweepId}?${query.toString()}`);
    await page
      .getByTestId('trial-total')
      .filter({ hasText: `${expected.total} trials match` })
      .waitFor();
    await page.locator(`[data-row="${expected.total - 1}"][data-trial-id]`).waitFor();
    assert.equal(await page.getByTestId('filter-input').inputValue(), filter);
    assert.equal(await page.getByTestId('brush-chip').locator('code').textContent(), brush);
    assert.deepEqual(await headerColumns(page), cols);
    assert.equal(await page.locator('[role="columnheader"][aria-sort="ascending"] [data-column]').getAttribute('data-column'), 'metrics.accuracy');
    assert.equal(await page.locator('[role="columnheader"][aria-sort="descending"]').count(), 0);
    assert.deepEqual(
      await shownIds(page),
      expected.trials.map((t) => t.id),
      'the rows of the API answer, in its order',
    );
    const checked = await page.locator('.vrow[data-trial-id]:has(input:checked)').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trial-id')!));
    assert.deepEqual(checked.sort(), [...selection].sort());
    assert.equal(await page.getByTestId('compare-button').textContent(), 'Compare (2)');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'deep-link-table.png'), fullPage: true });
    await page.context().close();
  });

  it('restores the chosen chart with the link’s filter and brush', async () => {
    const filter = "attributes.model = 'logistic_regression'";
    const brush = 'params.C <= 1';
    const history = await api<{ total: number; drawn: number }>(`/sweeps/${sweepId}/charts/history?filter=${encodeURIComponent(`(${filter}) AND (${brush})`)}`);
    assert.equal(history.total, 4, 'C ∈ {0.001, 0.01, 0.1, 1}');
    const page = await freshPage();
    await page.goto(`${server.url}/ui/sweeps/${sweepId}?${new URLSearchParams({ tab: 'history', filter, brush }).toString()}`);
    await page
      .getByTestId('chart-history')
      .and(page.locator(`[data-total="${history.total}"]`))
      .waitFor();
    assert.equal(await page.getByTestId('chart-history').getAttribute('data-points'), String(history.drawn));
    assert.equal(await page.locator('#tab-history').getAttribute('aria-selected'), 'true');
    assert.equal(await page.getByTestId('brush-chip').locator('code').textContent(), brush);
    await page.context().close();
  });

  it('restores a parallel-coordinates brush: the highlighted lines are the trials the brush selects', async () => {
    // The fourth best objective as a bound: a few trials inside, the rest out.
    const ranked = await api<{ trials: Array<{ metrics: Record<string, number> }> }>(
      `/sweeps/${sweepId}/trials?order_by=${encodeURIComponent('metrics.auc_roc DESC')}&limit=4`,
    );
    const brushes = [
      `metrics.auc_roc >= ${ranked.trials[3]!.metrics.auc_roc} AND metrics.auc_roc <= 1`,
      // max_depth is a categorical axis here (logistic regressions have none): a range of two categories.
      '(params.max_depth = 2 OR params.max_depth = 3)',
    ];
    const page = await freshPage();
    for (const brush of brushes) {
      const expected = await trialsOf(`filter=${encodeURIComponent(brush)}&limit=1`);
      assert.ok(expected.total > 0 && expected.total < 10, `${brush} keeps some of the 10 trials (${expected.total})`);
      await page.goto(`${server.url}/ui/sweeps/${sweepId}?${new URLSearchParams({ tab: 'parallel', brush }).toString()}`);
      await page.getByTestId('chart-parallel').and(page.locator('[data-lines="10"]')).waitFor();
      await page
        .getByTestId('parallel-selected')
        .filter({ hasText: /inside the brush/ })
        .waitFor();
      assert.equal(await page.getByTestId('parallel-selected').textContent(), `${expected.total} of the drawn lines inside the brush`, brush);
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'deep-link-parallel.png'), fullPage: true });
    // A brush the chart could not have drawn still filters, and the chart says it cannot draw it.
    await page.goto(`${server.url}/ui/sweeps/${sweepId}?${new URLSearchParams({ tab: 'parallel', brush: "attributes.model = 'decision_tree'" }).toString()}`);
    await page.getByTestId('parallel-selected').filter({ hasText: 'a brush this chart cannot draw' }).waitFor();
    await page.context().close();
  });

  it('hides and shows a column with the chooser; the choice is in the URL and survives a reload', async () => {
    const page = await freshPage();
    await page.goto(`${server.url}/ui/sweeps/${sweepId}`);
    await page.getByTestId('trial-total').filter({ hasText: '10 trials match' }).waitFor();
    await page.locator('.vtable .head [data-column="attributes.duration"]').waitFor();
    const defaults = await headerColumns(page);
    assert.ok(!defaults.includes('attributes.model'), 'the model column is not shown by default');
    const chooser = page.locator('details.chooser');
    await chooser.locator('summary').click();
    await chooser.getByLabel('attributes.duration').uncheck();
    await page.waitForURL((url) => url.searchParams.has('cols'));
    await chooser.getByLabel('attributes.model').check();
    // A column switched on takes its place in the chooser's order: attributes, params, metrics.
    const fields = await api<{ params: Array<{ name: string }>; metrics: Array<{ name: string }> }>(`/sweeps/${sweepId}/fields`);
    const chooserOrder = [
      ...['attributes.index', 'attributes.name', 'attributes.status', 'attributes.model', 'attributes.duration'],
      ...fields.params.map((p) => `params.${p.name}`),
      ...fields.metrics.map((m) => `metrics.${m.name}`),
    ];
    const expected = chooserOrder.filter((c) => c === 'attributes.model' || (c !== 'attributes.duration' && defaults.includes(c)));
    await page.waitForFunction((n) => document.querySelectorAll('.vtable .head [data-column]').length === n, expected.length);
    assert.deepEqual(await headerColumns(page), expected);
    assert.deepEqual(new URL(page.url()).searchParams.get('cols')?.split(','), expected);
    assert.equal(await chooser.locator('summary').textContent(), `Columns (${expected.length})`);
    await page.reload();
    await page.locator('.vtable .head [data-column="attributes.model"]').waitFor();
    assert.deepEqual(await headerColumns(page), expected, 'the reloaded page shows the chosen columns');
    assert.equal(
      await page.locator('.vrow[data-trial-id]').first().locator('[role="gridcell"]').count(),
      expected.length + 1,
      'rows have the same cells (+ the checkbox)',
    );
    await page.context().close();
  });

  it('exports the current view as CSV: the filtered rows in the table’s order and columns, as the API answers', async () => {
    const filter = 'params.max_depth >= 2 OR params.C < 0.1';
    const order = 'metrics.auc_roc DESC';
    const cols = ['attributes.index', 'attributes.name', 'params.C', 'params.max_depth', 'metrics.auc_roc'];
    const page = await freshPage();
    await page.goto(`${server.url}/ui/sweeps/${sweepId}?${new URLSearchParams({ filter, order, cols: cols.join(',') }).toString()}`);
    const expected = await trialsOf(`filter=${encodeURIComponent(filter)}&order_by=${encodeURIComponent(order)}&limit=100`);
    assert.equal(expected.total, 6, 'max_depth ∈ {2, 3, 5, 8} and C ∈ {0.001, 0.01}');
    await page
      .getByTestId('trial-total')
      .filter({ hasText: `${expected.total} trials match` })
      .waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-export').click()]);
    const downloaded = await readFile(await download.path(), 'utf8');
    const fromApi = await (
      await fetch(`${server.url}/sweeps/${sweepId}/trials.csv?${new URLSearchParams({ filter, order_by: order, columns: cols.join(',') }).toString()}`, {
        headers: { authorization: `Bearer ${READ_TOKEN}` },
      })
    ).text();
    assert.equal(downloaded, fromApi);
    const lines = downloaded.trim().split('\n');
    assert.equal(lines[0], cols.join(','));
    assert.deepEqual(
      lines.slice(1).map((line) => Number(line.split(',')[0])),
      expected.trials.map((t) => t.index),
      'the rows the table shows, in its order',
    );
    await page.context().close();
  });

  it('shows one not-found state for a sweep that does not exist: a link back, no cards, tabs or actions', async () => {
    const page = await freshPage();
    // A well-formed id the server does not know (404), and a string that is no sweep id at all (400 on the id).
    for (const [id, reason] of [
      ['s-nosuchsweep0', /deleted/],
      ['no_such_sweep', /a sweep id is s- and/],
    ] as const) {
      await page.goto(`${server.url}/ui/sweeps/${id}`);
      const notFound = page.getByTestId('sweep-not-found');
      await notFound.waitFor();
      assert.equal(await notFound.locator('h1').textContent(), `no sweep ${id}`);
      assert.match((await notFound.getByTestId('not-found-reason').textContent())!, reason);
      assert.equal(await notFound.getByRole('link').getAttribute('href'), '/ui/');
      for (const gone of ['button:has-text("Cancel sweep")', '[role="progressbar"]', '[role="tab"]', '[data-testid="status-panel"]', '[role="alert"]'])
        assert.equal(await page.locator(gone).count(), 0, `${id}: no ${gone}`);
    }
    await page.context().close();
  });

  it("shows a trial page's not-found state: the sweep's when the sweep does not exist, its own when the sweep lacks the trial", async () => {
    const page = await freshPage();
    // A sweep the server does not know (404), a string that is no sweep id (400 on the id): the sweep page's state.
    for (const [id, reason] of [
      ['s-nosuchsweep0', /deleted/],
      ['no_such_sweep', /a sweep id is s- and/],
    ] as const) {
      await page.goto(`${server.url}/ui/sweeps/${id}/trials/${id}-t0`);
      const notFound = page.getByTestId('sweep-not-found');
      await notFound.waitFor();
      assert.equal(await notFound.locator('h1').textContent(), `no sweep ${id}`);
      assert.match((await notFound.getByTestId('not-found-reason').textContent())!, reason);
      assert.equal(await notFound.getByRole('link').getAttribute('href'), '/ui/');
      for (const gone of ['[data-testid="trial-params"]', '[data-testid="trial-metrics"]', '[role="alert"]'])
        assert.equal(await page.locator(gone).count(), 0, `${id}: no ${gone}`);
    }
    // The sweep exists, the trial does not (404), or the trial id is malformed (400 on it): back to the sweep.
    for (const [trialId, reason] of [
      [`${sweepId}-t9999`, /has no trial with this id/],
      ['not-a-trial', /a trial id looks like/],
    ] as const) {
      await page.goto(`${server.url}/ui/sweeps/${sweepId}/trials/${trialId}`);
      const notFound = page.getByTestId('trial-not-found');
      await notFound.waitFor();
      assert.equal(await notFound.locator('h1').textContent(), `no trial ${trialId}`);
      assert.match((await notFound.getByTestId('not-found-reason').textContent())!, reason);
      assert.equal(await notFound.getByRole('link').getAttribute('href'), `/ui/sweeps/${sweepId}`);
      assert.equal(await page.locator('[role="alert"]').count(), 0, `${trialId}: no error box`);
    }
    await page.context().close();
  });

  it("marks a pruned trial's CV score with its rung in the table and on its page; a completed trial's is unmarked", async () => {
    const ashaId = dash.sweepIds[2]!;
    const all = await api<{ trials: Array<{ id: string; index: number; status: string; pruning?: { scoredAt?: { rung: number; resource: number } } }> }>(
      `/sweeps/${ashaId}/trials?limit=100`,
    );
    const pruned = all.trials.find((t) => t.status === 'pruned');
    const completed = all.trials.find((t) => t.status === 'completed');
    assert.ok(pruned !== undefined && completed !== undefined, 'the sweep has pruned and completed trials');
    const at = pruned.pruning?.scoredAt;
    assert.ok(at !== undefined, 'the API record says which rung the scores are of');

    const page = await freshPage();
    await page.goto(`${server.url}/ui/sweeps/${ashaId}?cols=attributes.index,attributes.status,metrics.cv_mean`);
    await page.getByTestId('rung-legend').waitFor();
    const cell = (id: string) => page.locator(`.vrow[data-trial-id="${id}"] [role="gridcell"]`).last();
    await cell(pruned.id).waitFor();
    assert.match((await cell(pruned.id).textContent())!, new RegExp(`^r${at.rung}: \\d\\.\\d+$`));
    assert.match((await cell(pruned.id).getAttribute('title'))!, new RegExp(`at rung ${at.rung} \\(${at.resource} of 27 trees\\), not a full trial's`));
    assert.match((await cell(completed.id).textContent())!, /^\d\.\d+$/);

    await page.goto(`${server.url}/ui/sweeps/${ashaId}/trials/${pruned.id}`);
    const metrics = page.getByTestId('trial-metrics');
    await metrics.waitFor();
    assert.equal(await metrics.locator('[data-metric="cv_mean"] [data-testid="rung-note"]').textContent(), ` @ rung ${at.rung} (${at.resource} of 27 trees)`);
    await page.goto(`${server.url}/ui/sweeps/${ashaId}/trials/${completed.id}`);
    await page.getByTestId('trial-metrics').waitFor();
    assert.equal(await page.getByTestId('rung-note').count(), 0, 'a completed trial scores in full');
    await page.goto(`${server.url}/ui/sweeps/${ashaId}/compare?ids=${pruned.id},${completed.id}`);
    const compared = page.locator('[data-metric="cv_mean"] [data-testid="rung-note"]');
    await compared.waitFor();
    assert.equal(await compared.count(), 1, 'the compare page marks the pruned trial only');
    assert.equal(await compared.textContent(), ` @ rung ${at.rung} (${at.resource} of 27 trees)`);
    await page.context().close();

    const csv = async (columns: string) =>
      (await (await fetch(`${server.url}/sweeps/${ashaId}/trials.csv?columns=${columns}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).text())
        .trim()
        .split('\n')
        .map((line) => line.split(','));
    const [header, ...rows] = await csv('attributes.index,attributes.status,metrics.cv_mean');
    assert.deepEqual(header, ['attributes.index', 'attributes.status', 'metrics.cv_mean', 'cv_scored_at']);
    const rowOf = (index: number) => rows.find((r) => Number(r[0]) === index)!;
    assert.equal(rowOf(pruned.index)[3], `rung ${at.rung} (${at.resource} of 27 trees)`, 'the CSV says which rung a pruned score is of');
    assert.equal(rowOf(completed.index)[3], '', 'and nothing for a full score');
    assert.deepEqual((await csv('attributes.index,attributes.status'))[0], ['attributes.index', 'attributes.status'], 'no rung column without a CV score');
  });

  it('clips header names longer than their column: no two header labels overlap', async () => {
    // Narrow enough that the columns sit at their minimum width and names like max_depth do not fit.
    const page = await (await newTestContext(browser, { viewport: { width: 900, height: 700 } })).newPage();
    await page.goto(`${server.url}/ui/sweeps/${sweepId}`);
    await page.locator('.vtable .head [data-column="attributes.duration"]').waitFor();
    const boxes = await page.locator('.vtable .head [data-column]').evaluateAll((buttons) =>
      buttons.map((b) => {
        const box = b.getBoundingClientRect();
        return { column: b.getAttribute('data-column')!, title: b.getAttribute('title')!, left: box.left, right: box.right };
      }),
    );
    assert.ok(boxes.length >= 8, `the default columns (${boxes.length})`);
    for (let k = 1; k < boxes.length; k++)
      assert.ok(
        boxes[k]!.left >= boxes[k - 1]!.right - 0.5,
        `${boxes[k - 1]!.column} ends at ${boxes[k - 1]!.right}, ${boxes[k]!.column} starts at ${boxes[k]!.left}`,
      );
    for (const box of boxes) assert.ok(box.title.startsWith(box.column), `the title carries the full name: ${box.title}`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'narrow-header.png') });
    await page.context().close();
  });

  it('ranks the CV folds chart best first when lower is better, ties by trial index, on the scoring metric’s axis', async () => {
    const lossId = dash.sweepIds[1]!;
    const ranked = await api<{ total: number; trials: Array<{ id: string; index: number; metrics: Record<string, number> }> }>(
      `/sweeps/${lossId}/trials?order_by=${encodeURIComponent('metrics.log_loss ASC')}&limit=50`,
    );
    assert.equal(ranked.total, 4);
    const losses = ranked.trials.map((t) => t.metrics.log_loss!);
    for (let k = 1; k < losses.length; k++) {
      assert.ok(losses[k - 1]! <= losses[k]!, `ascending log_loss: ${losses.join(', ')}`);
      if (losses[k - 1] === losses[k]) assert.ok(ranked.trials[k - 1]!.index < ranked.trials[k]!.index, 'a tie goes to the lower index');
    }
    assert.ok(new Set(losses).size < losses.length, `the two deep trees tie (${losses.join(', ')})`);
    const page = await freshPage();
    await page.goto(`${server.url}/ui/sweeps/${lossId}?tab=folds`);
    const chart = page.getByTestId('chart-folds');
    await chart.and(page.locator('[data-trials="4"]')).waitFor();
    assert.equal(await chart.getAttribute('data-order'), ranked.trials.map((t) => t.id).join(','), 'the lowest loss first');
    assert.equal(await chart.getAttribute('data-points'), '8', '4 trials × 2 folds');
    assert.equal(await chart.getAttribute('data-scoring'), 'log_loss');
    assert.equal(await chart.getAttribute('data-goal'), 'minimize');
    assert.match(
      (await page.getByTestId('note-folds').textContent())!,
      /best 4 of 4 completed trials with fold scores, by log_loss \(minimize; ties by trial index\)/,
    );
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'chart-folds-loss.png'), fullPage: true });
    await page.context().close();
  });
});
