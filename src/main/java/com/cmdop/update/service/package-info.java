/**
 * The agent service as seen from the updater: {@link com.cmdop.update.service.ServiceRestarter} runs
 * {@code service.restart}, {@link com.cmdop.update.service.HeartbeatWatcher} waits for the heartbeat file.
 */
package com.cmdop.update.service;
