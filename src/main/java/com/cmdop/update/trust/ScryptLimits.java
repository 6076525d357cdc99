package com.cmdop.update.trust;

import java.util.Locale;

/**
 * The scrypt cost stored in an encrypted minisign secret key: libsodium's {@code opslimit} and
 * {@code memlimit} for {@code crypto_pwhash_scryptsalsa208sha256}, both unsigned 64-bit values.
 * {@link #parameters()} turns them into scrypt's N, r and p exactly as libsodium's {@code pickparams}
 * does, so a key encrypted by minisign decrypts here and one encrypted here decrypts in minisign.
 */
public record ScryptLimits(long opsLimit, long memLimit) {
    /** What {@code minisign -G} uses (libsodium's SENSITIVE limits): N = 2^20, r = 8, p = 1, 1 GiB. */
    public static final ScryptLimits MINISIGN_DEFAULT = new ScryptLimits(33_554_432L, 1_073_741_824L);
    /** libsodium's INTERACTIVE limits: N = 2^14, r = 8, p = 1, 16 MiB. */
    public static final ScryptLimits INTERACTIVE = new ScryptLimits(524_288L, 16_777_216L);
    /** libsodium's lower bounds (OPSLIMIT_MIN, MEMLIMIT_MIN); we never write keys below them. */
    static final long OPS_LIMIT_MIN = 32_768L;
    static final long MEM_LIMIT_MIN = 16_777_216L;

    /** scrypt's cost parameters: N = 2^logN, block size r, parallelism p. */
    public record Parameters(int logN, int r, int p) {
        /** The most this tool derives with: N = 2^20 (1 GiB with r = 8), what minisign uses by default. */
        static final int MAX_LOG_N = 20;
        static final int MAX_P = 64;
        /** N * p at most 4x minisign's default work. */
        static final long MAX_WORK = 1L << 22;

        public long n() {
            return 1L << logN;
        }

        /** The memory scrypt needs, 128 * r * N bytes (only meaningful within the tool's limits). */
        public long memoryBytes() {
            return 128L * r * n();
        }

        /** Why these parameters are refused, or null when this tool will derive with them. */
        String whyRefused() {
            if (logN > MAX_LOG_N) {
                return String.format(Locale.ROOT, "they need N = 2^%d, more memory than this tool allows (N = 2^%d,"
                        + " 1 GiB)", logN, MAX_LOG_N);
            }
            if (p < 1 || p > MAX_P || n() * p > MAX_WORK) {
                return String.format(Locale.ROOT, "they need N = 2^%d with p = %d, more work than this tool allows",
                        logN, p);
            }
            return null;
        }
    }

    /** libsodium's {@code pickparams}, with the unsigned arithmetic of the C original. */
    public Parameters parameters() {
        long ops = Long.compareUnsigned(opsLimit, OPS_LIMIT_MIN) < 0 ? OPS_LIMIT_MIN : opsLimit;
        int r = 8;
        if (Long.compareUnsigned(ops, Long.divideUnsigned(memLimit, 32)) < 0) {
            long maxN = Long.divideUnsigned(ops, r * 4L);
            return new Parameters(logNFor(maxN), r, 1);
        }
        long maxN = Long.divideUnsigned(memLimit, r * 128L);
        int logN = logNFor(maxN);
        long maxrp = Long.divideUnsigned(Long.divideUnsigned(ops, 4), 1L << logN);
        if (Long.compareUnsigned(maxrp, 0x3fffffffL) > 0) {
            maxrp = 0x3fffffffL;
        }
        return new Parameters(logN, r, (int) maxrp / r);
    }

    /** The first N_log2 in 1..62 with 2^N_log2 > maxN / 2, else 63, as the C loop ends. */
    private static int logNFor(long maxN) {
        long half = Long.divideUnsigned(maxN, 2);
        int logN;
        for (logN = 1; logN < 63; logN++) {
            if (Long.compareUnsigned(1L << logN, half) > 0) {
                break;
            }
        }
        return logN;
    }

    @Override
    public String toString() {
        return "opslimit=" + Long.toUnsignedString(opsLimit) + " memlimit=" + Long.toUnsignedString(memLimit);
    }
}
