# A VPC over two or three AZs from the registry module terraform-aws-modules/vpc/aws
# (pinned; its inputs are recorded in checks/upstream-inputs/): public subnets for load
# balancers and NAT, private subnets for nodes and pods, and an S3 gateway endpoint so image
# layers and backups don't pay NAT data charges. This wrapper keeps Slipway's subnet plan,
# its inputs and its outputs; the resources are upstream's.

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  azs           = slice(data.aws_availability_zones.available.names, 0, var.az_count)
  cluster_tag   = { "kubernetes.io/cluster/${var.cluster_name}" = "shared" }
  public_cidrs  = [for i in range(var.az_count) : cidrsubnet(var.cidr, 8, i)]
  private_cidrs = [for i in range(var.az_count) : cidrsubnet(var.cidr, 4, i + 1)]
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = var.name
  cidr = var.cidr
  azs  = local.azs

  public_subnets  = local.public_cidrs
  private_subnets = local.private_cidrs

  # One NAT gateway per AZ (prod) or one shared by every private subnet (dev). Upstream makes
  # one private route table per NAT gateway.
  enable_nat_gateway     = true
  single_nat_gateway     = !var.nat_gateway_per_az
  one_nat_gateway_per_az = var.nat_gateway_per_az

  enable_dns_support      = true
  enable_dns_hostnames    = true
  map_public_ip_on_launch = false

  # kubernetes.io/role/elb: where the AWS Load Balancer Controller puts internet-facing ALBs/NLBs;
  # kubernetes.io/role/internal-elb: where internal load balancers go.
  public_subnet_tags  = merge(local.cluster_tag, { "kubernetes.io/role/elb" = "1" })
  private_subnet_tags = merge(local.cluster_tag, { "kubernetes.io/role/internal-elb" = "1" })

  tags = var.tags
}

# The S3 gateway endpoint on every route table, from the same release's vpc-endpoints submodule.
module "vpc_endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "6.6.0"

  vpc_id = module.vpc.vpc_id

  endpoints = {
    s3 = {
      service         = "s3"
      service_type    = "Gateway"
      route_table_ids = concat(module.vpc.private_route_table_ids, module.vpc.public_route_table_ids)
      tags            = { Name = "${var.name}-s3" }
    }
  }

  tags = var.tags
}
