package io.tracebridge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A guarded Vert.x server on loopback, talked to with raw sockets: what a lenient parser accepts
 * is refused whole (400 and close, never reaching the handler); slow headers get 408, slow bodies
 * a closed connection; ordinary keep-alive, chunked and websocket traffic is untouched.
 */
class HttpGuardTest {
  /** Short limits so the time-outs happen during the test; the reads wait up to 30 s. */
  private static final GuardLimits SHORT = new GuardLimits(Duration.ofMillis(300),
      Duration.ofSeconds(20), 1000, Duration.ofMillis(300), Duration.ofSeconds(20), 8192);

  private final Vertx vertx = Vertx.vertx();
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private int port;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void start(GuardLimits limits) throws Exception {
    HttpServer server = vertx.createHttpServer(
        HttpGuard.configure(new HttpServerOptions().setHost("127.0.0.1").setPort(0), limits));
    HttpGuard.protect(server, limits);
    server.requestHandler(request -> {
      if (request.path().equals("/ws")) {
        request.toWebSocket().onSuccess(ws -> ws.textMessageHandler(ws::writeTextMessage));
        return;
      }
      request.body().onSuccess(body -> {
        handled.add(request.path() + " " + body.length());
        request.response().end("ok " + body.length());
      });
    });
    port = server.listen().await(10, TimeUnit.SECONDS).actualPort();
  }

  /** Sends {@code raw}, then reads until the server closes (at most 30 s of silence). */
  private String exchange(String raw) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return readToClose(socket.getInputStream());
    }
  }

  private static String readToClose(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      in.transferTo(out);
    } catch (java.net.SocketException reset) {
      // a reset after the answer is a close too
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void foldedHeadersAreRefusedAndNeverReachTheHandler() throws Exception {
    start(GuardLimits.defaults());
    String answer = exchange("POST /a HTTP/1.1\r\nHost: x\r\nX-Folded: one\r\n two\r\n"
        + "Content-Length: 0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("Connection: close")
        .contains("obsolete line folding");
    assertThat(handled).isEmpty();
  }

  @Test
  void exactlyOneHostOnHttp11() throws Exception {
    start(GuardLimits.defaults());
    assertThat(exchange("POST /a HTTP/1.1\r\nHost: x\r\nHost: y\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").contains("more than one Host header");
    assertThat(exchange("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").contains("needs a Host header");
    assertThat(handled).isEmpty();
    assertThat(exchange("POST /old HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi"))
        .startsWith("HTTP/1.0 200 ").endsWith("ok 2");
    assertThat(handled).containsExactly("/old 2");
  }

  @Test
  void onlyAnExactChunkedTransferEncoding() throws Exception {
    start(GuardLimits.defaults());
    for (String te : List.of("xchunked", "chunked, chunked", "gzip, chunked", "identity")) {
      assertThat(exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te
          + "\r\n\r\n0\r\n\r\n")).as(te).startsWith("HTTP/1.1 400 ")
          .contains("Transfer-Encoding must be exactly chunked");
    }
    assertThat(exchange("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Length: 5\r\n\r\n0\r\n\r\n")).startsWith("HTTP/1.1 400 ")
        .contains("both Transfer-Encoding and Content-Length");
    assertThat(handled).isEmpty();
  }

  @Test
  void keepAliveChunkedAndFixedBodiesPipelinedAreAllServedAndEachHeaderBlockChecked()
      throws Exception {
    start(GuardLimits.defaults());
    String chunked = "POST /one HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n3\r\nabc\r\n0\r\nTrailer: t\r\n\r\n";
    String answers = exchange(chunked
        + "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nwxyz"
        + "POST /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answers).contains("ok 8", "ok 4", "ok 0");
    assertThat(handled).containsExactly("/one 8", "/two 4", "/three 0");

    // The framing is followed across the bodies: a folded line in a pipelined request is seen.
    handled.clear();
    assertThat(exchange(chunked + "POST /folded HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"))
        .contains("HTTP/1.1 400 ").contains("obsolete line folding");
    assertThat(handled).doesNotContain("/folded 0");
  }

  @Test
  void headersStillArrivingAtTheHeaderTimeoutGet408AndAClose() throws Exception {
    start(SHORT);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write("POST /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(
          StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      assertThat(readToClose(socket.getInputStream())).startsWith("HTTP/1.1 408 ")
          .contains("request headers not received within 300 ms");
    }
    assertThat(handled).isEmpty();
  }

  @Test
  void aBodyBelowTheMinimumRateHasItsConnectionClosed() throws Exception {
    start(SHORT);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100000"
          + "\r\n\r\nfirst bytes").getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      assertThat(socket.getInputStream().read()).isEqualTo(-1); // closed, nothing answered
    }
    assertThat(handled).isEmpty();
  }

  @Test
  void aWebsocketUpgradeLeavesTheGuardBehind() throws Exception {
    start(new GuardLimits(Duration.ofSeconds(10), Duration.ofSeconds(20), 1000,
        Duration.ofMillis(100), Duration.ofSeconds(20), 8192)); // rate windows pass while open
    WebSocket ws = vertx.createWebSocketClient().connect(port, "127.0.0.1", "/ws")
        .await(10, TimeUnit.SECONDS);
    java.util.concurrent.CompletableFuture<String> echo = new java.util.concurrent.CompletableFuture<>();
    ws.textMessageHandler(echo::complete);
    ws.writeTextMessage("ping \r\n folded-looking \r\n");
    assertThat(echo.get(30, TimeUnit.SECONDS)).isEqualTo("ping \r\n folded-looking \r\n");
  }
}
