import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultObjectives, judgeSlo, measureVersion, prometheusScalarQuery, sloQueries, soak } from './slo-check.ts';
import type { ScalarQuery, SloMeasurement, VersionUnderTest } from './slo-check.ts';
import { SimulatedServicePod, startExpositionServer, startPrometheus } from '../../test-support/prometheus-server.ts';
import type { ExpositionServer, PrometheusServer } from '../../test-support/prometheus-server.ts';

const measured = (requests: number, errors: number, slow: number): SloMeasurement => ({
  service: 'cart',
  version: '2.0.0',
  windowSeconds: 300,
  requests,
  errors,
  slow,
});

// What the verdict says of cart 2.0.0 over 300 s under the default objectives, for each SLO broken.
const errorsOver = (share: string, requests: number) =>
  `${share}% of ${requests} requests answered 5xx over 300s; the limit is 3% (6x the 0.5% error budget)`;
const slowOver = (share: string, requests: number) =>
  `${share}% of ${requests} requests took longer than 500 ms over 300s; the limit is 6% (6x the 1% latency budget)`;

describe('judgeSlo with the default objectives (99.5% available, 99% within 500 ms, 6x burn)', () => {
  it.each([
    ['no errors, fast', measured(1000, 0, 0), true, ''],
    ['errors at the limit (3%)', measured(1000, 30, 0), true, ''],
    ['errors over the limit', measured(1000, 31, 0), false, `cart 2.0.0: ${errorsOver('3.1', 1000)}`],
    ['slow over the limit', measured(200, 0, 20), false, `cart 2.0.0: ${slowOver('10', 200)}`],
    ['both over the limit', measured(100, 50, 50), false, `cart 2.0.0: ${errorsOver('50', 100)}; ${slowOver('50', 100)}`],
    [
      'too little traffic passes with a note',
      measured(4, 4, 0),
      true,
      'cart 2.0.0 answered 4 requests in 300s, fewer than the 10 needed to judge its SLOs',
    ],
  ])('%s', (_name, measurement, ok, reason) => {
    const verdict = judgeSlo(measurement, defaultObjectives);
    expect([verdict.ok, verdict.reason]).toEqual([ok, reason]);
  });

  it('too little traffic fails when traffic is required', () => {
    expect(judgeSlo(measured(4, 0, 0), { ...defaultObjectives, requireTraffic: true }).ok).toBe(false);
  });

  it('selects by commit instead of version when the commit is known', () => {
    expect(sloQueries({ service: 'cart', version: 'main', commit: 'abc' }, 'shop', 60, 0.5).requests).toContain(
      'app_info{namespace="shop", service="cart", commit="abc"}',
    );
  });

  it('builds queries joined with app_info on the pod for exactly the version, quoting label values', () => {
    const queries = sloQueries({ service: 'cart', version: '2.0.0"}' }, 'shop', 120, 0.5);
    expect(queries.errors).toBe(
      'sum(increase(http_request_duration_seconds_count{namespace="shop", service="cart", status_code=~"5.."}[120s]) * on (namespace, pod) group_left group by (namespace, pod) (app_info{namespace="shop", service="cart", version="2.0.0\\"}"}))',
    );
    expect(queries.fast).toContain('le="0.5"');
  });
});

const oldCommit = '1111111111111111111111111111111111111111';
const newCommit = '2222222222222222222222222222222222222222';

