package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.release.SignedFeed;
import com.cmdop.update.release.feed.FeedClient;
import com.cmdop.update.release.feed.FeedLocation;
import com.cmdop.update.release.feed.FeedTimeouts;
import com.cmdop.update.release.feed.ValidatorCache;
import com.cmdop.update.state.Machine;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.trust.MinisignPublicKey;
import com.cmdop.update.trust.MinisignVerifier;
import com.cmdop.update.trust.SequenceStore;
import com.cmdop.update.trust.TrustedKeys;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens the machine's signed feed from config.yaml: {@code update.feed} and {@code update.trusted_keys}
 * are required here (they have no defaults), and each missing one is named with how to set it.
 */
public final class FeedSession {
    public static final String FEED_CACHE_DIR = "feed-cache";
    public static final String TRUST_FILE = "trust.json";

    private FeedSession() {}

    /**
     * @param now    the time fixed at the start of the run, for expiry checks
     * @param events the run's event log, where refusals are logged CRITICAL
     */
    public static SignedFeed open(Machine machine, Map<String, String> env, Instant now, EventLog events,
            FeedTimeouts timeouts) {
        return open(machine, machine.settings(), env, now, events, timeouts);
    }

    /** The feed of {@code s} (settings about to be converged to), with the machine's data directory and logs. */
    public static SignedFeed open(Machine machine, Settings s, Map<String, String> env, Instant now, EventLog events,
            FeedTimeouts timeouts) {
        if (s.feed() == null) {
            throw InvalidInputException.field(ErrorCode.INVALID_CONFIG, machine.paths().config().toString(),
                    "update.feed", "is not set, and there is no default: set it to the publisher's feed (https://..., "
                            + "a file:// URL or a directory), e.g. with 'cmdop-update converge --state -' and 'feed: URL'");
        }
        MinisignVerifier verifier = verifier(machine, s);
        FeedLocation location = FeedLocation.parse(s.feed());
        Path data = machine.paths().dataDir(s);
        FeedClient client = FeedClient.open(location, timeouts, env, s.get(Setting.PROXY));
        return new SignedFeed(client, verifier, SequenceStore.load(data.resolve(TRUST_FILE)),
                new ValidatorCache(data.resolve(FEED_CACHE_DIR)), events, now);
    }

    /** A verifier for the keys in {@code update.trusted_keys}; none configured is an error naming the key. */
    public static MinisignVerifier verifier(Machine machine) {
        return verifier(machine, machine.settings());
    }

    /** A verifier for the keys of {@code s} (the machine's settings, or those given for one check). */
    public static MinisignVerifier verifier(Machine machine, Settings s) {
        String source = machine.paths().config().toString();
        if (s.trustedKeys().isEmpty()) {
            throw InvalidInputException.field(ErrorCode.INVALID_CONFIG, source, "update.trusted_keys",
                    "is empty, and there is no default: add the publisher's minisign public key (the base64 line of "
                            + "its .pub file); nothing is trusted without it");
        }
        List<MinisignPublicKey> keys = new ArrayList<>();
        for (int i = 0; i < s.trustedKeys().size(); i++) {
            keys.add(MinisignPublicKey.parse(s.trustedKeys().get(i), source, "update.trusted_keys[" + i + "]",
                    ErrorCode.INVALID_CONFIG));
        }
        return new MinisignVerifier(TrustedKeys.of(keys));
    }

    /**
     * The run's event log on this machine: its agent and audit logs; a CRITICAL line that cannot be
     * written goes to {@code stderr}.
     */
    public static EventLog events(Machine machine, Clock clock, String actor, String runId, PrintStream stderr) {
        Settings s = machine.settings();
        return new EventLog(machine.paths().agentLog(s), machine.paths().auditLog(s), clock, actor, runId, stderr);
    }
}
