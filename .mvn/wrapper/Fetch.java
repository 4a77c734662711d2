import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The JDK-only half of ./mvnw, run as a single-file program ({@code java Fetch.java ...}), so that a
 * machine with nothing but a JDK can fetch the pinned Maven. Two commands:
 *
 * <pre>
 *   verify FILE SHA512
 *       exit 0 if FILE's SHA-512 is SHA512, else print both and exit 1.
 *   download REPO_URL SETTINGS_XML ARTIFACT_PATH OUT SHA512
 *       download REPO_URL/ARTIFACT_PATH (REPO_URL empty: the first mirror url of SETTINGS_XML) to OUT,
 *       only if its SHA-512 is SHA512 (else nothing is left at OUT, exit 1). No URL known: exit 3.
 * </pre>
 *
 * Credentials: MVNW_USERNAME / MVNW_PASSWORD (as the standard wrapper), else the settings.xml
 * {@code <server>} whose id is the mirror's (plain-text passwords only).
 */
public class Fetch {

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("verify")) {
      System.exit(verify(Path.of(args[1]), args[2]) ? 0 : 1);
    }
    if (args.length == 6 && args[0].equals("download")) {
      System.exit(download(args[1], Path.of(args[2]), args[3], Path.of(args[4]), args[5]));
    }
    System.err.println("usage: java Fetch.java verify FILE SHA512 | download REPO_URL SETTINGS_XML ARTIFACT_PATH OUT SHA512");
    System.exit(2);
  }

  static boolean verify(Path file, String expected) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-512");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (actual.equalsIgnoreCase(expected.trim())) {
      return true;
    }
    System.err.println("mvnw: SHA-512 mismatch for " + file + "\n  expected " + expected.trim()
        + "\n  got      " + actual + "\nmvnw: refusing this file (corrupt download or wrong repository content).");
    return false;
  }

  static int download(String repoUrl, Path settings, String artifactPath, Path out, String sha512)
      throws Exception {
    String source = "MVNW_REPOURL";
    String user = System.getenv("MVNW_USERNAME");
    String password = System.getenv("MVNW_PASSWORD");
    if (repoUrl.isBlank()) {
      Element mirror = firstMirror(settings);
      String url = mirror == null ? "" : text(mirror, "url");
      if (url.isBlank()) {
        System.err.println("mvnw: no repository to download Maven from. Set MVNW_REPOURL to a Maven"
            + " repository URL (your Maven Central mirror, e.g. MVNW_REPOURL=https://<host>/maven2), or add"
            + " a <mirror><url> to " + settings + ", or put any Maven 3.6.3+ on PATH.");
        return 3;
      }
      repoUrl = url;
      source = "the first <mirror> of " + settings;
      if (user == null) {
        Element server = server(settings, text(mirror, "id"));
        if (server != null && !text(server, "password").startsWith("{")) {
          user = text(server, "username");
          password = text(server, "password");
        }
      }
    }
    URI uri = URI.create(repoUrl.replaceAll("/+$", "") + "/" + artifactPath);
    System.err.println("mvnw: downloading " + uri + " (repository from " + source + ")");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
    if (user != null && !user.isEmpty()) {
      String token = user + ":" + (password == null ? "" : password);
      request.header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    }
    HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
    Path part = out.resolveSibling(out.getFileName() + ".part");
    try {
      HttpResponse<Path> response = client.send(request.build(), HttpResponse.BodyHandlers.ofFile(part));
      if (response.statusCode() != 200) {
        System.err.println("mvnw: " + uri + " answered HTTP " + response.statusCode());
        return 1;
      }
      if (!verify(part, sha512)) {
        return 1;
      }
      Files.move(part, out, StandardCopyOption.REPLACE_EXISTING);
      return 0;
    } catch (IOException e) {
      System.err.println("mvnw: downloading " + uri + " failed: " + e);
      return 1;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  private static Document settingsDocument(Path settings) throws Exception {
    if (!Files.isRegularFile(settings)) {
      return null;
    }
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(settings.toFile());
  }

  private static Element firstMirror(Path settings) throws Exception {
    Document doc = settingsDocument(settings);
    NodeList mirrors = doc == null ? null : doc.getElementsByTagName("mirror");
    return mirrors == null || mirrors.getLength() == 0 ? null : (Element) mirrors.item(0);
  }

  private static Element server(Path settings, String id) throws Exception {
    Document doc = settingsDocument(settings);
    NodeList servers = doc == null ? null : doc.getElementsByTagName("server");
    for (int i = 0; servers != null && i < servers.getLength(); i++) {
      Element server = (Element) servers.item(i);
      if (text(server, "id").equals(id)) {
        return server;
      }
    }
    return null;
  }

  private static final Pattern ENV = Pattern.compile("\\$\\{env\\.([A-Za-z0-9_]+)}");

  /** The trimmed text of the first child element named {@code name}, ${env.X} expanded; "" if none. */
  private static String text(Element parent, String name) {
    NodeList children = parent.getElementsByTagName(name);
    if (children.getLength() == 0) {
      return "";
    }
    Matcher m = ENV.matcher(children.item(0).getTextContent().trim());
    StringBuilder expanded = new StringBuilder();
    while (m.find()) {
      String value = System.getenv(m.group(1));
      m.appendReplacement(expanded, Matcher.quoteReplacement(value == null ? "" : value));
    }
    return m.appendTail(expanded).toString();
  }
}
