variable "name" {
  description = "Name prefix of the roles and their policies, e.g. slipway-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter (role names append up to 29 characters and IAM allows 64)."
  }
}

variable "cluster_name" {
  description = "Name of the EKS cluster the Pod Identity associations are made in (modules/eks output cluster_name)."
  type        = string
}

variable "hosted_zone_arn" {
  description = "ARN of the Route53 hosted zone external-dns may change (modules/certificate output hosted_zone_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:route53:::hostedzone/[A-Z0-9]+$", var.hosted_zone_arn))
    error_message = "hosted_zone_arn must be a Route53 hosted zone ARN, arn:<partition>:route53:::hostedzone/<ZONE ID>."
  }
}

# The service accounts below must match gitops-repo: serviceAccount.name in
# apps/platform/<controller>/values.yaml and the Application's destination namespace
# (infra-repo/test/controller-identities.test.ts reads both trees).
variable "load_balancer_controller_service_account" {
  description = "Namespace and service account of the AWS Load Balancer Controller."
  type        = object({ namespace = string, name = string })
  default     = { namespace = "kube-system", name = "aws-load-balancer-controller" }
}

variable "external_dns_service_account" {
  description = "Namespace and service account of external-dns."
  type        = object({ namespace = string, name = string })
  default     = { namespace = "external-dns", name = "external-dns" }
}

# kyverno chart 3.9.0 names the admission controller's ServiceAccount <chart name>-admission-controller
# unless admissionController.rbac.serviceAccount.name is set (charts/kyverno/templates/admission-controller/
# _helpers.tpl, "kyverno.admission-controller.serviceAccountName"); gitops-repo sets it explicitly.
variable "kyverno_service_account" {
  description = "Namespace and service account of Kyverno's admission controller, which reads the shop images' attestations from ECR."
  type        = object({ namespace = string, name = string })
  default     = { namespace = "kyverno", name = "kyverno-admission-controller" }
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
