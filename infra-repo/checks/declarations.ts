// Every variable is typed and described; every output is described.
import { blockLine, namedBlocks } from './terraform-config.ts';
import type { Finding, TerraformModule } from './terraform-config.ts';

function hasText(value: unknown): boolean {
  return typeof value === 'string' && value.trim().length > 0;
}

export function declarationFindings(module: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  for (const variable of namedBlocks(module, 'variable')) {
    const where = { check: 'variable-declaration', file: variable.file.path, line: blockLine(variable.file, 'variable', variable.name) };
    if (!hasText(variable.body.type)) {
      findings.push({
        ...where,
        message: `variable "${variable.name}" has no type: add \`type = ...\` (string, number, bool, list(...), object({...}))`,
      });
    }
    if (!hasText(variable.body.description)) {
      findings.push({
        ...where,
        message: `variable "${variable.name}" has no description: add \`description = "..."\` saying what it is for`,
      });
    }
  }
  for (const output of namedBlocks(module, 'output')) {
    if (!hasText(output.body.description)) {
      findings.push({
        check: 'output-declaration',
        file: output.file.path,
        line: blockLine(output.file, 'output', output.name),
        message: `output "${output.name}" has no description: add \`description = "..."\``,
      });
    }
  }
  return findings;
}
