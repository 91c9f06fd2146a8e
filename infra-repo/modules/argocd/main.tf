# Argo CD through its Helm chart, then the environment's root Application
# (app-of-apps) through the argocd-apps chart. A second Helm release rather than
# a kubernetes_manifest: the Application CRD doesn't exist at plan time of the
# first apply, and a Helm release doesn't need it to.

locals {
  gitops_path = coalesce(var.gitops_path, "gitops-repo/environments/${var.environment}")
  root_name   = coalesce(var.root_application_name, "${var.environment}-root")

  argocd_values = {
    global = {
      # Restricted Pod Security for Argo CD's own pods.
      securityContext = { runAsNonRoot = true, seccompProfile = { type = "RuntimeDefault" } }
    }
    configs = {
      params = { "server.insecure" = false }
      cm = {
        "exec.enabled"  = false
        "admin.enabled" = true
        # Argo CD no longer assesses the health of Application resources by default; without this
        # the app-of-apps sync waves (platform, then services) would not wait for health.
        "resource.customizations.health.argoproj.io_Application" = <<-EOT
          hs = {}
          hs.status = "Progressing"
          hs.message = ""
          if obj.status ~= nil and obj.status.health ~= nil then
            hs.status = obj.status.health.status
            if obj.status.health.message ~= nil then
              hs.message = obj.status.health.message
            end
          end
          return hs
        EOT
      }
    }
    controller     = { replicas = 1 }
    server         = { replicas = var.high_availability ? 2 : 1 }
    repoServer     = { replicas = var.high_availability ? 2 : 1 }
    applicationSet = { replicas = var.high_availability ? 2 : 1 }
    redis          = { enabled = !var.high_availability }
    "redis-ha"     = { enabled = var.high_availability }
  }

  root_application = {
    applications = {
      (local.root_name) = {
        namespace  = var.namespace
        project    = "default"
        finalizers = ["resources-finalizer.argocd.argoproj.io"]
        source = {
          repoURL        = var.gitops_repo_url
          targetRevision = var.gitops_target_revision
          path           = local.gitops_path
          directory      = { recurse = false }
        }
        destination = {
          server    = "https://kubernetes.default.svc"
          namespace = var.namespace
        }
        syncPolicy = {
          automated   = { prune = var.prune, selfHeal = true }
          syncOptions = ["CreateNamespace=true"]
        }
      }
    }
  }
}

resource "helm_release" "argocd" {
  name             = "argocd"
  repository       = "https://argoproj.github.io/argo-helm"
  chart            = "argo-cd"
  version          = var.chart_version
  namespace        = var.namespace
  create_namespace = true
  atomic           = true
  timeout          = 900

  values = concat([yamlencode(local.argocd_values)], var.extra_values)
}

resource "helm_release" "root_application" {
  name       = "argocd-root"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argocd-apps"
  version    = var.apps_chart_version
  namespace  = var.namespace
  atomic     = true

  values = [yamlencode(local.root_application)]

  depends_on = [helm_release.argocd]
}
