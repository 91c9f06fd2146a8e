# The `sub` claim each role trusts, built here and nowhere else. GitHub's default subject is
# repo:<repository>:<context> (GitHub Docs, "OpenID Connect reference": github/docs
# content/actions/reference/security/oidc.md, "Example subject claims" and "Immutable subject
# claims"). <repository> has two forms, and a repository issues exactly one of them:
#   immutable  OWNER@OWNER-ID/REPO@REPO-ID  repositories created after 2026-07-15 (renamed or
#                                           transferred after it too), and older ones that opted in
#   legacy     OWNER/REPO                   older repositories that did not opt in
# (`@` cannot appear in a GitHub name, so it only ever separates a name from its id). The roles
# trust the one form github_subject_format names, never both: a name can be deleted and taken by
# someone else, whose tokens would then carry the same legacy subject. What the repository issues
# is its sub_claim_prefix (GET /repos/{owner}/{repo}/actions/oidc/customization/sub, schema
# oidc-custom-sub-repo of GitHub's OpenAPI description as @octokit/openapi-types 29.0.1 carries it:
# use_default, include_claim_keys, use_immutable_subject, sub_claim_prefix "the current `sub` claim
# prefix for this repository"); output subject_prefix must equal it. The ids are the repository's
# `owner.id` and `id` (GET /repos/{owner}/{repo}, int64). Both ids are required in either form, so
# opting in later changes one variable. This file uses variables only, so
# test/oidc-subjects.test.ts evaluates it with the terraform binary, offline.

locals {
  oidc_subject_prefixes = {
    immutable = "repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@${var.github_repository_id}"
    legacy    = "repo:${var.github_org}/${var.github_repo}"
  }
  oidc_subject_prefix = local.oidc_subject_prefixes[var.github_subject_format]

  # <context>: a push to a branch is ref:refs/heads/<branch>; a job that references an environment
  # is environment:<name> whatever its event; a pull_request run's job without an environment is
  # pull_request (same page, "Filtering for a specific environment", "... for pull_request events",
  # "... for a specific branch").
  oidc_subjects = {
    build_push  = "${local.oidc_subject_prefix}:ref:refs/heads/main"
    dev_deploy  = "${local.oidc_subject_prefix}:environment:dev"
    prod_deploy = "${local.oidc_subject_prefix}:environment:production"
    preview     = "${local.oidc_subject_prefix}:pull_request"
  }
}
