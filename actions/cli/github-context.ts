/** The token CLI verbs call GitHub's API with: GH_TOKEN (as the gh CLI reads it), else GITHUB_TOKEN; '' when neither is set. */
export function githubToken(env: NodeJS.ProcessEnv): string {
  return env['GH_TOKEN'] || env['GITHUB_TOKEN'] || '';
}
