package example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The inventory sample service: /, /healthz, /metrics, and POST /admin/faults?percent=N. */
public final class Server {
    private final Metrics metrics = new Metrics();
    private final Faults faults;
    private final HttpServer http;

    public Server(String host, int port, int failPercent) throws IOException {
        faults = new Faults(failPercent);
        http = HttpServer.create(new InetSocketAddress(host, port), 0);
        http.createContext("/", this::handle);
        http.setExecutor(Executors.newFixedThreadPool(4));
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public void start() {
        http.start();
    }

    public void stop() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/metrics")) {
            send(exchange, 200, "text/plain; version=0.0.4", metrics.render());
            return;
        }
        if (path.equals("/admin/faults") && method.equals("POST")) {
            String query = exchange.getRequestURI().getQuery();
            try {
                faults.set(Integer.parseInt(query == null ? "" : query.replace("percent=", "")));
                send(exchange, 204, "text/plain", "");
            } catch (IllegalArgumentException e) {
                send(exchange, 400, "text/plain", "percent must be 0..100\n");
            }
            return;
        }
        int code;
        String body;
        if (path.equals("/healthz")) {
            code = 200;
            body = "ok\n";
        } else if (!path.equals("/")) {
            code = 404;
            body = "not found\n";
        } else if (faults.nextFails()) {
            code = 500;
            body = "injected fault\n";
        } else {
            code = 200;
            body = "{\"service\":\"inventory\",\"items\":3}\n";
        }
        send(exchange, code, code == 200 && path.equals("/") ? "application/json" : "text/plain", body);
        metrics.observe(method, path, code, (System.nanoTime() - started) / 1e9);
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static void main(String[] args) throws IOException {
        String host = System.getenv().getOrDefault("HOST", "0.0.0.0");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        int fail = Integer.parseInt(System.getenv().getOrDefault("FAIL_PERCENT", "0"));
        Server server = new Server(host, port, fail);
        server.start();
        System.out.println("inventory listening on " + host + ":" + server.port());
    }
}