describe('soak against a real Prometheus scraping an old and a new version of cart', () => {
  let prometheus: PrometheusServer;
  let oldPod: ExpositionServer;
  let newPod: ExpositionServer;
  let ticker: ReturnType<typeof setInterval>;
  let newPodShape = { errorShare: 0, slowShare: 0 };
  beforeAll(async () => {
    const [oldCart, newCart] = [new SimulatedServicePod('cart', '1.9.0', oldCommit), new SimulatedServicePod('cart', '2.0.0', newCommit)];
    oldPod = await startExpositionServer(oldCart.tick(0, 0, 0, 0));
    newPod = await startExpositionServer(newCart.tick(0, 0, 0, 0));
    let last = Date.now();
    ticker = setInterval(() => {
      const seconds = (Date.now() - last) / 1000;
      last = Date.now();
      // The old version fails half its requests; only the new one is under test.
      oldPod.set(oldCart.tick(seconds, 50, 0.5, 0));
      newPod.set(newCart.tick(seconds, 50, newPodShape.errorShare, newPodShape.slowShare));
    }, 100);
    const labels = (pod: string) => ({ namespace: 'shop', service: 'cart', job: 'cart', pod, environment: 'dev' });
    prometheus = await startPrometheus([
      { address: oldPod.address, labels: labels('cart-6f7d9-old01') },
      { address: newPod.address, labels: labels('cart-8a9b0-new01') },
    ]);
    await prometheus.waitFor('app_info{version="2.0.0"}');
  });
  afterAll(async () => {
    clearInterval(ticker);
    await prometheus?.stop();
    await oldPod?.stop();
    await newPod?.stop();
  });

  const run = (soakMs: number, target: VersionUnderTest = { service: 'cart', version: '2.0.0' }) => {
    const lines: string[] = [];
    return soak({
      query: prometheusScalarQuery(prometheus.url),
      targets: [target],
      namespace: 'shop',
      objectives: defaultObjectives,
      soakMs,
      intervalMs: 1000,
      log: (line) => lines.push(line),
    }).then((result) => ({ result, lines }));
  };

  it('passes a healthy new version even while the old version fails (split by version)', async () => {
    newPodShape = { errorShare: 0, slowShare: 0 };
    const { result, lines } = await run(4000);
    expect(result.ok).toBe(true);
    expect(result.verdicts[0]?.requests).toBeGreaterThan(50);
    expect(result.verdicts[0]?.errorRatio).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    // The last line comes once the 4 s are over: on a loaded machine slow queries can make that 5 s.
    expect(lines.at(-1)).toMatch(/^\[\d+s\] cart 2\.0\.0: \d+ requests, 0% 5xx, 0% over 500 ms$/);
    expect(Number(/^\[(\d+)s\]/.exec(lines.at(-1) ?? '')?.[1])).toBeGreaterThanOrEqual(4);
  });

  it('picks the pods by source commit when it is known (branch builds may share a version)', async () => {
    newPodShape = { errorShare: 0, slowShare: 0 };
    const [ours, theirs] = await Promise.all([
      run(2000, { service: 'cart', version: 'main', commit: newCommit }),
      run(2000, { service: 'cart', version: 'main', commit: oldCommit }),
    ]);
    expect(ours.result.ok).toBe(true);
    expect(ours.result.verdicts[0]?.requests).toBeGreaterThan(10);
    expect(theirs.result.ok).toBe(false);
    expect(theirs.result.reason).toMatch(/^cart main: 5\d(\.\d)?% of \d+ requests answered 5xx/);
  });

  it('fails a new version that answers 20% 5xx, saying how bad against which limit', async () => {
    newPodShape = { errorShare: 0.2, slowShare: 0 };
    await new Promise((r) => setTimeout(r, 3000));
    const { result } = await run(3000);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(
      /^cart 2\.0\.0: (1\d|2\d)(\.\d)?% of \d+ requests answered 5xx over \d+s; the limit is 3% \(6x the 0\.5% error budget\)$/,
    );
  });

  it('fails a new version whose requests are slow', async () => {
    newPodShape = { errorShare: 0, slowShare: 0.5 };
    await new Promise((r) => setTimeout(r, 3000));
    const { result } = await run(3000);
    expect(result.ok).toBe(false);
    expect(result.reason).toContain('requests took longer than 500 ms');
  });

  it("evaluates a query at the time it is given (the API's time parameter) and reports that time", async () => {
    const at = Math.floor(Date.now() / 1000) - 2.5;
    expect(await prometheusScalarQuery(prometheus.url)('time()', at)).toEqual({ value: at, at });
    expect(await prometheusScalarQuery(prometheus.url)('absent_series_of_nothing')).toEqual({ value: 0, at: undefined });
  });

  it('counts errors and fast requests at the instant Prometheus counted the requests at, so a short window cannot see all requests as slow', async () => {
    newPodShape = { errorShare: 0, slowShare: 0 };
    await new Promise((r) => setTimeout(r, 3000)); // the slow requests of the test before leave the window
    const real = prometheusScalarQuery(prometheus.url);
    const asked: (number | undefined)[] = [];
    const answered: number[] = [];
    const recorded: ScalarQuery = async (expr, atSeconds) => {
      asked.push(atSeconds);
      const answer = await real(expr, atSeconds);
      if (answer.at !== undefined) answered.push(answer.at);
      return answer;
    };
    // A 2 s window holds two scrapes (1 s apart) or one: counted at different moments the counts would disagree.
    let sampled = 0;
    for (let round = 0; round < 5; round += 1) {
      asked.length = 0;
      answered.length = 0;
      const measurement = await measureVersion(recorded, { service: 'cart', version: '2.0.0' }, 'shop', 2, 0.5);
      expect(measurement.slow, JSON.stringify(measurement)).toBe(0);
      expect(asked[0]).toBeUndefined();
      if (answered.length > 0) {
        sampled += 1;
        expect(asked.slice(1)).toEqual([answered[0], answered[0]]);
      }
    }
    // Scraped every second, most rounds find two samples (a loaded machine may delay a scrape): at least one must.
    expect(sampled).toBeGreaterThan(0);
  });

  it('names a query Prometheus rejects', async () => {
    await expect(prometheusScalarQuery(prometheus.url)('sum(rate(x[5m])')).rejects.toThrow(
      /Prometheus rejected the query \(.*\): sum\(rate\(x\[5m\]\)/,
    );
  });
});
