// Roles that GitHub Actions assume through OIDC trust one repository only:
// every trust statement with sts:AssumeRoleWithWebIdentity pins the audience to
// sts.amazonaws.com and the subject to one exact context of one repository, and a
// prod role accepts only jobs bound to the `production` environment.
//
// GitHub's default subject is repo:<repository>:<context>, <repository> in one of two forms
// (GitHub Docs, "OpenID Connect reference"; github/docs content/actions/reference/security/oidc.md,
// "Example subject claims" and "Immutable subject claims"):
//   immutable  repo:OWNER@OWNER-ID/REPO@REPO-ID:<context>  (`@` never appears in a GitHub name)
//   legacy     repo:OWNER/REPO:<context>
// A repository issues one of them, so a trust policy lists one: the same context in both forms would
// let whoever takes a deleted name match the legacy one. Subjects may come from locals
// (`local.x.y`, or `local.x[var.format]`: each value of the map the variable may choose).
import { blockLine, childBlocks, expandLocals, moduleLocals, typedBlocks } from './terraform-config.ts';
import type { Finding, HclBody, TerraformModule, TypedBlock } from './terraform-config.ts';

const GITHUB = 'token.actions.githubusercontent.com';
const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
/** An owner or repository name: a literal or an interpolation such as ${var.github_org}, no wildcard, `@`, `/` or `:`. */
const NAME = String.raw`[^*?:/@\s]+`;
/** A numeric id: digits, or one variable that holds them. */
const ID = String.raw`(?:[1-9][0-9]*|\$\{var\.\w+\})`;
/** The context after the repository: ref:refs/heads/main, environment:production, pull_request; no wildcard. */
const CONTEXT = String.raw`[^*?\s]+`;
const LEGACY_SUBJECT = new RegExp(`^repo:(${NAME})/(${NAME}):(${CONTEXT})$`);
const IMMUTABLE_SUBJECT = new RegExp(`^repo:(${NAME})@(${ID})/(${NAME})@(${ID}):(${CONTEXT})$`);
const EXPECTED = 'repo:<owner>@<owner id>/<repo>@<repo id>:<context> or repo:<owner>/<repo>:<context>, no wildcards';

/** One subject in GitHub's default format. repository is owner/name without ids; ids is "<owner id>/<repo id>" in the immutable form. */
interface Subject {
  value: string;
  form: 'immutable' | 'legacy';
  repository: string;
  ids?: string;
  context: string;
}

function parseSubject(value: string): Subject | undefined {
  const immutable = IMMUTABLE_SUBJECT.exec(value);
  if (immutable) {
    const [, owner, ownerId, repo, repoId, context] = immutable as unknown as string[];
    return { value, form: 'immutable', repository: `${owner}/${repo}`, ids: `${ownerId}/${repoId}`, context: context! };
  }
  const legacy = LEGACY_SUBJECT.exec(value);
  if (legacy) {
    const [, owner, repo, context] = legacy as unknown as string[];
    return { value, form: 'legacy', repository: `${owner}/${repo}`, context: context! };
  }
  return undefined;
}

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

/** The subjects a `sub` condition lists: per entry of its values, every value that entry can take. */
function subjectEntries(condition: HclBody, locals: HclBody): { entry: string; values: string[] }[] {
  return strings(condition.values).map((entry) => ({ entry, values: expandLocals(entry, locals) }));
}

/** What is wrong with one web-identity statement of a trust policy: its audience and its subjects. */
function statementFindings(document: TypedBlock, statement: HclBody, locals: HclBody, where: Where): Finding[] {
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
  for (const condition of subjects) findings.push(...subjectFindings(document, condition, locals, where));
  return findings;
}

