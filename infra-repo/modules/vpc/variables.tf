variable "name" {
  description = "Name prefix for every VPC resource, e.g. slipway-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "cidr" {
  description = "IPv4 CIDR of the VPC. Private subnets get a /20 each and public subnets a /24 each, so a /16 to /18 is expected."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && try(tonumber(split("/", var.cidr)[1]) >= 16 && tonumber(split("/", var.cidr)[1]) <= 18, false)
    error_message = "cidr must be a valid IPv4 CIDR with a prefix length between /16 and /18 (pods take VPC addresses with the VPC CNI)."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets over: 2 for dev, 3 for prod."
  type        = number
  default     = 2

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "az_count must be 2 or 3: EKS needs at least two AZs, and the subnet plan holds at most three."
  }
}

variable "nat_gateway_per_az" {
  description = "true: one NAT gateway per AZ (no cross-AZ dependency, prod). false: a single NAT gateway shared by all private subnets (cheaper, dev)."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "Name of the EKS cluster that will use these subnets; tagged on the subnets so the cluster and its load balancer controller find them."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
