package biz.vulcantracker.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A live WebSocket of a node's site, keeping every whole message it gets (a message may come in several frames). */
record LiveMessages(WebSocket socket, List<String> messages) {

  static LiveMessages open(int httpPort, String site, String reportKey) {
    List<String> messages = new CopyOnWriteArrayList<>();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("vulcan-live", reportKey).buildAsync(
        URI.create("ws://127.0.0.1:" + httpPort + "/api/v1/sites/" + site + "/live"),
        new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              messages.add(partial.toString());
              partial.setLength(0);
            }
            webSocket.request(1);
            return null;
          }
        }).join();
    return new LiveMessages(socket, messages);
  }
}