/** Whether one `sub` condition pins each subject to one repository and context, exactly, in one form. */
function subjectFindings(document: TypedBlock, condition: HclBody, locals: HclBody, where: Where): Finding[] {
  const findings: Finding[] = [];
  const entries = subjectEntries(condition, locals);
  if (entries.length === 0) {
    findings.push({ ...where, message: `trust policy "${document.name}": the ${GITHUB}:sub condition lists no subjects` });
  }
  for (const { entry, values } of entries) {
    for (const value of values.filter((v) => parseSubject(v) === undefined)) {
      findings.push({
        ...where,
        message: `trust policy "${document.name}": subject "${value}"${value === entry ? '' : ` (from ${entry})`} is not pinned to one repository and context (expected ${EXPECTED})`,
      });
    }
  }
  const parsed = entries.map(({ values }) => values.map(parseSubject).filter((s): s is Subject => s !== undefined));
  for (const [i, legacy] of parsed.entries()) {
    for (const subject of legacy.filter((s) => s.form === 'legacy')) {
      const twin = parsed
        .filter((_, j) => j !== i)
        .flat()
        .find((s) => s.form === 'immutable' && s.repository === subject.repository && s.context === subject.context);
      if (twin) {
        findings.push({
          ...where,
          message: `trust policy "${document.name}" trusts both "${twin.value}" and "${subject.value}": a repository issues one form, and the legacy one matches whoever takes a deleted name; trust only the form the repository issues (its sub_claim_prefix)`,
        });
      }
    }
  }
  if (condition.test !== 'StringEquals' && entries.some(({ values }) => values.some((v) => /[*?]/.test(v)))) {
    findings.push({
      ...where,
      message: `trust policy "${document.name}": use StringEquals with exact subjects, not ${String(condition.test)} with wildcards`,
    });
  }
  return findings;
}

/** Whether a role's trust policy is a document of this module, and a prod role's only production jobs. */
function roleFindings(role: TypedBlock, documents: Map<string, TypedBlock>, locals: HclBody): Finding[] {
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
  const subjects = webIdentity.flatMap((s) =>
    conditionsOn(s, `${GITHUB}:sub`).flatMap((c) => subjectEntries(c, locals).flatMap(({ values }) => values)),
  );
  const others = subjects.filter((s) => parseSubject(s)?.context !== 'environment:production');
  if (subjects.length === 0 || others.length > 0) {
    return [
      {
        ...where,
        message: `prod role "${role.name}" must be trusted only from repo:<repository>:environment:production; its trust policy "${documentName}" also allows ${others.length > 0 ? others.map((s) => `"${s}"`).join(', ') : 'any subject'}`,
      },
    ];
  }
  return [];
}

/** Every trust policy of a module names the same repository (and, in the immutable form, the same ids). */
function oneRepositoryFindings(subjects: { subject: Subject; document: TypedBlock; where: Where }[]): Finding[] {
  const first = subjects[0]?.subject;
  const ids = subjects.find(({ subject }) => subject.ids !== undefined)?.subject.ids;
  return subjects
    .filter(({ subject }) => subject.repository !== first?.repository || (subject.ids !== undefined && subject.ids !== ids))
    .map(({ subject, document, where }) => ({
      ...where,
      message: `trust policy "${document.name}": subject "${subject.value}" names another repository than "${first?.value}": every role of a module trusts one repository`,
    }));
}

export function oidcTrustFindings(module: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  const locals = moduleLocals(module);
  const documents = new Map(
    typedBlocks(module, 'data')
      .filter((d) => d.type === 'aws_iam_policy_document')
      .map((d) => [d.name, d]),
  );
  const roles = typedBlocks(module, 'resource').filter((r) => r.type === 'aws_iam_role');
  const subjects: { subject: Subject; document: TypedBlock; where: Where }[] = [];

  for (const document of documents.values()) {
    const where = { check: 'oidc-trust', file: document.file.path, line: blockLine(document.file, 'data', document.type, document.name) };
    for (const statement of childBlocks(document.body, 'statement').filter(isWebIdentityStatement)) {
      findings.push(...statementFindings(document, statement, locals, where));
      for (const condition of conditionsOn(statement, `${GITHUB}:sub`)) {
        for (const { values } of subjectEntries(condition, locals)) {
          for (const subject of values.map(parseSubject)) if (subject) subjects.push({ subject, document, where });
        }
      }
    }
  }
  findings.push(...oneRepositoryFindings(subjects));
  for (const role of roles) findings.push(...roleFindings(role, documents, locals));
  return findings;
}
