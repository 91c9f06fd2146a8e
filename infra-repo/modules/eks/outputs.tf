output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded CA certificate of the API server, for kubeconfig and the Helm provider."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_security_group_id" {
  description = "Security group EKS created for control plane to node traffic."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_role_arn" {
  description = "ARN of the IAM role the nodes run with (grant it ECR pull in another account when images live there)."
  value       = aws_iam_role.node.arn
}

output "cluster_autoscaler_role_arn" {
  description = "ARN of the Pod Identity role of the Cluster Autoscaler (kube-system/cluster-autoscaler)."
  value       = aws_iam_role.cluster_autoscaler.arn
}

output "ebs_csi_role_arn" {
  description = "ARN of the Pod Identity role of the EBS CSI driver (kube-system/ebs-csi-controller-sa)."
  value       = aws_iam_role.ebs_csi.arn
}

output "region" {
  description = "Region the cluster runs in, for `aws eks update-kubeconfig --region`."
  value       = data.aws_region.current.region
}
