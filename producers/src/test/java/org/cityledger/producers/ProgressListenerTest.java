package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

    @Test
    void shouldPassOnEveryStepAndTheLast() {
        final List<Long> seen = new ArrayList<>();
        final ProgressListener listener = ProgressListener.every(4, (done, total) -> seen.add(done));

        for (long done = 1; done <= 10; done++) {
            listener.onProgress(done, 10);
        }

        assertThat(seen).containsExactly(4L, 8L, 10L);
    }

    @Test
    void shouldRefuseAStepBelowOne() {
        assertThatThrownBy(() -> ProgressListener.every(0, ProgressListener.none()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
