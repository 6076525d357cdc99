# Converge the CMDOP agent of the machine that runs Terraform, and warn when it drifts.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    external = {
      source  = "hashicorp/external"
      version = ">= 2.3.0"
    }
  }
}

variable "cmdop_update" {
  type    = string
  default = "cmdop-update"
}

variable "channel" {
  type    = string
  default = "stable"
}

variable "auto" {
  type    = bool
  default = true
}

variable "interval" {
  type    = string
  default = "6h"
}

locals {
  cmdop_desired = {
    channel  = var.channel
    auto     = var.auto
    interval = var.interval
  }
}

resource "terraform_data" "cmdop_agent" {
  triggers_replace = local.cmdop_desired

  provisioner "local-exec" {
    command = <<-EOT
      printf '%s' "$CMDOP_DESIRED" | "$CMDOP_UPDATE" converge --state - --json
    EOT
    environment = {
      CMDOP_DESIRED = jsonencode(local.cmdop_desired)
      CMDOP_UPDATE  = var.cmdop_update
    }
  }
}

check "cmdop_agent_in_sync" {
  data "external" "cmdop_agent" {
    program = [var.cmdop_update, "status", "--terraform"]

    query = {
      channel  = var.channel
      auto     = tostring(var.auto)
      interval = var.interval
    }

    depends_on = [terraform_data.cmdop_agent]
  }

  assert {
    condition     = data.external.cmdop_agent.result.in_sync == "true"
    error_message = "CMDOP agent drift in: ${data.external.cmdop_agent.result.drift_settings}."
  }
}
