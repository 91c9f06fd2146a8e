// Roles that GitHub Actions assume through OIDC trust one repository only:
// every trust statement with sts:AssumeRoleWithWebIdentity pins the audience to
// sts.amazonaws.com and the subject to repo:<org>/<repo>:<exact context>, and a
// prod role accepts only jobs bound to the `production` environment.
import { blockLine, childBlocks, typedBlocks } from './terraform-config.ts';
import type { Finding, HclBody, TerraformModule, TypedBlock } from './terraform-config.ts';

const GITHUB = 'token.actions.githubusercontent.com';
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
/** repo:<org>/<repo>:<context>, no wildcard anywhere; org and repo may be ${var...} interpolations. */
const REPOSITORY_SUBJECT = /^repo:[^*:/?]+\/[^*:/?]+:[^*?]+$/;
const PRODUCTION_SUBJECT = /^repo:[^*:/?]+\/[^*:/?]+:environment:production$/;

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function conditionsOn(statement: HclBody, variable: string): HclBody[] {
  return childBlocks(statement, 'condition').filter((c) => c.variable === variable);
}

function isWebIdentityStatement(statement: HclBody): boolean {
  return strings(statement.actions).includes(WEB_IDENTITY);
}

/** Name of the policy document a role's assume_role_policy uses, if it is `data.aws_iam_policy_document.<name>.json`. */
function trustDocumentName(role: TypedBlock): string | undefined {
  const policy = role.body.assume_role_policy;
  if (typeof policy !== 'string') return undefined;
  return /^\$\{data\.aws_iam_policy_document\.([\w-]+)(?:\[[^\]]*\])?\.json\}$/.exec(policy)?.[1];
}

/** A role is a prod role when its resource name or its name says so. */
function isProdRole(role: TypedBlock): boolean {
  const name = typeof role.body.name === 'string' ? role.body.name : '';
  return /(^|[_-])prod(uction)?($|[_-])/.test(role.name) || /(^|[_-])prod(uction)?($|[_-])/.test(name);
}

type Where = Pick<Finding, 'check' | 'file' | 'line'>;

/** What is wrong with one web-identity statement of a trust policy: its audience and its subjects. */
function statementFindings(document: TypedBlock, statement: HclBody, where: Where): Finding[] {
  const findings: Finding[] = [];
  const audiences = conditionsOn(statement, `${GITHUB}:aud`);
  if (!audiences.some((c) => c.test === 'StringEquals' && strings(c.values).length === 1 && strings(c.values)[0] === 'sts.amazonaws.com')) {
    findings.push({
      ...where,
      message: `trust policy "${document.name}" must require ${GITHUB}:aud StringEquals ["sts.amazonaws.com"]`,
    });
  }
  const subjects = conditionsOn(statement, `${GITHUB}:sub`);
  if (subjects.length === 0) {
    findings.push({
      ...where,
      message: `trust policy "${document.name}" has no ${GITHUB}:sub condition: any repository on GitHub could assume the role`,
    });
  }
  for (const condition of subjects) findings.push(...subjectFindings(document, condition, where));
  return findings;
}

/** Whether one `sub` condition pins each subject to one repository and context, exactly. */
function subjectFindings(document: TypedBlock, condition: HclBody, where: Where): Finding[] {
  const findings: Finding[] = [];
  const values = strings(condition.values);
  if (values.length === 0) {
    findings.push({ ...where, message: `trust policy "${document.name}": the ${GITHUB}:sub condition lists no subjects` });
  }
  for (const value of values) {
    if (!REPOSITORY_SUBJECT.test(value)) {
      findings.push({
        ...where,
        message: `trust policy "${document.name}": subject "${value}" is not pinned to one repository and context (expected repo:<org>/<repo>:<ref|environment|pull_request>, no wildcards)`,
      });
    }
  }
  if (condition.test !== 'StringEquals' && values.some((v) => /[*?]/.test(v))) {
    findings.push({
      ...where,
      message: `trust policy "${document.name}": use StringEquals with exact subjects, not ${String(condition.test)} with wildcards`,
    });
  }
  return findings;
}

/** Whether a role's trust policy is a document of this module, and a prod role's only production jobs. */
function roleFindings(role: TypedBlock, documents: Map<string, TypedBlock>): Finding[] {
  const where = { check: 'oidc-trust', file: role.file.path, line: blockLine(role.file, 'resource', role.type, role.name) };
  const policy = role.body.assume_role_policy;
  const documentName = trustDocumentName(role);
  if (documentName === undefined) {
    if (typeof policy === 'string' && policy.includes(WEB_IDENTITY)) {
      return [
        {
          ...where,
          message: `role "${role.name}" writes its OIDC trust policy inline: use an aws_iam_policy_document so its conditions can be checked`,
        },
      ];
    }
    return [];
  }
  const document = documents.get(documentName);
  if (document === undefined) {
    return [
      {
        ...where,
        message: `role "${role.name}" uses data.aws_iam_policy_document.${documentName}, which this module does not define`,
      },
    ];
  }
  const webIdentity = childBlocks(document.body, 'statement').filter(isWebIdentityStatement);
  if (!isProdRole(role) || webIdentity.length === 0) return [];
  const subjects = webIdentity.flatMap((s) => conditionsOn(s, `${GITHUB}:sub`).flatMap((c) => strings(c.values)));
  const others = subjects.filter((s) => !PRODUCTION_SUBJECT.test(s));
  if (subjects.length === 0 || others.length > 0) {
    return [
      {
        ...where,
        message: `prod role "${role.name}" must be trusted only from repo:<org>/<repo>:environment:production; its trust policy "${documentName}" also allows ${others.length > 0 ? others.map((s) => `"${s}"`).join(', ') : 'any subject'}`,
      },
    ];
  }
  return [];
}

export function oidcTrustFindings(module: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  const documents = new Map(
    typedBlocks(module, 'data')
      .filter((d) => d.type === 'aws_iam_policy_document')
      .map((d) => [d.name, d]),
  );
  const roles = typedBlocks(module, 'resource').filter((r) => r.type === 'aws_iam_role');

  for (const document of documents.values()) {
    const where = { check: 'oidc-trust', file: document.file.path, line: blockLine(document.file, 'data', document.type, document.name) };
    for (const statement of childBlocks(document.body, 'statement').filter(isWebIdentityStatement)) {
      findings.push(...statementFindings(document, statement, where));
    }
  }
  for (const role of roles) findings.push(...roleFindings(role, documents));
  return findings;
}
