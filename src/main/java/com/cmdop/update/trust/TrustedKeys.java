package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The public keys signatures are accepted from ({@code update.trusted_keys}), looked up by key id.
 * The same key given twice is kept once; two different keys with one key id are refused, since
 * a signature could not say which of them it means.
 */
public final class TrustedKeys {
    private final Map<Long, MinisignPublicKey> byKeyNumber;

    private TrustedKeys(Map<Long, MinisignPublicKey> byKeyNumber) {
        this.byKeyNumber = Collections.unmodifiableMap(byKeyNumber);
    }

    public static TrustedKeys of(MinisignPublicKey... keys) {
        return of(List.of(keys));
    }

    public static TrustedKeys of(Collection<MinisignPublicKey> keys) {
        Map<Long, MinisignPublicKey> map = new LinkedHashMap<>();
        for (MinisignPublicKey key : keys) {
            MinisignPublicKey previous = map.putIfAbsent(key.keyNumber(), key);
            if (previous != null && !previous.equals(key)) {
                throw InvalidInputException.field(ErrorCode.INVALID_CONFIG, null, "update.trusted_keys",
                        "two different keys share the key id " + key.keyId()
                                + "; keep only the publisher's real key");
            }
        }
        return new TrustedKeys(map);
    }

    public Optional<MinisignPublicKey> find(String keyId) {
        return byKeyNumber.values().stream().filter(k -> k.keyId().equalsIgnoreCase(keyId)).findFirst();
    }

    Optional<MinisignPublicKey> find(long keyNumber) {
        return Optional.ofNullable(byKeyNumber.get(keyNumber));
    }

    /** The trusted key ids, sorted. */
    public SortedSet<String> keyIds() {
        SortedSet<String> ids = new TreeSet<>();
        byKeyNumber.values().forEach(k -> ids.add(k.keyId()));
        return Collections.unmodifiableSortedSet(ids);
    }

    public boolean isEmpty() {
        return byKeyNumber.isEmpty();
    }

    public int size() {
        return byKeyNumber.size();
    }
}
