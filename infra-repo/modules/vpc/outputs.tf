output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  value       = module.vpc.vpc_cidr_block
}

output "azs" {
  description = "Availability zones the subnets are in, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (load balancers, NAT gateways), one per AZ."
  value       = module.vpc.public_subnets
}

output "public_subnet_cidrs" {
  description = "CIDRs of the public subnets, where internet-facing load balancers sit: the sources the shop's NetworkPolicies admit from the ALB (networkPolicy.loadBalancerCidrs)."
  value       = module.vpc.public_subnets_cidr_blocks
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (EKS nodes and pods), one per AZ."
  value       = module.vpc.private_subnets
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, one per NAT gateway."
  value       = module.vpc.private_route_table_ids
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways: what third parties see as the cluster's egress addresses."
  value       = module.vpc.nat_public_ips
}

output "s3_endpoint_id" {
  description = "ID of the S3 gateway endpoint."
  value       = module.vpc_endpoints.endpoints["s3"].id
}
