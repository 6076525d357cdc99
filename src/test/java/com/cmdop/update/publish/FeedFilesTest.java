package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FeedFiles.copy: an artifact is copied whole up to its cap, and refused past it without a trace. */
class FeedFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFileOfExactlyTheCapIsCopiedAndMeasured() throws IOException {
        Path source = Files.write(dir.resolve("cmdop"), "0123456789".getBytes());
        Path target = dir.resolve("feed/cmdop_v1.0.0_linux_amd64");
        Files.createDirectories(target.getParent());

        Sha256.Measurement m = FeedFiles.copy(source, target, 10);

        assertThat(m.length()).isEqualTo(10);
        assertThat(m.hex()).isEqualTo(Sha256.hex("0123456789".getBytes()));
        assertThat(Files.readString(target)).isEqualTo("0123456789");
    }

    @Test
    void aFileLargerThanTheCapIsRefusedAndLeavesNoFileBehind() throws IOException {
        Path source = Files.write(dir.resolve("cmdop"), "0123456789".getBytes());
        Path feed = Files.createDirectories(dir.resolve("feed"));

        assertThatThrownBy(() -> FeedFiles.copy(source, feed.resolve("cmdop_v1.0.0_linux_amd64"), 9))
                .isInstanceOf(UpdateException.class).hasMessageContaining("more than 9 bytes");

        try (Stream<Path> left = Files.list(feed)) {
            assertThat(left).isEmpty();
        }
    }
}
