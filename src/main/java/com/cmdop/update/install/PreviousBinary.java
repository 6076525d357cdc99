package com.cmdop.update.install;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The cached previous binary, the target of {@code --rollback}, for {@code status}
 * ({@code agent.previous_version}, {@code agent.previous_expires}).
 *
 * @param version    its version, or {@code unknown} (an adopted binary whose version could not be learned)
 * @param replacedAt when it stopped being the installed binary
 * @param expires    when it is purged: {@code replacedAt + cache_ttl}
 * @param binary     the cached copy
 */
public record PreviousBinary(String version, String sha256, Instant replacedAt, Instant expires, Path binary) {}
