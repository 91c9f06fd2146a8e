output "namespace" {
  description = "Namespace Argo CD runs in."
  value       = helm_release.argocd.namespace
}

output "chart_version" {
  description = "Installed argo-cd chart version."
  value       = helm_release.argocd.version
}

output "root_application_name" {
  description = "Name of the root Application (what `argocd app get` and the verify step look up)."
  value       = local.root_name
}

output "gitops_source" {
  description = "Repository, revision and path the root Application syncs from."
  value = {
    repo_url        = var.gitops_repo_url
    target_revision = var.gitops_target_revision
    path            = local.gitops_path
  }
}
