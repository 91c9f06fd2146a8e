output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = module.eks.cluster_arn
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded CA certificate of the API server, for kubeconfig and the Helm provider."
  value       = module.eks.cluster_certificate_authority_data
}

output "cluster_security_group_id" {
  description = "Security group EKS created for control plane to node traffic (the cluster's primary security group)."
  value       = module.eks.cluster_primary_security_group_id
}

output "node_security_group_id" {
  description = "Security group of the nodes (tagged kubernetes.io/cluster/<cluster>): the one the AWS Load Balancer Controller opens to the ALB."
  value       = module.eks.node_security_group_id
}

output "node_role_arns" {
  description = "ARNs of the IAM roles the node groups run with, one per group (grant them ECR pull in another account when images live there)."
  value       = [for name in sort(keys(var.node_groups)) : module.eks.eks_managed_node_groups[name].iam_role_arn]
}

output "cluster_autoscaler_role_arn" {
  description = "ARN of the Pod Identity role of the Cluster Autoscaler (kube-system/cluster-autoscaler)."
  value       = module.cluster_autoscaler_pod_identity.iam_role_arn
}

output "ebs_csi_role_arn" {
  description = "ARN of the Pod Identity role of the EBS CSI driver (kube-system/ebs-csi-controller-sa)."
  value       = module.ebs_csi_pod_identity.iam_role_arn
}

output "region" {
  description = "Region the cluster runs in, for `aws eks update-kubeconfig --region`."
  value       = data.aws_region.current.region
}

output "access_entries" {
  description = "The cluster's access entries by key: the principal, the Kubernetes groups it joins and the EKS access policies associated with it (upstream's access_entries and access_policy_associations)."
  value = {
    for key, entry in module.eks.access_entries : key => {
      principal_arn     = entry.principal_arn
      kubernetes_groups = entry.kubernetes_groups == null ? [] : sort(tolist(entry.kubernetes_groups))
      policy_arns       = sort([for association in values(module.eks.access_policy_associations) : association.policy_arn if association.principal_arn == entry.principal_arn])
    }
  }
}
