package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.model.DurationText;
import java.time.Duration;
import java.util.Map;

/**
 * How long a signed channel manifest stays valid ({@code --expires}). Machines refuse an expired
 * manifest (a frozen feed must not keep them on an old version forever), so a feed is re-signed
 * before then. Default 30 days: a weekly re-sign leaves three missed runs of slack. At least 1 hour
 * (less would expire during a slow rollout), at most 365 days (longer makes a freeze attack cheap).
 */
public final class Expiry {
    public static final String DEFAULT = "30d";
    public static final String MIN = "1h";
    public static final String MAX = "365d";

    private Expiry() {}

    /** Parses {@code --expires}; a bad value is a usage error (64) that names the flag and the range. */
    public static Duration parse(String text) {
        try {
            return DurationText.parseWithin(text == null ? DEFAULT : text, MIN, MAX);
        } catch (IllegalArgumentException e) {
            throw new UpdateException(ErrorCode.USAGE, "--expires: " + e.getMessage() + " (allowed " + MIN + " .. "
                    + MAX + ", default " + DEFAULT + ")", Map.of("field", "--expires"));
        }
    }
}
