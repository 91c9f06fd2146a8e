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

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
