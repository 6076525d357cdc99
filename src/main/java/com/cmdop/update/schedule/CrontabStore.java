package com.cmdop.update.schedule;

import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.io.Writability;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a user's crontab is read and written: through the {@code crontab} command on the live machine
 * ({@code crontab -l}, {@code crontab -}), or a file in a sandbox root ({@code var/spool/cron/crontabs/USER},
 * where Debian's cron keeps it), so a sandbox never touches the real crontab.
 */
interface CrontabStore {
    /** The crontab's text; empty when the user has none. */
    String read();

    void write(String text);

    /** Checks, before a run changes anything, that the crontab can be written. */
    void checkWritable();

    /** Where it is, for {@code status}. */
    String location();

    /** The {@code crontab} command found on {@code PATH} (from {@code env}, so tests can put their own first). */
    static CrontabStore command(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, "crontab");
            if (candidate != null && candidate.isAbsolute() && Files.isExecutable(candidate)) {
                return new ProcessStore(candidate.toString());
            }
        }
        return new ProcessStore(null);
    }

    /** A crontab kept as a file (a sandbox root). */
    static CrontabStore file(Path file) {
        return new FileStore(file);
    }

    record ProcessStore(String crontab) implements CrontabStore {
        @Override
        public String read() {
            requireCommand();
            try {
                Commands.Result r = Commands.capture(List.of(crontab, "-l"), null);
                if (r.exit() == 0) {
                    return r.out();
                }
                if (r.err().toLowerCase(java.util.Locale.ROOT).contains("no crontab")) {
                    return "";
                }
                throw failure("'crontab -l' failed (exit " + r.exit() + "): " + r.err().strip(), null);
            } catch (IOException e) {
                throw failure("could not run 'crontab -l': " + e.getMessage(), e);
            }
        }

        @Override
        public void write(String text) {
            requireCommand();
            try {
                Commands.Result r = Commands.capture(List.of(crontab, "-"), text);
                if (r.exit() != 0) {
                    throw failure("'crontab -' failed (exit " + r.exit() + "): " + r.err().strip(), null);
                }
            } catch (IOException e) {
                throw failure("could not run 'crontab -': " + e.getMessage(), e);
            }
        }

        @Override
        public void checkWritable() {
            requireCommand();
            read(); // a crontab that cannot be read cannot be edited without losing the user's lines
        }

        @Override
        public String location() {
            return "crontab -l";
        }

        private void requireCommand() {
            if (crontab == null) {
                throw new UpdateException(ErrorCode.PERMISSION_DENIED, "no systemd user manager runs for this user "
                        + "and there is no crontab command on PATH, so auto-update cannot be scheduled; install cron "
                        + "(apt-get install cron), or log in with a systemd user session (loginctl enable-linger "
                        + "USER), or leave update.auto off and run 'cmdop-update --scheduled' yourself; nothing was "
                        + "changed", Map.of("field", "update.auto"));
            }
        }

        private static UpdateException failure(String message, Exception cause) {
            return new UpdateException(ErrorCode.IO_ERROR, message + "; the crontab was left as it was; "
                    + "nothing was changed", Map.of("field", "update.auto"), cause);
        }
    }

    record FileStore(Path file) implements CrontabStore {
        @Override
        public String read() {
            try {
                return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("read", file, e);
            }
        }

        @Override
        public void write(String text) {
            AtomicFiles.createDirectories(file.getParent());
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), "rw-------");
        }

        @Override
        public void checkWritable() {
            Writability.requireWritableDirectory(file.getParent(), "the crontab " + file,
                    "run as the user whose crontab it is, or leave update.auto off");
        }

        @Override
        public String location() {
            return file.toString();
        }
    }
}
