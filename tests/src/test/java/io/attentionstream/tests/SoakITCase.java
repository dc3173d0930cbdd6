package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.SequenceEventCodec;
import io.attentionstream.job.AttentionJob;
import io.attentionstream.job.JobSetup;
import io.attentionstream.job.StartupChecks;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded soak (`mvn -B verify -Psoak -pl tests -am`, minutes set by -Dsoak.minutes, default
 * 3): new keys arrive all the time, each sends a few events and goes quiet, so without idle
 * flushes and the state TTL the keyed state would grow without end. The heap used after a full GC
 * must stay flat, and the job must keep committing outputs without a restart.
 */
class SoakITCase extends PipelineTestBase {
    private static final Logger LOG = LoggerFactory.getLogger(SoakITCase.class);
    private static final int KEYS_PER_SECOND = 100;
    private static final int EVENTS_PER_KEY = 12;

    @Test
    void heapStaysFlatWhileKeysComeAndGo() throws Exception {
        Duration soak = Duration.ofMinutes(Long.getLong("soak.minutes", 3));
        Topics topics = Topics.create("soak");
        JobSetup setup = setup(config(topics)
                .model(model("feature_attention"))
                .windowSize(8)
                .stride(4)
                .idleFlushMs(1000)
                .stateTtlMs(2000)
                .maxOutOfOrdernessMs(500)
                .checkpointIntervalMs(2000)
                .weights(WeightsMode.LAST_ROW)
                .parallelism(2));
        StartupChecks.check(setup, Duration.ofSeconds(30));
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobClient job = AttentionJob.kafka(setup).start(environment(2, config));

        AtomicLong produced = new AtomicLong();
        Thread producer = new Thread(
                () -> produceUntil(topics.input(), System.nanoTime() + soak.toNanos(), produced), "soak-producer");
        List<Long> heapMb = new ArrayList<>();
        List<Integer> committed = new ArrayList<>();
        try {
            producer.start();
            long next = System.nanoTime();
            while (producer.isAlive()) {
                next += TimeUnit.SECONDS.toNanos(15);
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                heapMb.add(usedHeapAfterGcMb());
                committed.add(readCommittedRaw(topics.output()).size());
                LOG.info(
                        "soak: produced {} events, heap after GC {} MB, committed outputs {}",
                        produced.get(),
                        heapMb.get(heapMb.size() - 1),
                        committed.get(committed.size() - 1));
            }
            producer.join();
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }

        System.out.printf(
                "soak %s: produced %d events, heap after GC (MB) %s, committed outputs %s%n",
                soak, produced.get(), heapMb, committed);
        assertThat(heapMb).hasSizeGreaterThanOrEqualTo(6);
        int third = heapMb.size() / 3;
        long early = heapMb.subList(1, 1 + third).stream()
                .mapToLong(Long::longValue)
                .max()
                .orElseThrow();
        long late = heapMb.subList(heapMb.size() - third, heapMb.size()).stream()
                .mapToLong(Long::longValue)
                .max()
                .orElseThrow();
        assertThat(late)
                .as("heap after GC, last third vs first third (MB): %s", heapMb)
                .isLessThanOrEqualTo(early + early / 4 + 64);
        assertThat(committed.get(committed.size() - 1))
                .as("outputs kept coming")
                .isGreaterThan(committed.get(committed.size() / 2));
    }

    private static long usedHeapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    /** New keys every second, each with a short sequence, event time = wall clock. */
    private static void produceUntil(String topic, long deadlineNanos, AtomicLong produced) {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        Random random = new Random(1);
        long generation = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            while (System.nanoTime() < deadlineNanos) {
                long secondStart = System.nanoTime();
                for (int position = 0; position < EVENTS_PER_KEY; position++) {
                    for (int k = 0; k < KEYS_PER_SECOND; k++) {
                        String key = "soak-" + generation + "-" + k;
                        float[] features = new float[64];
                        for (int j = 0; j < features.length; j++) {
                            features[j] = (float) random.nextGaussian();
                        }
                        Event e = Event.ofFeatures(key, position, System.currentTimeMillis(), features);
                        producer.send(new ProducerRecord<>(
                                topic, key.getBytes(StandardCharsets.UTF_8), SequenceEventCodec.encode(e)));
                        produced.incrementAndGet();
                    }
                }
                generation++;
                LockSupport.parkNanos(Math.max(0, secondStart + TimeUnit.SECONDS.toNanos(1) - System.nanoTime()));
            }
        }
    }
}
