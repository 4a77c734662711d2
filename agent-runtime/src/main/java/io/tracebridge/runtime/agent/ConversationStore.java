package io.tracebridge.runtime.agent;

import io.tracebridge.runtime.core.Message;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory conversations by session id, bounded: beyond {@code capacity} sessions the least
 * recently used one is forgotten. Thread-safe. Callers serialise work on one session with {@link
 * #lockFor}.
 */
final class ConversationStore {
  private final Map<String, Session> sessions;

  ConversationStore(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("conversation capacity must be >= 1, got " + capacity);
    }
    this.sessions =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The session object to synchronise on, created if absent. */
  synchronized Session lockFor(String sessionId) {
    return sessions.computeIfAbsent(sessionId, k -> new Session());
  }

  synchronized int size() {
    return sessions.size();
  }

  /** One session's history; guarded by its own monitor. */
  static final class Session {
    private List<Message> messages = List.of();

    List<Message> messages() {
      return messages;
    }

    void replace(List<Message> messages) {
      this.messages = List.copyOf(messages);
    }
  }
}
