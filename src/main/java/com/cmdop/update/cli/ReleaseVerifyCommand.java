package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.publish.FileVerifier;
import com.cmdop.update.trust.MinisignAlgorithm;
import com.cmdop.update.trust.MinisignPublicKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code release verify --pubkey KEY|FILE [--sig FILE.minisig] FILE}: checks a signature like the updater. */
@Command(name = "verify",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Verify a file's minisign signature the way the updater does; prints the key id and trusted comment.",
        description = {
            "",
            "The signature's key id must be one of the --pubkey keys; prehashed (ED) and legacy (Ed) signatures",
            "both verify, and the trusted comment must be the one that was signed. Works on anything signed",
            "with minisign -S or cmdop-update release. Exit 0 verified, 80 not (SIGNATURE_INVALID or UNKNOWN_KEY)."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update release verify --pubkey keys/cmdop.pub feed/channels/stable.json",
            "  cmdop-update release verify --pubkey RWQ...base64... --sig SHA256SUMS.minisig SHA256SUMS --json"})
public final class ReleaseVerifyCommand extends BaseCommand {
    @Option(names = "--pubkey", paramLabel = "KEY|FILE", required = true,
            description = "A trusted public key: the base64 line (RW...) or a .pub file. Repeatable.")
    List<String> pubkeys = new ArrayList<>();

    @Option(names = "--sig", paramLabel = "FILE.minisig", description = "The signature (default: FILE.minisig).")
    Path sig;

    @Parameters(paramLabel = "FILE", arity = "1", description = "The signed file.")
    Path file;

    public ReleaseVerifyCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "release verify";
    }

    @Override
    protected void run(Report report) {
        List<MinisignPublicKey> keys = pubkeys.stream().map(this::publicKey).toList();
        Path target = absolute(file);
        Path signature = sig == null ? target.resolveSibling(target.getFileName() + ".minisig") : absolute(sig);
        FileVerifier.Outcome o = FileVerifier.verify(keys, target, signature);
        String algorithm = o.verified().algorithm().code();
        report.msg("verified " + target + " with key " + o.verified().keyId() + " ("
                + (o.verified().algorithm() == MinisignAlgorithm.PREHASHED ? "prehashed" : "legacy") + " " + algorithm
                + " signature)");
        Map<String, Object> verified = new LinkedHashMap<>();
        verified.put("file", target.toString());
        verified.put("signature", signature.toString());
        verified.put("key_id", o.verified().keyId());
        verified.put("algorithm", algorithm);
        verified.put("trusted_comment", o.verified().trustedComment());
        report.put("key_id", o.verified().keyId());
        report.put("verified", verified);
    }

    /** A .pub file if the value names an existing file, else the base64 line itself. */
    private MinisignPublicKey publicKey(String value) {
        Path p = absolute(Path.of(value.isBlank() ? "." : value.strip()));
        if (Files.isRegularFile(p)) {
            try {
                return MinisignPublicKey.read(p);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("read", p, e);
            }
        }
        try {
            return MinisignPublicKey.parse(value, null, "--pubkey", ErrorCode.INVALID_INPUT);
        } catch (InvalidInputException e) {
            // base64 may contain '/', so only a value that does not look like a key is reported as a path
            boolean looksLikePath = value.endsWith(".pub") || value.contains("/") && !value.strip().startsWith("RW");
            if (looksLikePath) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--pubkey " + value + ": no such file; give"
                        + " a .pub file or the base64 public key line", Map.of("field", "--pubkey"));
            }
            throw e;
        }
    }

    @Override
    protected void renderText(Report report) {
        if (globals().quiet()) {
            return;
        }
        PrintStream o = ctx.out();
        Map<?, ?> v = (Map<?, ?>) report.extra("verified");
        o.println(report.msg());
        ReleaseSupport.line(o, "key id", v.get("key_id"));
        ReleaseSupport.line(o, "algorithm", v.get("algorithm"));
        ReleaseSupport.line(o, "trusted", v.get("trusted_comment"));
        o.flush();
    }
}
