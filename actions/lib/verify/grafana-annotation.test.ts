import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotationBody, postAnnotation } from './grafana-annotation.ts';
import type { DeploymentMark } from './grafana-annotation.ts';
import { startGrafanaApi } from '../../test-support/grafana-api.ts';
import type { GrafanaApiServer } from '../../test-support/grafana-api.ts';

const mark: DeploymentMark = {
  environment: 'dev',
  service: 'cart',
  version: 'sha-1a2b3c4',
  commit: '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0',
  outcome: 'passed',
  time: 1_795_000_000_000,
};

describe('annotationBody', () => {
  it('tags the mark so the service dashboard (tags deploy + $service) shows it', () => {
    expect(annotationBody(mark)).toEqual({
      time: 1_795_000_000_000,
      tags: ['deploy', 'cart', 'dev', 'version:sha-1a2b3c4', 'verify:passed'],
      text: 'cart sha-1a2b3c4 deployed to dev (GitOps 4f6d2a1c9b8e): verification passed',
    });
  });

  it('pins it to a dashboard and carries the failure and the run link when given', () => {
    const body = annotationBody({
      ...mark,
      outcome: 'failed',
      reason: 'cart: 20% 5xx',
      dashboardUid: 'shop-service',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(body.dashboardUID).toBe('shop-service');
    expect(body.text.split('\n')).toEqual([
      'cart sha-1a2b3c4 deployed to dev (GitOps 4f6d2a1c9b8e): verification failed',
      'cart: 20% 5xx',
      '<a href="https://github.com/o/r/actions/runs/1">workflow run</a>',
    ]);
  });
});

describe("postAnnotation against a local server following Grafana's annotation API", () => {
  let grafana: GrafanaApiServer;
  beforeAll(async () => {
    grafana = await startGrafanaApi();
  });
  afterAll(() => grafana.stop());

  it('posts the annotation and returns its id', async () => {
    const id = await postAnnotation(`${grafana.url}/`, grafana.token, mark);
    expect(id).toBe(grafana.annotations.length);
    expect(grafana.annotations.at(-1)).toEqual(annotationBody(mark));
  });

  it('names the permission a refused token lacks', async () => {
    await expect(postAnnotation(grafana.url, 'wrong', mark)).rejects.toThrow(
      'Grafana refused the annotation for cart: 401 {"message":"Unauthorized"} (the token needs the annotations:write permission, e.g. an Editor service account)',
    );
  });

  it('says when Grafana cannot be reached', async () => {
    await expect(postAnnotation('http://127.0.0.1:9', grafana.token, mark)).rejects.toThrow(
      /^Grafana at http:\/\/127\.0\.0\.1:9 is unreachable/,
    );
  });
});
