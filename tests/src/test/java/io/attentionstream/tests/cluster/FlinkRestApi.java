package io.attentionstream.tests.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The few calls of Flink's REST API the cluster tests need, over plain HTTP on loopback. Every
 * failure to get an answer (refused connection, non-2xx status) is an {@link UncheckedIOException},
 * which {@link Polling} treats as "ask again".
 */
public final class FlinkRestApi {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;

    FlinkRestApi(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** What {@code GET /jobs/:id/checkpoints} says about completed and restored checkpoints. */
    public record Checkpoints(long completed, OptionalLong latestCompletedId, OptionalLong restoredId) {
        /** True once a checkpoint completed after the last restore (or after the start, if none). */
        public boolean completedSinceRestore() {
            if (latestCompletedId.isEmpty()) {
                return false;
            }
            return restoredId.isEmpty() || latestCompletedId.getAsLong() > restoredId.getAsLong();
        }
    }

    public URI base() {
        return base;
    }

    /** GET {@code path} (e.g. "/overview") and its JSON answer. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), path);
    }

    /** The job's state: CREATED, RUNNING, RESTARTING, FAILED, CANCELED, ... */
    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** True when the job is RUNNING and so is every one of its vertices (every subtask deployed and started). */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = get("/jobs/" + jobId);
        return "RUNNING".equals(job.path("state").asText())
                && job.path("vertices").size() > 0
                && StreamSupport.stream(job.path("vertices").spliterator(), false)
                        .allMatch(v -> "RUNNING".equals(v.path("status").asText()));
    }

    public Checkpoints checkpoints(String jobId) {
        JsonNode answer = get("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = answer.path("latest");
        return new Checkpoints(
                answer.path("counts").path("completed").asLong(),
                idOf(latest.path("completed")),
                idOf(latest.path("restored")));
    }

    /** The job's {@code numRestarts} metric; empty until the JobManager's metric fetcher has it. */
    public OptionalLong numRestarts(String jobId) {
        for (JsonNode metric : get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            if ("numRestarts".equals(metric.path("id").asText())) {
                return OptionalLong.of(Long.parseLong(metric.path("value").asText()));
            }
        }
        return OptionalLong.empty();
    }

    /** The first line of each failure in the job's exception history, newest first. */
    public List<String> failures(String jobId) {
        JsonNode entries =
                get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
        return StreamSupport.stream(entries.spliterator(), false)
                .map(e -> e.path("stacktrace")
                        .asText(e.path("exceptionName").asText())
                        .lines()
                        .findFirst()
                        .orElse(""))
                .toList();
    }

    /** Resource ids of the TaskManagers on which the job has a RUNNING subtask. */
    public Set<String> taskManagersRunning(String jobId) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            JsonNode hosts =
                    get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers");
            for (JsonNode tm : hosts.path("taskmanagers")) {
                if (tm.path("status-counts").path("RUNNING").asInt() > 0) {
                    ids.add(tm.path("taskmanager-id").asText());
                }
            }
        }
        return ids;
    }

    /** Each vertex's name with the records it read and wrote, from the job details. */
    public List<String> vertexRecords(String jobId) {
        return StreamSupport.stream(get("/jobs/" + jobId).path("vertices").spliterator(), false)
                .map(v -> v.path("name").asText() + ": in "
                        + v.path("metrics").path("read-records").asLong() + ", out "
                        + v.path("metrics").path("write-records").asLong())
                .toList();
    }

    /** Asks the JobManager to cancel the job ({@code PATCH /jobs/:id?mode=cancel}). */
    public void cancel(String jobId) {
        String path = "/jobs/" + jobId + "?mode=cancel";
        send(HttpRequest.newBuilder(base.resolve(path)).method("PATCH", HttpRequest.BodyPublishers.noBody()), path);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new UncheckedIOException(new IOException(request.build().method() + " " + path + " answered "
                        + response.statusCode() + ": " + response.body()));
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.build().method() + " " + base.resolve(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + path + ".", e);
        }
    }

    private static OptionalLong idOf(JsonNode checkpoint) {
        return checkpoint.isObject() && checkpoint.has("id")
                ? OptionalLong.of(checkpoint.path("id").asLong())
                : OptionalLong.empty();
    }
}
