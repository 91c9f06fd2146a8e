/**
 * `slipway validate [folder] [--json] [--charts]`: checks a GitOps tree (default gitops-repo) —
 * YAML, strict schemas, Applications and projects, the shop chart rendered per service and
 * environment, workload policy, secrets. Offline unless `--charts`: then the charts the
 * Applications install from chart repositories are pulled at their pinned versions, rendered
 * and checked too (network). One line per finding; exit 0 clean, 1 findings, 2 bad usage.
 */
import { resolve } from 'node:path';
import { formatFinding } from '../../lib/validate/finding.ts';
import { ValidateInputError, validateFolder } from '../../lib/validate/validate-folder.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';

export const command: Command = {
  summary:
    'validate a GitOps folder (schemas, projects, paths, rendered charts, policy, secrets); --charts also pulls and checks third-party charts; exit 1 on any finding',
  usage: 'slipway validate [folder] [--json] [--charts]   (folder defaults to gitops-repo; --charts needs the network)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean', default: false },
      charts: { type: 'boolean', default: false },
    });
    if (positionals.length > 1) throw new UsageError('give at most one folder');
    const folder = positionals[0] ?? 'gitops-repo';
    let findings;
    try {
      findings = await validateFolder(resolve(io.cwd, folder), { charts: values.charts });
    } catch (error) {
      if (error instanceof ValidateInputError) throw new UsageError(error.message);
      throw error;
    }
    if (values.json) io.out(JSON.stringify(findings, null, 2));
    else {
      for (const finding of findings) io.out(formatFinding(finding));
      io.out(findings.length === 0 ? `${folder}: no findings` : `${folder}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
    }
    return findings.length === 0 ? 0 : 1;
  },
};
