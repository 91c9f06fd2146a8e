variable "name" {
  description = "Name prefix of the roles and the backup bucket, e.g. slipway-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name must be 2-20 lowercase letters, digits or hyphens, starting with a letter (it becomes part of an S3 bucket name)."
  }
}

variable "cluster_name" {
  description = "Name of the EKS cluster the Pod Identity associations are made in (modules/eks output cluster_name)."
  type        = string
}

variable "hosted_zone_name" {
  description = "Existing public Route53 hosted zone that holds the environment's domain, e.g. shop.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.hosted_zone_name))
    error_message = "hosted_zone_name must be a lowercase DNS name without a trailing dot, e.g. shop.example.com."
  }
}

variable "domain_name" {
  description = "The environment's domain, inside hosted_zone_name, e.g. dev.shop.example.com. The certificate covers it and *.<domain_name>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name without a trailing dot, e.g. dev.shop.example.com."
  }

  validation {
    condition     = var.domain_name == var.hosted_zone_name || endswith(var.domain_name, ".${var.hosted_zone_name}")
    error_message = "domain_name must be hosted_zone_name itself or a name inside it, e.g. dev.shop.example.com in shop.example.com."
  }
}

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
