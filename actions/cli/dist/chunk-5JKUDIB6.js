import { createRequire as __slipwayCreateRequire } from 'node:module';
const require = __slipwayCreateRequire(import.meta.url);
function githubToken(env){return env.GH_TOKEN||env.GITHUB_TOKEN||""}export{githubToken};
