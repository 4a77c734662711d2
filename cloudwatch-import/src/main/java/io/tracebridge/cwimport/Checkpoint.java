package io.tracebridge.cwimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Where an import got to, per source, in a small local JSON file (written atomically after every
 * page whose records are durably stored; never before). A source is a log group or one X-Ray time
 * window; its position is the pagination token of the next page and the timestamp of the last
 * event read. An import with the same job (window, groups, services, tenant, table) resumes from
 * it; another job starts afresh. Losing the file costs time, never correctness: record ids are
 * deterministic and the store writes each record and its usage once.
 *
 * <p>Why a file and not an item in the table: the import is an operator's job run from one place,
 * the table's key space belongs to the store (its scans and usage repair read every item of a
 * tenant), and a position in CloudWatch is not data anyone else reads.
 */
final class Checkpoint {
  /** The position of one source. */
  record Position(@Nullable String nextToken, long lastTimestampMs, long pages, boolean done) {
    static final Position START = new Position(null, 0, 0, false);
  }

  @Nullable private final Path file;
  private final String job;
  private final Map<String, Position> positions = new LinkedHashMap<>();
  private final boolean resumed;

  private Checkpoint(@Nullable Path file, String job, Map<String, Position> positions, boolean resumed) {
    this.file = file;
    this.job = job;
    this.positions.putAll(positions);
    this.resumed = resumed;
  }

  /** Reads {@code file} if it holds {@code job}; an absent, other-job or {@code restart} file starts afresh. */
  static Checkpoint open(@Nullable Path file, String job, boolean restart) {
    if (file == null || restart || !Files.exists(file)) {
      return new Checkpoint(file, job, Map.of(), false);
    }
    try {
      JsonNode json = CloudWatchEvents.JSON.readTree(file.toFile());
      if (!job.equals(json.path("job").asText())) {
        return new Checkpoint(file, job, Map.of(), false);
      }
      Map<String, Position> positions = new LinkedHashMap<>();
      json.path("sources").fields().forEachRemaining(e -> positions.put(e.getKey(), new Position(
          e.getValue().path("nextToken").isTextual() ? e.getValue().get("nextToken").asText() : null,
          e.getValue().path("lastTimestampMs").asLong(),
          e.getValue().path("pages").asLong(),
          e.getValue().path("done").asBoolean())));
      return new Checkpoint(file, job, positions, !positions.isEmpty());
    } catch (IOException e) {
      throw new IllegalArgumentException("checkpoint file " + file + " is not readable JSON: " + e.getMessage()
          + " (remove it or pass --restart)");
    }
  }

  boolean resumed() {
    return resumed;
  }

  Position position(String source) {
    return positions.getOrDefault(source, Position.START);
  }

  /** Records {@code source}'s new position and writes the file (atomically, when it can). */
  void advance(String source, Position position) {
    positions.put(source, position);
    if (file == null) {
      return;
    }
    ObjectNode json = CloudWatchEvents.JSON.createObjectNode();
    json.put("job", job);
    ObjectNode sources = json.putObject("sources");
    positions.forEach((k, p) -> {
      ObjectNode s = sources.putObject(k);
      if (p.nextToken() != null) {
        s.put("nextToken", p.nextToken());
      }
      s.put("lastTimestampMs", p.lastTimestampMs());
      s.put("pages", p.pages());
      s.put("done", p.done());
    });
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      Files.write(tmp, CloudWatchEvents.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + file, e);
    }
  }
}
