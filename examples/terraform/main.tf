# One machine's CMDOP agent, managed by Terraform through cmdop-update (no provider of its own):
#   terraform_data + local-exec   converges the machine when a desired setting changes,
#   data "external"               reads its state (cmdop-update status --terraform),
#   check                         warns on every plan/apply when the machine has drifted.

locals {
  # The desired state, exactly as `cmdop-update converge --state -` reads it.
  cmdop_desired = {
    channel  = var.channel
    auto     = var.auto
    interval = var.interval
    pin      = var.pin
  }
}

# Converges when any desired setting changes (triggers_replace); drift made on the machine itself is
# reported by the check below and repaired with: terraform apply -replace=terraform_data.cmdop_agent
resource "terraform_data" "cmdop_agent" {
  triggers_replace = local.cmdop_desired

  provisioner "local-exec" {
    command = <<-EOT
      printf '%s' "$CMDOP_DESIRED" | "$CMDOP_UPDATE" converge --state - --json
    EOT
    environment = {
      CMDOP_DESIRED = jsonencode(local.cmdop_desired)
      CMDOP_UPDATE  = var.cmdop_update
      CMDOP_ROOT    = var.root
    }
  }
}

# The machine as it is, compared with the desired settings (all values are strings).
data "external" "cmdop_agent" {
  program = [var.cmdop_update, "status", "--terraform"]

  query = {
    channel  = var.channel
    auto     = tostring(var.auto)
    interval = var.interval
    pin      = var.pin
    root     = var.root
  }
}

check "cmdop_agent_in_sync" {
  # Read again after the converge above has run.
  data "external" "cmdop_agent_after" {
    program = [var.cmdop_update, "status", "--terraform"]

    query = {
      channel  = var.channel
      auto     = tostring(var.auto)
      interval = var.interval
      pin      = var.pin
      root     = var.root
    }

    depends_on = [terraform_data.cmdop_agent]
  }

  assert {
    condition     = data.external.cmdop_agent_after.result.in_sync == "true"
    error_message = "The CMDOP agent differs from the desired state in: ${data.external.cmdop_agent_after.result.drift_settings}."
  }
}
