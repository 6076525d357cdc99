output "cmdop_in_sync" {
  description = "\"true\" when the machine matched the desired settings at plan time."
  value       = data.external.cmdop_agent.result.in_sync
}

output "cmdop_drift_settings" {
  description = "Comma-separated settings that differed at plan time."
  value       = data.external.cmdop_agent.result.drift_settings
}

output "cmdop_installed_version" {
  description = "The agent version installed on the machine (\"\" when none)."
  value       = data.external.cmdop_agent.result.installed_version
}
