variable "name" {
  description = "Name prefix of the role and the backup bucket, e.g. slipway-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name must be 2-20 lowercase letters, digits or hyphens, starting with a letter (it becomes part of an S3 bucket name)."
  }
}

variable "cluster_name" {
  description = "Name of the EKS cluster the Pod Identity association is made in (modules/eks output cluster_name)."
  type        = string
}

# Must match gitops-repo/apps/platform/database/<env>/cluster.yaml: the Cluster's name and namespace
# (infra-repo/test/controller-identities.test.ts reads both trees).
variable "database_service_account" {
  description = "Namespace and service account of the CloudNativePG cluster whose backups go to the bucket (CloudNativePG names the service account after the Cluster)."
  type        = object({ namespace = string, name = string })
  default     = { namespace = "shop", name = "shop-db" }
}

variable "backup_retention_days" {
  description = "Days a superseded or deleted backup object version is kept before S3 removes it. CloudNativePG's own retentionPolicy deletes old base backups; this is the safety net behind it."
  type        = number
  default     = 30

  validation {
    condition     = var.backup_retention_days >= 1
    error_message = "backup_retention_days must be at least 1."
  }
}

variable "backup_bucket_force_destroy" {
  description = "Let terraform destroy empty and delete the backup bucket (dev teardown). Keep false in prod."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
