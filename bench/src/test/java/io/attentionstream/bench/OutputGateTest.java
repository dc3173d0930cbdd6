package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutputGateTest {

    @Test
    void theWaiterReturnsOnceTheCountItWaitsForArrived() throws Exception {
        OutputGate gate = new OutputGate();
        Thread sink = new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                gate.arrived();
            }
        });
        sink.start();

        assertThat(gate.awaitCount(5_000, 60, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.count()).isGreaterThanOrEqualTo(5_000);
        assertThat(gate.awaitCount(10_000, 60, TimeUnit.SECONDS)).isTrue();
        sink.join();
        assertThat(gate.count()).isEqualTo(10_000);
    }

    @Test
    void saysSoWhenTheTimeoutRunsOutFirst() {
        OutputGate gate = new OutputGate();
        gate.arrived();

        assertThat(gate.awaitCount(1, 0, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.awaitCount(2, 0, TimeUnit.SECONDS)).isFalse();
    }
}
